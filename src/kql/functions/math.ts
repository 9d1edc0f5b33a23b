import { type Json, UnsupportedError, type Value } from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

/** A numeric argument (numbers inside dynamic included); null otherwise. */
export function num(v: Value): number | null {
  return typeof v === 'number' ? v : null;
}

function unary(f: (x: number) => number, nanIsNull = false): ScalarImpl {
  return ([v]) => {
    const x = num(v);
    if (x === null) return null;
    const r = f(x);
    return nanIsNull && Number.isNaN(r) ? null : r;
  };
}

function binary(f: (x: number, y: number) => number): ScalarImpl {
  return ([a, b]) => {
    const x = num(a);
    const y = num(b);
    return x === null || y === null ? null : f(x, y);
  };
}

/** round(x, precision): halves round away from zero, like Kusto's round(2.5) == 3. */
function roundHalfAway(x: number, precision: number): number {
  const factor = 10 ** precision;
  const scaled = Math.abs(x) * factor;
  // Correct for binary representation (1.005 * 100 = 100.49999...) before rounding.
  const rounded = Math.round(Number(scaled.toPrecision(15)));
  return (Math.sign(x) * rounded) / factor;
}

const round: ScalarImpl = ([v, p], [t]) => {
  if (typeof v === 'bigint') return v;
  const x = num(v);
  if (x === null) return null;
  const precision = num(p ?? 0) ?? 0;
  if (t === 'int' || t === 'long') return precision >= 0 ? x : roundHalfAway(x, precision);
  return roundHalfAway(x, precision);
};

/** 64-bit two's complement integer ops; Kusto's long is signed 64-bit. */
function bitwise(f: (x: bigint, y: bigint) => bigint): ScalarImpl {
  return (args) => {
    if (args.some((a) => typeof a !== 'number')) return null;
    const [x, y] = args.map((a) => BigInt(Math.trunc(a as number)));
    return Number(BigInt.asIntN(64, f(x, y ?? 0n)));
  };
}

const abs: ScalarImpl = ([v]) => {
  if (typeof v === 'bigint') return v < 0n ? -v : v;
  const x = num(v);
  return x === null ? null : Math.abs(x);
};

const sign: ScalarImpl = ([v]) => {
  if (typeof v === 'bigint') return v > 0n ? 1 : v < 0n ? -1 : 0;
  const x = num(v);
  return x === null ? null : Math.sign(x);
};

const refuseRandom: ScalarImpl = () => {
  throw new UnsupportedError('rand()', 'rand() is not supported: rule tests must be deterministic');
};

const sumArray: ScalarImpl = ([v]) => {
  if (!Array.isArray(v)) return null;
  const nums = (v as Json[]).filter((x): x is number => typeof x === 'number');
  return nums.length === 0 ? null : nums.reduce((a, b) => a + b, 0);
};

/**
 * series_product(series): the product of a numeric array, as a real
 * (https://learn.microsoft.com/kusto/query/series-product-function). The page pins only arrays of
 * numbers; an empty array, a non-numeric element or a non-array input is refused.
 */
const productArray: ScalarImpl = ([v]) => {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number'))
    throw new UnsupportedError('series_product() of anything but a non-empty array of numbers');
  return (v as number[]).reduce((a, b) => a * b, 1);
};

/**
 * around(value, center, delta): whether value lies in [center - delta, center + delta]; null when
 * any argument is null (https://learn.microsoft.com/kusto/query/around-function). Datetimes and
 * timespans are ticks, so the same comparison applies.
 */
const around: ScalarImpl = ([value, center, delta]) => {
  if (typeof value === 'bigint' && typeof center === 'bigint' && typeof delta === 'bigint')
    return value >= center - delta && value <= center + delta;
  const [v, c, d] = [num(value), num(center), num(delta)];
  if (v === null || c === null || d === null) return null;
  return v >= c - d && v <= c + d;
};

export const mathFunctions: FunctionTable = {
  around,
  abs,
  sign,
  round,
  ceiling: unary(Math.ceil),
  // sqrt/log of a negative number is null in Kusto, not NaN.
  sqrt: unary((x) => (x < 0 ? Number.NaN : Math.sqrt(x)), true),
  exp: unary(Math.exp),
  exp2: unary((x) => 2 ** x),
  exp10: unary((x) => 10 ** x),
  log: unary(Math.log, true),
  log2: unary(Math.log2, true),
  log10: unary(Math.log10, true),
  pow: binary((x, y) => x ** y),
  pi: () => Math.PI,
  cos: unary(Math.cos),
  sin: unary(Math.sin),
  tan: unary(Math.tan),
  acos: unary(Math.acos),
  asin: unary(Math.asin),
  atan: unary(Math.atan),
  atan2: binary(Math.atan2),
  cot: unary((x) => 1 / Math.tan(x)),
  degrees: unary((x) => (x * 180) / Math.PI),
  radians: unary((x) => (x * Math.PI) / 180),
  isnan: ([v]) => typeof v === 'number' && Number.isNaN(v),
  isinf: ([v]) => typeof v === 'number' && (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY),
  isfinite: ([v]) => typeof v === 'number' && Number.isFinite(v),
  binary_and: bitwise((x, y) => x & y),
  binary_or: bitwise((x, y) => x | y),
  binary_xor: bitwise((x, y) => x ^ y),
  binary_not: bitwise((x) => ~x),
  binary_shift_left: bitwise((x, y) => x << y),
  binary_shift_right: bitwise((x, y) => x >> y),
  array_sum: sumArray,
  // array_sum is the deprecated alias of series_sum (Kusto.Language marks it obsolete in its favour).
  series_sum: sumArray,
  series_product: productArray,
  rand: refuseRandom,
};
