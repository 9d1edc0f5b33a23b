import { type Catalog, emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { parseDateTime } from '../../../src/kql/values/index.js';

export const NOW = parseDateTime('2026-01-10T12:00:00Z')!;

/** Runs a query and returns JSON-ish records (datetimes as ISO strings). */
export function records(query: string, options: { catalog?: Catalog; tables?: Map<string, Table> } = {}) {
  return tableToRecords(run(query, options));
}

export function run(query: string, options: { catalog?: Catalog; tables?: Map<string, Table> } = {}): Table {
  return runQuery(query, {
    catalog: options.catalog ?? emptyCatalog(),
    tables: options.tables ?? new Map(),
    now: NOW,
  });
}

/** Column names and types as `name:type`. */
export function schemaOf(
  query: string,
  options: { catalog?: Catalog; tables?: Map<string, Table> } = {},
): string[] {
  return run(query, options).columns.map((c) => `${c.name}:${c.type}`);
}
