import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/kql/index.js';
import { records, run, schemaOf } from './helpers.js';

const X = 'print x = dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29])';

function refusal(query: string): UnsupportedError {
  try {
    run(query);
  } catch (error) {
    if (error instanceof UnsupportedError) return error;
    throw error;
  }
  throw new Error(`expected a refusal: ${query}`);
}

describe('tuple assignment of multi-valued series functions', () => {
  it('an unnamed tuple spreads into the columns Kusto names', () => {
    expect(schemaOf(`${X} | project series_stats(x)`)).toEqual([
      'series_stats_x_min:real',
      'series_stats_x_min_idx:long',
      'series_stats_x_max:real',
      'series_stats_x_max_idx:long',
      'series_stats_x_avg:real',
      'series_stats_x_stdev:real',
      'series_stats_x_variance:real',
    ]);
  });

  it('(a, b) = f(x) renames the first components and keeps the rest', () => {
    const [row] = records(`${X} | extend (lo, at) = series_stats(x) | project lo, at, series_stats_x_max`);
    expect(row).toEqual({ lo: 2, at: 8, series_stats_x_max: 87 });
  });

  it('project keeps the item order around a tuple', () => {
    expect(schemaOf(`print x = dynamic([1, 2]), y = 1 | project y, (lo, at) = series_stats(x), x`)).toEqual([
      'y:long',
      'lo:real',
      'at:long',
      'series_stats_x_max:real',
      'series_stats_x_max_idx:long',
      'series_stats_x_avg:real',
      'series_stats_x_stdev:real',
      'series_stats_x_variance:real',
      'x:dynamic',
    ]);
  });

  it('name = f(x) names the first component only, like (name) = f(x)', () => {
    const [row] = records(`${X} | extend lo = series_stats(x) | project lo, series_stats_x_max`);
    expect(row).toEqual({ lo: 2, series_stats_x_max: 87 });
  });

  it('extend can replace an existing column with a component', () => {
    const [row] = records(`print x = dynamic([4, 9]), lo = 0 | extend (lo) = series_stats(x) | project lo`);
    expect(row).toEqual({ lo: 4 });
  });
});

describe('series_stats / series_stats_dynamic', () => {
  it('null and non-finite elements null the result unless ignore_nonfinite', () => {
    expect(records(`print s = series_stats_dynamic(dynamic([1, null, 3]))`)).toEqual([{ s: null }]);
    expect(records(`print s = series_stats_dynamic(dynamic([1, null, 3]), true)`)[0].s).toEqual({
      min: 1,
      min_idx: 0,
      max: 3,
      max_idx: 2,
      avg: 2,
      stdev: Math.SQRT2,
      variance: 2,
      sum: 4,
      len: 3,
    });
    const [row] = records(`print x = dynamic([1, 'a']) | extend (lo, at) = series_stats(x) | project lo, at`);
    expect(row).toEqual({ lo: null, at: null });
  });

  it('min_idx and max_idx are the first positions', () => {
    const [row] = records(`print x = dynamic([5, 1, 9, 1, 9]) | project series_stats(x)`);
    expect([row.series_stats_x_min_idx, row.series_stats_x_max_idx]).toEqual([1, 2]);
  });
});

/** The four series_decompose components of a query's single row, in order. */
function decompose(series: string, args: string): number[][] {
  const [row] = records(`print x = dynamic(${series}) | project (b, s, t, r) = series_decompose(x, ${args})`);
  return [row.b, row.s, row.t, row.r] as number[][];
}

describe('series_decompose (documented deterministic subset)', () => {
  it("Seasonality 0 with the default 'avg' trend: baseline is the mean", () => {
    expect(decompose('[1, 2, 3, 10]', '0')).toEqual([
      [4, 4, 4, 4],
      [0, 0, 0, 0],
      [4, 4, 4, 4],
      [-3, -2, -1, 6],
    ]);
  });

  it("'linefit' extrapolates the line learned without the Test_points", () => {
    const [baseline, , trend, residual] = decompose('[1, 3, 5, 7, 100]', "0, 'linefit', 1");
    expect(trend.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 3, 5, 7, 9]);
    expect(baseline).toEqual(trend);
    expect(Math.round(residual[4] * 1e9) / 1e9).toBe(91);
  });

  it('an explicit period takes the median of each phase (mean of the middle two when even)', () => {
    expect(decompose('[1, 5, 1, 5, 3, 7]', "2, 'none'")).toEqual([
      [1, 5, 1, 5, 1, 5],
      [1, 5, 1, 5, 1, 5],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 2, 2],
    ]);
    expect(decompose('[1, 5, 3, 9]', "2, 'none'")[1]).toEqual([2, 7, 2, 7]);
  });

  it('seasonal first, then the trend of the deseasoned series', () => {
    // Phase medians 1 and 5; deseasoned [0, 0, 3, 3, 0, 0] has mean 1, which is the trend.
    expect(decompose('[1, 5, 4, 8, 1, 5]', '2')).toEqual([
      [2, 6, 2, 6, 2, 6],
      [1, 5, 1, 5, 1, 5],
      [1, 1, 1, 1, 1, 1],
      [-1, -1, 2, 2, -1, -1],
    ]);
  });
});

