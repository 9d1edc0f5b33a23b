import type { Value } from '../values/index.js';
import { UNIX_EPOCH_TICKS } from '../values/index.js';

/**
 * Datetimes in a tick vector are ticks after 2020-01-01 (timespans are their ticks): a double holds
 * an integer exactly up to 2^53, so datetimes from about 1991 to 2048 and timespans up to about 28
 * years have exact doubles; a column with any other value (or a null) has no tick vector.
 */
export const TICK_VECTOR_BASE = UNIX_EPOCH_TICKS + 1_577_836_800n * 10_000_000n;

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const cache = new WeakMap<readonly Value[], Float64Array | null>();

/**
 * The ticks of a datetime or timespan column as exact doubles (see TICK_VECTOR_BASE), or undefined
 * when a value is null or out of that range. Made once per column array and kept while the array
 * lives: a table's datetime column serves every query that compares it on doubles (pair-filter.ts).
 */
export function tickVector(
  values: readonly Value[],
  type: 'datetime' | 'timespan',
): Float64Array | undefined {
  let vector = cache.get(values);
  // A column array that grew since (a builder appending after build) gets a new vector.
  if (vector === undefined || (vector && vector.length !== values.length)) {
    vector = ticksOf(values, type === 'datetime' ? TICK_VECTOR_BASE : 0n);
    cache.set(values, vector);
  }
  return vector ?? undefined;
}

function ticksOf(values: readonly Value[], base: bigint): Float64Array | null {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'bigint') return null;
    const x = v - base;
    if (x > SAFE || x < -SAFE) return null;
    out[i] = Number(x);
  }
  return out;
}

/** The rows at `indices` of a tick vector. */
export function gatherTicks(vector: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = vector[indices[i]];
  return out;
}
