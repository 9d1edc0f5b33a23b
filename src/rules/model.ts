import { z } from 'zod';
import { parseDuration } from './durations.js';
import { entityTypes } from './entity-types.js';

/**
 * Analytics rules and hunting queries as YAML, field-compatible with the Azure-Sentinel repository
 * (Detections/, Solutions/<name>/Analytic Rules/ and Hunting Queries/). Objects are strict so that
 * unknown fields can be reported; the loader downgrades those reports to warnings and drops the
 * fields, so every rule from that repository loads unchanged.
 */

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const text = z.string().min(1, { error: 'must not be empty' });

const duration = z.string().refine((value) => parseDuration(value) !== undefined, {
  error: 'must be a duration such as 5m, 1h, 14d or ISO 8601 PT5M, P1D',
});

export const severities = ['Informational', 'Low', 'Medium', 'High'] as const;
export type RuleSeverity = (typeof severities)[number];

const ruleKinds = ['Scheduled', 'NRT'] as const;
export type RuleKind = (typeof ruleKinds)[number];

/** The Azure-Sentinel repository writes `gt`; ARM templates and the REST API write `GreaterThan`. */
const triggerOperatorSpellings = {
  gt: 'gt',
  lt: 'lt',
  eq: 'eq',
  ne: 'ne',
  GreaterThan: 'gt',
  LessThan: 'lt',
  Equal: 'eq',
  NotEqual: 'ne',
} as const;
export type TriggerOperator = 'gt' | 'lt' | 'eq' | 'ne';

/** Alert properties an `alertDynamicProperties` entry may set from a column (REST API AlertProperty). */
const alertDynamicPropertyNames = [
  'AlertLink',
  'ConfidenceLevel',
  'ConfidenceScore',
  'ExtendedLinks',
  'ProductComponentName',
  'ProductName',
  'ProviderName',
  'RemediationSteps',
  'SubTechniques',
  'Techniques',
] as const;

const requiredDataConnector = z.strictObject({
  connectorId: text,
  dataTypes: z.array(text),
});

const fieldMapping = z.strictObject({ identifier: text, columnName: text });

// The CI reads entityType with Newtonsoft's StringEnumConverter (EntityMapping.cs), which matches
// names case-insensitively: published rules write `Url` (SonicWall Firewall). Respelled as the
// entity type reference spells it, so the ARM template carries the documented name.
const entityType = text.transform(
  (name) => Object.keys(entityTypes).find((known) => known.toLowerCase() === name.toLowerCase()) ?? name,
);

const entityMapping = z.strictObject({
  entityType,
  fieldMappings: z.array(fieldMapping).min(1, { error: 'needs at least one field mapping' }),
});
export type EntityMapping = z.infer<typeof entityMapping>;

const alertDetailsOverride = z.strictObject({
  alertDisplayNameFormat: text.optional(),
  alertDescriptionFormat: text.optional(),
  alertSeverityColumnName: text.optional(),
  alertTacticsColumnName: text.optional(),
  alertDynamicProperties: z
    .array(z.strictObject({ alertProperty: z.enum(alertDynamicPropertyNames), value: text }))
    .optional(),
});
export type AlertDetailsOverride = z.infer<typeof alertDetailsOverride>;

const groupingConfiguration = z.strictObject({
  enabled: z.boolean(),
  reopenClosedIncident: z.boolean().optional(),
  lookbackDuration: duration.optional(),
  matchingMethod: z.enum(['AllEntities', 'AnyAlert', 'Selected']).optional(),
  groupByEntities: z.array(text).optional(),
  groupByAlertDetails: z.array(z.enum(['DisplayName', 'Severity'])).optional(),
  groupByCustomDetails: z.array(text).optional(),
});

const incidentConfiguration = z.strictObject({
  createIncident: z.boolean(),
  groupingConfiguration: groupingConfiguration.optional(),
});
export type IncidentConfiguration = z.infer<typeof incidentConfiguration>;

/** Azure-Sentinel's `metadata:` block (source, author, support, categories); free-form below that. */
const metadata = z.looseObject({
  source: z.looseObject({ kind: z.string().optional() }).optional(),
  author: z.looseObject({ name: z.string().optional() }).optional(),
  support: z.looseObject({ tier: z.string().optional() }).optional(),
  categories: z.looseObject({ domains: z.array(z.string()).optional() }).optional(),
});

