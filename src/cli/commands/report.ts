import { DefaultAzureCredential } from '@azure/identity';
import { hasErrors } from '../../diagnostics.js';
import { runQuery, tableToRecords } from '../../kql/index.js';
import { dateToTicks, parseDateTime } from '../../kql/values/index.js';
import { type RuleNoise, type RunKql, ruleNoiseReport } from '../../operations/noise.js';
import { qaQueue } from '../../operations/qa.js';
import { loadOperationsRepository } from '../../operations/repository.js';
import { createLogsQuery } from '../../query/logs.js';
import { loadBacktestData } from '../../rules/backtest/data.js';
import { findRuleFiles, loadRuleFile } from '../../rules/load.js';
import { loadCatalogOrReport, parseCommandArgs, printDiagnostics, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit report <rules|qa> (--workspace <id> | --data <dir>) [--days n] [--now <datetime>] [--format table|json]

rules  Per analytics rule over the last --days (default 30): incidents, closure classifications,
       false-positive rate, median hours to close, the entities most often closed as benign, and
       tuning suggestions (exclusion, suppression, threshold, alert budget).
qa     The QA queue: incidents the qa-review responder sampled (label "QA review").

Computed in KQL over SecurityIncident and SecurityAlert.
  --workspace <id>  a Log Analytics workspace (customer id), queried with DefaultAzureCredential
                    (LOGS_QUERY_ENDPOINT overrides https://api.loganalytics.io/v1)
  --data <dir>      <Table>.ndjson / .csv files run on the embedded engine instead
  --now <datetime>  fixes now() for --data (default: the current time)
  --root dir        repository root holding kql/ (default: .)
Exit code: 1 on a query error, 2 on bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    {
      workspace: { type: 'string' },
      data: { type: 'string' },
      days: { type: 'string', default: '30' },
      now: { type: 'string' },
      format: { type: 'string', default: 'table' },
      ...rootOption,
    },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const [what] = positionals;
  const bad = (message: string) => {
    console.error(`${message}\n\n${HELP}`);
    return 2;
  };
  if (positionals.length !== 1 || (what !== 'rules' && what !== 'qa'))
    return bad('give one report: rules or qa');
  if (!values.workspace === !values.data) return bad('give either --workspace or --data');
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 730)
    return bad(`--days must be a whole number of days, 1-730 (got '${values.days}')`);
  if (values.format !== 'table' && values.format !== 'json')
    return bad(`--format must be table or json (got '${values.format}')`);

  const runKql = executor(values, days);
  if (typeof runKql === 'number') return runKql;
  try {
    if (what === 'rules') {
      const rules = findRuleFiles([`${values.root}/kql/rules`]).flatMap(
        (file) => loadRuleFile(file).rule ?? [],
      );
      const report = await ruleNoiseReport(runKql, rules, days);
      console.log(values.format === 'json' ? JSON.stringify(report, null, 2) : renderRules(report, days));
    } else {
      const repo = loadOperationsRepository(values.root);
      if (!repo?.loaded.model) {
        printDiagnostics(repo?.loaded.diagnostics ?? []);
        console.error('the QA queue needs a valid kql/operations.yaml');
        return 1;
      }
      const queue = await qaQueue(runKql, repo.loaded.model, days);
      console.log(
        values.format === 'json'
          ? JSON.stringify(queue, null, 2)
          : queue.length
            ? queue
                .map(
                  (q) =>
                    `#${q.number}  ${q.classification.padEnd(14)} ${q.tier ?? '-'}  ${q.closedTime}  ${q.title}`,
                )
                .join('\n')
            : 'QA queue is empty',
      );
    }
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}

function executor(
  values: { workspace?: string; data?: string; now?: string; root: string },
  days: number,
): RunKql | number {
  if (values.workspace) {
    const logs = createLogsQuery({
      endpoint: process.env.LOGS_QUERY_ENDPOINT,
      credential: new DefaultAzureCredential(),
    });
    const workspace = values.workspace;
    // The query filters on CreatedTime itself; the timespan only bounds TimeGenerated for the service.
    return (kql) => logs.query(workspace, kql, `P${days}D`);
  }
  const catalog = loadCatalogOrReport(values.root);
  if (!catalog) return 1;
  const now = values.now ? parseDateTime(values.now) : dateToTicks(new Date());
  if (now === null) {
    console.error(`error: --now '${values.now}' is not a datetime`);
    return 2;
  }
  const loaded = loadBacktestData(values.data ?? '', catalog, now);
  if (hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return 1;
  }
  return async (kql) =>
    tableToRecords(runQuery(kql, { catalog, tables: (name) => loaded.tables.get(name)?.data, now }));
}

function renderRules(report: RuleNoise[], days: number): string {
  if (report.length === 0) return `no incidents in the last ${days} days`;
  const lines: string[] = [];
  for (const r of report) {
    const c = r.classifications;
    const fp = r.falsePositiveRate === null ? 'n/a' : `${Math.round(r.falsePositiveRate * 100)}%`;
    const median = r.medianHoursToClose === null ? 'n/a' : `${Math.round(r.medianHoursToClose * 10) / 10}h`;
    lines.push(`${r.name} (${r.ruleId})`);
    lines.push(
      `  ${r.incidents} incidents (${r.incidentsPerDay}/day${r.maxAlertsPerDay ? `, budget ${r.maxAlertsPerDay}` : ''}), ${r.closed} closed: TP ${c.TruePositive} · BP ${c.BenignPositive} · FP ${c.FalsePositive} · Undetermined ${c.Undetermined}; FP rate ${fp}; median time to close ${median}`,
    );
    if (r.benignEntities.length) {
      lines.push(
        `  closed as benign most often: ${r.benignEntities.map((e) => `${e.type} ${e.value} (${e.closures})`).join(', ')}`,
      );
    }
    for (const s of r.suggestions) lines.push(`  → ${s}`);
  }
  return lines.join('\n');
}
