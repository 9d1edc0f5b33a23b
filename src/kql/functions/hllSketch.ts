/**
 * An exact stand-in for Kusto's HyperLogLog sketches (hll(), hll_if(), hll_merge(); read by
 * dcount_hll()). Kusto's sketch is an encoding the engine cannot reproduce (the hll page prints
 * `[[1024,14],["3803688792395291579"],[]]`), but what dcount_hll() reads from it is exact within the
 * perfect-count limits of the estimation-accuracy section (https://learn.microsoft.com/kusto/query/dcount-hll-function):
 * up to 1000 values at accuracy 1 (the default), 8000 at accuracy 2. So the stand-in keeps the set
 * of distinct values, and lower/sketches.ts refuses any query where a sketch could reach anything
 * but these functions (the output, a comparison, tostring(), ...), where it would print differently.
 */
import { type Json, type KqlType, UnsupportedError, type Value } from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

/** The stand-in: accuracy level, the type of the values counted, and their distinct keys. */
export interface HllSketch {
  $hll: number;
  type: KqlType;
  keys: string[];
}

// dcount and hll: "If unspecified, the default accuracy is 1" (hll page); perfect counts per level.
export const DEFAULT_ACCURACY = 1;
const PERFECT_COUNT: Record<number, number> = { 1: 1000, 2: 8000 };

/** The count dcount_hll() reads, or a refusal beyond the documented perfect count. */
export function perfectCount(n: number, accuracy: number, fn: string): number {
  const limit = PERFECT_COUNT[accuracy] ?? 1;
  if (n > limit)
    throw new UnsupportedError(
      `${fn}()`,
      `${fn}() of ${n} distinct values: Kusto's HyperLogLog counts exactly only up to ${limit} at accuracy ` +
        `level ${accuracy}; refusing rather than answering a different count`,
    );
  return n;
}

/** A value's key among those of its type (as dcount groups them). */
export function sketchKey(value: Exclude<Value, null>, type: KqlType): string {
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value === 'object' || type === 'dynamic'
    ? `j${JSON.stringify(value)}`
    : `${typeof value}${value}`;
}

export function sketchOf(accuracy: number, type: KqlType, keys: Iterable<string>): Value {
  return { $hll: accuracy, type, keys: [...keys] } as unknown as Json;
}

function readSketch(value: Value, fn: string): HllSketch {
  const sketch = value as unknown as HllSketch | null;
  if (!sketch || typeof sketch !== 'object' || typeof sketch.$hll !== 'number' || !Array.isArray(sketch.keys))
    throw new UnsupportedError(`${fn}()`, `${fn}() of a value that is not an hll() result of this query`);
  return sketch;
}

/**
 * The union of sketches. Sketches of different accuracies cannot be merged (hll_merge page);
 * of different value types, whether Kusto's hashes make equal numbers of two types one value is
 * not documented: both are refused.
 */
export function mergeSketches(values: Value[], fn: string): Value {
  const sketches = values.map((v) => readSketch(v, fn));
  const [first] = sketches;
  if (!first) throw new UnsupportedError(`${fn}()`, `${fn}() of no hll() values is not documented`);
  if (sketches.some((s) => s.$hll !== first.$hll))
    throw new UnsupportedError(`${fn}()`, `${fn}() of hll values created with different accuracy levels`);
  if (sketches.some((s) => s.type !== first.type))
    throw new UnsupportedError(`${fn}()`, `${fn}() of hll values over different types (not documented)`);
  const keys = new Set<string>();
  for (const s of sketches) for (const k of s.keys) keys.add(k);
  return sketchOf(first.$hll, first.type, keys);
}

const dcountHll: ScalarImpl = ([value]) => {
  const sketch = readSketch(value, 'dcount_hll');
  return perfectCount(sketch.keys.length, sketch.$hll, 'dcount_hll');
};

/**
 * $hll_intersect(h1, ..., hk): the distinct count of S1 ∩ ... ∩ Sk, for the dcount_intersect plugin.
 * Exact while the union of the sets is within the perfect count (every set operation is then over
 * exact sets; the plugin page's example, 50/16/3 at accuracy 2, is such a case).
 */
const intersect: ScalarImpl = (values) => {
  const fn = 'dcount_intersect';
  const merged = mergeSketches(values, fn) as unknown as HllSketch;
  perfectCount(merged.keys.length, merged.$hll, fn);
  const [first, ...rest] = values.map((v) => new Set(readSketch(v, fn).keys));
  let n = 0;
  for (const key of first) if (rest.every((set) => set.has(key))) n++;
  return n;
};

export const hllFunctions: FunctionTable = {
  $hll_intersect: intersect,
  dcount_hll: dcountHll,
  hll_merge: (values) => mergeSketches(values, 'hll_merge'),
};
