// percentilew(), percentilesw(), percentilesw_array()
// (https://learn.microsoft.com/kusto/query/percentilesw-aggregation-function): each value counts as
// many times as its weight, then the nearest-rank percentile is taken, as percentile() does here
// (aggregates.ts: Kusto estimates with T-Digest; the page's example is the nearest rank).
import { UnsupportedError } from '../plan/errors.js';
import type { AggregateCall } from '../plan/types.js';
import { type Value, valueToDynamic } from '../values/index.js';
import type { Accumulator } from './aggregates.js';
import type { RowFn } from './scalar.js';
import { compareForSort } from './sort.js';

/**
 * The constant percentages of a percentile call: numbers, or for the *_array forms one dynamic array
 * of them (percentiles page, "Dynamic array of percentiles").
 */
export function percentages(args: RowFn[], call: AggregateCall): number[] {
  const percents = args.flatMap((p) => {
    const v = p(0);
    return Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? x : Number.NaN)) : [Number(v)];
  });
  if (percents.some((p) => !Number.isFinite(p) || p < 0 || p > 100))
    throw new UnsupportedError(
      `${call.fn}()`,
      call.span,
      `${call.fn}(): a percentage that is not a number in 0..100`,
    );
  return percents;
}

/** The factory for one of the three functions: one column, a column per percentage, or an array. */
export function weightedPercentile(multi: 'one' | 'columns' | 'array') {
  return (args: RowFn[], call: AggregateCall) => {
    const [value, weight, ...percentArgs] = args;
    const type = call.args[0].type;
    const percents = percentages(percentArgs, call);
    return (): Accumulator => {
      const entries: { value: Value; weight: number }[] = [];
      return {
        add: (i) => {
          const v = value(i);
          if (v === null) return;
          const w = weight(i);
          // The page types the weight as long; how Kusto treats a null, negative or fractional
          // weight is not documented.
          if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 0)
            throw new UnsupportedError(
              `${call.fn}()`,
              call.span,
              `${call.fn}(): a weight that is not a whole number ≥ 0`,
            );
          if (w > 0) entries.push({ value: v, weight: w });
        },
        result: () => {
          entries.sort((a, b) => compareForSort(a.value, b.value, type));
          const total = entries.reduce((sum, e) => sum + e.weight, 0);
          const pick = (p: number): Value => {
            if (total === 0) return null;
            const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
            let seen = 0;
            for (const e of entries) {
              seen += e.weight;
              if (seen >= rank) return e.value;
            }
            return null;
          };
          const picked = percents.map(pick);
          if (multi === 'array') return [picked.map((v) => valueToDynamic(v, type))];
          return multi === 'one' ? [picked[0]] : picked;
        },
      };
    };
  };
}
