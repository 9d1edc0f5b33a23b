import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Diagnostic } from '../../diagnostics.js';
import type { TableSchema } from '../../kql/catalog.js';
import {
  coerce,
  isBag,
  parseDateTime,
  parseTimespan,
  readJsonData,
  type Value,
} from '../../kql/values/index.js';
import { type FixtureTable, INGESTION_TIME_COLUMN } from './model.js';

/** Where a fixture value came from, for diagnostics. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** One input row before conversion: raw JSON/YAML/CSV values and how to locate each of them. */
export interface RawRow {
  values: Record<string, unknown>;
  locate: (column?: string) => Location;
}

const RELATIVE = /^([+-])\s*(\d+(?:\.\d+)?\s*[a-z]+)$/i;

/**
 * A fixture timestamp: `-10m`, `+5m`, `-2h`, `-1d` relative to `now`, or an absolute datetime
 * (ISO 8601 and the other formats Kusto accepts). Null when it is neither.
 */
export function resolveTime(input: unknown, now: bigint): bigint | null {
  if (typeof input === 'bigint') return input;
  if (input instanceof Date) return coerce(input, 'datetime') as bigint | null;
  if (typeof input !== 'string') return null;
  const relative = RELATIVE.exec(input.trim());
  if (relative) {
    const span = parseTimespan(relative[2]);
    if (span === null) return null;
    return relative[1] === '-' ? now - span : now + span;
  }
  return parseDateTime(input);
}

/**
 * Rows of an NDJSON (one JSON object per line) or CSV (header row) file. `display` is the path
 * diagnostics print.
 */
export function readFixtureFile(path: string, display: string, diagnostics: Diagnostic[]): RawRow[] {
  const rows: RawRow[] = [];
  forEachFixtureRow(path, display, diagnostics, (row) => rows.push(row));
  return rows;
}

/** Bytes read at a time from an NDJSON file: a million-row file never sits in memory whole. */
const CHUNK_BYTES = 4 << 20;

/**
 * Visits the rows of an NDJSON or CSV file in order. NDJSON is read a chunk at a time, so only one
 * row's object exists at once; a CSV file is parsed whole (a quoted cell may span lines).
 */
export function forEachFixtureRow(
  path: string,
  display: string,
  diagnostics: Diagnostic[],
  visit: (row: RawRow) => void,
): void {
  const csv = path.toLowerCase().endsWith('.csv');
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (csv) {
      for (const row of csvRows(readFileSync(fd, 'utf8'), display, diagnostics)) visit(row);
    } else {
      forEachLine(fd, (line, number) => {
        const row = ndjsonRow(line, { file: display, line: number, column: 1 }, diagnostics);
        if (row) visit(row);
      });
    }
  } catch (error) {
    // A file system error (missing file, a folder, unreadable); anything else is a bug to surface.
    if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    const where = { file: display, line: 1, column: 1 };
    diagnostics.push(locationDiagnostic(where, 'SK0407', `cannot read fixture: ${(error as Error).message}`));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Calls `visit` with each line of the file (without its \n or \r\n) and its 1-based number. */
function forEachLine(fd: number, visit: (line: string, number: number) => void): void {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  let tail = '';
  let number = 0;
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.length, null);
    const lines = (tail + (read > 0 ? decoder.write(buffer.subarray(0, read)) : decoder.end())).split('\n');
    // The last piece may be the start of a line the next chunk ends.
    tail = read > 0 ? (lines.pop() as string) : '';
    for (const line of lines) visit(line.endsWith('\r') ? line.slice(0, -1) : line, ++number);
    if (read === 0) return;
  }
}

function ndjsonRow(line: string, where: Location, diagnostics: Diagnostic[]): RawRow | undefined {
  if (line.trim() === '') return undefined;
  // Token-aware, so a dynamic column keeps `2.0` apart from `2` (kql/values/json-text.ts).
  const value = readJsonData(line);
  if (value === undefined) {
    let reason = '';
    try {
      JSON.parse(line);
    } catch (error) {
      reason = `: ${(error as Error).message}`;
    }
    diagnostics.push(locationDiagnostic(where, 'SK0407', `not valid JSON${reason}`));
    return undefined;
  }
  if (!isBag(value)) {
    diagnostics.push(locationDiagnostic(where, 'SK0407', 'each NDJSON line must be a JSON object'));
    return undefined;
  }
  return { values: value as Record<string, unknown>, locate: () => where };
}

