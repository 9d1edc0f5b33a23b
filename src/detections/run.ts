import type { Catalog } from '../kql/catalog.js';
import { planQuery, runPlan, type Table } from '../kql/index.js';
import type { RuleSeverity } from '../rules/model.js';
import { cellText } from '../rules/schedule/cells.js';
import {
  type Alert,
  type Entity,
  entityKey,
  type IndexedTable,
  sliceTable,
  type WindowTable,
} from '../rules/schedule/index.js';
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

export interface DetectionRun {
  /** At most MAX_ALERTS_PER_RUN, in result order. */
  alerts: Alert[];
  /** Alerts beyond the per-run cap, which Defender drops. */
  dropped: number;
  resultRows: number;
}

/**
 * One run of a custom detection at `at`. A scheduled rule reads the events of [at − lookback, at)
 * (lookback: declared, or the frequency's default) that were ingested by `at`. A Continuous (NRT)
 * rule evaluates each event as it is ingested: a run sees the events ingested in [since, at), so
 * consecutive runs see each event once (`since` 0: every event ingested before `at`).
 */
export function runDetection(
  rule: DetectionRule,
  tables: ReadonlyMap<string, IndexedTable>,
  at: bigint,
  catalog: Catalog,
  since = 0n,
): DetectionRun {
  const schedule = detectionSchedule(rule);
  const start = schedule.lookback === undefined ? since : at - schedule.lookback;
  const window = { start, end: at, closedEnd: 'start' as const, visibleAt: at };
  const kind = schedule.continuous ? 'NRT' : 'Scheduled';
  const sliced = new Map<string, WindowTable>(
    [...tables].map(([name, t]) => [name, sliceTable(t, kind, window)]),
  );
  const result = runPlan(planQuery(rule.queryCondition.queryText, catalog), {
    catalog,
    tables: sliced,
    now: at,
  });
  const alerts = detectionAlerts(rule, result, at, start);
  return {
    alerts: alerts.slice(0, MAX_ALERTS_PER_RUN),
    dropped: Math.max(0, alerts.length - MAX_ALERTS_PER_RUN),
    resultRows: result.rows.length,
  };
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
