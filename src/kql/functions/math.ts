import { dynamicNumber, type Json, NON_FINITE_TEXT, UnsupportedError, type Value } from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

/** A numeric argument (numbers inside dynamic included); null otherwise. */
export function num(v: Value): number | null {
  return typeof v === 'number' ? v : (dynamicNumber(v) ?? null);
}

function unary(f: (x: number) => number): ScalarImpl {
  return ([v]) => {
    const x = num(v);
    return x === null ? null : f(x);
  };
}

/**
 * sqrt/log/log2/log10: null for a negative argument, as their pages say
 * (https://learn.microsoft.com/kusto/query/sqrt-function, …/log-function). A NaN argument is neither
 * negative nor unconvertible, and the pages do not say whether it gives NaN (as .NET's Math does) or
 * null: refused.
 */
function nullBelowZero(name: string, f: (x: number) => number): ScalarImpl {
  return ([v]) => {
    const x = num(v);
    if (x === null || x < 0) return null;
    if (Number.isNaN(x))
      throw new UnsupportedError(
        `${name}(NaN)`,
        `${name}() of NaN: the page does not say whether it is NaN or null`,
      );
    return f(x);
  };
}

function binary(f: (x: number, y: number) => number): ScalarImpl {
  return ([a, b]) => {
    const x = num(a);
    const y = num(b);
    return x === null || y === null ? null : f(x, y);
  };
}

/**
 * x * 10^precision as it may be read near a tie: by its decimal digits, or as the binary product;
 * a negative precision also as x / 10^-precision (10^-1 is not exact in binary). The page's
 * round(2.15, 1) = 2.2 rules out x / 10^-1 for a positive precision (2.15 / 0.1 = 21.4999…).
 */
function scalings(x: number, precision: number): number[] {
  const product = x * 10 ** precision;
  const readings = [Number(product.toPrecision(15)), product];
  return precision < 0 ? [...readings, x / 10 ** -precision] : readings;
}

const halfAwayFromZero = (s: number) => Math.sign(s) * Math.round(Math.abs(s));

function halfToEven(s: number): number {
  const floor = Math.floor(s);
  const fraction = s - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * round(x, precision) (https://learn.microsoft.com/kusto/query/round-function). The page's examples
 * (round(2.15, 1) = 2.2, round(21.5, -1) = 20, round(-50.55, -2) = -100) decide no tie: away from
 * zero and to even agree on each, and whether Kusto reads 2.15 by its decimal digits or its binary
 * value (2.1499…) is not said either. So a value whose result depends on those choices (round(2.5),
 * round(-2.5), round(0.125, 2), round(1.005, 2)) is refused; every other value has one answer.
 */
function roundDecided(x: number, precision: number): number {
  // Every double of this magnitude is a whole number: rounding at this scale changes nothing.
  if (Math.abs(x * 10 ** precision) >= 2 ** 52) return x;
  const results = new Set<number>();
  for (const scaled of scalings(x, precision)) {
    results.add(halfAwayFromZero(scaled));
    results.add(halfToEven(scaled));
  }
  if (results.size > 1)
    throw new UnsupportedError(
      'round() of a halfway value',
      `round(${x}, ${precision}): the value is halfway between two results (or within a binary ` +
        'rounding error of it), and the round page does not say which way such a tie goes',
    );
  const [rounded] = results;
  return rounded / 10 ** precision;
}

const round: ScalarImpl = ([v, p], [t]) => {
  if (typeof v === 'bigint') return v;
  const x = num(v);
  if (x === null) return null;
  const precision = num(p ?? 0) ?? 0;
  // The page's precision is a whole number of digits; a fraction (which Kusto.Language binds) has no
  // documented meaning.
  if (!Number.isInteger(precision))
    throw new UnsupportedError(
      'round() with a fractional precision',
      `round() with the precision ${precision}, which is not a whole number of digits`,
    );
  if (!Number.isFinite(x) || ((t === 'int' || t === 'long') && precision >= 0)) return x;
  // Beyond a double's 10^±308 the scale itself overflows (10 ** 400 is inf, 10 ** -400 is 0, and the
  // engine answered NaN): every finite double is already whole at 400 digits after the point, and
  // rounds to 0 at 400 digits before it, whichever way ties go.
  if (precision > 330) return x;
  if (precision < -330) return x * 0;
  return roundDecided(x, precision);
};

/** 64-bit two's complement integer ops; Kusto's long is signed 64-bit. */
function bitwise(f: (x: bigint, y: bigint) => bigint): ScalarImpl {
  return (args) => {
    if (args.some((a) => typeof a !== 'number')) return null;
    const [x, y] = args.map((a) => BigInt(Math.trunc(a as number)));
    return Number(BigInt.asIntN(64, f(x, y ?? 0n)));
  };
}

/**
 * binary_shift_left/right(value, shift): "value << (shift%64)" and "If n is negative, a NULL value is
 * returned" (https://learn.microsoft.com/kusto/query/binary-shift-left-function, -right-function).
 * n names no parameter: a negative shift is null on either reading, a negative value with a
 * non-negative shift is null if n is the value and shifted if it is the shift, so it is refused.
 */
function bitShift(construct: string, f: (x: bigint, y: bigint) => bigint): ScalarImpl {
  const shifted = bitwise((x, y) => f(x, y % 64n));
  return (args, ...rest) => {
    const [value, by] = args.map((a) => (typeof a === 'number' ? Math.trunc(a) : null));
    if (value === null || by === null) return null;
    if (by < 0) return null;
    if (value < 0)
      throw new UnsupportedError(
        `${construct} of a negative value`,
        `${construct} of a negative value: the page returns null "if n is negative" without saying whether n is the value or the shift; refusing rather than guessing`,
      );
    return shifted(args, ...rest);
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

/**
 * series_sum(series) / array_sum(array): the sum of a numeric array as a real
 * (https://learn.microsoft.com/kusto/query/series-sum-function). The array_sum page says "If the
 * array contains elements of non-numeric types, the result is null"; neither page says what an
 * empty array, a null element or a value that is not an array gives, so those are refused, as is
 * the text a real NaN/∞ is held as inside a dynamic (a number or a string: not known here).
 */
const sumArray: ScalarImpl = ([v]) => {
  if (v === null) return null;
  const refuse = (what: string): never => {
    throw new UnsupportedError(
      `series_sum() of ${what}`,
      `series_sum()/array_sum() of ${what}: not documented`,
    );
  };
  if (!Array.isArray(v)) return refuse('a value that is not an array');
  const elements = v as Json[];
  if (elements.some((x) => typeof x === 'string' && NON_FINITE_TEXT.has(x))) refuse('a NaN or infinity');
  if (elements.some((x) => x !== null && typeof x !== 'number')) return null;
  if (elements.length === 0) refuse('an empty array');
  if (elements.includes(null)) refuse('an array with a null element');
  return (elements as number[]).reduce((a, b) => a + b, 0);
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
  sqrt: nullBelowZero('sqrt', Math.sqrt),
  exp: unary(Math.exp),
  exp2: unary((x) => 2 ** x),
  exp10: unary((x) => 10 ** x),
  log: nullBelowZero('log', Math.log),
  log2: nullBelowZero('log2', Math.log2),
  log10: nullBelowZero('log10', Math.log10),
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
  binary_shift_left: bitShift('binary_shift_left()', (x, y) => x << y),
  binary_shift_right: bitShift('binary_shift_right()', (x, y) => x >> y),
  array_sum: sumArray,
  // array_sum is the deprecated alias of series_sum (Kusto.Language marks it obsolete in its favour).
  series_sum: sumArray,
  series_product: productArray,
};
