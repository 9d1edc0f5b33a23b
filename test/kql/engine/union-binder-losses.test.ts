import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { KqlError, runQuery, tableToRecords } from '../../../src/kql/index.js';
import { columnMapLosses } from '../../../src/kql/lower/union-binder-losses.js';
import { analyze, resultSchema } from '../../../src/kql/syntax/index.js';
import { expectKustoSchema, expectSchemaOfEquivalent, NOW } from './helpers.js';

// "With outer, the result has all the columns that occur in any of the inputs, one column for each name
// and type occurrences … suffixed with a '_' followed by the origin column type"
// (https://learn.microsoft.com/kusto/query/union-operator). Kusto.Language 12.4.1 binds legs giving
// `x` as string, string, int as one `x:string` (its ColumnMap drops the int column): the engine follows
// the binder where the query never observes `x`; otherwise it binds the query again with an empty leg
// giving `x` its int type right after A, which Kusto.Language binds as Kusto answers (`x_string`,
// `x_int`); inside a called function's body (other text) it refuses.

const run = (query: string) => {
  const table = runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: NOW });
  expectKustoSchema(query, table);
  return tableToRecords(table);
};

const legs = `let A = datatable(x:string, k:long)['a', 1];
let B = datatable(x:string, k:long)['b', 2];
let C = datatable(x:int, k:long)[3, 3];`;

describe('union of one column name with several types, as Kusto.Language binds it', () => {
  it('the ColumnMap loss: two same-typed columns then another type (not one, nor another order)', () => {
    const s = (type: 'string' | 'int') => [{ name: 'x', type }];
    expect(columnMapLosses([s('string'), s('string'), s('int')])).toEqual(new Map([['x', new Set(['int'])]]));
    expect(columnMapLosses([s('string'), s('int'), s('string')])).toEqual(new Map());
    expect(columnMapLosses([s('string'), s('int')])).toEqual(new Map());
  });

  it("the binder's schema the engine follows (a Kusto.Language upgrade that fixes ColumnMap changes it)", () => {
    const schema = (query: string) => resultSchema(analyze(`${legs}\n${query}`, emptyCatalog()).code);
    expect(schema('union A, B, C')).toEqual([
      { name: 'x', type: 'string' },
      { name: 'k', type: 'long' },
    ]);
    expect(schema('union A, C')).toEqual([
      { name: 'x_string', type: 'string' },
      { name: 'x_int', type: 'int' },
      { name: 'k', type: 'long' },
    ]);
  });

  it('rows of every leg when the query drops the column unread', () => {
    expect(run(`${legs}\nunion A, B, C | project k | sort by k asc`)).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }]);
    expect(run(`${legs}\nunion A, B, C | summarize n = count()`)).toEqual([{ n: 3 }]);
    expect(run(`${legs}\n(union A, B, C) | count`)).toEqual([{ Count: 3 }]);
    expect(run(`${legs}\nunion A, B, C | project-away x* | sort by k desc | take 1`)).toEqual([{ k: 3 }]);
  });

  it('through a called function whose final expression is the union', () => {
    const query = `${legs}\nlet F = (n:long) { union A, B, C | where k >= n };\nF(2) | project k | sort by k asc`;
    expect(run(query)).toEqual([{ k: 2 }, { k: 3 }]);
  });

  it("kept to the result: Kusto's x_string and x_int, bound as the query with an empty int leg after A", () => {
    const kept = (tail: string) => {
      const table = runQuery(`${legs}\nunion A, B, C ${tail}`, {
        catalog: emptyCatalog(),
        tables: new Map(),
        now: NOW,
      });
      expectSchemaOfEquivalent(`${legs}\nunion A, (datatable(x:int)[]), B, C ${tail}`, table);
      return tableToRecords(table);
    };
    expect(kept('| sort by k asc')).toEqual([
      { x_string: 'a', x_int: null, k: 1 },
      { x_string: 'b', x_int: null, k: 2 },
      { x_string: '', x_int: 3, k: 3 },
    ]);
    expect(kept('| where k == 3 | extend y = pack_all()')).toEqual([
      { x_string: '', x_int: 3, k: 3, y: { x_string: '', x_int: 3, k: 3 } },
    ]);
    expect(kept('| summarize arg_max(k, *)')).toEqual([{ k: 3, x_string: '', x_int: 3 }]);
    // First seen in a piped input: the empty leg opens the union's list.
    const piped = runQuery(`${legs}\nA | union B, C | sort by k asc`, {
      catalog: emptyCatalog(),
      tables: new Map(),
      now: NOW,
    });
    expectSchemaOfEquivalent(`${legs}\nA | union (datatable(x:int)[]), B, C | sort by k asc`, piped);
    expect(tableToRecords(piped).map((r) => r.x_int)).toEqual([null, null, 3]);
  });

  it("read by the unsuffixed name: Kusto.Language's own error at the name, as Kusto has no column x", () => {
    for (const tail of [
      '| project x',
      '| where isnotempty(x) | project k',
      '| summarize arg_max(k, *) by x',
    ]) {
      const query = `${legs}\nunion A, B, C ${tail}`;
      let error: unknown;
      try {
        run(query);
      } catch (e) {
        error = e;
      }
      expect(error, tail).toBeInstanceOf(KqlError);
      expect((error as KqlError).diagnostics[0]).toMatchObject({
        code: 'KS142',
        start: query.lastIndexOf('x'),
      });
    }
  });

  it("refused inside a called function's body, whose text is not the query's", () => {
    expect(() => run(`${legs}\nlet F = () { union A, B, C };\nF() | project x`)).toThrow(
      /one column per type/,
    );
  });

  it('a union Kusto.Language binds per type (string, int, string) keeps its suffixed columns', () => {
    expect(run(`${legs}\nunion A, C, B | project x_string, x_int, k | sort by k asc`)).toEqual([
      { x_string: 'a', x_int: null, k: 1 },
      { x_string: 'b', x_int: null, k: 2 },
      { x_string: '', x_int: 3, k: 3 },
    ]);
  });
});
