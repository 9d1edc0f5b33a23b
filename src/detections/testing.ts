import { hasErrors } from '../diagnostics.js';
import type { Catalog } from '../kql/catalog.js';
import { planQuery, runPlan, type Table } from '../kql/index.js';
import { findFiles } from '../rules/load.js';
import type { RuleSeverity } from '../rules/model.js';
import { cellText } from '../rules/schedule/cells.js';
import { type Alert, type Entity, entityKey, indexTable, sliceTable } from '../rules/schedule/index.js';
import { diffExpectation } from '../rules/testing/diff.js';
import type { RuleTestCase } from '../rules/testing/model.js';
import { isRuleTestFile, loadRuleTestFile } from '../rules/testing/parse.js';
import type { CaseResult, FileResult } from '../rules/testing/runner.js';
import { isDetectionPath, loadDetectionFile } from './load.js';
import { type DetectionRule, type EntityMappingKind, entityMappingKinds } from './model.js';
import { detectionSchedule } from './schedule.js';

/**
 * "To prevent the service from returning too many alerts, each rule can generate only 150 alerts
 * each time it runs." https://learn.microsoft.com/en-us/defender-xdr/custom-detection-rules
 */
export const MAX_ALERTS_PER_RUN = 150;

/** The alert entity type each entityMappings list produces. */
const ENTITY_TYPES: Record<EntityMappingKind, string> = {
  accounts: 'Account',
  amazonResources: 'AmazonResource',
  azureResources: 'AzureResource',
  cloudApplications: 'CloudApplication',
  dns: 'DNS',
  files: 'File',
  googleCloudResources: 'GoogleCloudResource',
  hosts: 'Host',
  ips: 'IP',
  mailboxes: 'Mailbox',
  mailClusters: 'MailCluster',
  mailMessages: 'MailMessage',
  oAuthApplications: 'OAuthApplication',
  processes: 'Process',
  registryValues: 'RegistryValue',
  securityGroups: 'SecurityGroup',
  urls: 'Url',
};

/** Test files (`*.test.yaml`) of custom detections under the given files or folders. */
export function findDetectionTestFiles(paths: readonly string[]): string[] {
  return findFiles(paths, (path) => isRuleTestFile(path) && isDetectionPath(path));
}

/** Every case of every custom-detection test file under `paths`, in the rule tests' result shape. */
export function runDetectionTests(paths: readonly string[], catalog: Catalog): FileResult[] {
  return findDetectionTestFiles(paths).map((path) => {
    const { testFile, diagnostics } = loadRuleTestFile(path, catalog);
    if (!testFile) return { file: path, diagnostics, cases: [] };
    const loaded = loadDetectionFile(testFile.ruleFile);
    diagnostics.push(...loaded.diagnostics.filter((d) => d.severity === 'error'));
    if (!loaded.rule || hasErrors(diagnostics))
      return { file: testFile.file, ruleFile: loaded.file, diagnostics, cases: [] };
    const rule = loaded.rule;
    return {
      file: testFile.file,
      ruleFile: loaded.file,
      diagnostics,
      cases: testFile.cases.map((c) => runDetectionCase(rule, c, catalog)),
    };
  });
}

/**
 * The run of the detection scheduled at the case's `now`. A scheduled rule reads the events of
 * [now − lookback, now) (lookback: declared, or the frequency's default) that were ingested by
 * `now`. A Continuous (NRT) rule evaluates each event as it is ingested, so its case sees every
 * event ingested before `now`, each once.
 */
export function runDetectionCase(rule: DetectionRule, testCase: RuleTestCase, catalog: Catalog): CaseResult {
  const started = performance.now();
  const { name, line, column, now } = testCase;
  const base = { name, line, column, warnings: [] as string[] };
  try {
    const schedule = detectionSchedule(rule);
    const start = schedule.lookback === undefined ? 0n : now - schedule.lookback;
    const window = { start, end: now, closedEnd: 'start' as const, visibleAt: now };
    const kind = schedule.continuous ? 'NRT' : 'Scheduled';
    const tables = new Map<string, Table>(
      testCase.tables.map((t) => [t.name, sliceTable(indexTable(t.table, t.ingestion), kind, window)]),
    );
    const result = runPlan(planQuery(rule.queryCondition.queryText, catalog), { catalog, tables, now });
    const alerts = detectionAlerts(rule, result, now, window.start);
    const warnings =
      alerts.length > MAX_ALERTS_PER_RUN
        ? [
            `${alerts.length} alerts; Defender generates at most ${MAX_ALERTS_PER_RUN} per run (the rest are dropped)`,
          ]
        : [];
    const kept = alerts.slice(0, MAX_ALERTS_PER_RUN);
    const failures = diffExpectation(testCase.expect, kept, 0);
    return {
      ...base,
      warnings,
      passed: failures.length === 0,
      failures,
      alerts: kept,
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

/** alertPerEvent (the default): one alert per result row; singleAlert: one alert for all rows. */
function detectionAlerts(rule: DetectionRule, result: Table, at: bigint, windowStart: bigint): Alert[] {
  if (result.rows.length === 0) return [];
  const template = rule.detectionAction.alertTemplate;
  const rows = result.rows.map((_, i) => i);
  const groups = template.eventGroupingKind === 'singleAlert' ? [rows] : rows.map((i) => [i]);
  const text = cellText(result);
  return groups.map((group) => ({
    ruleId: rule.id,
    ruleName: rule.displayName,
    displayName: template.title,
    description: template.description ?? '',
    severity: (template.severity[0].toUpperCase() + template.severity.slice(1)) as RuleSeverity,
    tactics: (template.tactics ?? []).map((t) => t.tactic),
    entities: alertEntities(rule, group, text),
    customDetails: {},
    generatedAt: at,
    windowStart,
    windowEnd: at,
    eventCount: group.length,
    summary: false,
    entitiesTruncated: false,
    detailsOverCap: false,
  }));
}

function alertEntities(rule: DetectionRule, rows: number[], text: ReturnType<typeof cellText>): Entity[] {
  const mappings = rule.detectionAction.alertTemplate.entityMappings ?? {};
  const found = new Map<string, Entity>();
  for (const kind of entityMappingKinds) {
    for (const mapping of mappings[kind] ?? []) {
      for (const row of rows) {
        const identifiers: Record<string, string> = {};
        for (const [field, column] of Object.entries(mapping)) {
          const value = text(column, row);
          if (value !== undefined && value !== '') identifiers[field.replace(/Column$/, '')] = value;
        }
        if (Object.keys(identifiers).length === 0) continue;
        const entity = { type: ENTITY_TYPES[kind], identifiers };
        found.set(entityKey(entity), entity);
      }
    }
  }
  return [...found.values()];
}
