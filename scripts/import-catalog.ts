// Imports the shared table-schema catalog (Azure Monitor table reference, Defender XDR advanced
// hunting reference, Azure-Sentinel CI custom tables; see its README and provenance.json) into the
// packed files the loader reads: catalog/tables.ndjson and catalog/stubs.ndjson, one table per line.
// Tables the project describes by hand in kql/schemas are merged in and their files removed, so each
// table has one definition. Usage: npx tsx scripts/import-catalog.ts [path/to/shared/catalog]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnSchema, TableSchema } from '../src/kql/catalog.js';
import { builtinCatalogDir, readPackedFile } from '../src/kql/packed-tables.js';

/** The source's placeholder for tables it has no description for (`<Name> table.`). */
function isPlaceholder(table: TableSchema): boolean {
  return !table.description || table.description === `${table.name} table.`;
}

function describedColumns(table: TableSchema): number {
  return table.columns.filter((c) => c.description).length;
}

/**
 * One table out of two descriptions of it: the columns of the better-described one (more column
 * descriptions; the first on a tie), then every column only the other has, so no column is lost.
 * Where both name a column, the kept table's type wins; the other's description fills a gap.
 */
export function mergeTable(first: TableSchema, second: TableSchema): TableSchema {
  const [kept, other] =
    describedColumns(second) > describedColumns(first) ? [second, first] : [first, second];
  const otherColumns = new Map(other.columns.map((c) => [c.name, c]));
  const columns: ColumnSchema[] = kept.columns.map((c) => {
    const description = c.description ?? otherColumns.get(c.name)?.description;
    return { name: c.name, type: c.type, ...(description ? { description } : {}) };
  });
  const keptNames = new Set(columns.map((c) => c.name));
  for (const c of other.columns) if (!keptNames.has(c.name)) columns.push(c);
  const description = isPlaceholder(kept) && !isPlaceholder(other) ? other.description : kept.description;
  return { name: kept.name, ...(description ? { description } : {}), columns };
}

function readTables(dir: string): TableSchema[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as TableSchema);
}

export function pack(tables: TableSchema[]): string {
  const sorted = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted
    .map((t) => `${JSON.stringify({ name: t.name, description: t.description, columns: t.columns })}\n`)
    .join('');
}

function main(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const source = process.argv[2] ?? join(root, '..', 'shared', 'catalog');
  if (!existsSync(join(source, 'tables'))) {
    console.error(`no catalog at ${source} (expected tables/, stubs/ and provenance.json)`);
    process.exit(2);
  }
  const out = builtinCatalogDir(root);
  const tablesFile = join(out, 'tables.ndjson');
  // Earlier imports already merged the hand-written tables; their merged copies stand in for them.
  const previous = existsSync(tablesFile) ? readPackedFile(tablesFile) : new Map<string, TableSchema>();
  const schemasDir = join(root, 'kql', 'schemas');
  const handWritten = existsSync(schemasDir) ? readTables(schemasDir) : [];
  const own = new Map([...previous].map(([name, t]) => [name.toLowerCase(), t]));
  for (const t of handWritten) own.set(t.name.toLowerCase(), t);

  const merged: string[] = [];
  const tables = readTables(join(source, 'tables')).map((table) => {
    const mine = own.get(table.name.toLowerCase());
    if (!mine || !handWritten.includes(mine)) return mine ? mergeTable(table, mine) : table;
    const kept = describedColumns(table) > describedColumns(mine) ? 'catalog' : 'hand-written';
    merged.push(`${table.name}: kept the ${kept} copy`);
    return mergeTable(mine, table);
  });
  mkdirSync(out, { recursive: true });
  writeFileSync(tablesFile, pack(tables));
  writeFileSync(join(out, 'stubs.ndjson'), pack(readTables(join(source, 'stubs'))));
  // Keys the other import scripts add (asimParsers, basicPlan, ciFunctions, ciTables) and corrections to a source's column list
  // (catalog/provenance.json `corrections`, applied to tables.ndjson, which re-imports merge) outlive a re-import.
  const provenanceFile = join(out, 'provenance.json');
  const kept = existsSync(provenanceFile) ? JSON.parse(readFileSync(provenanceFile, 'utf8')) : {};
  const provenance = JSON.parse(readFileSync(join(source, 'provenance.json'), 'utf8'));
  for (const key of ['asimParsers', 'basicPlan', 'corrections', 'ciFunctions', 'ciTables'])
    if (kept[key]) provenance[key] = kept[key];
  writeFileSync(provenanceFile, JSON.stringify(provenance, null, 1));
  for (const t of handWritten) {
    if (tables.some((c) => c.name.toLowerCase() === t.name.toLowerCase()))
      rmSync(join(schemasDir, `${t.name}.json`));
  }
  console.log(`${tables.length} tables, ${merged.length} merged with kql/schemas:`);
  for (const line of merged) console.log(`  ${line}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
