import { hasErrors } from '../../diagnostics.js';
import { isQueryError, runQuery, type Table, tableToRecords } from '../../kql/index.js';
import { dateToTicks, parseDateTime } from '../../kql/values/index.js';
import { loadBacktestData } from '../../rules/backtest/data.js';
import { loadCatalogOrReport, parseCommandArgs, printDiagnostics, schemasOption } from '../command.js';

const HELP = `usage: sentinel-kit query [--data <dir>] [--format table|json|csv] [--now <datetime>] [--schemas <dir>] "<kql>"

Runs a KQL query on the embedded engine against the repository's catalog (schemas, parsers,
watchlists). --data is a directory of <Table>.ndjson / <Table>.csv files; tables without data
are empty. --now fixes now()/ago() (default: the current time).`;

/** 1-based line and column of an offset in the query text. */
function position(query: string, offset: number): { line: number; column: number } {
  const before = query.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function render(table: Table, format: string): string {
  const records = tableToRecords(table);
  const names = table.columns.map((c) => c.name);
  if (format === 'json') {
    return JSON.stringify(
      { columns: table.columns, rows: records.map((r) => names.map((n) => r[n] ?? null)) },
      null,
      2,
    );
  }
  const rows = records.map((r) => names.map((n) => cell(r[n])));
  if (format === 'csv') return [names, ...rows].map((row) => row.map(csvCell).join(',')).join('\n');
  const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => r[i].length)));
  const line = (row: string[]) =>
    row
      .map((v, i) => v.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(names), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    {
      data: { type: 'string' },
      format: { type: 'string', default: 'table' },
      now: { type: 'string' },
      ...schemasOption,
    },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const query = positionals.join(' ');
  const format = values.format;
  if (!query || !['table', 'json', 'csv'].includes(format)) {
    console.error(HELP);
    return 2;
  }
  const now = values.now ? parseDateTime(values.now) : dateToTicks(new Date());
  if (now === null) {
    console.error(`error: --now '${values.now}' is not a datetime`);
    return 2;
  }
  const catalog = loadCatalogOrReport(process.cwd(), values.schemas);
  if (!catalog) return 1;
  let tables = new Map<string, Table>();
  if (values.data) {
    const loaded = loadBacktestData(values.data, catalog, now);
    printDiagnostics(loaded.diagnostics);
    if (hasErrors(loaded.diagnostics)) return 1;
    tables = loaded.tables;
  }
  try {
    console.log(render(runQuery(query, { catalog, tables, now }), format));
    return 0;
  } catch (error) {
    if (!isQueryError(error)) throw error;
    printDiagnostics(
      error.diagnostics.map((d) => ({
        file: '<query>',
        ...position(query, d.start),
        code: d.code,
        severity: d.severity,
        message: d.message,
      })),
    );
    return 1;
  }
}
