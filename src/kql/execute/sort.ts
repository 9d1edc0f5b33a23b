import type { SortKey } from '../plan/types.js';
import type { KqlType, Value } from '../values/index.js';
import type { Frame } from './frame.js';
import { compileScalar, type Env } from './scalar.js';

/**
 * Total order of two non-null values of one type. Strings compare ordinally, by UTF-16 code unit:
 * no page states sort's string order; the one that defines an order of strings, strcmp's, compares
 * "the first character that doesn't match" by its value and prints strcmp("abc", "ABC") = 1, which
 * a culture-aware order (lowercase first) would not give (https://learn.microsoft.com/kusto/query/strcmp-function).
 */
export function compareForSort(a: Value, b: Value, type: KqlType): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (type === 'dynamic') {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

/** Row indices of the frame in key order (stable for ties). */
export function sortedIndices(frame: Frame, keys: SortKey[], env: Env): number[] {
  const columns = keys.map((k) => {
    const f = compileScalar(k.expr, frame, env);
    const values: Value[] = new Array(frame.length);
    for (let i = 0; i < frame.length; i++) values[i] = f(i);
    return values;
  });
  const indices = Array.from({ length: frame.length }, (_, i) => i);
  indices.sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const { descending, nullsFirst, expr } = keys[k];
      const a = columns[k][x];
      const b = columns[k][y];
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === nullsFirst ? -1 : 1;
      }
      const c = compareForSort(a, b, expr.type);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
  return indices;
}
