import { formatIsoDuration, parseDuration } from '../durations.js';
import type { AnalyticsRule, TriggerOperator } from '../model.js';

/**
 * API versions of Microsoft.SecurityInsights/alertRules per rule kind, the newest that define the
 * kind (Azure.Bicep.Types.Az 0.2.972, from azure-rest-api-specs): the GA version 2025-09-01 only
 * knows Scheduled (plus Fusion and MicrosoftSecurityIncidentCreation) and has no `subTechniques`;
 * NRT exists only in preview versions, and 2025-10-01-preview also defines `subTechniques`
 * (2023-02-01-preview did not). infra/modules/analyticsRules.bicep uses the same versions.
 */
export const alertRuleApiVersions = { Scheduled: '2025-09-01', NRT: '2025-10-01-preview' } as const;

export interface AlertRuleResource {
  /** Resource name: the rule's `id` GUID, so renaming a rule updates it in place. */
  name: string;
  kind: 'Scheduled' | 'NRT';
  properties: Record<string, unknown>;
}

const triggerOperators: Record<TriggerOperator, string> = {
  gt: 'GreaterThan',
  lt: 'LessThan',
  eq: 'Equal',
  ne: 'NotEqual',
};

/** Portal default when a rule does not say: suppression off, with the 5 h window the portal shows. */
const defaultSuppression = 'PT5H';

/**
 * Rule fields `build` cannot deploy faithfully, with why. "Start running at" is a portal setting
 * (preview) with no property in the alertRules REST API (azure-rest-api-specs
 * Microsoft.SecurityInsights AlertRules.json ScheduledAlertRuleProperties, through
 * 2025-10-01-preview): deployed without it the rule would run at once, which is not what `test`
 * and the local SOC simulate, so it is refused rather than dropped.
 */
export function undeployableFields(rule: AnalyticsRule): { field: string; message: string }[] {
  return rule.startRunningAt === undefined
    ? []
    : [
        {
          field: 'startRunningAt',
          message:
            "'startRunningAt' cannot be deployed: the alertRules API has no documented property for the " +
            "portal's 'Start running at' (remove it, or set the start time in the portal after deploying)",
        },
      ];
}

export function compileAlertRule(rule: AnalyticsRule): AlertRuleResource {
  const { techniques, subTechniques } = splitTechniques(rule.relevantTechniques ?? []);
  const common: Record<string, unknown> = {
    displayName: rule.name,
    description: rule.description,
    severity: rule.severity,
    enabled: rule.enabled ?? true,
    query: rule.query,
    suppressionDuration: iso(rule.suppressionDuration) ?? defaultSuppression,
    suppressionEnabled: rule.suppressionEnabled ?? false,
    tactics: nonEmpty(rule.tactics),
    techniques: nonEmpty(techniques),
    entityMappings: nonEmpty(rule.entityMappings),
    customDetails:
      rule.customDetails && Object.keys(rule.customDetails).length > 0 ? rule.customDetails : undefined,
    alertDetailsOverride: rule.alertDetailsOverride,
    eventGroupingSettings: rule.eventGroupingSettings,
    incidentConfiguration: incidentConfiguration(rule),
  };
  if (rule.kind === 'NRT') {
    return {
      name: rule.id.toLowerCase(),
      kind: 'NRT',
      properties: {
        ...common,
        subTechniques: nonEmpty(subTechniques),
        sentinelEntitiesMappings: nonEmpty(rule.sentinelEntitiesMappings),
      },
    };
  }
  return {
    name: rule.id.toLowerCase(),
    kind: 'Scheduled',
    properties: {
      ...common,
      queryFrequency: iso(rule.queryFrequency),
      queryPeriod: iso(rule.queryPeriod),
      triggerOperator: triggerOperators[rule.triggerOperator ?? 'gt'],
      triggerThreshold: rule.triggerThreshold ?? 0,
    },
  };
}

/** MITRE ids: `T1110` is a technique, `T1110.003` a sub-technique whose parent is `T1110`. */
function splitTechniques(ids: readonly string[]): { techniques: string[]; subTechniques: string[] } {
  const techniques = new Set<string>();
  const subTechniques = new Set<string>();
  for (const id of ids) {
    const [parent, sub] = id.split('.');
    techniques.add(parent);
    if (sub !== undefined) subTechniques.add(id);
  }
  return { techniques: [...techniques], subTechniques: [...subTechniques] };
}

function incidentConfiguration(rule: AnalyticsRule): Record<string, unknown> {
  const config = rule.incidentConfiguration;
  const grouping = config?.groupingConfiguration;
  return {
    createIncident: config?.createIncident ?? true,
    groupingConfiguration: grouping
      ? {
          enabled: grouping.enabled ?? false,
          reopenClosedIncident: grouping.reopenClosedIncident ?? false,
          lookbackDuration: iso(grouping.lookbackDuration) ?? defaultSuppression,
          matchingMethod: grouping.matchingMethod ?? 'AllEntities',
          groupByEntities: nonEmpty(grouping.groupByEntities),
          groupByAlertDetails: nonEmpty(grouping.groupByAlertDetails),
          groupByCustomDetails: nonEmpty(grouping.groupByCustomDetails),
        }
      : undefined,
  };
}

/** ARM stores canonical ISO 8601 (`5m` → `PT5M`), so redeploying an unchanged rule shows no what-if diff. */
function iso(duration: string | undefined): string | undefined {
  const ms = duration === undefined ? undefined : parseDuration(duration);
  return ms === undefined ? duration : formatIsoDuration(ms);
}

function nonEmpty<T>(values: readonly T[] | undefined): T[] | undefined {
  return values && values.length > 0 ? [...values] : undefined;
}
