import { z } from 'zod';
import { parseDuration } from '../rules/durations.js';

/**
 * A Defender XDR custom detection as YAML: the body of Microsoft Graph's `detectionRule`
 * (POST/PATCH /security/rules/detectionRules), field for field, without the read-only fields
 * (createdBy, lastRunDetails, ...). The shape is the one in force after the 2026-10-01 removal of
 * `schedule.period`, `isEnabled`, `alertTemplate.category/mitreTechniques/impactedAssets` and
 * `detectionAction.responseActions`:
 * https://learn.microsoft.com/en-us/graph/api/resources/security-detectionrule?view=graph-rest-beta
 * https://learn.microsoft.com/en-us/graph/api/security-rulesroot-post-detectionrules?view=graph-rest-beta
 */

const text = z.string().min(1, { error: 'must not be empty' });

/** ISO 8601 durations only: Graph's `Edm.Duration` does not take the `5m` shorthand of Sentinel YAML. */
const isoDuration = z.string().refine((value) => /^P/i.test(value) && parseDuration(value) !== undefined, {
  error: 'must be an ISO 8601 duration such as PT1H, PT3H, PT12H, P1D or PT0S (continuous)',
});

/** A mapping or action entry: each `<identifier>Column` names a column of the query result. */
const columnFields = z.record(
  z
    .string()
    .regex(/Column$/, { error: 'fields of an entity mapping end in Column (nameColumn, sidColumn, ...)' }),
  text,
);

/** entityMappingConfiguration: one list per entity type (security-entitymappingconfiguration). */
export const entityMappingKinds = [
  'accounts',
  'amazonResources',
  'azureResources',
  'cloudApplications',
  'dns',
  'files',
  'googleCloudResources',
  'hosts',
  'ips',
  'mailboxes',
  'mailClusters',
  'mailMessages',
  'oAuthApplications',
  'processes',
  'registryValues',
  'securityGroups',
  'urls',
] as const;
export type EntityMappingKind = (typeof entityMappingKinds)[number];

/**
 * The fields of the entity-mapping types whose pages list them (security-accountentitymapping,
 * -hostentitymapping, -ipentitymapping, -urlentitymapping, -fileentitymapping,
 * -processentitymapping); the other types take any `*Column` field until looked up.
 */
const entityMappingFields: Partial<Record<EntityMappingKind, readonly string[]>> = {
  accounts: [
    'aadUserIdColumn',
    'dnsDomainColumn',
    'nameColumn',
    'ntDomainColumn',
    'sidColumn',
    'upnColumn',
    'upnSuffixColumn',
  ],
  hosts: ['deviceIdColumn', 'dnsDomainColumn', 'nameColumn', 'netBiosNameColumn', 'ntDomainColumn'],
  ips: ['addressColumn', 'scopeColumn'],
  urls: ['addressColumn'],
  files: ['nameColumn', 'sha1Column', 'sha256Column'],
  processes: ['sha1Column', 'sha256Column'],
};

function entityMapping(kind: EntityMappingKind) {
  const fields = entityMappingFields[kind];
  if (!fields) return columnFields;
  return z.strictObject(
    Object.fromEntries(fields.map((field) => [field, text.optional()])),
  ) as unknown as typeof columnFields;
}

const entityMappings = z.strictObject(
  Object.fromEntries(
    entityMappingKinds.map((kind) => [kind, z.array(entityMapping(kind)).optional()]),
  ) as Record<EntityMappingKind, z.ZodOptional<z.ZodArray<typeof columnFields>>>,
);

/** automatedActionSet: the action lists and the kind of entity each acts on (security-automatedactionset). */
export const automatedActionTargets = {
  allowFiles: 'file',
  blockFiles: 'file',
  collectInvestigationPackages: 'device',
  disableUsers: 'accountSid',
  forceUserPasswordResets: 'accountSid',
  hardDeleteEmails: 'email',
  initiateInvestigations: 'device',
  isolateDevices: 'device',
  markUsersAsCompromised: 'accountObjectId',
  moveEmailsToDeletedItems: 'email',
  moveEmailsToInbox: 'email',
  moveEmailsToJunk: 'email',
  restrictAppExecutions: 'device',
  runAntivirusScans: 'device',
  softDeleteEmails: 'email',
  stopAndQuarantineFiles: 'file',
} as const;
export type AutomatedActionKind = keyof typeof automatedActionTargets;

/** isolateDeviceAction adds `isolationType` (full, selective) to the device column (security-isolatedeviceaction). */
const isolateDeviceAction = z.record(z.string(), text).superRefine((value, ctx) => {
  for (const [key, field] of Object.entries(value)) {
    if (key === 'isolationType' ? !['full', 'selective'].includes(field) : !key.endsWith('Column')) {
      const message =
        key === 'isolationType'
          ? `must be one of full, selective (got ${JSON.stringify(field)})`
          : `unknown field '${key}' of an isolateDevices action (deviceIdColumn, isolationType)`;
      ctx.addIssue({ code: 'custom', path: [key], message });
    }
  }
  if (value.isolationType === undefined)
    ctx.addIssue({ code: 'custom', path: [], message: 'needs isolationType (full or selective)' });
});

const automatedActions = z.strictObject(
  Object.fromEntries(
    Object.keys(automatedActionTargets).map((kind) => [
      kind,
      z.array(kind === 'isolateDevices' ? isolateDeviceAction : columnFields).optional(),
    ]),
  ) as unknown as Record<AutomatedActionKind, z.ZodOptional<z.ZodArray<typeof columnFields>>>,
);

/** mitreTactic: a tactic and its techniques, e.g. Execution / T1059.001 (create example). */
const tactic = z.strictObject({
  tactic: text,
  techniques: z.array(z.strictObject({ technique: text })).optional(),
});

export const detectionSeverities = ['informational', 'low', 'medium', 'high'] as const;

const alertTemplate = z.strictObject({
  title: text,
  description: text.optional(),
  severity: z.enum(detectionSeverities),
  recommendedActions: text.optional(),
  entityMappings: entityMappings.optional(),
  tactics: z.array(tactic).optional(),
  /** alertPerEvent (default when omitted) or singleAlert (security-alerttemplate, beta). */
  eventGroupingKind: z.enum(['alertPerEvent', 'singleAlert']).optional(),
});

export const detectionRuleSchema = z.strictObject({
  /** Client-provided and stable: the identity `deploy detections` creates and updates by. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    error:
      'must be a stable identifier of letters, digits, ".", "_" or "-" (such as office-encoded-powershell)',
  }),
  displayName: text,
  description: text.optional(),
  status: z.enum(['enabled', 'disabled']).default('enabled'),
  queryCondition: z.strictObject({ queryText: text }),
  schedule: z.strictObject({ frequency: isoDuration, lookback: isoDuration.optional() }),
  detectionAction: z.strictObject({
    alertTemplate,
    automatedActions: automatedActions.optional(),
    incidentConfiguration: z.strictObject({ isExcludedFromIncidentCorrelation: z.boolean() }).optional(),
  }),
});
export type DetectionRule = z.output<typeof detectionRuleSchema>;
