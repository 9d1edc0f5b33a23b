/**
 * Element-wise series functions (series_add, series_greater, series_abs, ...), their reductions
 * (series_dot_product, series_pearson_correlation) and the constant/linear fills, as their pages
 * state them (https://learn.microsoft.com/kusto/query/series-add-function and siblings): a
 * non-numeric or missing element yields a null element. How Kusto prints a NaN or infinite element
 * is not documented, so a computation that produces one is refused rather than answered.
 */
import {
  DynReal,
  dynamicNumber,
  type Json,
  JsonWhole,
  plainJson,
  realInDynamic,
  UnsupportedError,
  type Value,
  valueToDynamic,
} from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const numeric = (v: Json | undefined): v is number => typeof v === 'number';

function finite(x: number, fn: string): number {
  if (!Number.isFinite(x))
    throw new UnsupportedError(
      `${fn}()`,
      `${fn}() produced a NaN or infinite element, whose form in Kusto is not documented`,
    );
  return x;
}

function arrayArg(v: Value, fn: string): Json[] | null {
  if (v === null)
    throw new UnsupportedError(
      `${fn}()`,
      `${fn}() of a null series is not documented (null, or an array of nulls)`,
    );
  if (!Array.isArray(v))
    throw new UnsupportedError(
      `${fn}()`,
      `${fn}() of a scalar is not supported: the page documents arrays only`,
    );
  return v as Json[];
}

/**
 * A number on one side is used against every element of the other series, as the series_outliers
 * page does with `series_greater_equals(outliers, 1.5)` and the series_dot_product page states.
 */
function broadcast(a: Value, b: Value, fn: string): [Json[], Json[]] | null {
  if (typeof a === 'number' && Array.isArray(b)) return [(b as Json[]).map(() => a), b as Json[]];
  if (typeof b === 'number' && Array.isArray(a)) return [a as Json[], (a as Json[]).map(() => b)];
  const xs = arrayArg(a, fn);
  const ys = arrayArg(b, fn);
  return xs && ys ? [xs, ys] : null;
}

function elementwise(fn: string, op: (x: number, y: number) => number | boolean): ScalarImpl {
  return ([a, b]) => {
    const pair = broadcast(a, b, fn);
    if (!pair) return null;
    const [xs, ys] = pair;
    return Array.from({ length: Math.max(xs.length, ys.length) }, (_, i) => {
      const x = xs[i];
      const y = ys[i];
      if (!numeric(x) || !numeric(y)) return null;
      const r = op(x, y);
      return typeof r === 'boolean' ? r : finite(r, fn);
    });
  };
}

function unary(fn: string, op: (x: number) => number): ScalarImpl {
  return ([a]) => {
    const xs = arrayArg(a, fn);
    return xs ? xs.map((x) => (numeric(x) ? finite(op(x), fn) : null)) : null;
  };
}

/**
 * series_dot_product: either side may be a number, broadcast to the other's length; the longer
 * series is cut to the shorter; non-numeric elements are ignored; an empty input gives null
 * (https://learn.microsoft.com/kusto/query/series-dot-product-function).
 */
const dotProduct: ScalarImpl = ([a, b]) => {
  if (a === null || b === null) return null;
  const xs = Array.isArray(a) ? (a as Json[]) : null;
  const ys = Array.isArray(b) ? (b as Json[]) : null;
  if (!xs && !ys) return null;
  const left = xs ?? (ys as Json[]).map(() => a as Json);
  const right = ys ?? left.map(() => b as Json);
  if (left.length === 0 || right.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (numeric(x) && numeric(y)) sum += x * y;
  }
  return finite(sum, 'series_dot_product');
};

/**
 * series_pearson_correlation: any non-numeric or missing element (different lengths) gives null
 * (https://learn.microsoft.com/kusto/query/series-pearson-correlation-function).
 */
const pearson: ScalarImpl = ([a, b]) => {
  const xs = arrayArg(a, 'series_pearson_correlation');
  const ys = arrayArg(b, 'series_pearson_correlation');
  if (!xs || !ys || xs.length !== ys.length || xs.length === 0) return null;
  if (!xs.every(numeric) || !ys.every(numeric)) return null;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const mx = mean(xs as number[]);
  const my = mean(ys as number[]);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return finite(sxy / Math.sqrt(sxx * syy), 'series_pearson_correlation');
};

function placeholderOf(v: Value | undefined, fn: string): Json {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number')
    throw new UnsupportedError(
      `${fn}()`,
      `${fn}() with a non-numeric missing-value placeholder is not supported`,
    );
  return v;
}

/** An element equal to the placeholder: by value, a whole real (boxed) included. */
const isMissing = (x: Json, missing: Json) => (missing === null ? x === null : dynamicNumber(x) === missing);

