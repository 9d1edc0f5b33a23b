import { hasErrors } from '../../diagnostics.js';
import { formatDateTime, parseDateTime } from '../../kql/values/index.js';
import { AdxCluster } from '../../query/adx/cluster.js';
import { clusterEngine, workspaceEngine } from '../../query/live/backtest.js';
import { LiveWorkspace } from '../../query/live/workspace.js';
import {
  type BacktestShare,
  backtestRulesRemote,
  formatBacktestReport,
  loadBacktestData,
  loadBacktestOnThreads,
  oneThreadBacktest,
  progressBar,
  type RemoteEngine,
  type RuleBacktest,
} from '../../rules/backtest/index.js';
import { findRuleFiles, loadRuleFile } from '../../rules/load.js';
import {
  loadCatalogOrReport,
  parseCommandArgs,
  printDiagnostics,
  rootOption,
  schemasOption,
  threadCount,
} from '../command.js';

const HELP = `usage: sentinel-kit backtest <rule.yaml|dir>... --data <dir> --from <iso> --to <iso> [options]
       sentinel-kit backtest <rule.yaml|dir>... --workspace <id> --from <iso> --to <iso> [options]
       sentinel-kit backtest <rule.yaml|dir>... --cluster <uri> --database <db> --from <iso> --to <iso>

Replays each analytics rule at its queryFrequency over [from, to] against a dataset (one NDJSON or
CSV file per table, or a folder of them per table, named after the table), each run seeing only its
own window, and reports alerts and incidents per day. With --workspace or --cluster the runs'
queries execute in Azure over real history instead (Azure sign-in as for 'az login'). Exits 1 when
a rule exceeds its maxAlertsPerDay on any day, or a rule cannot run.

options:
  --data <dir>       dataset folder (e.g. from scripts/generate-logs.ts), run by the local engine
  --workspace <id>   Log Analytics workspace id: runs go to the Logs Query API
  --cluster <uri>    Azure Data Explorer cluster, e.g. https://mycluster.westeurope.kusto.windows.net
  --database <db>    the cluster's database holding the tables
  --from <iso>     start of the period, e.g. 2026-01-01T00:00:00Z
  --to <iso>       end of the period
  --threads <n>    with --data: threads to split the rules over (default 1), each loading only the
                   tables its rules read; the report does not depend on it (timings aside)
  --root <dir>     repository root holding kql/schemas and connectors (default .)
  --schemas <dir>   another folder of table schemas (repeatable)
  -h, --help       show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    {
      data: { type: 'string' },
      workspace: { type: 'string' },
      cluster: { type: 'string' },
      database: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      threads: { type: 'string' },
      ...rootOption,
      ...schemasOption,
    },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const from = values.from ? parseDateTime(values.from) : null;
  const to = values.to ? parseDateTime(values.to) : null;
  const sources = [values.data, values.workspace, values.cluster].filter((v) => v !== undefined).length;
  if (sources !== 1 || from === null || to === null || positionals.length === 0 || to <= from) {
    console.error(
      `backtest needs rules, one of --data, --workspace or --cluster, and --from before --to as ISO 8601 times\n\n${HELP}`,
    );
    return 2;
  }
  if ((values.cluster === undefined) !== (values.database === undefined)) {
    console.error(`--cluster and --database go together\n\n${HELP}`);
    return 2;
  }
  const threads = threadCount(values.threads);
  if (threads === null) return 2;
  const catalog = loadCatalogOrReport(values.root, values.schemas);
  if (!catalog) return 1;
  const rules = findRuleFiles(positionals).map((path) => loadRuleFile(path));
  const loaded = rules.flatMap((r) =>
    r.rule && r.rule.enabled !== false ? [{ rule: r.rule, file: r.file }] : [],
  );
  const data =
    values.data === undefined
      ? undefined
      : (threads ?? 1) > 1
        ? await loadBacktestOnThreads(loaded, catalog, {
            root: values.root,
            schemaDirs: values.schemas ?? [],
            dir: values.data,
            from,
            to,
            threads: threads ?? 1,
          })
        : oneThreadBacktest(loadBacktestData(values.data, catalog, to), loaded, catalog, from, to);
  const diagnostics = [...rules.flatMap((r) => r.diagnostics), ...(data?.diagnostics ?? [])].filter(
    (d) => d.severity === 'error',
  );
  printDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) {
    await data?.close();
    return 1;
  }
  if (loaded.length === 0) {
    console.error(`no enabled analytics rules under ${positionals.join(', ')}`);
    return 1;
  }

  const source = data
    ? `${data.rows} rows in ${data.tables} tables`
    : values.workspace
      ? `workspace ${values.workspace}`
      : `${values.cluster} database ${values.database}`;
  console.error(`${source}, ${loaded.length} rules, ${formatDateTime(from)} .. ${formatDateTime(to)}`);
  if (data && data.shares.length > 1) console.error(describeShares(data.shares));
  const tty = process.stderr.isTTY === true;
  let shown = -1;
  const started = performance.now();
  const onProgress = tty
    ? (done: number) => {
        const percent = Math.floor(done * 100);
        if (percent === shown) return;
        shown = percent;
        process.stderr.write(`\r${progressBar(done)}`);
      }
    : undefined;
  let results: RuleBacktest[];
  if (data) {
    results = await data.run(onProgress);
  } else {
    let engine: RemoteEngine;
    try {
      engine = values.workspace
        ? workspaceEngine(new LiveWorkspace(values.workspace), catalog)
        : clusterEngine(new AdxCluster(values.cluster as string, values.database as string), catalog);
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
    results = await backtestRulesRemote(loaded, { catalog, engine, from, to, onProgress });
  }
  if (tty) process.stderr.write('\r\x1b[K');
  console.log(formatBacktestReport(results, from));
  console.error(`backtest took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return results.some((r) => r.error || r.overBudgetDays.length > 0) ? 1 : 0;
}

/** The split of the rules over threads, with each share's part of the estimated work. */
function describeShares(shares: readonly BacktestShare[]): string {
  const total = shares.reduce((n, s) => n + s.cost, 0);
  const parts = shares.map(
    (s) =>
      `${s.rules.length} rules reading ${s.tables.length} tables (${Math.round((100 * s.cost) / Math.max(1, total))}% of the estimated work)`,
  );
  return `on ${shares.length} threads: ${parts.join('; ')}`;
}
