/**
 * Series functions over make-series arrays. The multi-valued ones (series_stats, series_decompose,
 * series_decompose_anomalies) return their components as one array; the lowering spreads it into
 * columns (`extend (a, b) = f(x)`).
 */
import { EvaluationError, type Json, UnsupportedError, type Value } from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// series_stats() columns, in the order Kusto.Language binds them; series_stats_dynamic() adds sum and len.
const STATS = ['min', 'min_idx', 'max', 'max_idx', 'avg', 'stdev', 'variance'] as const;

type Stats = Record<(typeof STATS)[number] | 'sum' | 'len', number>;

const isFiniteNumber = (v: Json): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * series_stats(): min/max with their first index, avg, and the sample variance/stdev (n - 1).
 * A non-finite element (null, NaN, text) makes the result null unless ignore_nonfinite is true.
 */
function stats(series: Value, ignoreNonFinite: Value): Stats | null {
  if (!Array.isArray(series)) return null;
  let n = 0;
  let sum = 0;
  let min = 0;
  let max = 0;
  let minIdx = -1;
  let maxIdx = -1;
  for (let i = 0; i < series.length; i++) {
    const v = series[i] as Json;
    if (!isFiniteNumber(v)) {
      if (ignoreNonFinite === true) continue;
      return null;
    }
    if (minIdx < 0 || v < min) [min, minIdx] = [v, i];
    if (maxIdx < 0 || v > max) [max, maxIdx] = [v, i];
    sum += v;
    n++;
  }
  // No value to take statistics of (an empty array, or only non-finite ones ignored): the page does
  // not say whether that is null, NaN or an error.
  if (n === 0)
    throw new UnsupportedError(
      'series_stats() of no finite value',
      'series_stats() of an array without a finite value to take statistics of: not documented',
    );
  const avg = sum / n;
  let squares = 0;
  for (const v of series as Json[]) if (isFiniteNumber(v)) squares += (v - avg) ** 2;
  // Like the variance() aggregate, a single value has variance 0.
  const variance = n > 1 ? squares / (n - 1) : 0;
  const stdev = Math.sqrt(variance);
  return { min, min_idx: minIdx, max, max_idx: maxIdx, avg, stdev, variance, sum, len: series.length };
}

const seriesStats: ScalarImpl = ([series, ignore]) => {
  const s = stats(series, ignore ?? false);
  return STATS.map((k) => s?.[k] ?? null);
};

const seriesStatsDynamic: ScalarImpl = ([series, ignore]) => stats(series, ignore ?? false);

/** The documented deterministic part of series_decompose's parameters; seasonality -1 is autodetect. */
interface Decomposition {
  seasonality: number;
  trend: 'avg' | 'linefit' | 'none';
  testPoints: number;
}

/**
 * Validates series_decompose / series_decompose_anomalies parameters (errors Kusto would raise).
 * `undefined` means "not known yet" (a non-constant argument at lowering time) and is checked again
 * when the call runs.
 */
export function decompositionOptions(
  fn: string,
  seasonality: Value | undefined,
  trend: Value | undefined,
  testPoints: Value | undefined,
): Decomposition {
  if (typeof seasonality === 'number' && (!Number.isInteger(seasonality) || seasonality < -1))
    throw new EvaluationError(`${fn}(): Seasonality must be -1, 0 or a positive number of bins`);
  if (trend !== undefined && trend !== null && trend !== 'avg' && trend !== 'linefit' && trend !== 'none')
    throw new EvaluationError(`${fn}(): Trend must be 'avg', 'linefit' or 'none'`);
  if (typeof testPoints === 'number' && (!Number.isInteger(testPoints) || testPoints < 0))
    throw new EvaluationError(`${fn}(): Test_points must be a non-negative integer`);
  return {
    seasonality: typeof seasonality === 'number' ? seasonality : -1,
    trend: (trend ?? 'avg') as Decomposition['trend'],
    testPoints: typeof testPoints === 'number' ? testPoints : 0,
  };
}

/** Validates AD_method (null or absent is the default 'ctukey'). */
function anomalyMethod(method: Value | undefined): 'ctukey' | 'tukey' {
  if (method === undefined || method === null || method === 'ctukey') return 'ctukey';
  if (method === 'tukey') return 'tukey';
  throw new EvaluationError("series_decompose_anomalies(): AD_method must be 'ctukey' or 'tukey'");
}

/**
 * The parts of the algorithm the docs leave open, refused when a series reaches the call (not when
 * the query is planned, so a rule over tables with no rows reaching it still answers exactly).
 * Autodetection runs series_periods_detect, whose scoring is not specified (its page prints one
 * score, 0.84, with no formula); 'ctukey' is "Tukey's fence test with custom 10th-90th percentile
 * range" without the score formula, and the retired series_outliers() page's example scales its two
 * sides differently (https://learn.microsoft.com/kusto/query/series-decompose-anomalies-function,
 * series-outliers-function, series-periods-detect-function). The maintainers describe the
 * decomposition as "STL with specific tweaks" (github.com/microsoft/Kusto-Query-Language issue 17).
 */
