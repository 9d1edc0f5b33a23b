import { type Catalog, type ColumnSchema, catalogOf, type KqlType } from '../../src/kql/catalog.js';

/** Column name → KQL type, in column order. */
export type Columns = Record<string, KqlType>;

export function columnsOf(columns: Columns): ColumnSchema[] {
  return Object.entries(columns).map(([name, type]) => ({ name, type }));
}

/** A catalog of test-owned table schemas (`{ Table: { Column: type } }`), independent of kql/schemas content. */
export function testCatalog(tables: Record<string, Columns>): Catalog {
  return catalogOf(Object.entries(tables).map(([name, columns]) => ({ name, columns: columnsOf(columns) })));
}
