import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { KqlError, runQuery, tableFromRecords, UnsupportedError } from '../../../src/kql/index.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { NOW } from './helpers.js';

// union isfuzzy=true: "If at least one such table was found, any resolution failure yields a
// warning ... If no resolution succeeded, the query returns an error"
// (https://learn.microsoft.com/kusto/query/union-operator).
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

describe('union isfuzzy=true', () => {
  it('drops a wildcard leg that matches no table (Kusto.Language reports it as an error)', () => {
    expect(run('union isfuzzy=true SecurityEvent, NoSuchTable* | project Account').rows).toEqual([['alice']]);
    expect(run('SecurityEvent | union isfuzzy=true NoSuchTable* | count').rows).toEqual([[1]]);
    const { diagnostics } = analyze('union isfuzzy=true SecurityEvent, NoSuchTable*', catalog);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('drops legs over unknown tables, also inside a subquery', () => {
    expect(run('union isfuzzy=true SecurityEvent, (Foo_CL | where x == 1) | project Account').rows).toEqual([
      ['alice'],
    ]);
  });

  it('keeps a leg that reads a dynamic member (the binder leaves `d.k` without a symbol)', () => {
    // Found running real Azure-Sentinel rules (WindowsEvent legs reading EventData.LogonType): the
    // whole leg was dropped as if its table did not exist, silently losing its rows.
    const query = `union isfuzzy=true SecurityEvent,
      (datatable(EventData:dynamic)[dynamic({"LogonType": "10"})] | extend LogonType = tostring(EventData.LogonType))
      | project Account, LogonType`;
    expect(run(query).rows).toEqual([
      ['alice', ''],
      ['', '10'],
    ]);
  });

  it('drops a leg that calls a function Kusto cannot resolve (KS205, e.g. a missing parser)', () => {
    expect(
      run(
        'union isfuzzy=true SecurityEvent, (NoSuchParser(starttime=ago(1d)) | where x == 1) | project Account',
      ).rows,
    ).toEqual([['alice']]);
  });

  it('is an error when no leg resolves', () => {
    expect(() => run('union isfuzzy=true Foo_CL')).toThrow('no table of this union isfuzzy=true resolves');
    expect(() => run('union isfuzzy=true NoSuchTable*, Foo_CL')).toThrow('no table of this union');
  });

  it('refuses a leg that resolves but the engine cannot run, rather than dropping it', () => {
    let error: unknown;
    try {
      run('union isfuzzy=true (datatable(a:long)[1]), (SecurityEvent | evaluate basket())');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('basket');
  });

  // "The set of union sources is reduced to the set of table references that exist" (union page):
  // Azure's result has the columns of the legs that resolve only. Kusto.Language still binds a
  // dropped leg's columns; the engine answered with them (`x` as an extra null column, or `Account`
  // split into Account_string / Account_long), a result Azure does not give. The query is bound
  // again without those legs (union-fuzzy-rebind.test.ts); inside a function body, whose text is
  // not the query's, that cannot be done and the union is refused.
  it('refuses, inside a function body, a result that would keep a column only a dropped leg gives', () => {
    const refused = (query: string): string => {
      try {
        run(query);
      } catch (e) {
        if (e instanceof UnsupportedError) return e.message;
        throw e;
      }
      throw new Error(`not refused: ${query}`);
    };
    expect(refused('let f = () { union isfuzzy=true SecurityEvent, (Foo_CL | where x == 1) }; f()')).toMatch(
      /drops the leg \(Foo_CL \| where x == 1\).*\(x\)/,
    );
    expect(
      refused('let f = () { union isfuzzy=true SecurityEvent, (Foo_CL | extend Account = 1) }; f()'),
    ).toMatch(/Account_string, Account_long|Account_long, Account_string/);
  });

  it('answers when the query drops those columns unread', () => {
    expect(run('union isfuzzy=true SecurityEvent, (Foo_CL | where x == 1) | project Account').rows).toEqual([
      ['alice'],
    ]);
    expect(
      run('SecurityEvent | union isfuzzy=true (Foo_CL | extend y = 1) | summarize count() by Account').rows,
    ).toEqual([['alice', 1]]);
  });
});

// union isfuzzy=true: "The set of union sources is reduced to the set of table references that
// exist and are accessible at the time while analyzing the query and preparing for execution", and
// "isfuzzy=true only applies to the union sources resolution phase. Once the set of source tables is
// determined, possible additional query failures won't be suppressed."
// (https://learn.microsoft.com/kusto/query/union-operator). Kusto.Language binds the rest of the
// query with the columns of the legs that do not resolve too; the engine binds it again with those
// legs left out, which is the query Azure runs. Shape of the published "Detect excessive NXDOMAIN DNS
// queries - Anomaly based (ASIM DNS Solution)" rule, whose summary table may not exist.
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
