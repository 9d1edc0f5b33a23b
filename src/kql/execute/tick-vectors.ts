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

const TWO_32 = 2 ** 32;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The tick vector (see tickVector) of a column stored as 64-bit ticks (columnar.ts), or undefined
 * when a value is out of the exact range. Read as 32-bit halves, so no bigint is made per row: the
 * difference from the base is (high - baseHigh) * 2^32 + (low - baseLow), each part an exact double,
 * and their sum exact whenever its magnitude is at most 2^53 - 1 (a larger sum, rounded, is still
 * larger, and rejected).
 */
export function int64TickVector(
  ticks: BigInt64Array,
  type: 'datetime' | 'timespan',
): Float64Array | undefined {
  // Kept while the column lives, as tickVector keeps its own: every query comparing or binning the
  // column reads it (a backtest window's column is a view of its own, dropped with the window).
  const cache = int64Cache[type];
  const cached = cache.get(ticks);
  if (cached !== undefined) return cached ?? undefined;
  const vector = int64Ticks(ticks, type === 'datetime' ? TICK_VECTOR_BASE : 0n);
  cache.set(ticks, vector ?? null);
  return vector;
}

const int64Cache = {
  datetime: new WeakMap<BigInt64Array, Float64Array | null>(),
  timespan: new WeakMap<BigInt64Array, Float64Array | null>(),
};

function int64Ticks(ticks: BigInt64Array, base: bigint): Float64Array | undefined {
  const out = new Float64Array(ticks.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < ticks.length; i++) {
      const x = ticks[i] - base;
      if (x > SAFE || x < -SAFE) return undefined;
      out[i] = Number(x);
    }
    return out;
  }
  const high = new Int32Array(ticks.buffer, ticks.byteOffset, 2 * ticks.length);
  const low = new Uint32Array(ticks.buffer, ticks.byteOffset, 2 * ticks.length);
  const baseHigh = Number(BigInt.asIntN(32, base >> 32n));
  const baseLow = Number(BigInt.asUintN(32, base));
  for (let i = 0; i < ticks.length; i++) {
    const x = (high[2 * i + 1] - baseHigh) * TWO_32 + (low[2 * i] - baseLow);
    if (!(Math.abs(x) <= Number.MAX_SAFE_INTEGER)) return undefined;
    out[i] = x;
  }
  return out;
}

/** The rows at `indices` of a tick vector. */
export function gatherTicks(vector: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = vector[indices[i]];
  return out;
}

/**
 * floor(t / step) of each row's ticks t (bin()'s bin number, datetimes counted from 0001-01-01) read
 * from a tick vector with no bigint per row, or undefined when some row's number could be inexact
 * (a step under ~2^12 ticks numbers datetime bins beyond 2^53).
 * With base = q0 * step + r0, floor(t / step) = q0 + floor((x + r0) / step) for the vector's x = t -
 * base, and x + r0 stays an integer of magnitude at most 2^53 - 1 (floorQuotient).
 */
export function tickBinNumbers(
  vector: Float64Array,
  type: 'datetime' | 'timespan',
  step: bigint,
): ((i: number) => number) | undefined {
  const base = type === 'datetime' ? TICK_VECTOR_BASE : 0n;
  if (step <= 0n || step > 2n ** 50n) return undefined;
  let q0 = base / step;
  if (q0 * step > base) q0 -= 1n;
  const r0 = Number(base - q0 * step);
  const s = Number(step);
  const origin = Number(q0);
  let low = 0;
  let high = 0;
  for (let i = 0; i < vector.length; i++) {
    if (vector[i] < low) low = vector[i];
    if (vector[i] > high) high = vector[i];
  }
  const limit = Number.MAX_SAFE_INTEGER;
  if (!(high + r0 <= limit && low + r0 >= -limit)) return undefined;
  // The numbers themselves must be exact: a step this small numbers bins beyond 2^53.
  if (Math.abs(origin) + (Math.max(-low, high) + r0) / s + 2 > Number.MAX_SAFE_INTEGER) return undefined;
  return (i) => origin + floorQuotient(vector[i] + r0, s);
}

/**
 * floor(a / s) for integers a and s > 0 with |a| <= 2^53 - 1, from the double division: a quotient
 * that is not an integer lies at least 1/s from one, while the division's rounding error is at most
 * half an ulp of |a / s|, below 2^53 / s * 2^-53 = 1/s, so rounding never reaches the next integer.
 */
export function floorQuotient(a: number, s: number): number {
  return Math.floor(a / s);
}
