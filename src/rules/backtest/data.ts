import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../../diagnostics.js';
import type { Catalog, ColumnSchema, TableSchema } from '../../kql/catalog.js';
import {
  type Column,
  type ColumnarTable,
  type Vector,
  type VectorBuilder,
  vectorBuilder,
} from '../../kql/index.js';
import { coerce, type Value } from '../../kql/values/index.js';
import { displayPath } from '../load.js';
import { type IndexedTable, indexTable } from '../schedule/window.js';
import { fixtureRowConverter, forEachFixtureRow } from '../testing/fixtures.js';

const DATA_FILE = /\.(ndjson|jsonl|csv)$/i;
/** Reporting every bad row of a million-row dataset helps nobody; the first ones locate the problem. */
const MAX_DIAGNOSTICS = 50;

/** A dataset's loading problems and what it holds, as `loadBacktestData` reports them. */
export interface BacktestData {
  tables: Map<string, IndexedTable>;
  rows: number;
  diagnostics: Diagnostic[];
}

/** One table of a dataset, loaded: its first problems (at most as many as a whole dataset reports). */
export interface LoadedTable {
  table: IndexedTable;
  diagnostics: Diagnostic[];
}

/**
 * Loads a backtest dataset: `<dir>/<Table>.ndjson|.jsonl|.csv` or any number of such files in
 * `<dir>/<Table>/`, checked against the catalog schema and indexed by TimeGenerated once so that
 * each rule run slices its window by binary search. Relative times (`-10m`) are relative to `now`.
 */
export function loadBacktestData(dir: string, catalog: Catalog, now: bigint): BacktestData {
  const files = backtestFiles(dir);
  const loaded = new Map<string, LoadedTable>();
  for (const [name, paths] of files) {
    const schema = catalog.tables.get(name);
    if (schema) loaded.set(name, loadBacktestTable(paths, schema, now));
  }
  const tables = new Map([...loaded].map(([name, { table }]) => [name, table]));
  return {
    tables,
    rows: [...tables.values()].reduce((n, t) => n + t.length, 0),
    diagnostics: backtestDiagnostics(dir, files, catalog, (name) => loaded.get(name)?.diagnostics ?? []),
  };
}

/** The data files of each table of a dataset folder, tables in the folder's (sorted) order. */
export function backtestFiles(dir: string): Map<string, string[]> {
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
  return files;
}

/**
 * A dataset's diagnostics from each table's own (`loaded`, however the tables were loaded, in
 * whichever thread): tables in folder order, unknown tables named, and the rows' problems cut at
 * MAX_DIAGNOSTICS overall, so the report does not depend on how the loading was split.
 */
export function backtestDiagnostics(
  dir: string,
  files: ReadonlyMap<string, readonly string[]>,
  catalog: Catalog,
  loaded: (table: string) => readonly Diagnostic[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (files.size === 0) {
    diagnostics.push({
      code: 'SK0410',
      severity: 'error',
      message: `no NDJSON or CSV table files in ${dir}`,
      file: dir,
    });
  }
  for (const [name, paths] of files) {
    if (!catalog.tables.has(name)) {
      diagnostics.push({
        code: 'SK0403',
        severity: 'error',
        message: `unknown table '${name}' (not a built-in table, and no schema in kql/schemas, the config's schema folders or connectors)`,
        file: displayPath(paths[0]),
      });
      continue;
    }
    diagnostics.push(...loaded(name).slice(0, Math.max(0, MAX_DIAGNOSTICS - diagnostics.length)));
  }
  return diagnostics;
}

/** One table's files streamed into columns and indexed, keeping its first MAX_DIAGNOSTICS problems. */
export function loadBacktestTable(paths: readonly string[], schema: TableSchema, now: bigint): LoadedTable {
  const diagnostics: Diagnostic[] = [];
  const found: Diagnostic[] = [];
  // Only the first problems are kept: a million bad rows would otherwise be a million diagnostics.
  const keep = () => {
    if (found.length === 0) return;
    diagnostics.push(...found.slice(0, Math.max(0, MAX_DIAGNOSTICS - diagnostics.length)));
    found.length = 0;
  };
  const convert = fixtureRowConverter(schema, now, found);
  const columns = new StreamedColumns(schema.columns);
  for (const path of paths) {
    forEachFixtureRow(path, displayPath(path), found, (row) => {
      columns.endRow(convert(row, (index, value) => columns.set(index, value)));
      keep();
    });
    keep();
  }
  return { table: indexTable(columns.build(), columns.ingestion), diagnostics };
}

/**
 * A table's columns built as its rows stream in, straight into typed columns (no row arrays). A
 * wide table (SecurityEvent has 219 columns) holds mostly columns no row sets; the engine reads a
 * column the data lacks as empty, so only the columns some row names are built, in schema order.
 */
class StreamedColumns {
  private readonly builders: (VectorBuilder | undefined)[];
  /** Rows appended to each built column so far; a column catches up with empty values. */
  private readonly filled: number[];
  private length = 0;
  /** Each row's ingestion time when some row sets one (undefined: at its TimeGenerated). */
  ingestion?: (bigint | undefined)[];

  constructor(private readonly schema: readonly ColumnSchema[]) {
    this.builders = schema.map(() => undefined);
    this.filled = schema.map(() => 0);
  }

  set(index: number, value: Value): void {
    let builder = this.builders[index];
    if (!builder) {
      builder = vectorBuilder(this.schema[index].type);
      this.builders[index] = builder;
    }
    this.fill(index, this.length);
    builder.append(value);
    this.filled[index]++;
  }

  endRow(ingestedAt: bigint | undefined): void {
    if (ingestedAt !== undefined && !this.ingestion) {
      this.ingestion = new Array<bigint | undefined>(this.length).fill(undefined);
    }
    this.ingestion?.push(ingestedAt);
    this.length++;
  }

  build(): ColumnarTable {
    const columns: Column[] = [];
    const vectors: Vector[] = [];
    this.builders.forEach((builder, index) => {
      if (!builder) return;
      this.fill(index, this.length);
      const { name, type } = this.schema[index];
      columns.push({ name, type });
      vectors.push(builder.finish(this.length));
    });
    return { columns, length: this.length, vectors };
  }

  /** Appends the column's empty value (what a row without the cell holds) up to `rows` rows. */
  private fill(index: number, rows: number): void {
    const builder = this.builders[index];
    if (!builder || this.filled[index] >= rows) return;
    const empty = coerce(null, this.schema[index].type);
    for (let n = this.filled[index]; n < rows; n++) builder.append(empty);
    this.filled[index] = rows;
  }
}
