// How much real Sentinel content the engine runs: every analytics-rule YAML under --dir (e.g. a copy
// of Azure-Sentinel's Detections/ and Solutions/*/Analytic Rules/) is planned and executed over the
// built-in catalog, first with empty tables, then over a day of rows from scripts/generate-logs.ts,
// and, with --synthetic N, over N rows for each table and parser the rule names (scripts/synthetic-rows.ts).
// Each query is tallied as ran / refused (a construct the engine declines) / binding error
// (Kusto.Language rejects it against the catalog) / runtime error (an error Kusto would raise, or one
// a function raised) / internal error (a bug), and each class is grouped by reason so the top
// blockers are visible. The corpus stays outside the repository (public content is reference data).
//
//   npm run bench -- content --dir /path/to/rules [--rows 20000] [--synthetic 60] [--list]
//
// --list prints every rule's outcome; --rows 0 skips the generated-data pass. Every `externaldata`
// URL is served as an empty file (counted apart): a rule test maps it to a fixture, as tables are
// given rows, and an empty file is to it what an empty table is to a table.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { loadCatalog } from '../src/kql/catalog.js';
import {
  isQueryError,
  type Plan,
  planQuery,
  runPlan,
  type Table,
  tableFromRecords,
  UnsupportedError,
} from '../src/kql/index.js';
import { dateToTicks } from '../src/kql/values/index.js';
import { run as generateLogs } from './generate-logs.js';
import { syntheticTables } from './synthetic-rows.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    rows: { type: 'string', default: '20000' },
    synthetic: { type: 'string', default: '0' },
    list: { type: 'boolean', default: false },
  },
});
if (!values.dir) {
  console.error(
    'usage: npm run bench -- content --dir <folder of Azure-Sentinel rule YAMLs> [--rows N] [--list]',
  );
  process.exit(2);
}

type Outcome = 'ran' | 'refused' | 'binding error' | 'runtime error' | 'internal error';
const outcomes: Outcome[] = ['ran', 'refused', 'binding error', 'runtime error', 'internal error'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/i.test(entry) ? [path] : [];
    });
}

/** The class of a failure and a reason that groups alike failures (names and positions left out). */
function classify(error: unknown): [Outcome, string] {
  if (error instanceof UnsupportedError) return ['refused', error.construct];
  if (isQueryError(error)) {
    const first = error.diagnostics[0];
    const outcome = first?.code === 'KQL-EVAL' ? 'runtime error' : 'binding error';
    // A missing table or function (KS204, KS211) keeps its name: it says which catalog entry is
    // lacking. Other messages drop names and numbers so alike failures group together.
    const named = first?.code === 'KS204' || first?.code === 'KS211';
    const raw = first?.message ?? error.message;
    const message = named ? raw : raw.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N');
    return [outcome, `${first?.code ?? ''} ${message}`.trim()];
  }
  const e = error as Error;
  const frame = e?.stack?.split('\n')[1]?.trim() ?? '';
  return ['internal error', `${e?.name ?? 'Error'}: ${e?.message ?? String(error)} ${frame}`];
}

