import type { Catalog } from '../kql/catalog.js';
import { findFiles } from '../rules/load.js';
import { cellText } from '../rules/schedule/cells.js';
import { indexTable } from '../rules/schedule/index.js';
import type { FieldPath } from '../rules/source.js';
import type { RuleTestCase } from '../rules/testing/model.js';
import { type Checker, isRuleTestFile } from '../rules/testing/parse.js';
import { type CaseResult, type FileResult, runTestFiles } from '../rules/testing/runner.js';
import { latestBinAt } from './bins.js';
import { isSummaryPath, loadSummaryFile } from './load.js';
import type { SummaryRule } from './model.js';
import { runBin } from './run.js';

/**
 * What a summary-rule case expects of the bin executed last by its `now`: how many rows reach the
 * destination table, and (in any order, since summarize does not order its groups) rows that must
 * be among them, each listing only the columns it checks, compared as tostring() prints them.
 */
export interface SummaryExpectation {
  rows: number;
  rowDetails: Record<string, string>[];
}

const EXPECT_KEYS = ['rows', 'rowDetails'];

function readSummaryExpectation(
  raw: unknown,
  path: FieldPath,
  checker: Checker,
): SummaryExpectation | undefined {
  if (raw === undefined) {
    checker.error(path, 'SK0402', 'a summary-rule case needs `expect:` with at least `rows:`');
    return undefined;
  }
  if (!checker.mapAt(raw, path, EXPECT_KEYS)) return undefined;
  const e = raw as Record<string, unknown>;
  const rows = checker.count(e.rows, [...path, 'rows']);
  const details = e.rowDetails ?? [];
  if (!Array.isArray(details)) {
    checker.error(
      [...path, 'rowDetails'],
      'SK0402',
      '`rowDetails:` must be a list of { Column: value } rows',
    );
    return undefined;
  }
  const rowDetails = details.map((d, i) =>
    checker.mapAt(d, [...path, 'rowDetails', i])
      ? Object.fromEntries(Object.entries(d as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
      : undefined,
  );
  if (rows === undefined || rowDetails.some((d) => d === undefined)) return undefined;
  return { rows, rowDetails: rowDetails as Record<string, string>[] };
}

/** Test files (`*.test.yaml`) of summary rules under the given files or folders. */
export function findSummaryTestFiles(paths: readonly string[]): string[] {
  return findFiles(paths, (path) => isRuleTestFile(path) && isSummaryPath(path));
}

/** Every case of every summary-rule test file under `paths`, in the rule tests' result shape. */
export function runSummaryTests(paths: readonly string[], catalog: Catalog): FileResult[] {
  return runTestFiles(findSummaryTestFiles(paths), catalog, {
    readExpect: readSummaryExpectation,
    load: (ruleFile) => loadSummaryFile(ruleFile),
    runCase: runSummaryCase,
  });
}

/**
 * The bin the rule executed last by the case's `now` (bins.ts: latestBinAt), over the fixture rows
 * with TimeGenerated in the bin that were ingested by its execution; the rows it writes to the
 * destination table, standard fields included (`_RuleLastModifiedTime` is empty: a file has no
 * deployment time).
 */
export function runSummaryCase(
  rule: SummaryRule,
  testCase: RuleTestCase<SummaryExpectation>,
  catalog: Catalog,
): CaseResult {
  const started = performance.now();
  const { name, line, column, now } = testCase;
  const base = { name, line, column, warnings: [] as string[], alerts: [] };
  try {
    const bin = latestBinAt(rule, now);
    const tables = new Map(testCase.tables.map((t) => [t.name, indexTable(t.table, t.ingestion)]));
    const rows = bin ? runBin(rule, bin, tables, catalog, null) : { columns: [], rows: [] };
    const failures = diffRows(testCase.expect, rows);
    return { ...base, passed: failures.length === 0, failures, durationMs: performance.now() - started };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, passed: false, failures: [], error: message, durationMs: performance.now() - started };
  }
}

function diffRows(
  expect: SummaryExpectation,
  table: { columns: { name: string }[]; rows: unknown[][] },
): string[] {
  const out: string[] = [];
  const text = cellText(table as Parameters<typeof cellText>[0]);
  if (table.rows.length !== expect.rows) out.push(`rows: expected ${expect.rows}, got ${table.rows.length}`);
  const unmatched = new Set(table.rows.map((_, i) => i));
  expect.rowDetails.forEach((wanted, i) => {
    const match = [...unmatched].find((row) =>
      Object.entries(wanted).every(([column, value]) => text(column, row) === value),
    );
    if (match === undefined) {
      const columns = Object.keys(wanted);
      const actual = table.rows.map((_, row) =>
        Object.fromEntries(columns.map((c) => [c, text(c, row) ?? null])),
      );
      out.push(
        `row ${i + 1}: expected a row with ${JSON.stringify(wanted)}\n    rows written ${JSON.stringify(actual)}`,
      );
    } else unmatched.delete(match);
  });
  return out;
}
