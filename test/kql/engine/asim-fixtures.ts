import { join } from 'node:path';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { type Table, tableFromRecords } from '../../../src/kql/index.js';

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
