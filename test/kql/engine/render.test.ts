import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { planQuery, runPlan } from '../../../src/kql/index.js';
import { NOW, run } from './helpers.js';

// render tells the client how to draw the result and leaves the data alone
// (https://learn.microsoft.com/kusto/query/render-operator); the Logs Query API reports it as a
// `render` object beside the tables (https://learn.microsoft.com/azure/azure-monitor/logs/api/prefer-options).
describe('render', () => {
  it('carries the chart type and its with-properties beside the rows', () => {
    const table = run(
      "range x from 1 to 3 step 1 | extend y = x * 2, z = x | render timechart with (title='Failures per hour', ycolumns=y, z, kind=stacked, ymin=0)",
    );
    expect(table.rows).toEqual([
      [1, 2, 1],
      [2, 4, 2],
      [3, 6, 3],
    ]);
    expect(table.visualization).toEqual({
      visualization: 'timechart',
      title: 'Failures per hour',
      ycolumns: ['y', 'z'],
      kind: 'stacked',
      ymin: '0',
    });
  });

  it('reads the older form with properties straight after the chart type, as the Logs Query API page shows', () => {
    expect(run("print n = 1 | render barchart title='24H Perf events'").visualization).toEqual({
      visualization: 'barchart',
      title: '24H Perf events',
    });
  });

  it('is absent when the query does not end in render', () => {
    expect(run('print n = 1').visualization).toBeUndefined();
    expect(run('print n = 1 | render piechart').visualization).toEqual({ visualization: 'piechart' });
  });

  it('belongs to the final statement, after lets', () => {
    expect(
      run('let t = range x from 1 to 2 step 1; t | summarize c = count() by x | render columnchart')
        .visualization,
    ).toEqual({ visualization: 'columnchart' });
  });

  it('a shared input under render is computed once and gives the same rows', () => {
    const query = 'let t = materialize(range x from 1 to 2 step 1); t | render columnchart';
    const plan = planQuery(query, emptyCatalog());
    expect(plan.op).toBe('project');
    const table = runPlan(plan, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
    expect(table.rows).toEqual([[1], [2]]);
    expect(table.visualization).toEqual({ visualization: 'columnchart' });
  });
});