/**
 * series_fill_const(series, constant [, placeholder]): every element equal to the placeholder
 * (null by default) becomes the constant (https://learn.microsoft.com/kusto/query/series-fill-const-function).
 * The other elements are kept as they are, kind included ("preserves the original type").
 */
const fillConst: ScalarImpl = ([series, constant, placeholder], types) => {
  const xs = arrayArg(series, 'series_fill_const');
  if (!xs) return null;
  const missing = placeholderOf(placeholder, 'series_fill_const');
  // The page's constant_value is required; Kusto.Language binds the call without it.
  if (constant === undefined)
    throw new UnsupportedError(
      'series_fill_const() without a constant',
      'series_fill_const() without constant_value, which its page requires; refusing rather than guessing a default',
    );
  const fill = valueToDynamic(constant, types[1]);
  return xs.map((x) => (isMissing(x, missing) ? fill : x));
};

/**
 * The kind of a series' known elements: 'real' when each is a real (a fraction, or a whole real the
 * query made, DynReal), 'long' when each is a plain whole number, 'mixed' otherwise, including JSON
 * text's whole reals (JsonWhole), whose kind is not settled.
 */
function seriesKind(known: Json[]): 'real' | 'long' | 'mixed' {
  let reals = 0;
  let longs = 0;
  for (const x of known) {
    if (x instanceof JsonWhole) return 'mixed';
    if (x instanceof DynReal || (typeof x === 'number' && !Number.isInteger(x))) reals++;
    else longs++;
  }
  return longs === 0 ? 'real' : reals === 0 ? 'long' : 'mixed';
}

/**
 * series_fill_linear(series [, placeholder [, fill_edges [, constant]]]): missing elements between
 * two known ones are interpolated linearly; edges take the nearest known value unless fill_edges
 * is false; an all-missing series becomes the constant (default 0)
 * (https://learn.microsoft.com/kusto/query/series-fill-linear-function). The function "preserves
 * the original type of the array elements": the page prints a real series' interpolated whole values
 * with a fraction (`[111.0,111.0,73.5,36.0,...]`) and the all-null series filled with the default as
 * `[0.0,0.0,0.0,0.0]`, so both are reals. For an int/long series the page rounds interpolated values
 * without saying how (its own example rounds 73.5 both to 73 and to 74), so an interpolation that is
 * not whole is refused there; a series mixing longs and reals (or holding JSON text's `2.0`, of no
 * settled kind) has no documented type for what is interpolated, so interpolating in it is refused.
 */
const fillLinear: ScalarImpl = ([series, placeholder, fillEdges, constant], types) => {
  const fn = 'series_fill_linear';
  const xs = arrayArg(series, fn);
  if (!xs) return null;
  const missing = placeholderOf(placeholder, fn);
  const known: number[] = [];
  xs.forEach((x, i) => {
    if (isMissing(x, missing)) return;
    if (dynamicNumber(x) === undefined)
      throw new UnsupportedError(`${fn}()`, `${fn}() of a series with non-numeric elements is not supported`);
    known.push(i);
  });
  if (known.length === 0) {
    const fill = constant === undefined ? realInDynamic(0) : valueToDynamic(constant, types[3]);
    return xs.map(() => fill);
  }
  const kind = seriesKind(known.map((i) => xs[i]));
  const out = xs.slice();
  const edges = fillEdges !== false;
  const first = known[0];
  const last = known[known.length - 1];
  for (let i = 0; i < xs.length; i++) {
    if (!isMissing(xs[i], missing)) continue;
    if (i < first || i > last) {
      if (edges) out[i] = xs[i < first ? first : last];
      continue;
    }
    const right = known.find((k) => k > i) as number;
    const left = known[known.indexOf(right) - 1];
    const x0 = dynamicNumber(xs[left]) as number;
    const x1 = dynamicNumber(xs[right]) as number;
    const value = x0 + ((x1 - x0) * (i - left)) / (right - left);
    if (kind === 'mixed')
      throw new UnsupportedError(
        `${fn}()`,
        `${fn}() interpolating in a series that mixes longs and reals (or holds JSON text's whole reals, such as 2.0): the type of the interpolated element is not documented`,
      );
    if (kind === 'long' && !Number.isInteger(value))
      throw new UnsupportedError(
        `${fn}()`,
        `${fn}() between whole numbers is not supported: the rounding of int/long series is not documented`,
      );
    out[i] = kind === 'real' ? realInDynamic(value) : value;
  }
  return out;
};

/** series_magnitude(series): the square root of the series' dot product with itself (series-magnitude page). */
const magnitude: ScalarImpl = (args) => {
  const dot = dotProduct([args[0], args[0]], [], 'real', { now: 0n });
  return typeof dot === 'number' ? Math.sqrt(dot) : null;
};

