import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { KqlError, runQuery, tableFromRecords, UnsupportedError } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// union isfuzzy=true: "The set of union sources is reduced to the set of table references that
// exist and are accessible at the time while analyzing the query and preparing for execution", and
// "isfuzzy=true only applies to the union sources resolution phase. Once the set of source tables is
// determined, possible additional query failures won't be suppressed."
// (https://learn.microsoft.com/kusto/query/union-operator). Kusto.Language binds the rest of the
// query with the columns of the legs that do not resolve too; the engine binds it again with those
// legs left out, which is the query Azure runs. Shape of the published "Detect excessive NXDOMAIN DNS
// queries - Anomaly based (ASIM DNS Solution)" rule, whose summary table may not exist.
const schema = [
  { name: 'TimeGenerated', type: 'datetime' as const },
  { name: 'Account', type: 'string' as const },
];
const catalog = catalogOf([{ name: 'SecurityEvent', columns: schema }]);
const tables = new Map([
  ['SecurityEvent', tableFromRecords(schema, [{ TimeGenerated: '2026-01-10T11:00:00Z', Account: 'alice' }])],
]);
const run = (query: string) => runQuery(query, { catalog, tables, now: NOW });
const columns = (query: string) => run(query).columns.map((c) => `${c.name}:${c.type}`);
const failure = (query: string): unknown => {
  try {
    run(query);
  } catch (e) {
    return e;
  }
  throw new Error(`answered: ${query}`);
};

describe('union isfuzzy=true legs whose source does not resolve', () => {
  it('give no column: the result has the columns of the legs that resolve', () => {
    expect(columns('union isfuzzy=true SecurityEvent, (Foo_CL | where x == 1)')).toEqual([
      'TimeGenerated:datetime',
      'Account:string',
    ]);
    // Not Account_string and Account_long: the long Account comes from a leg that is not a source.
    expect(run('union isfuzzy=true SecurityEvent, (Foo_CL | extend Account = 1)').rows).toEqual([
      [expect.anything(), 'alice'],
    ]);
  });

  it('are left out wherever they stand among the legs', () => {
    const q =
      'union isfuzzy=true (Foo_CL | where x == 1), SecurityEvent, (Bar_CL | extend Account = 1), (Baz_CL | extend z = 2)';
    expect(columns(q)).toEqual(['TimeGenerated:datetime', 'Account:string']);
    expect(run(`${q} | project Account`).rows).toEqual([['alice']]);
  });

  it('inside a let, with the summary-table pattern of the published rule', () => {
    const q = `let summarized = union isfuzzy=true
        (Summary_CL | where EventTime_t > ago(1d) | summarize Count = toint(sum(count__d)) by Account = Account_s),
        (SecurityEvent | summarize Count = toint(count()) by Account);
      summarized | summarize sum(Count) by Account`;
    expect(run(q).rows).toEqual([['alice', 1]]);
  });

  it('a name only such a leg gives is not a column of the result: a binding error at its place', () => {
    const q = 'SecurityEvent | union isfuzzy=true (Foo_CL | extend y = 1) | where isnull(y)';
    const error = failure(q);
    expect(error).toBeInstanceOf(KqlError);
    expect(error).not.toBeInstanceOf(UnsupportedError);
    expect((error as KqlError).diagnostics[0]).toMatchObject({ code: 'KS142', start: q.lastIndexOf('y') });
  });
});
