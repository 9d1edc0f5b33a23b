import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog, type WatchlistSchema } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// Microsoft Business Applications' parsers read a watchlist whose alias is a parameter default
// (Solutions/Microsoft Business Applications/Parsers/MSBizAppsTerminatedEmployees.yaml:
// `_GetWatchlist(TerminatedEmployeesWatchlistAlias)`, Default 'TerminatedEmployees'). The catalog
// noted only literal aliases, so these bodies did not bind and the parsers stayed known by their
// columns only, which the engine answers with no rows while no table has rows: a project defining
// the TerminatedEmployees watchlist got no rows where Azure's parser returns its items.
const root = join(import.meta.dirname, '..', '..', '..');
const builtin = loadCatalog(root);

function withWatchlist(watchlist: WatchlistSchema): Catalog {
  return { ...builtin, watchlists: new Map([...builtin.watchlists, [watchlist.alias, watchlist]]) };
}

const terminatedEmployees: WatchlistSchema = {
  alias: 'TerminatedEmployees',
  searchKey: 'User Principal Name',
  columns: [
    { name: 'User Principal Name', type: 'string' },
    { name: 'UserState', type: 'string' },
  ],
  items: [
    { 'User Principal Name': 'ann@contoso.com', UserState: 'Terminated' },
    { 'User Principal Name': 'bob@contoso.com', UserState: 'Notified' },
  ],
};

function query(text: string, catalog: Catalog, tables = new Map<string, Table>()): Record<string, unknown>[] {
  return tableToRecords(runQuery(text, { catalog, tables, now: NOW }));
}

describe('Solution parsers whose watchlist alias is a parameter default', () => {
  it("MSBizAppsTerminatedEmployees returns the project's TerminatedEmployees items through its published body", () => {
    // The body projects column_ifexists('User Principal Name', '_') and drops its definition row ('_').
    expect(
      query(
        'MSBizAppsTerminatedEmployees | project UserPrincipalName, UserState | order by UserPrincipalName asc',
        withWatchlist(terminatedEmployees),
      ),
    ).toEqual([
      { UserPrincipalName: 'ann@contoso.com', UserState: 'Terminated' },
      { UserPrincipalName: 'bob@contoso.com', UserState: 'Notified' },
    ]);
  });

  it('"Dataverse - Export activity from terminated or notified employee" joins those items to DataverseActivity', () => {
    const activity = tableFromRecords(builtin.tables.get('DataverseActivity')?.columns ?? [], [
      { TimeGenerated: '2026-01-10T11:30:00Z', UserId: 'ann@contoso.com', Message: 'ExportToExcel' },
      { TimeGenerated: '2026-01-10T11:40:00Z', UserId: 'carl@contoso.com', Message: 'ExportToExcel' },
    ]);
    expect(
      query(
        `MSBizAppsTerminatedEmployees
        | where (UserState =~ "Terminated")
        | join kind=inner (DataverseActivity
            | where TimeGenerated >= ago(1h)
            | where Message in ('ExportToExcel'))
            on $left.UserPrincipalName == $right.UserId
        | project UserId, UserState`,
        withWatchlist(terminatedEmployees),
        new Map([['DataverseActivity', activity]]),
      ),
    ).toEqual([{ UserId: 'ann@contoso.com', UserState: 'Terminated' }]);
  });

  it("MSBizAppsVIPUsers reads the VIPUsers watchlist's template columns, not the project's own names", () => {
    // The body takes column_ifexists('User Principal Name', '_'): a VIPUsers watchlist with the
    // Sentinel template's column gives its items; kql/watchlists/VIPUsers.yaml names the column
    // UserPrincipalName, so through it every row is the '_' the body filters out.
    const template: WatchlistSchema = {
      alias: 'VIPUsers',
      searchKey: 'User Principal Name',
      columns: [
        { name: 'User Principal Name', type: 'string' },
        { name: 'Tags', type: 'string' },
      ],
      items: [{ 'User Principal Name': 'ceo@contoso.com', Tags: 'Executive' }],
    };
    const text = 'MSBizAppsVIPUsers | project UserPrincipalName, Tags';
    expect(query(text, withWatchlist(template))).toEqual([
      { UserPrincipalName: 'ceo@contoso.com', Tags: 'Executive' },
    ]);
    expect(query(text, builtin)).toEqual([]);
  });

  it('binds without the watchlist in the project, and answers no rows over no data', () => {
    expect(
      query('MSBizAppsNetworkAddresses | where Tags has "BlockDataverse" | summarize by IPSubnet', builtin),
    ).toEqual([]);
  });
});