/**
 * series_cosine_similarity(a, b): dot(a, b) / (|a| |b|) over the shorter length; an empty input
 * gives null (https://learn.microsoft.com/kusto/query/series-cosine-similarity-function). The page
 * says non-numeric elements are ignored without saying whether the other series' element still
 * counts in its magnitude, so they are refused.
 */
const cosineSimilarity: ScalarImpl = ([a, b]) => {
  const fn = 'series_cosine_similarity';
  const xs = arrayArg(a, fn);
  const ys = arrayArg(b, fn);
  if (!xs || !ys || xs.length === 0 || ys.length === 0) return null;
  const n = Math.min(xs.length, ys.length);
  const left = xs.slice(0, n);
  const right = ys.slice(0, n);
  if (!left.every(numeric) || !right.every(numeric))
    throw new UnsupportedError(`${fn}()`, `${fn}() of a series with non-numeric elements is not supported`);
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    dot += (left[i] as number) * (right[i] as number);
    aa += (left[i] as number) ** 2;
    bb += (right[i] as number) ** 2;
  }
  return finite(dot / (Math.sqrt(aa) * Math.sqrt(bb)), fn);
};

/**
 * series_iir(series, numerators b, denominators a): y[i] = (sum b[k] x[i-k] - sum a[k] y[i-k]) / a[0],
 * terms before the series start left out (https://learn.microsoft.com/kusto/query/series-iir-function;
 * its cumulative-sum example starts at y[0] = x[0]).
 */
const iir: ScalarImpl = ([boxedSeries, numerators, denominators]) => {
  const fn = 'series_iir';
  // A series of reals gives reals: the page prints y as 1.0, 3.0, 6.0, 10.0 for range(1.0, 10, 1).
  const reals = Array.isArray(boxedSeries) && seriesKind(boxedSeries.filter((v) => v !== null)) === 'real';
  const x = arrayArg(plainJson(boxedSeries as Json), fn);
  const b = arrayArg(plainJson(numerators as Json), fn);
  const a = arrayArg(plainJson(denominators as Json), fn);
  if (!x || !b || !a) return null;
  if (![x, b, a].every((v) => v.every(numeric)) || a.length === 0)
    throw new UnsupportedError(
      `${fn}()`,
      `${fn}() of non-numeric elements or without denominators is not supported`,
    );
  const [xs, bs, as] = [x, b, a] as number[][];
  if (as[0] === 0) throw new UnsupportedError(`${fn}()`, `${fn}() with a[0] = 0 divides by zero`);
  const y: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    let sum = 0;
    for (let k = 0; k < bs.length && k <= i; k++) sum += bs[k] * xs[i - k];
    for (let k = 1; k < as.length && k <= i; k++) sum -= as[k] * y[i - k];
    y.push(finite(sum / as[0], fn));
  }
  return reals ? y.map(realInDynamic) : y;
};

export const seriesMathFunctions: FunctionTable = {
  series_magnitude: magnitude,
  series_cosine_similarity: cosineSimilarity,
  series_add: elementwise('series_add', (x, y) => x + y),
  series_subtract: elementwise('series_subtract', (x, y) => x - y),
  series_multiply: elementwise('series_multiply', (x, y) => x * y),
  series_divide: elementwise('series_divide', (x, y) => x / y),
  series_pow: elementwise('series_pow', (x, y) => x ** y),
  series_greater: elementwise('series_greater', (x, y) => x > y),
  series_greater_equals: elementwise('series_greater_equals', (x, y) => x >= y),
  series_less: elementwise('series_less', (x, y) => x < y),
  series_less_equals: elementwise('series_less_equals', (x, y) => x <= y),
  series_equals: elementwise('series_equals', (x, y) => x === y),
  series_not_equals: elementwise('series_not_equals', (x, y) => x !== y),
  series_abs: unary('series_abs', Math.abs),
  series_acos: unary('series_acos', Math.acos),
  series_asin: unary('series_asin', Math.asin),
  series_atan: unary('series_atan', Math.atan),
  series_ceiling: unary('series_ceiling', Math.ceil),
  series_floor: unary('series_floor', Math.floor),
  series_cos: unary('series_cos', Math.cos),
  series_sin: unary('series_sin', Math.sin),
  series_tan: unary('series_tan', Math.tan),
  series_exp: unary('series_exp', Math.exp),
  series_log: unary('series_log', Math.log),
  series_sign: unary('series_sign', Math.sign),
  series_dot_product: dotProduct,
  series_pearson_correlation: pearson,
};

/**
 * Functions whose result's kinds follow their input's: they see whole reals boxed (index.ts), the
 * fills to keep them, series_iir to know a series of reals.
 */
export const seriesKindFunctions: FunctionTable = {
  series_fill_const: fillConst,
  series_fill_linear: fillLinear,
  series_iir: iir,
};
