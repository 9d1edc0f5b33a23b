import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableToRecords } from '../../../src/kql/index.js';
import { expectKustoSchema, expectSchemaOfEquivalent, NOW } from './helpers.js';

// A column whose value the engine cannot give as Kusto would (here the union ColumnMap loss of
// union-binder-losses.test.ts: legs giving `x` as string, string, int) is answered where the query
// drops it unread. The join page: the output has "a column for every column in each of the two
// tables ... The columns of the right side will be automatically renamed if there are name
// conflicts", and leftsemi/leftanti return "columns from the left side only"
// (https://learn.microsoft.com/kusto/query/join-operator). So a right-side column whose name the
// left side lacks goes on under its name, and is followed past the join (it counted as observed).
// Shape of the ASIM DNS / WebSession rules: `T | join (_Im_Dns(...) | extend ...) on ... | project ...`.

const run = (query: string) => {
  const table = runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
  expectKustoSchema(query, table);
  return tableToRecords(table);
};

const legs = `let A = datatable(x:string, k:long)['a', 1];
let B = datatable(x:string, k:long)['b', 2];
let C = datatable(x:int, k:long)[3, 3];
let L = datatable(k:long, n:string)[1, 'left'];`;

describe('a column of a join or lookup right side', () => {
  it('dropped unread after the join: answered', () => {
    expect(run(`${legs}\nL | join kind=inner (union A, B, C | extend y = 1) on k | project n, k`)).toEqual([
      { n: 'left', k: 1 },
    ]);
    expect(run(`${legs}\nL | lookup (union A, B, C) on k | project n`)).toEqual([{ n: 'left' }]);
  });

  it('not in the output of a leftsemi join: answered', () => {
    expect(run(`${legs}\nL | join kind=leftsemi (union A, B, C) on k`)).toEqual([{ k: 1, n: 'left' }]);
  });

  it("kept after the join: Kusto's suffixed columns; read by the unsuffixed name: Kusto.Language's error", () => {
    const query = `${legs}\nL | join kind=inner (union A, B, C) on k`;
    const table = runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
    expectSchemaOfEquivalent(
      `${legs}\nL | join kind=inner (union A, (datatable(x:int)[]), B, C) on k`,
      table,
    );
    expect(tableToRecords(table)).toEqual([{ k: 1, n: 'left', x_string: 'a', x_int: null, k1: 1 }]);
    expect(run(`${legs}\nL | extend x = 'l' | join kind=inner (union A, B, C) on k | project n`)).toEqual([
      { n: 'left' },
    ]);
    expect(() => run(`${legs}\nL | join kind=inner (union A, B, C) on k | where isnotempty(x)`)).toThrow(
      /KS142/,
    );
    expect(() => run(`${legs}\nL | join kind=inner (union A, B, C) on $left.n == $right.x`)).toThrow(/KS142/);
  });
});

// arg_max/arg_min "returns ... the values of the other specified expressions, at the row where the
// expression is maximal", `*` being every input column "barring the group-by columns"
// (https://learn.microsoft.com/kusto/query/arg-max-aggregation-function): the `*` copies each column
// under its own name; which row is taken does not depend on them. The WebSession rule's shape:
// `| join (...) on ... | summarize arg_max(t, *) by k | project ...`.
describe('a column a summarize arg_max(..., *) copies', () => {
  it('dropped unread later: answered', () => {
    expect(
      run(`${legs}\nL | join kind=inner (union A, B, C) on k | summarize arg_max(n, *) by k | project k, n`),
    ).toEqual([{ k: 1, n: 'left' }]);
    expect(run(`${legs}\nunion A, B, C | summarize take_any(*) by k | project k`)).toHaveLength(3);
  });

  it('kept, used as a key, or beside another column of its name: as Kusto names the columns', () => {
    const query = `${legs}\nunion A, B, C | summarize arg_max(k, *)`;
    const table = runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
    expectSchemaOfEquivalent(`${legs}\nunion A, (datatable(x:int)[]), B, C | summarize arg_max(k, *)`, table);
    expect(tableToRecords(table)).toEqual([{ k: 3, x_string: '', x_int: 3 }]);
    expect(() => run(`${legs}\nunion A, B, C | summarize arg_max(k, *) by x | project k`)).toThrow(/KS142/);
    // Kusto.Language binds `x` here to arg_max's copy of the lost column; Kusto has x_string and
    // x_int there, so `x` is the count.
    const beside = `${legs}\nunion A, B, C | summarize arg_max(k, *), x = count() | project k, x`;
    const counted = runQuery(beside, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
    expectSchemaOfEquivalent(beside.replace('union A, B', 'union A, (datatable(x:int)[]), B'), counted);
    expect(tableToRecords(counted)).toEqual([{ k: 3, x: 3 }]);
  });
});
