import { type Catalog, type ColumnSchema, catalogOf, type KqlType } from '../../src/kql/catalog.js';
import { type Table, tableFromRecords } from '../../src/kql/index.js';

/** Column name → KQL type, in column order. */
export type Columns = Record<string, KqlType>;

export function columnsOf(columns: Columns): ColumnSchema[] {
  return Object.entries(columns).map(([name, type]) => ({ name, type }));
}

/** A catalog of test-owned table schemas (`{ Table: { Column: type } }`), independent of kql/schemas content. */
export function testCatalog(tables: Record<string, Columns>): Catalog {
  return catalogOf(Object.entries(tables).map(([name, columns]) => ({ name, columns: columnsOf(columns) })));
}

/** Rows of a table the catalog declares, typed by its columns; a table it lacks is the test's error. */
export function catalogTable(catalog: Catalog, name: string, records: Record<string, unknown>[]): Table {
  const columns = catalog.tables.get(name)?.columns;
  if (!columns) throw new Error(`the catalog has no table ${name}`);
  return tableFromRecords(columns, records);
}
