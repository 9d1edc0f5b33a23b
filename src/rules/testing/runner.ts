import { type Diagnostic, formatDiagnostic, hasErrors } from '../../diagnostics.js';
import type { Catalog } from '../../kql/catalog.js';
import { KqlError } from '../../kql/index.js';
import { findFiles, isDetectionPath, isSummaryPath, type LoadedRule, loadRuleFile } from '../load.js';
import type { AnalyticsRule } from '../model.js';
import type { Alert } from '../schedule/alerts.js';
import { RuleSimulation } from '../schedule/run.js';
import { ALTERNATIVE_SEMANTICS, type UndocumentedSemantics } from '../schedule/undocumented.js';
import { type IndexedTable, indexTable } from '../schedule/window.js';
import { diffExpectation } from './diff.js';
import type { RuleTestCase, RuleTestFile } from './model.js';
import { type ExpectationReader, isRuleTestFile, loadRuleTestFile } from './parse.js';

export interface CaseResult {
  name: string;
  line: number;
  column: number;
  passed: boolean;
  /** Differences between expected and actual; one entry per mismatch. */
  failures: string[];
  /** Set when the case could not run (the query failed); formatted diagnostics. */
  error?: string;
  alerts: Alert[];
  /**
   * Edges the documentation leaves open that change this case's outcome (boundary-sensitive), and
   * other documented caveats the case runs into; a passing case may still carry them.
   */
  warnings: string[];
  durationMs: number;
}

export interface FileResult {
  file: string;
  ruleFile?: string;
  /** Problems in the test file or its rule; when any is an error, no case ran. */
  diagnostics: Diagnostic[];
  cases: CaseResult[];
}

/** `*.test.yaml` files under the given files or folders, sorted; custom detections' and summary rules' tests run apart. */
export function findRuleTestFiles(paths: readonly string[]): string[] {
  return findFiles(paths, (path) => isRuleTestFile(path) && !isDetectionPath(path) && !isSummaryPath(path));
}

/** How to test one kind of content whose test files share the rule tests' format (custom detections, summary rules). */
export interface TestedKind<R, E> {
  readExpect?: ExpectationReader<E>;
  load(ruleFile: string): { rule?: R; file: string; diagnostics: Diagnostic[] };
  runCase(rule: R, testCase: RuleTestCase<E>, catalog: Catalog): CaseResult;
}

/** Every case of every test file in `files`: a file whose test file or rule has errors runs no case. */
export function runTestFiles<R, E>(
  files: readonly string[],
  catalog: Catalog,
  kind: TestedKind<R, E>,
): FileResult[] {
  return files.map((path) => {
    const { testFile, diagnostics } = loadRuleTestFile<E>(path, catalog, kind.readExpect);
    if (!testFile) return { file: path, diagnostics, cases: [] };
    const loaded = kind.load(testFile.ruleFile);
    diagnostics.push(...loaded.diagnostics.filter((d) => d.severity === 'error'));
    const { rule } = loaded;
    if (!rule || hasErrors(diagnostics))
      return { file: testFile.file, ruleFile: loaded.file, diagnostics, cases: [] };
    return {
      file: testFile.file,
      ruleFile: loaded.file,
      diagnostics,
      cases: testFile.cases.map((c) => kind.runCase(rule, c, catalog)),
    };
  });
}

/** Loads a test file and its rule; the cases are run separately so callers can report each. */
export function prepareRuleTest(
  path: string,
  catalog: Catalog,
): { testFile?: RuleTestFile; rule?: LoadedRule; diagnostics: Diagnostic[] } {
  const { testFile, diagnostics } = loadRuleTestFile(path, catalog);
  if (!testFile) return { diagnostics };
  const rule = loadRuleFile(testFile.ruleFile);
  diagnostics.push(...rule.diagnostics.filter((d) => d.severity === 'error'));
  return { testFile, rule, diagnostics };
}

/**
 * Runs one case: the rule's run scheduled at the case's `now`, over the case's fixture tables; then
 * again under each undocumented alternative (undocumented.ts), warning when the alerts differ.
 */
export function runRuleTestCase(loaded: LoadedRule, testCase: RuleTestCase, catalog: Catalog): CaseResult {
  const started = performance.now();
  const rule = loaded.rule as AnalyticsRule;
  try {
    const simulation = caseSimulation(rule, testCase, catalog);
    const result = judgeCase(testCase, started, simulation, simulation.runAt(testCase.now).alerts);
    result.warnings.push(
      ...capWarnings(result.alerts),
      ...nrtDelayWarnings(rule, testCase),
      ...boundaryWarnings(rule, testCase, catalog, result.alerts),
    );
    return result;
  } catch (error) {
    return brokenCase(testCase, started, describeError(error, loaded));
  }
}

/** The edges this case's outcome depends on: the alternatives under which its alerts differ. */
function boundaryWarnings(
  rule: AnalyticsRule,
  testCase: RuleTestCase,
  catalog: Catalog,
  alerts: Alert[],
): string[] {
  const expected = alertsSignature(alerts);
  return ALTERNATIVE_SEMANTICS.flatMap(({ semantics, edge }) => {
    let other: string;
    try {
      other = alertsSignature(caseSimulation(rule, testCase, catalog, semantics).runAt(testCase.now).alerts);
    } catch (error) {
      other = `error: ${(error as Error).message}`;
    }
    return other === expected ? [] : [`boundary-sensitive: the outcome depends on ${edge}`];
  });
}

