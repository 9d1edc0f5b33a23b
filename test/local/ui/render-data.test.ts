import { describe, expect, it } from 'vitest';
import { renderedChart } from '../../../src/local/ui/client/render-data.js';

const columns = [
  { name: 'Hour', type: 'datetime' },
  { name: 'Severity', type: 'string' },
  { name: 'Incidents', type: 'long' },
];
const rows = [
  { Hour: '2026-01-01T02:00:00Z', Severity: 'High', Incidents: 1 },
  { Hour: '2026-01-01T01:00:00Z', Severity: 'High', Incidents: 2 },
  { Hour: '2026-01-01T01:00:00Z', Severity: 'Low', Incidents: 5 },
];

// The render data model: x column, series columns (one series per distinct combination), y columns
// (https://learn.microsoft.com/kusto/query/render-operator).
describe('a render result as chart data', () => {
  it('timechart: time on x in order, one series per string value, gaps where a series has no row', () => {
    expect(renderedChart(columns, rows, { visualization: 'timechart', title: 'By severity' })).toEqual({
      shape: 'line',
      title: 'By severity',
      labels: ['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'],
      times: [Date.parse('2026-01-01T01:00:00Z'), Date.parse('2026-01-01T02:00:00Z')],
      series: [
        { label: 'High', data: [2, 1] },
        { label: 'Low', data: [5, null] },
      ],
      stacked: false,
    });
  });

  it('keeps the row order on a columnchart (the query sorts the x axis) and honours xcolumn, ycolumns, series', () => {
    const chart = renderedChart(columns, rows.slice(1), {
      visualization: 'columnchart',
      xcolumn: 'Severity',
      ycolumns: ['Incidents'],
      series: [],
      kind: 'stacked',
    });
    expect(chart).toMatchObject({
      shape: 'column',
      labels: ['High', 'Low'],
      series: [{ label: 'Incidents', data: [2, 5] }],
      stacked: true,
    });
  });

  it('barchart is horizontal, piechart takes the first column as the slices', () => {
    expect(renderedChart(columns.slice(1), rows, { visualization: 'barchart' })).toMatchObject({
      shape: 'bar',
    });
    expect(
      renderedChart(
        [
          { name: 'Tactic', type: 'string' },
          { name: 'n', type: 'long' },
        ],
        [
          { Tactic: 'Execution', n: 3 },
          { Tactic: 'Persistence', n: 1 },
        ],
        { visualization: 'piechart' },
      ),
    ).toMatchObject({
      shape: 'pie',
      labels: ['Execution', 'Persistence'],
      series: [{ label: 'n', data: [3, 1] }],
    });
  });

  it('stacked100 shows each x as shares of its total', () => {
    const chart = renderedChart(columns, rows, { visualization: 'areachart', kind: 'stacked100' });
    expect(chart).toMatchObject({
      shape: 'area',
      labels: ['2026-01-01T02:00:00Z', '2026-01-01T01:00:00Z'],
      series: [
        { label: 'High', data: [100, (2 / 7) * 100] },
        { label: 'Low', data: [null, (5 / 7) * 100] },
      ],
      stacked: true,
    });
  });

  it('says why instead of drawing a wrong chart', () => {
    expect(renderedChart(columns, rows, { visualization: 'scatterchart' })).toEqual({
      unsupported: 'render scatterchart is not drawn here',
    });
    expect(renderedChart(columns, rows, { visualization: 'timechart', ycolumns: ['Nope'] })).toEqual({
      unsupported: 'render names a column the result does not have: Nope',
    });
    expect(renderedChart([{ name: 'a', type: 'string' }], [], { visualization: 'columnchart' })).toEqual({
      unsupported: 'render columnchart needs a numeric column to draw',
    });
  });
});
