import type { Catalog } from '../kql/catalog.js';
import { findFiles } from '../rules/load.js';
import { indexTable } from '../rules/schedule/index.js';
import { diffExpectation } from '../rules/testing/diff.js';
import type { RuleTestCase } from '../rules/testing/model.js';
import { isRuleTestFile } from '../rules/testing/parse.js';
import { type CaseResult, type FileResult, runTestFiles } from '../rules/testing/runner.js';
import { isDetectionPath, loadDetectionFile } from './load.js';
import type { DetectionRule } from './model.js';
import { MAX_ALERTS_PER_RUN, runDetection } from './run.js';

/** Test files (`*.test.yaml`) of custom detections under the given files or folders. */
export function findDetectionTestFiles(paths: readonly string[]): string[] {
  return findFiles(paths, (path) => isRuleTestFile(path) && isDetectionPath(path));
}

/** Every case of every custom-detection test file under `paths`, in the rule tests' result shape. */
export function runDetectionTests(paths: readonly string[], catalog: Catalog): FileResult[] {
  return runTestFiles(findDetectionTestFiles(paths), catalog, {
    load: (ruleFile) => loadDetectionFile(ruleFile),
    runCase: runDetectionCase,
  });
}

/**
 * The run of the detection scheduled at the case's `now` (run.ts: a scheduled rule reads
 * [now − lookback, now) ingested by `now`; a Continuous (NRT) rule every event ingested before
 * `now`, each once).
 */
export function runDetectionCase(rule: DetectionRule, testCase: RuleTestCase, catalog: Catalog): CaseResult {
  const started = performance.now();
  const { name, line, column, now } = testCase;
  const base = { name, line, column, warnings: [] as string[] };
  try {
    const tables = new Map(testCase.tables.map((t) => [t.name, indexTable(t.table, t.ingestion)]));
    const { alerts, dropped } = runDetection(rule, tables, now, catalog);
    const warnings =
      dropped > 0
        ? [
            `${alerts.length + dropped} alerts; Defender generates at most ${MAX_ALERTS_PER_RUN} per run (the rest are dropped)`,
          ]
        : [];
    const failures = diffExpectation(testCase.expect, alerts, 0);
    return {
      ...base,
      warnings,
      passed: failures.length === 0,
      failures,
      alerts,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      passed: false,
      failures: [],
      error: message,
      alerts: [],
      durationMs: performance.now() - started,
    };
  }
}
