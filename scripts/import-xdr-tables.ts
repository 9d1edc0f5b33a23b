// Brings Defender XDR advanced-hunting tables the catalog lacks, or columns it lacks of one it has,
// into catalog/tables.ndjson from MicrosoftDocs/defender-docs `defender-xdr/advanced-hunting-<table>-table.md`
// pages: the page's `# Name` heading and its first `| Column name | Data type | Description |` table
// (a page may be an excerpt holding only those). A table the catalog has keeps its columns and types;
// only the page's other columns are added. Each page is recorded in catalog/provenance.json `tables`
// as a `src2` source, as scripts/import-catalog.ts's shared catalog records the pages it took.
// A `commits.json` beside the pages (file name -> commit) says which version each came from.
// Usage: npx tsx scripts/import-xdr-tables.ts <folder of advanced-hunting pages>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ColumnSchema, sentinelCiType, type TableSchema } from '../src/kql/catalog.js';
import { builtinCatalogDir, readPackedFile } from '../src/kql/packed-tables.js';
import { pack } from './import-catalog.js';
import { commitsOf } from './import-ci-functions.js';

const REPO = 'MicrosoftDocs/defender-docs';
const FOLDER = 'defender-xdr';

export interface DocumentedTable {
  name: string;
  columns: ColumnSchema[];
  notes: string[];
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

/** A column cell's name: the first backticked word, without the footnote links and (Preview) marks. */
const columnName = (cell: string) => (cell.match(/`([^`]+)`/)?.[1] ?? cell.split(/\s/)[0]).trim();

/** The table a page describes, or undefined when it has no heading or no column table. */
export function readXdrPage(text: string): DocumentedTable | undefined {
  const lines = text.split(/\r?\n/);
  const name = lines
    .find((line) => line.startsWith('# '))
    ?.slice(2)
    .replace(/\(Preview\)/i, '')
    .trim();
  const header = lines.findIndex((line) => /^\|\s*Column name\s*\|\s*Data type\s*\|/i.test(line));
  if (!name || header < 0) return undefined;
  const columns: ColumnSchema[] = [];
  const notes: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [nameCell = '', typeCell = ''] = cells(line);
    const column = columnName(nameCell);
    const type = sentinelCiType(typeCell);
    if (!type) notes.push(`column ${column} of type ${JSON.stringify(typeCell)} left out`);
    else if (!columns.some((c) => c.name === column)) columns.push({ name: column, type });
  }
  return { name, columns, notes };
}

interface Source {
  source: string;
  repo: string;
  commit?: string;
  path: string;
  added_columns?: string[];
  notes?: string[];
}

export type TableProvenance = Record<string, { sources: Source[]; also_in: string[]; stub: boolean }>;

/** Where documented tables come from: the provenance source label, the repository and each file's path there. */
export interface TableOrigin {
  source: string;
  repo: string;
  path: (file: string) => string;
}

const XDR_PAGES: TableOrigin = { source: 'src2', repo: REPO, path: (file) => `${FOLDER}/${file}` };

/**
 * Adds documented tables, and the columns a catalog table lacks, to `tables` and records each
 * document in `provenance` (Defender XDR pages here; Solutions' table definitions in
 * scripts/import-solution-tables.ts).
 */
export function mergeTableColumns(
  pages: { file: string; commit?: string; page: DocumentedTable }[],
  tables: Map<string, TableSchema>,
  provenance: TableProvenance,
  origin: TableOrigin = XDR_PAGES,
): void {
  const { repo } = origin;
  for (const { file, commit, page } of pages) {
    const path = origin.path(file);
    const entry = provenance[page.name] ?? { sources: [], also_in: [], stub: false };
    const fromThisPage = (s: Source) => s.path === path && s.repo === repo;
    // A table an earlier run made from this page alone (no columns added to another source's table)
    // is this page's again, not a table it adds to.
    const pageOnly =
      entry.sources.length > 0 && entry.sources.every((s) => fromThisPage(s) && !s.added_columns);
    const own = pageOnly ? undefined : tables.get(page.name);
    const have = new Map(own?.columns.map((c) => [c.name, c.type]));
    const added = page.columns.filter((c) => !have.has(c.name));
    const notes = [...page.notes];
    for (const c of page.columns) {
      const kept = have.get(c.name);
      if (kept && kept !== c.type)
        notes.push(`column ${c.name}: the page says ${c.type}, the catalog's ${kept} kept`);
    }
    tables.set(
      page.name,
      own ? { ...own, columns: [...own.columns, ...added] } : { name: page.name, columns: added },
    );
    const source: Source = {
      source: origin.source,
      repo,
      ...(commit ? { commit } : {}),
      path,
      ...(own ? { added_columns: added.map((c) => c.name) } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    };
    // A rerun on a newer page replaces that page's record; the columns it added before stay.
    const earlier = entry.sources.find(fromThisPage);
    if (earlier?.added_columns && source.added_columns)
      source.added_columns = [...new Set([...earlier.added_columns, ...source.added_columns])];
    entry.sources = [...entry.sources.filter((s) => s !== earlier), source];
    provenance[page.name] = entry;
  }
}

function main(): void {
  const [folder] = process.argv.slice(2);
  if (!folder) throw new Error('usage: import-xdr-tables.ts <folder of advanced-hunting pages>');
  const commitOf = commitsOf(folder, undefined);
  const pages = readdirSync(folder)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .flatMap((file) => {
      const page = readXdrPage(readFileSync(join(folder, file), 'utf8'));
      if (!page) console.warn(`${file}: no table heading or column table; skipped`);
      return page ? [{ file, commit: commitOf(file), page }] : [];
    });
  mergeIntoCatalog(pages);
  console.log(`${pages.length} pages: ${pages.map((p) => p.page.name).join(', ')}`);
}

/** mergeTableColumns over the built-in catalog's tables.ndjson and provenance.json, written back. */
export function mergeIntoCatalog(
  pages: { file: string; commit?: string; page: DocumentedTable }[],
  origin: TableOrigin = XDR_PAGES,
): void {
  const dir = builtinCatalogDir();
  const tablesFile = join(dir, 'tables.ndjson');
  const tables = readPackedFile(tablesFile);
  const provenanceFile = join(dir, 'provenance.json');
  const all = JSON.parse(readFileSync(provenanceFile, 'utf8')) as { tables: TableProvenance };
  mergeTableColumns(pages, tables, all.tables, origin);
  writeFileSync(tablesFile, pack([...tables.values()]));
  writeFileSync(provenanceFile, JSON.stringify(all, null, 1));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
