import { describe, expect, it } from 'vitest';
import { loadCatalog, type TableSchema } from '../../../src/kql/catalog.js';
import { quoteName, tableSymbol } from '../../../src/kql/syntax/globals.js';
import { kusto, toArray } from '../../../src/kql/syntax/kusto.js';

// tableSymbol builds a table's symbol from its columns; Kusto.Language's own way, which it replaced,
// writes the schema text `(name:type, ...)` and parses it back (TableSymbol(name, schema, description)).
function fromSchemaText(table: TableSchema): any {
  const schema = `(${table.columns.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ')})`;
  return new (kusto().Symbols.TableSymbol.$ctor7)(table.name, schema, table.description ?? null);
}

function shape(symbol: any) {
  return {
    name: symbol.Name,
    description: symbol.Description,
    state: symbol._state,
    list: symbol.Columns.constructor,
    columns: toArray(symbol.Columns).map((c: any) => ({
      name: c.Name,
      type: c.Type,
      description: c.Description,
      originals: toArray(c.OriginalColumns).length,
      examples: toArray(c.Examples).length,
    })),
  };
}

describe('table symbols built from columns', () => {
  it('equal the ones parsed from schema text for every table of the built-in catalog', () => {
    const tables = [...loadCatalog(process.cwd()).tables.values()];
    expect(tables.length).toBeGreaterThan(800);
    for (const table of tables)
      expect(shape(tableSymbol(table)), table.name).toEqual(shape(fromSchemaText(table)));
  });

  it('equal them for keyword and bracketed names, a repeated column and every scalar type', () => {
    const table: TableSchema = {
      name: 'Odd_CL',
      description: 'odd names',
      columns: [
        { name: 'time', type: 'datetime' },
        { name: 'type', type: 'string' },
        { name: 'with space', type: 'long' },
        { name: "it's", type: 'dynamic' },
        { name: 'a-b', type: 'bool' },
        { name: 'type', type: 'long' },
        { name: 'Id', type: 'guid' },
        { name: 'Span', type: 'timespan' },
        { name: 'Ratio', type: 'real' },
        { name: 'Count', type: 'int' },
        { name: 'Money', type: 'decimal' },
      ],
    };
    const built = shape(tableSymbol(table));
    expect(built).toEqual(shape(fromSchemaText(table)));
    // The later `type` is dropped, as a repeated column declaration is.
    expect(built.columns.map((c) => c.name)).toEqual([
      'time',
      'type',
      'with space',
      "it's",
      'a-b',
      'Id',
      'Span',
      'Ratio',
      'Count',
      'Money',
    ]);
  });
});
