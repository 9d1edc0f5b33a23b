// Rows for every table and parser a query names, built from the query's own string literals, so a
// rule's filters match some rows and its later operators see data. The values mean nothing; the
// pass finds constructs the engine refuses or fails on once rows reach them, which empty tables
// and scripts/generate-logs.ts (a dozen Microsoft tables) never exercise for vendor content.
import { type Catalog, parserOutputSchema, type TableSchema } from '../src/kql/catalog.js';
import { type Table, tableFromRecords } from '../src/kql/index.js';

/** A deterministic generator (LCG), so a run can be repeated. */
function numbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const FILLERS = ['10.0.0.5', '8.8.8.8', 'alice@contoso.com', 'Success', 'Failure', 'host1', 'admin', ''];

function cell(type: string, literals: string[], next: () => number, now: number): unknown {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  switch (type) {
    case 'string':
      return pick(literals);
    case 'datetime':
      return new Date(now - Math.floor(next() * 7_200_000)).toISOString();
    case 'int':
    case 'long':
      return Math.floor(next() * 5);
    case 'real':
    case 'decimal':
      return Math.floor(next() * 50) / 2;
    case 'bool':
      return next() < 0.5;
    case 'dynamic':
      return pick([
        { name: pick(literals), value: pick(literals) },
        [pick(literals), pick(literals)],
        pick(literals),
      ]);
    case 'guid':
      return `00000000-0000-0000-0000-00000000000${Math.floor(next() * 9)}`;
    case 'timespan':
      return '00:01:00';
    default:
      return null;
  }
}

/** `rows` rows for each table or parser of the catalog the query's text names. */
export function syntheticTables(
  query: string,
  catalog: Catalog,
  rows: number,
  now = Date.now(),
): Map<string, Table> {
  const literals = [...query.matchAll(/["']([^"'\n]{1,60})["']/g)].map((m) => m[1]).concat(FILLERS);
  const tables = new Map<string, Table>();
  for (const name of new Set(query.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])) {
    const schema: TableSchema | undefined = catalog.tables.get(name) ?? parserOutputSchema(catalog, name);
    if (!schema) continue;
    const next = numbers(rows + name.length);
    const records = Array.from({ length: rows }, () =>
      Object.fromEntries(schema.columns.map((c) => [c.name, cell(c.type, literals, next, now)])),
    );
    tables.set(name, tableFromRecords(schema.columns, records));
  }
  return tables;
}