/** Alerts that reach a documented size cap whose exact effect the simulation cannot reproduce. */
function capWarnings(alerts: Alert[]): string[] {
  return alerts.flatMap((alert, i) => [
    ...(alert.entitiesTruncated
      ? [
          `alert ${i + 1}: entities cut at the 64 KB Entities cap; Sentinel measures its own serialization, ` +
            'so the exact cut may differ (map-data-fields-to-entities)',
        ]
      : []),
    ...(alert.detailsOverCap
      ? [
          `alert ${i + 1}: custom details and alert details pass their combined 64 KB cap; what Sentinel does then ` +
            'is not documented (surface-custom-details-in-alerts)',
        ]
      : []),
  ]);
}

/**
 * "By design, NRT rules will only work properly on log sources with an ingestion delay of less than
 * 12 hours": a fixture row ingested 12 hours or more after its TimeGenerated is outside what the
 * NRT page promises, whatever this simulation answers.
 * https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#considerations
 */
const NRT_MAX_INGESTION_DELAY = 12n * 3_600n * 10_000_000n;

function nrtDelayWarnings(rule: AnalyticsRule, testCase: RuleTestCase): string[] {
  if (rule.kind !== 'NRT') return [];
  return testCase.tables.flatMap(({ name, table, ingestion }) => {
    const time = table.columns.findIndex((c) => c.name === 'TimeGenerated');
    const late = table.rows.filter((row, i) => {
      const generated = row[time] as bigint | null | undefined;
      const ingested = ingestion[i];
      return (
        time >= 0 &&
        generated != null &&
        ingested !== undefined &&
        ingested - generated >= NRT_MAX_INGESTION_DELAY
      );
    }).length;
    return late === 0
      ? []
      : [
          `${name}: ${late} row(s) ingested 12 hours or more after TimeGenerated; NRT rules only work properly ` +
            'on sources with less than 12 hours of ingestion delay (near-real-time-rules)',
        ];
  });
}

function alertsSignature(alerts: Alert[]): string {
  return JSON.stringify(alerts, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

/** A fresh simulation of the rule with the case's fixture tables as the workspace. */
export function caseSimulation(
  rule: AnalyticsRule,
  testCase: RuleTestCase,
  catalog: Catalog,
  semantics?: UndocumentedSemantics,
): RuleSimulation {
  const tables = new Map<string, IndexedTable>(
    testCase.tables.map((t) => [t.name, indexTable(t.table, t.ingestion)] as const),
  );
  return new RuleSimulation(rule, { catalog, tables, externalData: testCase.externalData }, semantics);
}

/** The case's result from the alerts of its run (`started`: performance.now() when the case began). */
export function judgeCase(
  testCase: RuleTestCase,
  started: number,
  simulation: RuleSimulation,
  alerts: Alert[],
): CaseResult {
  const failures = diffExpectation(testCase.expect, alerts, simulation.grouper.incidents.length);
  return caseResult(testCase, started, { passed: failures.length === 0, failures, alerts, warnings: [] });
}

/** The result of a case that could not run; `error` says why. */
export function brokenCase(testCase: RuleTestCase, started: number, error: string): CaseResult {
  return caseResult(testCase, started, { passed: false, failures: [], error, alerts: [], warnings: [] });
}

function caseResult(
  testCase: RuleTestCase,
  started: number,
  outcome: Pick<CaseResult, 'passed' | 'failures' | 'error' | 'alerts' | 'warnings'>,
): CaseResult {
  const { name, line, column } = testCase;
  return { name, line, column, ...outcome, durationMs: performance.now() - started };
}

/**
 * Each test file under `paths` with `run` applied to each of its cases; a file whose test or rule has
 * errors gets its diagnostics and no cases.
 */
export function mapRuleTests<C>(
  paths: readonly string[],
  catalog: Catalog,
  run: (rule: LoadedRule & { rule: AnalyticsRule }, testCase: RuleTestCase) => C,
): (Omit<FileResult, 'cases'> & { cases: C[] })[] {
  return findRuleTestFiles(paths).map((path) => mapRuleTestFile(path, catalog, run));
}

function mapRuleTestFile<C>(
  path: string,
  catalog: Catalog,
  run: (rule: LoadedRule & { rule: AnalyticsRule }, testCase: RuleTestCase) => C,
): Omit<FileResult, 'cases'> & { cases: C[] } {
  const { testFile, rule, diagnostics } = prepareRuleTest(path, catalog);
  if (!testFile || !rule?.rule || hasErrors(diagnostics)) {
    return { file: testFile?.file ?? path, ruleFile: rule?.file, diagnostics, cases: [] };
  }
  const runnable = { ...rule, rule: rule.rule };
  return {
    file: testFile.file,
    ruleFile: rule.file,
    diagnostics,
    cases: testFile.cases.map((c) => run(runnable, c)),
  };
}

/** Every case of every test file under `paths`. */
export function runRuleTests(paths: readonly string[], catalog: Catalog): FileResult[] {
  return findRuleTestFiles(paths).map((path) => runRuleTestFile(path, catalog));
}

/** Every case of one test file. */
export function runRuleTestFile(path: string, catalog: Catalog): FileResult {
  return mapRuleTestFile(path, catalog, (rule, c) => runRuleTestCase(rule, c, catalog));
}

/** A query failure as `file:line:col` diagnostics pointing into the rule's `query:` field. */
function describeError(error: unknown, loaded: LoadedRule): string {
  if (error instanceof KqlError) {
    return error.diagnostics
      .map((d) => {
        const at = loaded.queryOffset?.(d.start);
        return formatDiagnostic({
          code: d.code,
          severity: d.severity,
          message: d.message,
          file: loaded.file,
          ...at,
        });
      })
      .join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}