function csvRows(text: string, file: string, diagnostics: Diagnostic[]): RawRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, info: true, bom: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    const where = { file, line, column: 1 };
    diagnostics.push(locationDiagnostic(where, 'SK0407', `not valid CSV: ${(error as Error).message}`));
    return [];
  }
  // CSV has no null: an empty cell is null for every type but string, where it is ''.
  return records.map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    for (const [key, cell] of Object.entries(record)) values[key] = cell === '' ? null : cell;
    const where = { file, line: info.lines, column: 1 };
    return { values, locate: () => where };
  });
}

/**
 * Converts raw rows to an engine table with the catalog schema of `schema`. Every problem is
 * reported with its position: a column the table does not have, a time that is neither relative
 * nor absolute, a value that is not of the column's type.
 */
export function buildFixtureTable(
  schema: TableSchema,
  rows: readonly RawRow[],
  now: bigint,
  diagnostics: Diagnostic[],
): FixtureTable {
  const columns = schema.columns.map((c) => ({ name: c.name, type: c.type }));
  const convert = fixtureRowConverter(schema, now, diagnostics);
  const tableRows: Value[][] = [];
  const ingestion: (bigint | undefined)[] = [];
  for (const row of rows) {
    const cells: Value[] = columns.map((c) => coerce(null, c.type));
    ingestion.push(
      convert(row, (index, value) => {
        cells[index] = value;
      }),
    );
    tableRows.push(cells);
  }
  return { name: schema.name, table: { columns, rows: tableRows }, ingestion };
}

/**
 * Converts one raw row at a time to engine values of the schema's columns: `set(index, value)` for
 * each cell the row has (index into schema.columns); answers the row's ingestion time when it sets
 * one. Problems go to `diagnostics` with their position.
 */
export function fixtureRowConverter(
  schema: TableSchema,
  now: bigint,
  diagnostics: Diagnostic[],
): (row: RawRow, set: (index: number, value: Value) => void) => bigint | undefined {
  const known = new Map(schema.columns.map((c, i) => [c.name, i]));
  return (row, set) => {
    let ingestedAt: bigint | undefined;
    for (const [name, raw] of Object.entries(row.values)) {
      if (name === INGESTION_TIME_COLUMN) {
        const t = resolveTime(raw, now);
        if (t === null) diagnostics.push(badTime(row.locate(name), name, raw));
        else ingestedAt = t;
        continue;
      }
      const index = known.get(name);
      if (index === undefined) {
        diagnostics.push(
          locationDiagnostic(
            row.locate(name),
            'SK0404',
            `column '${name}' is not in the schema of table '${schema.name}'`,
          ),
        );
        continue;
      }
      const { type } = schema.columns[index];
      if (type === 'datetime') {
        const t = raw === null ? null : resolveTime(raw, now);
        if (t === null && raw !== null) diagnostics.push(badTime(row.locate(name), name, raw));
        set(index, t);
        continue;
      }
      const value = coerce(raw, type);
      if (value === null && raw !== null && raw !== undefined) {
        diagnostics.push(
          locationDiagnostic(
            row.locate(name),
            'SK0408',
            `${JSON.stringify(raw)} is not a valid ${type} for column '${name}'`,
          ),
        );
      }
      set(index, value);
    }
    return ingestedAt;
  };
}

function badTime(where: Location, column: string, raw: unknown): Diagnostic {
  return locationDiagnostic(
    where,
    'SK0405',
    `${JSON.stringify(String(raw))} in '${column}' is not a time: use -10m, +5m, -2h, -1d or ISO 8601 such as 2026-01-10T12:00:00Z`,
  );
}

function locationDiagnostic(where: Location, code: string, message: string): Diagnostic {
  return { code, severity: 'error', message, file: where.file, line: where.line, column: where.column };
}
