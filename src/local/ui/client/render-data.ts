// The data model of `render` (https://learn.microsoft.com/kusto/query/render-operator): an x-axis column,
// series columns whose combined values name each series, and y columns, one point per series and y
// column for each record. Properties the query leaves out are the user agent's to guess, as the page
// says; the guesses here: x is `xcolumn`, else the first datetime column for a timechart, else the first
// column; series are the string columns besides x; y columns are the numeric columns besides those.
// Only numbers are drawn: a value that is not one is a gap.

export interface ResultColumn {
  name: string;
  type: string;
}

export type ChartShape = 'line' | 'area' | 'column' | 'bar' | 'pie';

export interface RenderedChart {
  shape: ChartShape;
  title: string;
  labels: string[];
  /** A timechart's x positions (epoch milliseconds of the labels), so gaps in time show as gaps. */
  times?: number[];
  series: { label: string; data: (number | null)[] }[];
  stacked: boolean;
}

/** Charts the console draws, by the visualization name `render` gives; others are shown as a table. */
const shapes: Record<string, ChartShape> = {
  timechart: 'line',
  linechart: 'line',
  areachart: 'area',
  columnchart: 'column',
  barchart: 'bar',
  piechart: 'pie',
};

const numeric = new Set(['int', 'long', 'real', 'decimal']);

function names(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : value.split(',').map((n) => n.trim());
}

/** The chart for a result, or a reason it is shown only as a table. */
export function renderedChart(
  columns: ResultColumn[],
  rows: Record<string, unknown>[],
  visualization: { visualization: string; [property: string]: string | string[] },
): RenderedChart | { unsupported: string } {
  const shape = shapes[visualization.visualization];
  if (!shape) return { unsupported: `render ${visualization.visualization} is not drawn here` };
  const known = new Set(columns.map((c) => c.name));
  const asked = [visualization.xcolumn, visualization.series, visualization.ycolumns].flatMap(
    (v) => names(v) ?? [],
  );
  const missing = asked.find((n) => !known.has(n));
  if (missing) return { unsupported: `render names a column the result does not have: ${missing}` };

  const x =
    (typeof visualization.xcolumn === 'string' ? visualization.xcolumn : undefined) ??
    (visualization.visualization === 'timechart'
      ? columns.find((c) => c.type === 'datetime')?.name
      : undefined) ??
    columns[0]?.name;
  const series =
    names(visualization.series) ??
    columns.filter((c) => c.name !== x && c.type === 'string').map((c) => c.name);
  const ys =
    names(visualization.ycolumns) ??
    columns.filter((c) => c.name !== x && !series.includes(c.name) && numeric.has(c.type)).map((c) => c.name);
  if (x === undefined || ys.length === 0)
    return { unsupported: `render ${visualization.visualization} needs a numeric column to draw` };

  const ordered =
    visualization.visualization === 'timechart'
      ? [...rows].sort((a, b) => String(a[x]).localeCompare(String(b[x])))
      : rows;
  const labels = [...new Set(ordered.map((r) => String(r[x] ?? '')))];
  const position = new Map(labels.map((label, i) => [label, i]));
  const byName = new Map<string, (number | null)[]>();
  for (const row of ordered) {
    const key = series.map((s) => String(row[s] ?? '')).join(', ');
    for (const y of ys) {
      const label = [key, ys.length > 1 || !key ? y : ''].filter(Boolean).join(': ');
      let data = byName.get(label);
      if (!data) {
        data = labels.map(() => null);
        byName.set(label, data);
      }
      const value = row[y];
      data[position.get(String(row[x] ?? '')) ?? 0] = typeof value === 'number' ? value : null;
    }
  }
  const kind = String(visualization.kind ?? 'default');
  let drawn = [...byName].map(([label, data]) => ({ label, data }));
  if (kind === 'stacked100') {
    // Each x's values as shares of that x's total.
    const totals = labels.map((_, i) => drawn.reduce((sum, s) => sum + (s.data[i] ?? 0), 0));
    drawn = drawn.map((s) => ({
      label: s.label,
      data: s.data.map((v, i) => (v === null || totals[i] === 0 ? v : (v / totals[i]) * 100)),
    }));
  }
  const times = visualization.visualization === 'timechart' ? labels.map((l) => Date.parse(l)) : [];
  return {
    shape,
    title: String(visualization.title ?? ''),
    labels,
    ...(times.length > 0 && times.every(Number.isFinite) ? { times } : {}),
    series: drawn,
    stacked: kind === 'stacked' || kind === 'stacked100',
  };
}
