import { dateToTicks, TICKS_PER_HOUR, TICKS_PER_MINUTE } from '../../kql/values/index.js';
import { durationTicks } from '../durations.js';
import type { AnalyticsRule, TriggerOperator } from '../model.js';

export type MatchingMethod = NonNullable<
  NonNullable<AnalyticsRule['incidentConfiguration']>['groupingConfiguration']
>['matchingMethod'] &
  string;

export interface GroupingSettings {
  lookback: bigint;
  matchingMethod: MatchingMethod;
  reopenClosedIncident: boolean;
  groupByEntities: string[];
  groupByAlertDetails: string[];
  groupByCustomDetails: string[];
}

export interface IncidentSettings {
  createIncident: boolean;
  /** Undefined: every alert gets its own incident. */
  grouping?: GroupingSettings;
}

/** A rule's run behaviour with every duration in ticks: what the scheduler needs and nothing else. */
export interface RunSettings {
  kind: 'Scheduled' | 'NRT';
  frequency: bigint;
  period: bigint;
  trigger: { operator: TriggerOperator; threshold: number };
  aggregation: 'SingleAlert' | 'AlertPerResult';
  maxAlertsPerRun: number;
  /** Scheduled time to query execution; rows ingested by then are visible (see window.ts). */
  executionDelay: bigint;
  /** Set when suppressionEnabled: no run starts within this long after a run that alerted. */
  suppression?: bigint;
  /** "Start running at": the first scheduled run; later runs follow every `frequency` from it. */
  firstRun?: bigint;
  incident: IncidentSettings;
}

/**
 * NRT rules "are hard-coded to run once every minute and capture events ingested in the preceding
 * minute", "on just a two-minute delay", and "can produce up to 30 single-event alerts".
 * https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules
 */
const NRT_FREQUENCY = TICKS_PER_MINUTE;
const NRT_DELAY = 2n * TICKS_PER_MINUTE;
const NRT_MAX_ALERTS = 30;
/**
 * "Microsoft Sentinel runs scheduled analytics rules on a five-minute delay from their scheduled
 * time"; "Analytics rules can generate up to 150 alerts" per run.
 * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#query-scheduling
 */
const SCHEDULED_DELAY = 5n * TICKS_PER_MINUTE;
const SCHEDULED_MAX_ALERTS = 150;
/** "By default, alerts created up to 5 hours after the first alert in an incident are added" (same page, Alert grouping). */
const DEFAULT_GROUPING_LOOKBACK = 5n * TICKS_PER_HOUR;

export function runSettings(rule: AnalyticsRule): RunSettings {
  const nrt = rule.kind === 'NRT';
  const frequency = nrt ? NRT_FREQUENCY : ticksOf(rule.queryFrequency, 'queryFrequency');
  const period = nrt ? NRT_FREQUENCY : ticksOf(rule.queryPeriod, 'queryPeriod');
  return {
    kind: nrt ? 'NRT' : 'Scheduled',
    frequency,
    period,
    trigger: {
      operator: rule.triggerOperator ?? 'gt',
      threshold: rule.triggerThreshold ?? 0,
    },
    aggregation:
      rule.eventGroupingSettings?.aggregationKind === 'AlertPerResult' ? 'AlertPerResult' : 'SingleAlert',
    maxAlertsPerRun: nrt ? NRT_MAX_ALERTS : SCHEDULED_MAX_ALERTS,
    executionDelay: nrt ? NRT_DELAY : SCHEDULED_DELAY,
    suppression: rule.suppressionEnabled
      ? ticksOf(rule.suppressionDuration, 'suppressionDuration')
      : undefined,
    incident: incidentSettings(rule),
    firstRun:
      !nrt && rule.startRunningAt !== undefined ? dateToTicks(new Date(rule.startRunningAt)) : undefined,
  };
}

function incidentSettings(rule: AnalyticsRule): IncidentSettings {
  const config = rule.incidentConfiguration;
  const createIncident = config?.createIncident ?? true;
  const grouping = config?.groupingConfiguration;
  if (!grouping?.enabled) return { createIncident };
  return {
    createIncident,
    grouping: {
      lookback: grouping.lookbackDuration
        ? ticksOf(grouping.lookbackDuration, 'lookbackDuration')
        : DEFAULT_GROUPING_LOOKBACK,
      matchingMethod: grouping.matchingMethod ?? 'AllEntities',
      reopenClosedIncident: grouping.reopenClosedIncident ?? false,
      groupByEntities: grouping.groupByEntities ?? [],
      groupByAlertDetails: grouping.groupByAlertDetails ?? [],
      groupByCustomDetails: grouping.groupByCustomDetails ?? [],
    },
  };
}

function ticksOf(duration: string | undefined, field: string): bigint {
  const ticks = duration === undefined ? undefined : durationTicks(duration);
  if (ticks === undefined || ticks <= 0n) {
    throw new Error(`rule ${field} '${duration ?? ''}' is not a positive duration`);
  }
  return ticks;
}
