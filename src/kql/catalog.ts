import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { type Diagnostic, DiagnosticError } from '../diagnostics.js';
import { documentToJs, reportUnresolvedAliases } from '../yaml.js';
import { type KqlType, kqlTypes } from './values/types.js';

export type { KqlType } from './values/types.js';

export interface ColumnSchema {
  name: string;
  type: KqlType;
  description?: string;
}

export interface TableSchema {
  name: string;
  description?: string;
  columns: ColumnSchema[];
  file?: string;
}

export interface FunctionParameter {
  name: string;
  type: KqlType | 'table';
  default?: string;
}

export interface FunctionSchema {
  name: string;
  description?: string;
  parameters: FunctionParameter[];
  body: string;
  file?: string;
}

export interface WatchlistSchema {
  alias: string;
  displayName?: string;
  description?: string;
  searchKey: string;
  columns: ColumnSchema[];
  items: Record<string, unknown>[];
  file?: string;
}

export interface Catalog {
  tables: Map<string, TableSchema>;
  functions: Map<string, FunctionSchema>;
  watchlists: Map<string, WatchlistSchema>;
}

/** Columns every `_GetWatchlist()` result carries before the watchlist's own columns (Sentinel docs: "Build queries or detection rules with watchlists"). */
export const watchlistBaseColumns: readonly ColumnSchema[] = [
  { name: '_DTItemId', type: 'string' },
  { name: 'LastUpdatedTimeUTC', type: 'datetime' },
  { name: 'SearchKey', type: 'string' },
  { name: 'WatchlistItem', type: 'dynamic' },
];

export function emptyCatalog(): Catalog {
  return { tables: new Map(), functions: new Map(), watchlists: new Map() };
}

/** A catalog holding only the given tables; used for DCR transforms (`source`) and ad-hoc queries. */
export function catalogOf(tables: TableSchema[], base: Catalog = emptyCatalog()): Catalog {
  const merged = new Map(base.tables);
  for (const table of tables) merged.set(table.name, table);
  return { tables: merged, functions: base.functions, watchlists: base.watchlists };
}

/**
 * Reads every schema the repository's content is checked against: `kql/schemas/*.json`,
 * `connectors/<name>/table.json`, `kql/parsers/*.yaml` and `kql/watchlists/*.yaml`.
 * Throws DiagnosticError listing every malformed file rather than stopping at the first.
 */
export function loadCatalog(root: string): Catalog {
  const catalog = emptyCatalog();
  const diagnostics: Diagnostic[] = [];
  const rel = (file: string) => relative(process.cwd(), file) || file;

  for (const file of filesIn(join(root, 'kql', 'schemas'), '.json')) {
    addTable(catalog, readTableFile(file, rel(file), diagnostics), diagnostics);
  }
  const connectorsDir = join(root, 'connectors');
  if (existsSync(connectorsDir)) {
    for (const entry of readdirSync(connectorsDir, { withFileTypes: true })) {
      const file = join(connectorsDir, entry.name, 'table.json');
      if (entry.isDirectory() && existsSync(file)) {
        addTable(catalog, readTableFile(file, rel(file), diagnostics), diagnostics);
      }
    }
  }
  for (const file of filesIn(join(root, 'kql', 'parsers'), '.yaml')) {
    const parser = readParserFile(file, rel(file), diagnostics);
    if (parser) catalog.functions.set(parser.name, parser);
  }
  for (const file of filesIn(join(root, 'kql', 'watchlists'), '.yaml')) {
    const watchlist = readWatchlistFile(file, rel(file), diagnostics);
    if (watchlist) catalog.watchlists.set(watchlist.alias, watchlist);
  }
  if (diagnostics.length > 0) throw new DiagnosticError(diagnostics);
  return catalog;
}

function filesIn(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => join(dir, name));
}

function addTable(catalog: Catalog, table: TableSchema | undefined, diagnostics: Diagnostic[]): void {
  if (!table) return;
  const existing = catalog.tables.get(table.name);
  if (existing) {
    diagnostics.push({
      code: 'SK0003',
      severity: 'error',
      message: `table '${table.name}' is defined twice (also in ${existing.file})`,
      file: table.file,
      line: 1,
      column: 1,
    });
    return;
  }
  catalog.tables.set(table.name, table);
}

