import { UnsupportedError, type Value } from '../values/index.js';
import { compareValues } from './compare.js';
import type { FunctionTable, ScalarImpl } from './types.js';

/** Kusto strings are never null: '' plays the role of the missing value. */
const isEmptyValue = (v: Value) => v === null || v === '';

const iff: ScalarImpl = ([cond, then, otherwise]) => (cond === true ? then : otherwise);

const caseFn: ScalarImpl = (args) => {
  for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1];
  return args[args.length - 1];
};

/**
 * max_of/min_of (https://learn.microsoft.com/kusto/query/max-of-function), leaving nulls out: whether
 * a real NaN is left out too, wins or loses is not said, and the answer depends on it: refused.
 */
function extreme(sign: 1 | -1): ScalarImpl {
  const name = sign > 0 ? 'max_of' : 'min_of';
  return (args, types) => {
    let best: Value = null;
    let bestType = types[0];
    args.forEach((v, i) => {
      if (v === null) return;
      if (typeof v === 'number' && Number.isNaN(v))
        throw new UnsupportedError(
          `${name}() of NaN`,
          `${name}() of a NaN argument: the page does not say how NaN compares`,
        );
      const order = best === null ? sign : compareValues(v, types[i], best, bestType);
      if (order !== null && order * sign > 0) {
        best = v;
        bestType = types[i];
      }
    });
    return best;
  };
}

export const logicFunctions: FunctionTable = {
  iff,
  iif: iff,
  case: caseFn,
  coalesce: (args) => args.find((v) => !isEmptyValue(v)) ?? args[args.length - 1] ?? null,
  isempty: ([v]) => isEmptyValue(v),
  isnotempty: ([v]) => !isEmptyValue(v),
  isnull: ([v]) => v === null,
  isnotnull: ([v]) => v !== null,
  not: ([v]) => (v === null ? null : !v),
  max_of: extreme(1),
  min_of: extreme(-1),
};
