/**
 * Rule-test and backtest figures (goals: 100 rule-test cases in < 10 s; a 7-day backtest of every
 * starter rule over >= 1M rows completes). Prints figures; exits 1 when a goal is missed.
 *
 *   npx tsx scripts/bench-rule-tests.ts [--data .local/backtest-data] [--rows 1000000] [--skip-backtest] [--skip-rule-tests]
 *     [--cli-pairs 2] [--copies 1]
 *
 * `sentinel-kit test` is also timed cold on the built CLI with --threads 1 and 2 in turn (`--cli-pairs`
 * pairs; 0 skips it) over the starter tests, or `--copies` copies of them; the reports must agree.
 *
 * Run with `node --expose-gc --import tsx` for the bytes each loaded row holds (measured after a
 * full collection; without it the figure includes garbage). Peak RSS is printed either way.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hasErrors } from '../src/diagnostics.js';
import { loadCatalog } from '../src/kql/catalog.js';
import { parseDateTime } from '../src/kql/values/index.js';
import { backtestRules, formatBacktestReport, loadBacktestData } from '../src/rules/backtest/index.js';
import { findRuleFiles, loadRuleFile } from '../src/rules/load.js';
import { findRuleTestFiles, prepareRuleTest, runRuleTestCase } from '../src/rules/testing/index.js';
import { buildCli, packageDir, runCliCold } from './bench-cli.js';

const CASE_GOAL = 100;
const CASE_BUDGET_MS = 10_000;
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-01-08T00:00:00Z';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.local/backtest-data' },
    rows: { type: 'string', default: '1000000' },
    'skip-backtest': { type: 'boolean', default: false },
    'skip-rule-tests': { type: 'boolean', default: false },
    'cli-pairs': { type: 'string', default: '2' },
    copies: { type: 'string', default: '1' },
  },
});

const catalog = loadCatalog('.');
/** V8's collector when node runs with --expose-gc. */
const gc = (globalThis as { gc?: () => void }).gc;
let failed = false;

// 1. Rule-test cases: every starter case, cycled until CASE_GOAL cases have run (Kusto.Language is
// loaded by a warm-up case first, as a long-running CLI or vitest worker would have it).
if (!values['skip-rule-tests']) {
  const prepared = findRuleTestFiles(['kql/rules']).flatMap((path) => {
    const { testFile, rule, diagnostics } = prepareRuleTest(path, catalog);
    return testFile && rule?.rule && !hasErrors(diagnostics) ? testFile.cases.map((c) => ({ rule, c })) : [];
  });
  if (prepared.length === 0) throw new Error('no runnable rule tests under kql/rules');
  const warmStart = performance.now();
  runRuleTestCase(prepared[0].rule, prepared[0].c, catalog);
  const warmMs = performance.now() - warmStart;
  let passed = 0;
  const start = performance.now();
  for (let i = 0; i < CASE_GOAL; i++) {
    const { rule, c } = prepared[i % prepared.length];
    if (runRuleTestCase(rule, c, catalog).passed) passed++;
  }
  const casesMs = performance.now() - start;
  console.log(
    `rule tests: ${CASE_GOAL} cases (${prepared.length} distinct) in ${(casesMs / 1000).toFixed(2)} s, ${(casesMs / CASE_GOAL).toFixed(1)} ms/case, ${passed} passed; first case incl. engine start ${warmMs.toFixed(0)} ms (goal < ${CASE_BUDGET_MS / 1000} s)`,
  );
  if (casesMs >= CASE_BUDGET_MS) failed = true;
}

// 1b. `sentinel-kit test` cold, one thread vs two, alternating so the load treats both alike.
if (!values['skip-rule-tests'] && Number(values['cli-pairs']) > 0) {
  const copies = Number(values.copies);
  const scratch = copies > 1 ? mkdtempSync(join(tmpdir(), 'sk-bench-tests-')) : undefined;
  try {
    if (scratch)
      for (let i = 0; i < copies; i++) cpSync('kql/rules', join(scratch, `copy${i}`), { recursive: true });
    const paths = scratch ? [scratch] : ['kql/rules'];
    buildCli();
    const reports = new Map<number, string>();
    for (let pair = 0; pair < Number(values['cli-pairs']); pair++) {
      for (const threads of [1, 2]) {
        const run = runCliCold(['test', '--root', packageDir, '--threads', String(threads), ...paths]);
        const summary = run.stdout.trim().split('\n').at(-1);
        console.log(
          `test --threads ${threads} (cold, built CLI): ${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU, ` +
            `peak RSS ${run.peakRssMb.toFixed(0)} MB, exit ${run.status}; ${summary}; load ${loadavg()[0].toFixed(1)}`,
        );
        // Only the cases' timings may differ between thread counts.
        const report = run.stdout.replace(/\(\d+ ms\)/g, '');
        if ((reports.get(threads === 1 ? 2 : 1) ?? report) !== report) {
          console.log('the reports of 1 and 2 threads differ');
          failed = true;
        }
        reports.set(threads, report);
      }
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

// 2. Backtest of every starter rule over 7 days of synthetic data.
if (!values['skip-backtest']) {
  if (!existsSync(values.data)) {
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/generate-logs.ts',
        '--days',
        '7',
        '--rows',
        values.rows,
        '--seed',
        '42',
        '--out',
        values.data,
      ],
      { stdio: 'inherit' },
    );
  }
  const from = parseDateTime(FROM)!;
  const to = parseDateTime(TO)!;
  const heldBefore = heldBytes();
  const loadStart = performance.now();
  const data = loadBacktestData(values.data, catalog, to);
  const loadMs = performance.now() - loadStart;
  const held = heldBytes() - heldBefore;
  const peakAfterLoad = process.resourceUsage().maxRSS * 1024;
  const rules = findRuleFiles(['kql/rules'])
    .map((path) => loadRuleFile(path))
    .flatMap((r) => (r.rule ? [{ rule: r.rule, file: r.file }] : []));
  const runStart = performance.now();
  const results = backtestRules(rules, { catalog, tables: data.tables, from, to });
  const runMs = performance.now() - runStart;
  console.log(formatBacktestReport(results, from));
  const runs = results.reduce((n, r) => n + r.runs + r.suppressedRuns, 0);
  console.log(
    `backtest: ${rules.length} rules, ${data.rows} rows, ${FROM} .. ${TO}: load ${(loadMs / 1000).toFixed(1)} s, ` +
      `${runs} runs in ${(runMs / 1000).toFixed(1)} s; ${results.reduce((n, r) => n + r.alerts, 0)} alerts, ` +
      `${results.reduce((n, r) => n + r.incidents, 0)} incidents`,
  );
  for (const r of [...results].sort((a, b) => b.elapsedMs - a.elapsedMs).slice(0, 5)) {
    console.log(`  slowest: ${r.file} ${(r.elapsedMs / 1000).toFixed(1)} s for ${r.runs} runs`);
  }
  console.log(
    `memory: tables hold ${mb(held)} MB, ${(held / data.rows).toFixed(0)} bytes/row${gc ? '' : ' (no --expose-gc: includes garbage)'}; ` +
      `peak RSS ${mb(peakAfterLoad)} MB after load, ${mb(process.resourceUsage().maxRSS * 1024)} MB overall (goal <= 1024 MB at 1M rows)`,
  );
  if (data.rows < 1_000_000 || results.some((r) => r.error)) failed = true;
}

/** Heap plus typed-array memory in use, after a full collection when node runs with --expose-gc. */
function heldBytes(): number {
  gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
process.exitCode = failed ? 1 : 0;