function readTableFile(path: string, file: string, diagnostics: Diagnostic[]): TableSchema | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    diagnostics.push(fileError(file, 'SK0001', `not valid JSON: ${(error as Error).message}`));
    return undefined;
  }
  const table = raw as Partial<TableSchema>;
  if (typeof table?.name !== 'string' || !Array.isArray(table.columns)) {
    diagnostics.push(fileError(file, 'SK0002', 'a table schema needs "name" (string) and "columns" (array)'));
    return undefined;
  }
  const columns = checkColumns(table.columns, file, `table '${table.name}'`, diagnostics);
  return { name: table.name, description: table.description, columns, file };
}

function checkColumns(
  columns: unknown[],
  file: string,
  owner: string,
  diagnostics: Diagnostic[],
): ColumnSchema[] {
  const seen = new Set<string>();
  const valid: ColumnSchema[] = [];
  for (const column of columns as Partial<ColumnSchema>[]) {
    if (typeof column?.name !== 'string' || !kqlTypes.includes(column.type as KqlType)) {
      diagnostics.push(
        fileError(
          file,
          'SK0002',
          `${owner}: column ${JSON.stringify(column)} needs a name and a KQL type (${kqlTypes.join(', ')})`,
        ),
      );
      continue;
    }
    if (seen.has(column.name)) {
      diagnostics.push(fileError(file, 'SK0003', `${owner}: column '${column.name}' is declared twice`));
      continue;
    }
    seen.add(column.name);
    valid.push({ name: column.name, type: column.type as KqlType, description: column.description });
  }
  return valid;
}

function readYaml(
  path: string,
  file: string,
  diagnostics: Diagnostic[],
): Record<string, unknown> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter });
  reportUnresolvedAliases(doc);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      diagnostics.push({
        code: 'SK0001',
        severity: 'error',
        message: error.message,
        file,
        line,
        column: col,
      });
    }
    return undefined;
  }
  const value = documentToJs(doc);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(fileError(file, 'SK0002', 'expected a YAML mapping at the top level'));
    return undefined;
  }
  return value as Record<string, unknown>;
}

function readParserFile(path: string, file: string, diagnostics: Diagnostic[]): FunctionSchema | undefined {
  const doc = readYaml(path, file, diagnostics);
  if (!doc) return undefined;
  if (typeof doc.functionName !== 'string' || typeof doc.query !== 'string') {
    diagnostics.push(fileError(file, 'SK0002', 'a parser needs "functionName" and "query" (strings)'));
    return undefined;
  }
  const parameters = Array.isArray(doc.parameters) ? (doc.parameters as FunctionParameter[]) : [];
  return {
    name: doc.functionName,
    description: typeof doc.description === 'string' ? doc.description : undefined,
    parameters: parameters.map((p) => ({ name: String(p.name), type: p.type, default: p.default })),
    body: doc.query,
    file,
  };
}

function readWatchlistFile(
  path: string,
  file: string,
  diagnostics: Diagnostic[],
): WatchlistSchema | undefined {
  const doc = readYaml(path, file, diagnostics);
  if (!doc) return undefined;
  const { watchlistAlias, itemsSearchKey, columns, items } = doc;
  if (typeof watchlistAlias !== 'string' || typeof itemsSearchKey !== 'string' || !Array.isArray(columns)) {
    diagnostics.push(
      fileError(file, 'SK0002', 'a watchlist needs "watchlistAlias", "itemsSearchKey" and "columns"'),
    );
    return undefined;
  }
  const checked = checkColumns(columns, file, `watchlist '${watchlistAlias}'`, diagnostics);
  if (!checked.some((c) => c.name === itemsSearchKey)) {
    diagnostics.push(
      fileError(
        file,
        'SK0002',
        `watchlist '${watchlistAlias}': itemsSearchKey '${itemsSearchKey}' is not a column`,
      ),
    );
  }
  return {
    alias: watchlistAlias,
    displayName: typeof doc.displayName === 'string' ? doc.displayName : undefined,
    description: typeof doc.description === 'string' ? doc.description : undefined,
    searchKey: itemsSearchKey,
    columns: checked,
    items: Array.isArray(items) ? (items as Record<string, unknown>[]) : [],
    file,
  };
}

function fileError(file: string, code: string, message: string): Diagnostic {
  return { code, severity: 'error', message, file, line: 1, column: 1 };
}
