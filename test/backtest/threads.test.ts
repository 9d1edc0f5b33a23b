// A backtest split over worker threads (issue 15) must report exactly what one thread reports:
// the same diagnostics (cut at 50 overall, tables in folder order), the same per-rule results in
// rule order, the same report and exit code; only the rules' elapsed times may differ.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as generateLogs } from '../../scripts/generate-logs.js';
import { run as backtestCli } from '../../src/cli/commands/backtest.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { queryReferences } from '../../src/kql/references.js';
import { parseDateTime } from '../../src/kql/values/index.js';
import { backtestFiles } from '../../src/rules/backtest/data.js';
import {
  backtestRules,
  formatBacktestReport,
  loadBacktestData,
  loadBacktestOnThreads,
  type RuleBacktest,
  splitBacktest,
} from '../../src/rules/backtest/index.js';
import { findRuleFiles, loadRuleFile } from '../../src/rules/load.js';
import { runCommand } from '../support/cli.js';

const catalog = loadCatalog('.');
const FROM = parseDateTime('2026-01-01T00:00:00Z')!;
const TO = parseDateTime('2026-01-02T00:00:00Z')!;
const rules = findRuleFiles(['kql/rules']).flatMap((file) => {
  const { rule } = loadRuleFile(file);
  return rule ? [{ rule, file }] : [];
});

/** A day of generated workspace data for the starter rules (attacks included, so rules alert). */
function dataset(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'sk-backtest-threads-')), 'data');
  expect(generateLogs(['--days', '1', '--rows', '6000', '--seed', '11', '--out', dir])).toBe(0);
  return dir;
}

const timeless = (results: RuleBacktest[]) => results.map((r) => ({ ...r, elapsedMs: 0 }));

describe('splitBacktest', () => {
  it('gives every rule to one share, and each table to the share of every rule that reads it', () => {
    const files = backtestFiles(dataset());
    const shares = splitBacktest(rules, files, catalog, 2, TO - FROM);
    expect(shares).toHaveLength(2);
    expect(shares.flatMap((s) => s.rules).sort((a, b) => a - b)).toEqual(rules.map((_, i) => i));
    const owner = new Map<string, number>();
    shares.forEach((share, s) => {
      for (const table of [...share.tables, ...share.unread]) {
        expect(owner.get(table), `${table} in two shares`).toBeUndefined();
        owner.set(table, s);
      }
      for (const i of share.rules) {
        // What the engine binds, parsers included: ssh-brute-force reads Syslog through SshAuthentication.
        for (const table of queryReferences(rules[i].rule.query, catalog).tables) {
          if (files.has(table)) expect(share.tables, `${rules[i].file} reads ${table}`).toContain(table);
        }
      }
    });
    expect(shares.every((s) => s.cost > 0)).toBe(true);
  });

  it('keeps on one share a rule whose tables are named at run time, with every table', () => {
    const files = backtestFiles(dataset());
    const open = { rule: { ...rules[0].rule, query: "table('SigninLogs') | take 1" } };
    const shares = splitBacktest([open, ...rules], files, catalog, 2, TO - FROM);
    expect(shares).toHaveLength(1);
    expect(shares[0].tables.sort()).toEqual([...files.keys()].filter((t) => catalog.tables.has(t)).sort());
  });
});

describe('references for a split', () => {
  it('lists the tables a wildcard union matches, and marks a query that names its tables at run time', () => {
    expect(queryReferences('union Signin*, AuditLogs | take 1', catalog).tables).toContain('SigninLogs');
    expect(queryReferences('union Signin*, AuditLogs | take 1', catalog).open).toBe(false);
    expect(queryReferences("table('SigninLogs') | take 1", catalog).open).toBe(true);
  });
});

describe('backtest on two threads', () => {
  it('answers as one thread: diagnostics, per-rule results in rule order, report', async () => {
    const dir = dataset();
    const one = loadBacktestData(dir, catalog, TO);
    const expected = backtestRules(rules, { catalog, tables: one.tables, from: FROM, to: TO });
    const split = await loadBacktestOnThreads(rules, catalog, {
      root: '.',
      dir,
      from: FROM,
      to: TO,
      threads: 2,
    });
    expect(split.diagnostics).toEqual(one.diagnostics);
    expect([split.rows, split.tables]).toEqual([one.rows, one.tables.size]);
    let progress = 0;
    const results = await split.run((done) => {
      progress = done;
    });
    expect(progress).toBe(1);
    expect(expected.reduce((n, r) => n + r.alerts, 0)).toBeGreaterThan(0);
    expect(timeless(results)).toStrictEqual(timeless(expected));
    expect(formatBacktestReport(results, FROM)).toBe(formatBacktestReport(expected, FROM));
  }, 120_000);

  it('reports the same diagnostics when bad rows in tables of different threads pass the cap of 50', async () => {
    const dir = dataset();
    const shares = splitBacktest(rules, backtestFiles(dir), catalog, 2, TO - FROM);
    // A table of each thread: the diagnostics of both, cut at 50, must come in folder order.
    const [a, b] = [shares[0].tables[0], shares[1].tables[0]];
    const bad = (n: number) => `${'{"TimeGenerated": 5}\nnot json\n'.repeat(n)}`;
    appendFileSync(join(dir, a, '2026-01-01.ndjson'), bad(20));
    appendFileSync(join(dir, b, '2026-01-01.ndjson'), bad(20));
    writeFileSync(join(dir, 'NoSuchTable_CL.ndjson'), '{}\n');
    const one = loadBacktestData(dir, catalog, TO);
    const split = await loadBacktestOnThreads(rules, catalog, {
      root: '.',
      dir,
      from: FROM,
      to: TO,
      threads: 2,
    });
    await split.close();
    expect(one.diagnostics).toHaveLength(50);
    expect(new Set(one.diagnostics.map((d) => d.file?.split('/').at(-2)))).toEqual(new Set(['data', a, b]));
    expect(split.diagnostics).toEqual(one.diagnostics);
  }, 120_000);

  it('the CLI prints the same report and exit code with --threads 2, and refuses a thread count that is not a whole number', async () => {
    const dir = dataset();
    const args = [
      'kql/rules',
      '--data',
      dir,
      '--from',
      '2026-01-01T00:00:00Z',
      '--to',
      '2026-01-02T00:00:00Z',
    ];
    const one = await runCommand(backtestCli, ...args);
    const two = await runCommand(backtestCli, ...args, '--threads', '2');
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    for (const threads of ['0', '1.5', 'two']) {
      expect((await runCommand(backtestCli, ...args, '--threads', threads)).code).toBe(2);
    }
  }, 120_000);
});
