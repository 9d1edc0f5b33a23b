/**
 * series_fit_poly(y_series [, x_series, degree]): least-squares polynomial regression
 * (https://learn.microsoft.com/kusto/query/series-fit-poly-function). The page fixes the parts an
 * answer depends on: x defaults to 1..length(y), degree to 1, the coefficients are ordered from the
 * highest power to the lowest, and with degree 1 the fit matches series_fit_line() (its Example 2),
 * so rsquare, variance and rvariance follow series_fit_line's conventions (1 - residual / total sum
 * of squares; both variances divide by n - 1). The components come in Kusto.Language's column order:
 * rsquare, coefficients, variance, rvariance, poly_fit.
 */
import { type Json, UnsupportedError, type Value } from '../values/index.js';
import { numbers } from './series.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const FN = 'series_fit_poly';

function refuse(what: string, why: string): never {
  throw new UnsupportedError(`${FN}() ${what}`, `${FN}(): ${why}`);
}

function degreeOf(value: Value | undefined): number {
  if (value === undefined) return 1;
  const degree = Number(value);
  if (value === null || !Number.isInteger(degree) || degree < 1)
    refuse(
      'degree',
      `degree ${String(value)} is not a whole number of at least 1, for which the page gives no answer`,
    );
  return degree;
}

/**
 * Least squares by Householder QR of the Vandermonde matrix (columns x^degree .. x^0), which keeps
 * the precision that solving the normal equations loses at high degrees, with one step of iterative
 * refinement (the residual's own least-squares correction) so that data lying exactly on a
 * polynomial gives its coefficients to the last digit or so. Returns the coefficients highest power
 * first, or undefined when the columns are linearly dependent (too few distinct x).
 */
function leastSquares(x: number[], y: number[], degree: number): number[] | undefined {
  const vandermonde = x.map((xi) => Array.from({ length: degree + 1 }, (_, j) => xi ** (degree - j)));
  const solve = householderSolver(vandermonde);
  if (!solve) return undefined;
  const coefficients = solve(y);
  const residual = y.map((yi, i) => yi - evaluate(coefficients, x[i]));
  const correction = solve(residual);
  return coefficients.map((c, j) => c + correction[j]);
}

/** Factors A once; the returned function solves min |A c - b| for any b. */
function householderSolver(matrix: number[][]): ((b: number[]) => number[]) | undefined {
  const a = matrix.map((row) => [...row]);
  const n = a.length;
  const m = a[0].length;
  const reflectors: number[][] = [];
  for (let k = 0; k < m; k++) {
    const v = a.slice(k).map((row) => row[k]);
    const norm = Math.hypot(...v);
    const scale = Math.max(...matrix.map((row) => Math.abs(row[k])));
    if (norm <= scale * n * Number.EPSILON * 16) return undefined;
    v[0] -= v[0] > 0 ? -norm : norm;
    reflectors.push(v);
    reflect(v, (i) => a[k + i], m, k);
  }
  return (b) => {
    const rhs = b.map((e) => [e]);
    for (const [k, v] of reflectors.entries()) reflect(v, (i) => rhs[k + i], 1, 0);
    const c = new Array<number>(m).fill(0);
    for (let k = m - 1; k >= 0; k--) {
      let sum = rhs[k][0];
      for (let j = k + 1; j < m; j++) sum -= a[k][j] * c[j];
      c[k] = sum / a[k][k];
    }
    return c;
  };
}

/** Applies I - 2vv'/v'v to columns from..width-1 of the rows row(0..). */
function reflect(v: number[], row: (i: number) => number[], width: number, from: number): void {
  const vv = v.reduce((s, e) => s + e * e, 0);
  for (let j = from; j < width; j++) {
    const dot = v.reduce((s, e, i) => s + e * row(i)[j], 0);
    for (let i = 0; i < v.length; i++) row(i)[j] -= (2 * dot * v[i]) / vv;
  }
}

/** Horner's rule over coefficients highest power first. */
const evaluate = (coefficients: number[], x: number) => coefficients.reduce((acc, c) => acc * x + c, 0);

/**
 * Degree 1 in series_fit_line's closed form (slope from the centred sums), so the two functions give
 * the same digits, as the page's Example 2 shows them doing.
 */
function line(x: number[], y: number[]): number[] | undefined {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return [slope, my - slope * mx];
}

const seriesFitPoly: ScalarImpl = ([ySeries, xSeries, degreeArg]) => {
  const degree = degreeOf(degreeArg);
  const y = numbers(FN, ySeries);
  if (!y) return [null, null, null, null, null];
  const x =
    xSeries === undefined ? y.map((_, i) => i + 1) : Array.isArray(xSeries) ? numbers(FN, xSeries) : null;
  if (!x) refuse('x_series', 'an x_series that is not an array of numbers is not documented');
  if (x.length !== y.length)
    refuse(
      'x_series length',
      `x_series has ${x.length} elements and y_series ${y.length}, which the page does not cover`,
    );
  const n = y.length;
  const coefficients = n <= degree ? undefined : degree === 1 ? line(x, y) : leastSquares(x, y, degree);
  if (!coefficients)
    refuse(
      'with too few points',
      `fewer distinct x values than degree + 1 (${degree + 1}) leave the fit undetermined`,
    );
  const polyFit = x.map((xi) => evaluate(coefficients, xi));
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  const residual = y.reduce((s, v, i) => s + (v - polyFit[i]) ** 2, 0);
  // As series_fit_line: the rsquare of a constant series is 0/0, which the pages do not define.
  if (total === 0) refuse('of a constant series', 'the rsquare of a constant series is undefined (0/0)');
  return [
    1 - residual / total,
    coefficients as Json[],
    total / (n - 1),
    residual / (n - 1),
    polyFit as Json[],
  ];
};

export const seriesFitPolyFunctions: FunctionTable = {
  series_fit_poly: seriesFitPoly,
};
