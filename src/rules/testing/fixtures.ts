import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Diagnostic } from '../../diagnostics.js';
import type { TableSchema } from '../../kql/catalog.js';
import { coerce, parseDateTime, parseTimespan, type Value } from '../../kql/values/index.js';
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const where = { file: display, line: 1, column: 1 };
    diagnostics.push(locationDiagnostic(where, 'SK0407', `cannot read fixture: ${(error as Error).message}`));
    return [];
  }
  return path.toLowerCase().endsWith('.csv')
    ? csvRows(text, display, diagnostics)
    : ndjsonRows(text, display, diagnostics);
}

function ndjsonRows(text: string, file: string, diagnostics: Diagnostic[]): RawRow[] {
  const rows: RawRow[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = { file, line: index + 1, column: 1 };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      diagnostics.push(locationDiagnostic(where, 'SK0407', `not valid JSON: ${(error as Error).message}`));
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.push(locationDiagnostic(where, 'SK0407', 'each NDJSON line must be a JSON object'));
      return;
    }
    rows.push({ values: value as Record<string, unknown>, locate: () => where });
  });
  return rows;
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
  options: { presentColumnsOnly?: boolean } = {},
): FixtureTable {
  // A wide table (SecurityEvent has 219 columns) holds mostly columns no row sets; the engine
  // reads a column the data lacks as empty, so a backtest keeps only the columns some row names.
  const present = options.presentColumnsOnly
    ? new Set(rows.flatMap((r) => Object.keys(r.values)))
    : undefined;
  const columns = schema.columns
    .filter((c) => !present || present.has(c.name))
    .map((c) => ({ name: c.name, type: c.type }));
  const known = new Map(columns.map((c, i) => [c.name, i]));
  const tableRows: Value[][] = [];
  const ingestion: (bigint | undefined)[] = [];
  for (const row of rows) {
    const cells: Value[] = columns.map((c) => coerce(null, c.type));
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
      const { type } = columns[index];
      if (type === 'datetime') {
        const t = raw === null ? null : resolveTime(raw, now);
        if (t === null && raw !== null) diagnostics.push(badTime(row.locate(name), name, raw));
        cells[index] = t;
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
      cells[index] = value;
    }
    tableRows.push(cells);
    ingestion.push(ingestedAt);
  }
  return { name: schema.name, table: { columns, rows: tableRows }, ingestion };
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
