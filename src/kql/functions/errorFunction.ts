/**
 * erf() and erfc(), the error function and its complement (https://learn.microsoft.com/kusto/query/erf-function,
 * erfc-function; both pages print x = -3..3 to 15 significant digits). The service's numeric library is
 * not named, so the values are computed to full double precision: erf by its series of positive terms
 * (no cancellation), erfc by its continued fraction, each taken from the other only where the
 * subtraction loses no digits (erfc(3) = 2.2e-5 is not computed as 1 - erf(3)).
 */
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// erf by its series below 2 (then 1 - erfc); erfc by its continued fraction from 1/2 (below, 1 - erf).
const SERIES_LIMIT = 2;
const CONTINUED_FRACTION_FROM = 0.5;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * e^(-x²) without the rounding of x² (whose error e^(-x²) would magnify x²-fold): x = z + d with z
 * on a 1/4096 grid, so z² is exact, and e^(-x²) = e^(-z²) · e^(-d(x + z)).
 */
function expMinusSquare(x: number): number {
  const z = Math.floor(x * 4096) / 4096;
  return Math.exp(-z * z) * Math.exp(-(x - z) * (x + z));
}

/** erf(x) = 2/√π · e^(-x²) · Σ 2^n x^(2n+1) / (1·3·…·(2n+1)), for 0 <= x < 2. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * Number.EPSILON; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
}

/**
 * erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), for x >= 1/2, evaluated from the
 * bottom up (stable); the truncation error falls as e^(-2x·√(2n)), so n = 250/x² terms leave it below
 * the last digit.
 */
function erfcContinuedFraction(x: number): number {
  if (x === Number.POSITIVE_INFINITY) return 0;
  let tail = 0;
  for (let n = Math.ceil(250 / (x * x)) + 20; n >= 1; n--) tail = n / 2 / (x + tail);
  return expMinusSquare(x) / Math.sqrt(Math.PI) / (x + tail);
}

/** erfc for x >= 0. */
function erfcPositive(x: number): number {
  return x < CONTINUED_FRACTION_FROM ? 1 - erfSeries(x) : erfcContinuedFraction(x);
}

function erfOf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  const value = a < SERIES_LIMIT ? erfSeries(a) : 1 - erfcPositive(a);
  return x < 0 ? -value : value;
}

function erfcOf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x < 0 ? 2 - erfcPositive(-x) : erfcPositive(x);
}

const erf: ScalarImpl = ([v]) => {
  const x = num(v);
  return x === null ? null : erfOf(x);
};

const erfc: ScalarImpl = ([v]) => {
  const x = num(v);
  return x === null ? null : erfcOf(x);
};

export const errorFunctions: FunctionTable = { erf, erfc };
