/**
 * gamma, loggamma and the beta distribution (https://learn.microsoft.com/kusto/query/gamma-function,
 * loggamma-function, beta-cdf-function, beta-pdf-function, beta-inv-function). The service's numeric
 * library is not named, so values are computed to full double precision by standard methods (exact
 * factorials for whole arguments, the Lanczos approximation otherwise, the incomplete beta function's
 * continued fraction) and agree with the pages' printed digits; arguments where a library's choice
 * would show (poles of gamma, overflow) are refused. Out-of-domain answers follow the pages' printed
 * tables (NaN or null as each prints it).
 */
import { UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// Lanczos approximation, g = 7, nine coefficients (relative error below 1e-15 for x > 0.5).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const MAX_GAMMA = 171;

function refusePole(name: string, x: number): never {
  throw new UnsupportedError(
    `${name}(${x})`,
    `${name}() at ${x} is not supported: the service's answer at a pole or beyond the double range is not documented`,
  );
}

/** (n-1)! for a whole n in [1, 171]. */
function factorial(n: number): number {
  let product = 1;
  for (let k = 2; k < n; k++) product *= k;
  return product;
}

/** log|Γ(x)| for x > 0.5 by Lanczos. */
function lanczosLog(x: number): number {
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let k = 1; k < LANCZOS.length; k++) sum += LANCZOS[k] / (z + k);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function gammaOf(x: number): number {
  if (Number.isInteger(x) && x <= 0) refusePole('gamma', x);
  if (x > MAX_GAMMA) refusePole('gamma', x);
  if (Number.isInteger(x)) return factorial(x);
  // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaOf(1 - x));
  return Math.exp(lanczosLog(x));
}

function logGammaOf(x: number): number {
  if (Number.isInteger(x) && x <= 0) refusePole('loggamma', x);
  if (Number.isInteger(x) && x <= MAX_GAMMA) return Math.log(factorial(x));
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGammaOf(1 - x);
  return lanczosLog(x);
}

/** log B(a, b). */
function logBeta(a: number, b: number): number {
  return logGammaOf(a) + logGammaOf(b) - logGammaOf(a + b);
}

/**
 * x^p (1-x)^q / B(a, b). Through powers and gamma values while they stay in range, which keeps the
 * last digits (a sum of logs near 70 loses about 4 of them); through logs otherwise.
 */
function betaKernel(x: number, p: number, q: number, a: number, b: number): number {
  if (a + b <= MAX_GAMMA) {
    const value = (x ** p * (1 - x) ** q * gammaOf(a + b)) / (gammaOf(a) * gammaOf(b));
    if (Number.isFinite(value) && value > 1e-280) return value;
  }
  return Math.exp(p * Math.log(x) + q * Math.log(1 - x) - logBeta(a, b));
}

/** The continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) return h;
  }
  throw new UnsupportedError('beta_cdf()', 'beta_cdf() did not converge for these parameters');
}

/** The regularised incomplete beta function I_x(a, b), for 0 <= x <= 1 and a, b > 0. */
function betaCdf(x: number, a: number, b: number): number {
  if (x === 0 || x === 1) return x;
  const front = betaKernel(x, a, b, a, b);
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

function numbers(args: Value[]): number[] | null {
  const values = args.map(num);
  return values.every((v): v is number => v !== null) ? values : null;
}

/** A gamma argument; NaN is refused (whether the service answers NaN or null is not documented). */
function gammaArg(v: Value, name: string): number | null {
  const x = num(v);
  if (x !== null && Number.isNaN(x)) throw new UnsupportedError(`${name}() of NaN`);
  return x;
}

/**
 * The largest whole argument whose gamma the pages show to be the exact factorial: the functions
 * library's factorial_fl page prints gamma(2), gamma(5), gamma(8) as 1, 24, 5040 but gamma(11) as
 * 3628799, not 10! = 3628800, so the service's value there is not the exact factorial and its
 * digits are unknown (https://learn.microsoft.com/kusto/functions-library/factorial-fl).
 */
const MAX_EXACT_GAMMA = 10;

const gamma: ScalarImpl = ([v]) => {
  const x = gammaArg(v, 'gamma');
  if (x !== null && Number.isInteger(x) && x > MAX_EXACT_GAMMA)
    throw new UnsupportedError(
      `gamma(${x})`,
      `gamma() of a whole number above ${MAX_EXACT_GAMMA}: the factorial_fl page prints gamma(11) as 3628799, not 10!, so the service's digits there are unknown`,
    );
  return x === null ? null : gammaOf(x);
};

const loggamma: ScalarImpl = ([v]) => {
  const x = gammaArg(v, 'loggamma');
  return x === null ? null : logGammaOf(x);
};

const MAX_SHAPE = 10000;

/**
 * beta_cdf(x, alpha, beta): NaN when x is outside [0, 1] or a shape outside (0, 10000] (the page's
 * note and table agree); null for a non-numeric argument.
 */
const betaCdfImpl: ScalarImpl = (args) => {
  const values = numbers(args);
  if (!values) return null;
  const [x, a, b] = values;
  if (!(x >= 0 && x <= 1) || !(a > 0 && a <= MAX_SHAPE) || !(b > 0 && b <= MAX_SHAPE)) return Number.NaN;
  return betaCdf(x, a, b);
};

/** beta_pdf(x, alpha, beta): NaN when x is outside (0, 1) or a shape is not positive (note and table agree). */
const betaPdf: ScalarImpl = (args) => {
  const values = numbers(args);
  if (!values) return null;
  const [x, a, b] = values;
  if (!(x > 0 && x < 1) || !(a > 0) || !(b > 0)) return Number.NaN;
  return betaKernel(x, a - 1, b - 1, a, b);
};

/**
 * beta_inv(p, alpha, beta): the x with beta_cdf(x, alpha, beta) = p, found by bisection to the last
 * representable x. The page's note and its printed table disagree on out-of-range answers; the
 * table (p = 1.5 prints null, alpha = -1 prints NaN) is what the service returned, so it is followed
 * for those classes, and the ones only the note describes (p <= 0) are refused.
 */
const betaInv: ScalarImpl = (args) => {
  const values = numbers(args);
  if (!values) return null;
  const [p, a, b] = values;
  if (!(a > 0) || !(b > 0)) return Number.NaN;
  if (p > 1) return null;
  if (!(p > 0))
    throw new UnsupportedError(
      'beta_inv() of a probability <= 0',
      'beta_inv() of a probability <= 0 is not supported: its page says NaN where its table answers the similar p > 1 with null',
    );
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let mid = 0.5; mid > lo && mid < hi; mid = lo + (hi - lo) / 2) {
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return Math.abs(betaCdf(lo, a, b) - p) <= Math.abs(betaCdf(hi, a, b) - p) ? lo : hi;
};

export const statisticsFunctions: FunctionTable = {
  gamma,
  loggamma,
  beta_cdf: betaCdfImpl,
  beta_pdf: betaPdf,
  beta_inv: betaInv,
};
