import { hasErrors } from '../../diagnostics.js';
import { formatDateTime, parseDateTime } from '../../kql/values/index.js';
import {
  backtestRules,
  formatBacktestReport,
  loadBacktestData,
  progressBar,
} from '../../rules/backtest/index.js';
import { findRuleFiles, loadRuleFile } from '../../rules/load.js';
import {
  loadCatalogOrReport,
  parseCommandArgs,
  printDiagnostics,
  rootOption,
  schemasOption,
} from '../command.js';

const HELP = `usage: sentinel-kit backtest <rule.yaml|dir>... --data <dir> --from <iso> --to <iso> [options]

Replays each analytics rule at its queryFrequency over [from, to] against a dataset (one NDJSON or
CSV file per table, or a folder of them per table, named after the table), each run seeing only its
own window, and reports alerts and incidents per day. Exits 1 when a rule exceeds its
maxAlertsPerDay on any day, or a rule cannot run.

options:
  --data <dir>     dataset folder (e.g. from scripts/generate-logs.ts)
  --from <iso>     start of the period, e.g. 2026-01-01T00:00:00Z
  --to <iso>       end of the period
  --root <dir>     repository root holding kql/schemas and connectors (default .)
  --schemas <dir>   another folder of table schemas (repeatable)
  -h, --help       show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    {
      data: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      ...rootOption,
      ...schemasOption,
    },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const from = values.from ? parseDateTime(values.from) : null;
  const to = values.to ? parseDateTime(values.to) : null;
  if (!values.data || from === null || to === null || positionals.length === 0 || to <= from) {
    console.error(`backtest needs rules, --data, and --from before --to as ISO 8601 times\n\n${HELP}`);
    return 2;
  }
  const catalog = loadCatalogOrReport(values.root, values.schemas);
  if (!catalog) return 1;
  const rules = findRuleFiles(positionals).map((path) => loadRuleFile(path));
  const data = loadBacktestData(values.data, catalog, to);
  const diagnostics = [...rules.flatMap((r) => r.diagnostics), ...data.diagnostics].filter(
    (d) => d.severity === 'error',
  );
  printDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) return 1;
  const loaded = rules.flatMap((r) =>
    r.rule && r.rule.enabled !== false ? [{ rule: r.rule, file: r.file }] : [],
  );
  if (loaded.length === 0) {
    console.error(`no enabled analytics rules under ${positionals.join(', ')}`);
    return 1;
  }

  console.error(
    `${data.rows} rows in ${data.tables.size} tables, ${loaded.length} rules, ${formatDateTime(from)} .. ${formatDateTime(to)}`,
  );
  const tty = process.stderr.isTTY === true;
  let shown = -1;
  const started = performance.now();
  const results = backtestRules(loaded, {
    catalog,
    tables: data.tables,
    from,
    to,
    onProgress: tty
      ? (done) => {
          const percent = Math.floor(done * 100);
          if (percent === shown) return;
          shown = percent;
          process.stderr.write(`\r${progressBar(done)}`);
        }
      : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  console.log(formatBacktestReport(results, from));
  console.error(`backtest took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return results.some((r) => r.error || r.overBudgetDays.length > 0) ? 1 : 0;
}
