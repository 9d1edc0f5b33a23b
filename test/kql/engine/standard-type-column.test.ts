import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import {
  type ColumnarTable,
  columnarTable,
  runQuery,
  type Table,
  tableFromRecords,
  tableToRecords,
} from '../../../src/kql/index.js';
import { catalogTable } from '../../support/catalog.js';
import { NOW } from './helpers.js';

// Log Analytics' standard `Type` column "holds the name of the table that the record was retrieved
// from" (Learn "Standard columns in Azure Monitor Logs", azure-monitor-docs log-standard-columns.md
// @04f72d4). Rule-test records seldom carry it; the engine read it as '' where Azure answers the
// table's name, so `summarize by Type` and a union's `Type` (ThreatConnect's sign-in rules project
// it) gave other answers than Azure's. `_CL` tables from the Azure-Sentinel CI lack it too.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const table = (name: string, records: Record<string, unknown>[]) => catalogTable(catalog, name, records);

function query(text: string, tables: Map<string, Table | ColumnarTable>): Record<string, unknown>[] {
  return tableToRecords(runQuery(text, { catalog, tables, now: NOW }));
}

describe('the standard Type column', () => {
  it('reads the table name in records that do not carry it', () => {
    const tables = new Map([
      ['SigninLogs', table('SigninLogs', [{ UserPrincipalName: 'ann@contoso.com' }])],
      [
        'AADNonInteractiveUserSignInLogs',
        table('AADNonInteractiveUserSignInLogs', [{ UserPrincipalName: 'bob' }]),
      ],
    ]);
    expect(
      query(
        'union SigninLogs, AADNonInteractiveUserSignInLogs | summarize n = count() by Type | order by Type asc',
        tables,
      ),
    ).toEqual([
      { Type: 'AADNonInteractiveUserSignInLogs', n: 1 },
      { Type: 'SigninLogs', n: 1 },
    ]);
  });

  it('keeps a Type the record gives', () => {
    const tables = new Map([['SigninLogs', table('SigninLogs', [{ Type: 'SigninLogs' }])]]);
    expect(query('SigninLogs | project Type', tables)).toEqual([{ Type: 'SigninLogs' }]);
  });

  it('reads the table name from a dictionary-encoded column too', () => {
    const rows = table('SigninLogs', [{ UserPrincipalName: 'a' }, { UserPrincipalName: 'b' }]);
    const tables = new Map([['SigninLogs', columnarTable(rows.columns, rows.rows)]]);
    expect(query('SigninLogs | where Type == "SigninLogs" | summarize count() by Type', tables)).toEqual([
      { Type: 'SigninLogs', count_: 2 },
    ]);
  });

  it('is a column of a _CL table whose CI file leaves it out, so a published parser projecting it binds', () => {
    // BitsightGraph_data_CL.json (Azure-Sentinel CI) declares five columns, no Type; the Solution's
    // BitSightGraphData parser projects Type.
    const tables = new Map([
      [
        'BitsightGraph_data_CL',
        table('BitsightGraph_data_CL', [{ TimeGenerated: '2026-01-10T11:00:00Z', Company_name: 'Contoso' }]),
      ],
    ]);
    expect(query('BitsightGraph_data_CL | project Company_name, Type', tables)).toEqual([
      { Company_name: 'Contoso', Type: 'BitsightGraph_data_CL' },
    ]);
    expect(query('BitSightGraphData | project EventVendor, Type', tables)).toEqual([
      { EventVendor: 'BitSight', Type: 'BitsightGraph_data_CL' },
    ]);
  });

  it("is read as given in rows a test gives under a parser's name, whose Type names a table the parser read", () => {
    // BitSightGraphData projects its table's Type; given rows stand for the parser's output, not a table.
    const output = catalog.builtinFunctions?.get('BitSightGraphData')?.columns ?? [];
    const tables = new Map([['BitSightGraphData', tableFromRecords(output, [{ CompanyName: 'Contoso' }])]]);
    expect(query('BitSightGraphData | project CompanyName, Type', tables)).toEqual([
      { CompanyName: 'Contoso', Type: '' },
    ]);
  });
});
