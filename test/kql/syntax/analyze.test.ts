import { describe, expect, it } from 'vitest';
import { type Catalog, catalogOf, emptyCatalog } from '../../../src/kql/catalog.js';
import { analyze, resultSchema } from '../../../src/kql/syntax/index.js';
import { testCatalog } from '../../support/catalog.js';

function signinCatalog(): Catalog {
  const catalog = testCatalog({
    SigninLogs: { TimeGenerated: 'datetime', UserPrincipalName: 'string', LocationDetails: 'dynamic' },
  });
  catalog.functions.set('BrokenParser', {
    name: 'BrokenParser',
    parameters: [{ name: 'user', type: 'string' }],
    body: 'SigninLogs | where UserPrincipalName == user | extend x = nosuchcolumn',
  });
  catalog.functions.set('RecentSignins', {
    name: 'RecentSignins',
    parameters: [],
    body: 'SigninLogs | where TimeGenerated > ago(1d)',
  });
  catalog.watchlists.set('VIPUsers', {
    alias: 'VIPUsers',
    searchKey: 'UserPrincipalName',
    columns: [
      { name: 'UserPrincipalName', type: 'string' },
      { name: 'Tier', type: 'long' },
    ],
    items: [],
  });
  return catalog;
}

describe('analyze', () => {
  const catalog = signinCatalog();

  it('binds every query on one global state whose binding cache outlives the query', () => {
    // ParseAndAnalyze used to derive a new state (end tokens on) with an empty cache for every
    // query, so each re-bound the parser bodies it called.
    const first = analyze('RecentSignins | take 1', catalog).code.Globals;
    const second = analyze('RecentSignins | count', catalog).code.Globals;
    expect(second).toBe(first);
    expect(first.Cache).not.toBeNull();
  });

  it('binds a query against catalog tables and reports its result schema', () => {
    const { code, diagnostics } = analyze(
      'SigninLogs | extend Country = tostring(LocationDetails.countryOrRegion) | summarize n = count() by Country',
      catalog,
    );
    expect(diagnostics).toEqual([]);
    expect(resultSchema(code)).toEqual([
      { name: 'Country', type: 'string' },
      { name: 'n', type: 'long' },
    ]);
  });

  it('reports an unknown column with its offset and length', () => {
    const query = 'SigninLogs | where UserName == "a"';
    const { diagnostics } = analyze(query, catalog);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', start: query.indexOf('UserName'), length: 8 });
    expect(diagnostics[0].message).toContain('UserName');
  });

  it('reports syntax errors', () => {
    const { diagnostics } = analyze('SigninLogs | where', catalog);
    expect(diagnostics.map((d) => d.severity)).toContain('error');
    expect(diagnostics[0].start).toBe('SigninLogs | where'.length);
  });

  it('reports errors inside a called parser function at the call site', () => {
    const query = "BrokenParser('alice@contoso.com') | take 1";
    const { diagnostics } = analyze(query, catalog);
    const called = diagnostics.find((d) => d.code === 'KS-CALLED');
    expect(called?.message).toContain("error in called function 'BrokenParser'");
    expect(called?.message).toContain('nosuchcolumn');
    expect(called?.start).toBe(0);
  });

  it('binds parser functions without parameters by name', () => {
    const { code, diagnostics } = analyze('RecentSignins | project UserPrincipalName', catalog);
    expect(diagnostics).toEqual([]);
    expect(resultSchema(code)).toEqual([{ name: 'UserPrincipalName', type: 'string' }]);
  });

  it('binds _GetWatchlist with the watchlist columns', () => {
    const { code, diagnostics } = analyze("_GetWatchlist('VIPUsers') | project SearchKey, Tier", catalog);
    expect(diagnostics).toEqual([]);
    expect(resultSchema(code)).toEqual([
      { name: 'SearchKey', type: 'string' },
      { name: 'Tier', type: 'long' },
    ]);
  });

  it('does not know tables outside the catalog', () => {
    const { diagnostics } = analyze('SecurityEvent | take 1', emptyCatalog());
    expect(diagnostics[0]).toMatchObject({ severity: 'error', start: 0, length: 'SecurityEvent'.length });
  });

  it('returns no result schema for a query that is not tabular', () => {
    const { code } = analyze('let x = 1;', catalog);
    expect(resultSchema(code)).toBeUndefined();
  });
});

describe('schema names', () => {
  it('binds tables whose columns are keywords or contain spaces', () => {
    const catalog = catalogOf([
      {
        name: 'Events_CL',
        columns: [
          { name: 'time', type: 'datetime' },
          { name: 'type', type: 'string' },
          { name: 'Source IP', type: 'string' },
          { name: 'After', type: 'long' },
        ],
      },
    ]);
    const { code, diagnostics } = analyze(
      "Events_CL | project ['time'], type, ['Source IP'], After",
      catalog,
    );
    expect(diagnostics).toEqual([]);
    expect(resultSchema(code)?.map((c) => c.name)).toEqual(['time', 'type', 'Source IP', 'After']);
  });
});
