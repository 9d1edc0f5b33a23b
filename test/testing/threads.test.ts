import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import {
  type FileResult,
  formatJUnit,
  formatTextReport,
  runRuleTests,
  runRuleTestsOnThreads,
  totals,
} from '../../src/rules/testing/index.js';

/** A folder with a failing case and a test file whose rule is missing, beside the starter rules. */
function failingTests(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-threads-'));
  writeFileSync(
    join(dir, 'cleared.yaml'),
    'id: 0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e\nname: Log cleared\ndescription: Security log cleared\n' +
      'severity: Medium\nkind: Scheduled\nqueryFrequency: 1h\nqueryPeriod: 1h\ntriggerOperator: gt\n' +
      'triggerThreshold: 0\nquery: SecurityEvent | where EventID == 1102\n',
  );
  writeFileSync(
    join(dir, 'cleared.test.yaml'),
    'cases:\n  - name: expects two alerts, gets one\n    now: 2026-01-10T12:00:00Z\n' +
      '    tables: { SecurityEvent: [ { TimeGenerated: -5m, EventID: 1102 } ] }\n    expect: { alerts: 2 }\n',
  );
  writeFileSync(
    join(dir, 'orphan.test.yaml'),
    'cases:\n  - name: no rule\n    now: 2026-01-10T12:00:00Z\n    expect: { alerts: 0 }\n',
  );
  return dir;
}

/** The results without the cases' timings, the one thing a thread count may change. */
function untimed(results: FileResult[]): FileResult[] {
  return results.map((r) => ({ ...r, cases: r.cases.map((c) => ({ ...c, durationMs: 0 })) }));
}

describe('rule tests on worker threads', () => {
  it('answer as one thread does: results, file order, text and JUnit reports, totals', async () => {
    const catalog = loadCatalog('.');
    const paths = ['kql/rules', failingTests()];
    const one = untimed(runRuleTests(paths, catalog));
    const two = untimed(await runRuleTestsOnThreads(paths, catalog, { root: '.', threads: 2 }));
    expect(totals(one).failed).toBeGreaterThan(0);
    expect(totals(one).broken).toBe(1);
    expect(two).toStrictEqual(one);
    expect(formatTextReport(two)).toBe(formatTextReport(one));
    expect(formatJUnit(two)).toBe(formatJUnit(one));
  }, 120_000);
});
