import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { runQuery, tableFromRecords } from '../../../src/kql/index.js';
import { expectKustoSchema, NOW } from './helpers.js';

// A union leg naming tables by wildcard: "E* would form the union of all the tables in the database
// whose names begin E"; "the union scope can include let statements if attributed with the view
// keyword" (https://learn.microsoft.com/kusto/query/union-operator).
const secA = [
  { name: 'x', type: 'long' as const },
  { name: 's', type: 'string' as const },
];
const secB = [
  { name: 'x', type: 'int' as const },
  { name: 'y', type: 'string' as const },
];
const catalog = catalogOf([
  { name: 'SecA', columns: secA },
  { name: 'SecB', columns: secB },
  { name: 'Other', columns: [{ name: 'z', type: 'long' }] },
]);
const tables = new Map([
  ['SecA', tableFromRecords(secA, [{ x: 1, s: 'a' }])],
  ['SecB', tableFromRecords(secB, [{ x: 2, y: 'b' }])],
]);
const run = (query: string) => {
  const table = runQuery(query, { catalog, tables, now: NOW });
  expectKustoSchema(query, table, catalog);
  return table;
};

describe('union over a table wildcard', () => {
  it('unions every matching table, each named by its table in withsource, columns suffixed by type', () => {
    const table = run('union withsource=T Sec* | sort by T asc');
    expect(table.columns.map((c) => c.name)).toEqual(['T', 'x_long', 'x_int', 's', 'y']);
    expect(table.rows).toEqual([
      ['SecA', 1, null, 'a', ''],
      ['SecB', null, 2, '', 'b'],
    ]);
  });

  it('counts the rows of every table for *', () => {
    expect(run('union * | count').rows).toEqual([[2]]);
  });

  it("runs a matched let view from its body when the binder gives the view's columns", () => {
    const table = run(
      'let V1 = view () { print x=1 }; let V2 = view () { print x=3 }; union withsource=T (print x=2), V* | where T startswith "V" | sort by T asc',
    );
    expect(table.rows).toEqual([
      ['V1', 1],
      ['V2', 3],
    ]);
  });

  it('refuses a wildcard over views whose columns the binder leaves out of the union (Kusto returns them)', () => {
    expect(() =>
      run(
        'let View_1 = view () { print x=1 }; let View_2 = view () { print x=toint(2) }; union withsource=T View*',
      ),
    ).toThrow(/binds the union without some columns/);
  });

  it('matches views, not other functions (the union scope has views only)', () => {
    const query =
      'let V1 = view () { print x=1 }; let V2 = (a:long) { print x = a }; union (print x=2), V* | sort by x asc';
    expect(run(query).rows).toEqual([[1], [2]]);
  });
});
