import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { planQuery, runPlan } from '../../../src/kql/index.js';
import { NOW, run } from './helpers.js';

// "The render operator ... instructs the client how to visualize the result": the rows are the
// input's, and the chart kind and its properties travel with the result for a client that draws it
// (https://learn.microsoft.com/kusto/query/render-operator).
describe('render', () => {
  it('returns the input rows and carries the chart kind and properties', () => {
    const table = run(
      'range x from 1 to 3 step 1 | extend y = x * 2 | render timechart with (title="Load", ycolumns=y, ymin=0)',
    );
    expect(table.rows).toEqual([
      [1, 2],
      [2, 4],
      [3, 6],
    ]);
    expect(table.visualization).toEqual({
      kind: 'timechart',
      properties: { title: 'Load', ycolumns: 'y', ymin: '0' },
    });
  });

  it('a query without render has no visualization', () => {
    expect(run('print a = 1').visualization).toBeUndefined();
  });

  it('a shared input under render is computed once and gives the same rows', () => {
    const query = 'let t = materialize(range x from 1 to 2 step 1); t | render columnchart';
    const plan = planQuery(query, emptyCatalog());
    const table = runPlan(plan, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
    expect(table.rows).toEqual([[1], [2]]);
    expect(table.visualization).toEqual({ kind: 'columnchart', properties: {} });
  });
});