describe('series_decompose_anomalies', () => {
  // Residuals = the series (no seasonality, no trend). Sorted: 10 11 11 12 12 12 13 40, so
  // Q1 = 11 and Q3 = 12.25 (linear interpolation), IQR 1.25.
  const SERIES = 'dynamic([10, 12, 11, 13, 12, 40, 11, 12])';

  it("scores residuals in interquartile ranges beyond Tukey's fences and flags beyond k", () => {
    const [row] = records(
      `print x = ${SERIES} | extend (flag, score, base) = series_decompose_anomalies(x, 1.5, 0, 'none', 0, 'tukey') | project flag, score, base`,
    );
    expect(row.flag).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
    const score = row.score as number[];
    expect(score.map((s) => Math.round(s * 1e9) / 1e9)).toEqual([-0.8, 0, 0, 0.6, 0, 22.2, 0, 0]);
    expect(row.base).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('Threshold is the k of the fence: a smaller k flags mild points both ways', () => {
    const [row] = records(
      `print x = ${SERIES} | project (flag) = series_decompose_anomalies(x, 0.5, 0, 'none', 0, 'tukey')`,
    );
    expect(row.flag).toEqual([-1, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('runs after make-series and mv-expand, as detections use it', () => {
    const rows = records(`
      datatable(T:datetime, User:string)[
        datetime(2026-01-01 00:10), 'a', datetime(2026-01-01 01:10), 'a', datetime(2026-01-01 01:20), 'a',
        datetime(2026-01-01 02:10), 'a', datetime(2026-01-01 03:10), 'a', datetime(2026-01-01 03:11), 'a',
        datetime(2026-01-01 04:10), 'a', datetime(2026-01-01 04:20), 'a', datetime(2026-01-01 04:30), 'a',
        datetime(2026-01-01 04:40), 'a', datetime(2026-01-01 04:50), 'a', datetime(2026-01-01 04:55), 'a',
        datetime(2026-01-01 05:10), 'a', datetime(2026-01-01 06:10), 'a', datetime(2026-01-01 06:20), 'a']
      | make-series n = count() default = 0 on T from datetime(2026-01-01) to datetime(2026-01-01 07:00) step 1h by User
      | extend (flag, score, base) = series_decompose_anomalies(n, 1.5, 0, 'avg', 0, 'tukey')
      | mv-expand T to typeof(datetime), n to typeof(long), flag to typeof(int)
      | where flag != 0
      | project User, T, n, flag`);
    // Counts [1, 2, 1, 2, 6, 1, 2]; residuals n - 15/7; quartiles of n are 1 and 2, so only 6 is out.
    expect(rows).toEqual([{ User: 'a', T: '2026-01-01T04:00:00Z', n: 6, flag: 1 }]);
  });

  it('refuses autodetected seasonality, naming the parameter, when a series reaches the call', () => {
    expect(refusal(`print x = dynamic([1, 2]) | extend series_decompose_anomalies(x)`).message).toContain(
      'Seasonality -1',
    );
    expect(refusal(`print x = dynamic([1, 2]) | extend series_decompose(x)`).message).toContain(
      'Seasonality -1',
    );
  });

  // Sentinel's time-series rules (e.g. Azure-Sentinel Solutions/Azure Activity/Analytic Rules/
  // TimeSeriesAnomaly_Mass_Cloud_Resource_Deletions.yaml) call series_decompose_anomalies(x, 3, -1,
  // 'linefit') after make-series ... by Caller: with no rows there is no series, and the answer (no
  // rows, Kusto.Language's columns) is exact, so the refusal waits for a series.
  it('answers exactly when no series reaches a refused configuration', () => {
    const query = `datatable(T:datetime, Caller:string)[]
      | make-series Total = count() on T from datetime(2026-01-01) to datetime(2026-01-08) step 1d by Caller
      | extend (anomalies, score, baseline) = series_decompose_anomalies(Total, 3, -1, 'linefit')
      | mv-expand Total to typeof(double), anomalies to typeof(double)
      | where anomalies > 0`;
    const table = run(query);
    expect(table.rows).toEqual([]);
    expect(table.columns.map((c) => c.name)).toEqual([
      'Caller',
      'Total',
      'T',
      'anomalies',
      'score',
      'baseline',
    ]);
    expect(run(`datatable(x:dynamic)[] | extend series_decompose(x)`).rows).toEqual([]);
  });

  it('an invalid constant argument is an error even with no rows', () => {
    expect(() =>
      run(`datatable(x:dynamic)[] | extend series_decompose_anomalies(x, 1.5, 0, 'avg', 0, 'other')`),
    ).toThrow(/AD_method must be/);
  });

  it("refuses the default 'ctukey' method and Test_points, naming them", () => {
    expect(refusal(`print x = ${SERIES} | extend series_decompose_anomalies(x, 1.5, 0)`).message).toContain(
      'AD_method',
    );
    expect(
      refusal(`print x = ${SERIES} | extend series_decompose_anomalies(x, 1.5, 0, 'avg', 2, 'tukey')`)
        .message,
    ).toContain('Test_points');
  });

  it('refuses series with gaps and a zero interquartile range instead of guessing', () => {
    expect(
      refusal(
        `print x = dynamic([1, null, 3]) | extend series_decompose_anomalies(x, 1.5, 0, 'avg', 0, 'tukey')`,
      ).message,
    ).toContain('element 1 is null');
    expect(
      refusal(
        `print x = dynamic([0, 0, 0, 0, 9]) | extend series_decompose_anomalies(x, 1.5, 0, 'none', 0, 'tukey')`,
      ).message,
    ).toContain('interquartile range of 0');
  });

  it('the refusal is positioned at the call', () => {
    const query = `print x = ${SERIES} | extend series_decompose_anomalies(x, 1.5, 0)`;
    const error = refusal(query);
    expect(query.slice(error.start, error.start + error.length).trim()).toBe(
      'series_decompose_anomalies(x, 1.5, 0)',
    );
  });
});
