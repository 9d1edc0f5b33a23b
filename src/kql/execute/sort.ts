import type { SortKey } from '../plan/types.js';
import { DynReal, dynamicNumber, type KqlType, type Value, WideDecimal } from '../values/index.js';
import type { Frame } from './frame.js';
import { compileScalar, type Env } from './scalar.js';

/**
 * Total order of two non-null values of one type. Strings compare ordinally, by UTF-16 code unit:
 * no page states sort's string order; the one that defines an order of strings, strcmp's, compares
 * "the first character that doesn't match" by its value and prints strcmp("abc", "ABC") = 1, which
 * a culture-aware order (lowercase first) would not give (https://learn.microsoft.com/kusto/query/strcmp-function).
 */
export function compareForSort(a: Value, b: Value, type: KqlType): number {
  // A decimal a double cannot hold (values/wideDecimal.ts) against another decimal: exactly.
  if (type === 'decimal' && (a instanceof WideDecimal || b instanceof WideDecimal)) {
    const x = a instanceof WideDecimal ? a.digits : (a as number);
    const y = b instanceof WideDecimal ? b.digits : (b as number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (type === 'dynamic') {
    // A whole real (boxed) sorts among the numbers by its value.
    if (a instanceof DynReal || b instanceof DynReal) {
      const m = dynamicNumber(a);
      const n = dynamicNumber(b);
      if (m !== undefined && n !== undefined) return compareForSort(m, n, 'real');
    }
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

/** 2 for null, 1 for NaN, 0 for any other value. */
function missingRank(v: Value): number {
  if (v === null) return 2;
  return typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

/**
 * Order of two values of one sort key. Null and NaN are grouped apart from the other values, null
 * outermost, whatever the direction: nulls first gives null, NaN, values; nulls last gives values,
 * NaN, null (https://learn.microsoft.com/kusto/query/sort-operator, "Using special floating-point values").
 */
export function compareSortKey(
  a: Value,
  b: Value,
  type: KqlType,
  descending: boolean,
  nullsFirst: boolean,
): number {
  const ra = missingRank(a);
  const rb = missingRank(b);
  if (ra !== 0 || rb !== 0) return nullsFirst ? rb - ra : ra - rb;
  const c = compareForSort(a, b, type);
  return descending ? -c : c;
}

/**
 * Row indices of the frame in key order (stable for ties), and the comparison of two rows by the
 * keys (0: tied), which top uses to find the rows tied across its cut (kept-rows.ts).
 */
export function sortOrder(
  frame: Frame,
  keys: SortKey[],
  env: Env,
): { indices: number[]; compare: (x: number, y: number) => number } {
  const columns = keys.map((k) => {
    const f = compileScalar(k.expr, frame, env);
    const values: Value[] = new Array(frame.length);
    for (let i = 0; i < frame.length; i++) values[i] = f(i);
    return values;
  });
  const compare = (x: number, y: number) => {
    for (let k = 0; k < keys.length; k++) {
      const { descending, nullsFirst, expr } = keys[k];
      const c = compareSortKey(columns[k][x], columns[k][y], expr.type, descending, nullsFirst);
      if (c !== 0) return c;
    }
    return 0;
  };
  const indices = Array.from({ length: frame.length }, (_, i) => i);
  indices.sort(compare);
  return { indices, compare };
}

/** Row indices of the frame in key order (stable for ties). */
export function sortedIndices(frame: Frame, keys: SortKey[], env: Env): number[] {
  return sortOrder(frame, keys, env).indices;
}