/** A day of generated rows ending now, as engine tables of the catalog's schemas. */
function generatedTables(rows: number, catalog: ReturnType<typeof loadCatalog>): Map<string, Table> {
  const out = mkdtempSync(join(tmpdir(), 'sk-content-'));
  const start = new Date(Date.now() - 86_400_000).toISOString();
  try {
    const log = console.log;
    console.log = () => {};
    const code = generateLogs([
      '--days',
      '1',
      '--rows',
      String(rows),
      '--start',
      start,
      '--out',
      out,
      '--force',
    ]);
    console.log = log;
    if (code !== 0) throw new Error(`generate-logs exited ${code}`);
    const tables = new Map<string, Table>();
    for (const name of readdirSync(out)) {
      const schema = catalog.tables.get(name);
      if (!schema) continue;
      const records = readdirSync(join(out, name)).flatMap((file) =>
        readFileSync(join(out, name, file), 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      tables.set(name, tableFromRecords(schema.columns, records));
    }
    return tables;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const root = mkdtempSync(join(tmpdir(), 'sk-content-root-'));
// The project deploys the ASimDisabledParsers watchlist, as Learn "Manage ASIM parsers" asks of a
// workspace using ASIM (every unifying parser reads it), with the items Azure-Sentinel publishes
// (Watchlists/ASimDisabledParsers.json: one row, CallingParser imNone, which disables nothing).
mkdirSync(join(root, 'kql', 'watchlists'), { recursive: true });
writeFileSync(
  join(root, 'kql', 'watchlists', 'ASimDisabledParsers.yaml'),
  [
    'watchlistAlias: ASimDisabledParsers',
    'displayName: ASim Disabled Parser',
    'itemsSearchKey: CallingParser',
    'columns:',
    '  - name: CallingParser',
    '    type: string',
    '  - name: SourceSpecificParser',
    '    type: string',
    'items:',
    '  - CallingParser: imNone',
    '    SourceSpecificParser: NoneParser',
    '',
  ].join('\n'),
);
// And the ASimSourceType watchlist ASIM publishes beside it (ASIM/deploy/Watchlists/ASimSourceType.json @44febb5:
// one row, SourceType ContosoDns), which source parsers read to pick their source machines
// (vimDnsInfobloxNIOS; `_ASIM_GetSourceBySourceType`); without it those legs are refused.
writeFileSync(
  join(root, 'kql', 'watchlists', 'ASimSourceType.yaml'),
  [
    'watchlistAlias: ASimSourceType',
    'displayName: Sources_by_SourceType',
    'itemsSearchKey: SourceType',
    'columns:',
    '  - name: SourceType',
    '    type: string',
    '  - name: Source',
    '    type: string',
    'items:',
    '  - SourceType: ContosoDns',
    '    Source: contoso_machine1',
    '',
  ].join('\n'),
);
const catalog = loadCatalog(root);
rmSync(root, { recursive: true, force: true });
const rowCount = Number(values.rows);
const generated = rowCount > 0 ? generatedTables(rowCount, catalog) : undefined;

interface Tally {
  counts: Map<Outcome, number>;
  reasons: Map<string, { outcome: Outcome; rules: string[] }>;
}
const tally = (): Tally => ({ counts: new Map(), reasons: new Map() });
const empty = tally();
const withRows = tally();
const synthetic = tally();
const syntheticRows = Number(values.synthetic);
const record = (t: Tally, rule: string, outcome: Outcome, reason?: string) => {
  t.counts.set(outcome, (t.counts.get(outcome) ?? 0) + 1);
  if (reason === undefined) return;
  const entry = t.reasons.get(reason) ?? { outcome, rules: [] };
  entry.rules.push(rule);
  t.reasons.set(reason, entry);
};

let noQuery = 0;
const externalUrls = new Set<string>();
const externalData = (url: string) => {
  externalUrls.add(url);
  return '';
};
const now = dateToTicks(new Date());
const started = performance.now();
const lines: string[] = [];
for (const file of yamlFiles(values.dir)) {
  const rule = relative(values.dir, file);
  let query: unknown;
  try {
    query = (parse(readFileSync(file, 'utf8')) as { query?: unknown } | null)?.query;
  } catch {
    query = undefined;
  }
  if (typeof query !== 'string' || query.trim() === '') {
    noQuery++;
    continue;
  }
  let plan: Plan;
  try {
    plan = planQuery(query, catalog);
  } catch (error) {
    const [outcome, reason] = classify(error);
    record(empty, rule, outcome, reason);
    if (generated) record(withRows, rule, outcome, reason);
    if (syntheticRows > 0) record(synthetic, rule, outcome, reason);
    lines.push(`${outcome.padEnd(14)} ${rule}: ${reason}`);
    continue;
  }
  const text = query;
  const passes: [Tally, string, () => Map<string, Table>][] = [[empty, '', () => new Map()]];
  if (generated) passes.push([withRows, ' (generated rows)', () => generated]);
  if (syntheticRows > 0)
    passes.push([synthetic, ' (synthetic rows)', () => syntheticTables(text, catalog, syntheticRows)]);
  for (const [t, label, tables] of passes) {
    try {
      runPlan(plan, { catalog, tables: tables(), now, externalData });
      record(t, rule, 'ran');
      if (t === empty) lines.push(`ran            ${rule}`);
    } catch (error) {
      const [outcome, reason] = classify(error);
      record(t, rule, outcome, reason);
      lines.push(`${outcome.padEnd(14)} ${rule}${label}: ${reason}`);
    }
  }
}

function report(title: string, t: Tally) {
  const total = [...t.counts.values()].reduce((a, b) => a + b, 0);
  const pct = (n: number) => `${((100 * n) / Math.max(total, 1)).toFixed(1)}%`;
  console.log(`\n${title}: ${total} queries`);
  for (const outcome of outcomes) {
    const n = t.counts.get(outcome) ?? 0;
    console.log(`  ${outcome.padEnd(15)} ${String(n).padStart(4)}  ${pct(n)}`);
  }
  const reasons = [...t.reasons.entries()].sort((a, b) => b[1].rules.length - a[1].rules.length);
  if (reasons.length > 0) console.log('  by reason:');
  for (const [reason, { outcome, rules }] of reasons) {
    console.log(`    ${String(rules.length).padStart(3)}  ${outcome}: ${reason.slice(0, 160)}`);
  }
}

if (values.list) console.log(lines.join('\n'));
console.log(`${noQuery} YAML files without a query skipped`);
console.log(`${externalUrls.size} externaldata URLs served as empty files`);
report('empty tables', empty);
if (generated) {
  const rows = [...generated.values()].reduce((n, t) => n + t.rows.length, 0);
  report(`generated rows (${rows} rows in ${generated.size} tables)`, withRows);
}
if (syntheticRows > 0)
  report(`synthetic rows (${syntheticRows} per table or parser a rule names)`, synthetic);
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