/** Azure-Sentinel tags are strings or small objects such as `{ Schema: ASimDns, SchemaVersion: 0.1.1 }`. */
const tag = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** YAML reads `version: 1.0` as the number 1; the message says how to keep it a string. */
const version = z.string({ error: 'must be a string such as 1.0.0 (quote it: YAML reads 1.0 as a number)' });

/**
 * Sentinel's tactic names: the AttackTactic enum of the alert-rule API (azure-rest-api-specs,
 * Microsoft.SecurityInsights stable/2024-09-01/common/AlertTypes.json), which the Azure-Sentinel CI
 * mirrors (.script/tests/detectionTemplateSchemaValidation/Models/AttackTactic.cs). The CI parses them
 * as a .NET enum, which ignores case, so `CommandandControl` is CommandAndControl; it is respelled here.
 */
export const sentinelTactics = [
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'Reconnaissance',
  'ResourceDevelopment',
  'ImpairProcessControl',
  'InhibitResponseFunction',
  'PreAttack',
] as const;
const tactic = text.transform(
  (name) => sentinelTactics.find((known) => known.toLowerCase() === name.toLowerCase()) ?? name,
);

/** Fields shared by analytics rules and hunting queries. */
const queryDocument = {
  id: z.string().regex(GUID, { error: 'must be a GUID such as 0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e' }),
  // Limits from the Azure-Sentinel template validation (display name 256, description 5000 characters).
  name: text.max(256, { error: 'must be at most 256 characters' }),
  description: text.max(5000, { error: 'must be at most 5000 characters' }),
  requiredDataConnectors: z.array(requiredDataConnector).optional(),
  tactics: z.array(tactic).optional(),
  relevantTechniques: z.array(text).optional(),
  query: text,
  entityMappings: z.array(entityMapping).optional(),
  version: version.optional(),
  tags: z.array(tag).optional(),
  metadata: metadata.optional(),
};

export const analyticsRuleSchema = z.strictObject({
  ...queryDocument,
  kind: z.enum(ruleKinds),
  severity: z.enum(severities),
  status: z.string().optional(),
  queryFrequency: duration.optional(),
  queryPeriod: duration.optional(),
  triggerOperator: z
    .enum(Object.keys(triggerOperatorSpellings) as [keyof typeof triggerOperatorSpellings])
    .transform((spelling): TriggerOperator => triggerOperatorSpellings[spelling])
    .optional(),
  triggerThreshold: z.number().int({ error: 'must be a whole number' }).optional(),
  customDetails: z.record(z.string(), text).optional(),
  alertDetailsOverride: alertDetailsOverride.optional(),
  eventGroupingSettings: z
    .strictObject({ aggregationKind: z.enum(['SingleAlert', 'AlertPerResult']) })
    .optional(),
  incidentConfiguration: incidentConfiguration.optional(),
  suppressionDuration: duration.optional(),
  suppressionEnabled: z.boolean().optional(),
  /**
   * The portal's "Start running: At specific time" (preview): the first run, after which the rule
   * runs every queryFrequency. Scheduled rules only. Not in the Azure-Sentinel YAML format.
   * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#query-scheduling
   */
  startRunningAt: z
    .string()
    .refine(
      (value) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
        !Number.isNaN(Date.parse(value)),
      {
        error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-02-01T08:00:00Z',
      },
    )
    .optional(),
  sentinelEntitiesMappings: z.array(z.strictObject({ columnName: text })).optional(),
  // sentinel-kit extensions: `enabled: false` keeps a rule in Git without deploying it enabled;
  // `maxAlertsPerDay` is a budget the local scheduler and tests enforce.
  enabled: z.boolean().optional(),
  maxAlertsPerDay: z.number().int().positive().optional(),
});
export type AnalyticsRule = z.infer<typeof analyticsRuleSchema>;

export const huntingQuerySchema = z.strictObject(queryDocument);
export type HuntingQuery = z.infer<typeof huntingQuerySchema>;

export type QueryDocumentKind = 'analytics' | 'hunting';
