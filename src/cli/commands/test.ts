import { writeFileSync } from 'node:fs';
import { runDetectionTests } from '../../detections/testing.js';
import { runLiveRuleTests } from '../../query/live/index.js';
import { formatJUnit, formatTextReport, runRuleTestsOnThreads, totals } from '../../rules/testing/index.js';
import { runSummaryTests } from '../../summary/testing.js';
import { loadCatalogOrReport, parseCommandArgs, rootOption, schemasOption, threadCount } from '../command.js';

const HELP = `usage: sentinel-kit test [paths...] [options]

Runs every case of the rule tests (*.test.yaml) under the given files or folders (default kql/rules)
on the embedded KQL engine, with Sentinel's run semantics (Defender's for custom detections under a
detections/ folder, a summary rule's bins under summary/). Exits 1 when a case fails.

options:
  --reporter text|junit   output format (default text)
  --output <file>         write the report to a file instead of stdout
  --workspace <id>        run the cases' queries against a Log Analytics workspace instead
                          (fixture rows are injected with datatable; uses DefaultAzureCredential)
  --root <dir>            repository root holding kql/schemas and connectors (default .)
  --schemas <dir>   another folder of table schemas (repeatable)
  --threads <n>           threads to run the rule tests on (default 1: each added thread first spends
                          seconds of CPU starting the engine); the report does not depend on it
  -h, --help              show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    {
      reporter: { type: 'string', default: 'text' },
      output: { type: 'string' },
      workspace: { type: 'string' },
      threads: { type: 'string' },
      ...rootOption,
      ...schemasOption,
    },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const reporter = values.reporter;
  if (reporter !== 'text' && reporter !== 'junit') {
    console.error(`unknown reporter '${reporter}' (text or junit)`);
    return 2;
  }
  const threads = threadCount(values.threads);
  if (threads === null) return 2;
  const catalog = loadCatalogOrReport(values.root, values.schemas);
  if (!catalog) return 1;
  const paths = positionals.length > 0 ? positionals : ['kql/rules', 'kql/detections', 'kql/summary'];
  const results = values.workspace
    ? await runLiveRuleTests(paths, catalog, { workspaceId: values.workspace })
    : [
        ...(await runRuleTestsOnThreads(paths, catalog, {
          root: values.root,
          schemaDirs: values.schemas ?? [],
          threads,
        })),
        ...runDetectionTests(paths, catalog),
        ...runSummaryTests(paths, catalog),
      ];
  const report = reporter === 'junit' ? formatJUnit(results) : formatTextReport(results);
  if (values.output) writeFileSync(values.output, report.endsWith('\n') ? report : `${report}\n`);
  else console.log(report);
  const t = totals(results);
  if (t.files === 0) {
    console.error(`no rule tests (*.test.yaml) found under ${paths.join(', ')}`);
    return 1;
  }
  return t.failed > 0 || t.broken > 0 ? 1 : 0;
}
