import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../../diagnostics.js';
import type { Catalog, ColumnSchema } from '../../kql/catalog.js';
import type { Table } from '../../kql/index.js';
import { coerce, type KqlType } from '../../kql/values/index.js';
import { displayPath } from '../load.js';
import { type IndexedTable, indexTable } from '../schedule/window.js';
import { buildFixtureTable, readFixtureFile } from '../testing/fixtures.js';

const DATA_FILE = /\.(ndjson|jsonl|csv)$/i;
/** Reporting every bad row of a million-row dataset helps nobody; the first ones locate the problem. */
const MAX_DIAGNOSTICS = 50;

/**
 * Loads a backtest dataset: `<dir>/<Table>.ndjson|.jsonl|.csv` or any number of such files in
 * `<dir>/<Table>/`, checked against the catalog schema and indexed by TimeGenerated once so that
 * each rule run slices its window by binary search. Relative times (`-10m`) are relative to `now`.
 */
export function loadBacktestData(
  dir: string,
  catalog: Catalog,
  now: bigint,
): { tables: Map<string, IndexedTable>; rows: number; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, string[]>();
  for (const entry of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const inner = readdirSync(path)
        .filter((f) => DATA_FILE.test(f))
        .sort();
      files.set(entry, [...(files.get(entry) ?? []), ...inner.map((f) => join(path, f))]);
    } else if (DATA_FILE.test(entry)) {
      const table = basename(entry).replace(DATA_FILE, '');
      files.set(table, [...(files.get(table) ?? []), path]);
    }
  }
  if (files.size === 0) {
    diagnostics.push({
      code: 'SK0410',
      severity: 'error',
      message: `no NDJSON or CSV table files in ${dir}`,
      file: dir,
    });
  }
  const tables = new Map<string, IndexedTable>();
  let rows = 0;
  for (const [name, paths] of files) {
    const schema = catalog.tables.get(name);
    if (!schema) {
      diagnostics.push({
        code: 'SK0403',
        severity: 'error',
        message: `unknown table '${name}' (not a built-in table, and no schema in kql/schemas, the config's schema folders or connectors)`,
        file: displayPath(paths[0]),
      });
      continue;
    }
    const parts: Table[] = [];
    const ingestion: (bigint | undefined)[] = [];
    for (const path of paths) {
      const found: Diagnostic[] = [];
      const raw = readFixtureFile(path, displayPath(path), found);
      const fixture = buildFixtureTable(schema, raw, now, found, { presentColumnsOnly: true });
      diagnostics.push(...found.slice(0, Math.max(0, MAX_DIAGNOSTICS - diagnostics.length)));
      parts.push(fixture.table);
      // Not push(...): spreading a file's rows into one call overflows the stack past ~120k rows.
      for (const at of fixture.ingestion) ingestion.push(at);
    }
    const table = concatenate(schema.columns, parts);
    rows += table.rows.length;
    tables.set(name, indexTable(table, ingestion));
  }
  return { tables, rows, diagnostics };
}

/** One table of the parts' rows, over the columns any part has (in schema order). */
function concatenate(schema: readonly ColumnSchema[], parts: Table[]): Table {
  const names = new Set(parts.flatMap((p) => p.columns.map((c) => c.name)));
  const columns = schema
    .filter((c) => names.has(c.name))
    .map((c) => ({ name: c.name, type: c.type as KqlType }));
  const rows = parts.flatMap((part) => {
    if (part.columns.length === columns.length) return part.rows;
    const from = columns.map((c) => part.columns.findIndex((p) => p.name === c.name));
    // A column this part lacks is null in each of its rows (coerce(null) is the empty value).
    const empty = columns.map((c) => coerce(null, c.type));
    return part.rows.map((row) => from.map((at, c) => (at < 0 ? empty[c] : row[at])));
  });
  return { columns, rows };
}