function refuseUndocumented(fn: string, options: Decomposition, method?: 'ctukey' | 'tukey'): void {
  if (options.seasonality === -1)
    throw new UnsupportedError(
      `${fn}() Seasonality=-1`,
      `${fn}(): Seasonality -1 (autodetect, the default) is not supported by the embedded engine; ` +
        'pass 0 for no seasonality or the period in bins',
    );
  if (method === undefined) return;
  if (options.testPoints !== 0)
    throw new UnsupportedError(
      'series_decompose_anomalies() Test_points',
      'series_decompose_anomalies(): Test_points other than 0 is not supported by the embedded engine ' +
        '(how the excluded points enter the outlier fences is not documented)',
    );
  if (method === 'ctukey')
    throw new UnsupportedError(
      'series_decompose_anomalies() AD_method',
      "series_decompose_anomalies(): AD_method 'ctukey' (the default) is not supported by the embedded " +
        "engine; pass 'tukey' (standard 25th-75th percentile fences)",
    );
}

export function numbers(fn: string, series: Value): number[] | null {
  if (!Array.isArray(series)) return null;
  return (series as Json[]).map((v, i) => {
    if (isFiniteNumber(v)) return v;
    throw new UnsupportedError(
      `${fn}() of a series with gaps`,
      `${fn}(): element ${i} is ${JSON.stringify(v)}; fill gaps first (make-series default=0, series_fill_linear())`,
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Components {
  baseline: number[];
  seasonal: number[];
  trend: number[];
  residual: number[];
}

/**
 * series_decompose() docs, "component execution order": seasonal = median of the learning points
 * in the same phase; trend from x - seasonal (its average, or a least-squares line); baseline =
 * seasonal + trend; residual = x - baseline. The last Test_points points are left out of learning.
 */
function decompose(fn: string, x: number[], options: Decomposition): Components {
  const n = x.length;
  const learn = n - options.testPoints;
  if (learn < 1) throw new EvaluationError(`${fn}(): Test_points leaves no points to learn from`);
  const { seasonality: period } = options;
  if (period > learn)
    throw new EvaluationError(`${fn}(): Seasonality ${period} is longer than the ${learn} learning points`);
  const phaseMedians =
    period > 0
      ? Array.from({ length: period }, (_, p) => {
          const phase: number[] = [];
          for (let i = p; i < learn; i += period) phase.push(x[i]);
          return median(phase);
        })
      : [];
  const seasonal = x.map((_, i) => (period > 0 ? phaseMedians[i % period] : 0));
  const deseasoned = x.map((v, i) => v - seasonal[i]);
  const trend = trendOf(deseasoned, learn, options.trend);
  const baseline = x.map((_, i) => seasonal[i] + trend[i]);
  return { baseline, seasonal, trend, residual: x.map((v, i) => v - baseline[i]) };
}

function trendOf(y: number[], learn: number, kind: Decomposition['trend']): number[] {
  if (kind === 'none') return y.map(() => 0);
  let sumY = 0;
  for (let i = 0; i < learn; i++) sumY += y[i];
  const meanY = sumY / learn;
  if (kind === 'avg' || learn < 2) return y.map(() => meanY);
  const meanX = (learn - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < learn; i++) {
    sxy += (i - meanX) * (y[i] - meanY);
    sxx += (i - meanX) ** 2;
  }
  const slope = sxy / sxx;
  return y.map((_, i) => meanY + slope * (i - meanX));
}

/** Percentile with linear interpolation between closest ranks over sorted values. */
function percentile(sorted: number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Tukey's fences over the residuals: 0 inside [Q1, Q3], otherwise the distance to the nearer
 * quartile in interquartile ranges, so a score beyond ±k is outside the k-fence.
 */
function tukeyScores(residual: number[]): number[] {
  const sorted = [...residual].sort((a, b) => a - b);
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const iqr = q3 - q1;
  return residual.map((r) => {
    if (r >= q1 && r <= q3) return 0;
    if (iqr === 0)
      throw new UnsupportedError(
        'series_decompose_anomalies() with a zero interquartile range',
        'series_decompose_anomalies(): the residuals have an interquartile range of 0, for which ' +
          "Kusto's anomaly score is not documented",
      );
    return r > q3 ? (r - q3) / iqr : (r - q1) / iqr;
  });
}

const seriesDecompose: ScalarImpl = ([series, seasonality, trend, testPoints]) => {
  const options = decompositionOptions('series_decompose', seasonality, trend, testPoints);
  if (!Array.isArray(series)) return [null, null, null, null];
  refuseUndocumented('series_decompose', options);
  const x = numbers('series_decompose', series);
  if (!x) return [null, null, null, null];
  const c = decompose('series_decompose', x, options);
  return [c.baseline, c.seasonal, c.trend, c.residual];
};

const seriesDecomposeAnomalies: ScalarImpl = ([
  series,
  threshold,
  seasonality,
  trend,
  testPoints,
  method,
]) => {
  const fn = 'series_decompose_anomalies';
  const options = decompositionOptions(fn, seasonality, trend, testPoints);
  const ad = anomalyMethod(method);
  if (!Array.isArray(series)) return [null, null, null];
  refuseUndocumented(fn, options, ad);
  const k = typeof threshold === 'number' ? threshold : 1.5;
  const x = numbers(fn, series);
  if (!x) return [null, null, null];
  const { baseline, residual } = decompose(fn, x, options);
  const scores = tukeyScores(residual);
  const flags = scores.map((s) => (s > k ? 1 : s < -k ? -1 : 0));
  return [flags, scores, baseline];
};

/**
 * series_seasonal(series, period): the seasonal component series_decompose computes, "the median of
 * all the values that correspond to the location of the bin, across the periods"
 * (https://learn.microsoft.com/kusto/query/series-seasonal-function, whose forced-period example
 * prints 1.5 for the phase {1, 2, 1, 2}). The default -1 detects the period (refused, as for
 * series_decompose); any other period that is not a positive number of bins within the series is
 * refused, the page describing it only as zeros "if a different value is set".
 */
const seriesSeasonal: ScalarImpl = ([series, period]) => {
  const fn = 'series_seasonal';
  if (!Array.isArray(series)) return null;
  const p = period ?? -1;
  if (p === -1)
    throw new UnsupportedError(
      `${fn}() period -1`,
      `${fn}(): period -1 (detect the period, the default) is not supported by the embedded engine; pass the period in bins`,
    );
  const x = numbers(fn, series);
  if (!x) return null;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > x.length)
    throw new UnsupportedError(
      `${fn}() period ${p}`,
      `${fn}(): a period of ${p} bins for a series of ${x.length} is not documented; pass a positive period within the series`,
    );
  return decompose(fn, x, { seasonality: p, trend: 'none', testPoints: 0 }).seasonal;
};

const FIT_LINE = ['rsquare', 'slope', 'variance', 'rvariance', 'interception', 'line_fit'] as const;

/**
 * series_fit_line(series): least squares over x = 1..n. The page's example (y = 2, 5, ... 30)
 * pins the conventions: interception + slope is the first fitted value (x starts at 1), variance
 * and rvariance divide by n - 1, rsquare is 1 - residual / total sum of squares
 * (https://learn.microsoft.com/kusto/query/series-fit-line-function). A series shorter than two
 * or without spread has no documented answer and is refused.
 */
function fitLine(series: Value): Record<(typeof FIT_LINE)[number], Json> | null {
  const fn = 'series_fit_line';
  const y = numbers(fn, series);
  if (!y) return null;
  const n = y.length;
  if (n < 2) throw new UnsupportedError(`${fn}() of fewer than two points`);
  const mx = (n + 1) / 2;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i + 1 - mx) * (y[i] - my);
    sxx += (i + 1 - mx) ** 2;
  }
  const slope = sxy / sxx;
  const interception = my - slope * mx;
  const lineFit = y.map((_, i) => slope * (i + 1) + interception);
  const total = y.reduce((a, v) => a + (v - my) ** 2, 0);
  const residual = y.reduce((a, v, i) => a + (v - lineFit[i]) ** 2, 0);
  if (total === 0) throw new UnsupportedError(`${fn}() of a constant series (rsquare undefined)`);
  return {
    rsquare: 1 - residual / total,
    slope,
    variance: total / (n - 1),
    rvariance: residual / (n - 1),
    interception,
    line_fit: lineFit,
  };
}

const seriesFitLine: ScalarImpl = ([series]) => {
  const fit = fitLine(series);
  return FIT_LINE.map((k) => fit?.[k] ?? null);
};

export const seriesFunctions: FunctionTable = {
  series_fit_line: seriesFitLine,
  series_fit_line_dynamic: ([series]) => fitLine(series),
  series_stats: seriesStats,
  series_stats_dynamic: seriesStatsDynamic,
  series_decompose: seriesDecompose,
  series_decompose_anomalies: seriesDecomposeAnomalies,
  series_seasonal: seriesSeasonal,
};

/**
 * Checks a multi-valued series call's constant arguments when the query is lowered, so an invalid
 * one fails even when no rows reach the call. `undefined` marks a non-constant argument. What the
 * engine refuses is refused only when a series reaches the call (refuseUndocumented).
 */
export function checkSeriesCall(name: string, args: (Value | undefined)[]): void {
  if (name === 'series_decompose') {
    decompositionOptions(name, args[1], args[2], args[3]);
  } else if (name === 'series_decompose_anomalies') {
    decompositionOptions(name, args[2], args[3], args[4]);
    anomalyMethod(args[5]);
  }
}
