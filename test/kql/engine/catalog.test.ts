import { describe, expect, it } from 'vitest';
import { type Catalog, emptyCatalog, watchlistBaseColumns } from '../../../src/kql/catalog.js';
import { tableFromRecords } from '../../../src/kql/index.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { records, schemaOf } from './helpers.js';

function catalog(): Catalog {
  const c = emptyCatalog();
  c.tables.set('SigninLogs', {
    name: 'SigninLogs',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'UserPrincipalName', type: 'string' },
      { name: 'ResultType', type: 'string' },
      { name: 'LocationDetails', type: 'dynamic' },
    ],
  });
  c.functions.set('FailedSignins', {
    name: 'FailedSignins',
    parameters: [{ name: 'code', type: 'string', default: '"50126"' }],
    body: 'SigninLogs | where ResultType == code | project UserPrincipalName',
  });
  c.watchlists.set('VIPs', {
    alias: 'VIPs',
    searchKey: 'Upn',
    columns: [
      { name: 'Upn', type: 'string' },
      { name: 'Tier', type: 'long' },
    ],
    items: [
      { Upn: 'alice@contoso.com', Tier: 1 },
      { Upn: 'bob@contoso.com', Tier: 2 },
    ],
  });
  return c;
}

const signins = tableFromRecords(catalog().tables.get('SigninLogs')!.columns, [
  {
    TimeGenerated: '2026-01-10T11:50:00Z',
    UserPrincipalName: 'alice@contoso.com',
    ResultType: '50126',
    LocationDetails: { countryOrRegion: 'US' },
  },
  {
    TimeGenerated: '2026-01-10T11:55:00Z',
    UserPrincipalName: 'bob@contoso.com',
    ResultType: '0',
    LocationDetails: '{"countryOrRegion":"DE"}',
  },
  { TimeGenerated: '2026-01-09T11:55:00Z', UserPrincipalName: 'carol@contoso.com', ResultType: '50126' },
]);

describe('catalog tables, parsers and watchlists', () => {
  const options = () => ({ catalog: catalog(), tables: new Map([['SigninLogs', signins]]) });

  it('scans a table with now()-relative filters and dynamic fields', () => {
    expect(
      records(
        `SigninLogs | where TimeGenerated > ago(1h) | project UserPrincipalName, Country = tostring(LocationDetails.countryOrRegion)`,
        options(),
      ),
    ).toEqual([
      { UserPrincipalName: 'alice@contoso.com', Country: 'US' },
      { UserPrincipalName: 'bob@contoso.com', Country: 'DE' },
    ]);
  });

  it('a table without data is empty, with its catalog schema', () => {
    expect(records(`SigninLogs | count`, { catalog: catalog() })).toEqual([{ Count: 0 }]);
  });

  it('expands parser functions with default and explicit arguments', () => {
    expect(
      records(`FailedSignins() | order by UserPrincipalName asc`, options()).map((r) => r.UserPrincipalName),
    ).toEqual(['alice@contoso.com', 'carol@contoso.com']);
    expect(records(`FailedSignins("0")`, options())).toEqual([{ UserPrincipalName: 'bob@contoso.com' }]);
  });

  it("_GetWatchlist returns Sentinel's columns then the watchlist's own", () => {
    const q = `_GetWatchlist('VIPs') | project SearchKey, Upn, Tier, WatchlistItem`;
    expect(records(q, options())).toEqual([
      {
        SearchKey: 'alice@contoso.com',
        Upn: 'alice@contoso.com',
        Tier: 1,
        WatchlistItem: { Upn: 'alice@contoso.com', Tier: 1 },
      },
      {
        SearchKey: 'bob@contoso.com',
        Upn: 'bob@contoso.com',
        Tier: 2,
        WatchlistItem: { Upn: 'bob@contoso.com', Tier: 2 },
      },
    ]);
    expect(schemaOf(`_GetWatchlist('VIPs')`, options()).slice(0, 4)).toEqual(
      watchlistBaseColumns.map((c) => `${c.name}:${c.type}`),
    );
  });

  it("binds each watchlist with its own columns, and one kql/watchlists lacks with Sentinel's open schema", () => {
    const c = catalog();
    c.watchlists.set('Servers', {
      alias: 'Servers',
      searchKey: 'Host',
      columns: [{ name: 'Host', type: 'string' }],
      items: [],
    });
    const errors = (q: string) =>
      analyze(q, c)
        .diagnostics.filter((d) => d.severity === 'error')
        .map((d) => d.message);
    expect(errors(`_GetWatchlist('VIPs') | project Upn, Tier`)).toEqual([]);
    // Tier is a column of VIPs, not of Servers (before, every alias bound with every watchlist's columns).
    expect(errors(`_GetWatchlist('Servers') | project Host, Tier`).join()).toMatch(/'Tier'/);
    // Published rules read watchlists a solution deploys (DNS Essentials: wl_Type, wl_Threshold...).
    expect(
      errors(
        `_GetWatchlist("DNS_Solution_Domain_IOCs") | where wl_Type == 'Detection' | project wl_Threshold, SearchKey`,
      ),
    ).toEqual([]);
    expect(() =>
      records(`_GetWatchlist('Unknown') | project SearchKey`, { catalog: c, tables: new Map() }),
    ).toThrow(/no watchlist with alias 'Unknown'/);
  });

  it('joins a table with a watchlist', () => {
    const q = `SigninLogs | join kind=inner (_GetWatchlist('VIPs') | project UserPrincipalName = SearchKey, Tier) on UserPrincipalName | project UserPrincipalName, Tier`;
    expect(records(q, options())).toEqual([
      { UserPrincipalName: 'alice@contoso.com', Tier: 1 },
      { UserPrincipalName: 'bob@contoso.com', Tier: 2 },
    ]);
  });
});
