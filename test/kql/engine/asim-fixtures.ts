import { join } from 'node:path';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

/** The repository's catalog, shared by the tests that run published ASIM bodies. */
export const builtin = loadCatalog(join(import.meta.dirname, '..', '..', '..'));

/** The catalog with the ASimDisabledParsers watchlist as Azure-Sentinel publishes it (disables nothing). */
export function withDisabledParsers(): Catalog {
  const watchlists = new Map(builtin.watchlists);
  watchlists.set('ASimDisabledParsers', {
    alias: 'ASimDisabledParsers',
    searchKey: 'CallingParser',
    columns: [
      { name: 'CallingParser', type: 'string' },
      { name: 'SourceSpecificParser', type: 'string' },
    ],
    items: [{ CallingParser: 'imNone', SourceSpecificParser: 'NoneParser' }],
  });
  return { ...builtin, watchlists };
}

/** Rows of a catalog table, typed by its catalog columns. */
export const rowsOf = (name: string, records: Record<string, unknown>[]): Table =>
  tableFromRecords(builtin.tables.get(name)?.columns ?? [], records);

/** A query's records over these tables and a catalog, at the engine tests' fixed now. */
export const recordsOver = (catalog: Catalog, query: string, tables: Map<string, Table>) =>
  tableToRecords(runQuery(query, { catalog, tables, now: NOW }));

/** CommonSecurityLog of a CEF source's rows, beside a Palo Alto row that source's leg must not read. */
export const commonSecurityLog = (rows: Record<string, unknown>[]): Map<string, Table> =>
  new Map([
    [
      'CommonSecurityLog',
      rowsOf('CommonSecurityLog', [
        ...rows,
        {
          TimeGenerated: '2026-01-10T11:02:00Z',
          DeviceVendor: 'Palo Alto Networks',
          DeviceProduct: 'PAN-OS',
          Activity: 'TRAFFIC',
        },
      ]),
    ],
  ]);
