import { dateToTicks, parseDateTime } from '../../kql/values/index.js';
import type { QueryLimits } from '../../kql/worker/protocol.js';
import {
  IsolatedQueryRunner,
  type JsonTable,
  QueryLimitError,
  QueryRejectedError,
} from '../../kql/worker/runner.js';
import { loadCatalogOrReport, parseCommandArgs, printDiagnostics, schemasOption } from '../command.js';

// Azure's Log Analytics limits: 10 minutes and 500,000 records (learn.microsoft.com/azure/azure-monitor/service-limits).
const defaults: QueryLimits = { timeoutMs: 600_000, maxRows: 500_000, memoryMb: 4096 };

const HELP = `usage: sentinel-kit query [--data <dir>] [--format table|json|csv] [--now <datetime>] [--schemas <dir>]
                         [--timeout <s>] [--max-rows <n>] [--memory <MB>] "<kql>"

Runs a KQL query on the embedded engine against the repository's catalog (schemas, parsers,
watchlists). --data is a directory of <Table>.ndjson / <Table>.csv files; tables without data
are empty. --now fixes now()/ago() (default: the current time).

The query runs in a worker process within limits, so a runaway join is stopped rather than
exhausting the machine: --timeout (default ${defaults.timeoutMs / 1000} s), --max-rows (default ${defaults.maxRows},
Log Analytics' limit; a larger result is refused, not truncated), --memory (default ${defaults.memoryMb} MB).`;

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

function render(table: JsonTable, format: string): string {
  const names = table.columns.map((c) => c.name);
  if (format === 'json') return JSON.stringify({ columns: table.columns, rows: table.rows }, null, 2);
  const rows = table.rows.map((r) => r.map(cell));
  if (format === 'csv') return [names, ...rows].map((row) => row.map(csvCell).join(',')).join('\n');
  const widths = names.map((n, i) => rows.reduce((width, r) => Math.max(width, r[i].length), n.length));
  const line = (row: string[]) =>
    row
      .map((v, i) => v.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(names), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

/** A positive number from a flag, or undefined with the flag named in the error. */
function positive(value: string | undefined, flag: string, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (Number.isFinite(n) && n > 0) return n;
  console.error(`error: ${flag} must be a positive number`);
  return undefined;
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
      timeout: { type: 'string' },
      'max-rows': { type: 'string' },
      memory: { type: 'string' },
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
  const timeout = positive(values.timeout, '--timeout', defaults.timeoutMs / 1000);
  const maxRows = positive(values['max-rows'], '--max-rows', defaults.maxRows);
  const memory = positive(values.memory, '--memory', defaults.memoryMb);
  if (timeout === undefined || maxRows === undefined || memory === undefined) return 2;
  const catalog = loadCatalogOrReport(process.cwd(), values.schemas);
  if (!catalog) return 1;
  const runner = new IsolatedQueryRunner(
    catalog,
    {
      module: new URL('../../rules/backtest/source.ts', import.meta.url).href,
      options: { dir: values.data, now },
    },
    { timeoutMs: timeout * 1000, maxRows: Math.floor(maxRows), memoryMb: Math.floor(memory) },
  );
  try {
    console.log(render(await runner.run(query, now), format));
    return 0;
  } catch (error) {
    if (error instanceof QueryLimitError) {
      console.error(`error: ${error.message} (raise it with --timeout, --max-rows or --memory)`);
      return 1;
    }
    if (!(error instanceof QueryRejectedError)) throw error;
    if (error.diagnostics.length === 0) {
      console.error(error.message);
      return 1;
    }
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
  } finally {
    await runner.close();
  }
}
