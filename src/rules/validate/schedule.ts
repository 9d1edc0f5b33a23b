import type { Diagnostic } from '../../diagnostics.js';
import { formatShortDuration, parseDuration } from '../durations.js';
import type { AnalyticsRule } from '../model.js';
import type { CheckTarget } from './target.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Limits from "Scheduled analytics rules in Microsoft Sentinel" (learn.microsoft.com):
// query interval and lookback both 5 minutes to 14 days; suppression up to 24 hours;
// incident grouping time frame 5 minutes to 7 days.
const SCHEDULE_RANGE = { min: 5 * MINUTE, max: 14 * DAY };
const SUPPRESSION_RANGE = { min: 5 * MINUTE, max: DAY };
const GROUPING_RANGE = { min: 5 * MINUTE, max: 7 * DAY };
// Sentinel rejects a lookback of 2 days or more run more often than hourly (alert-rule API validation).
const LONG_LOOKBACK = 2 * DAY;
const MAX_TRIGGER_THRESHOLD = 10_000;

const SCHEDULED_ONLY = ['queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold'] as const;

/** Scheduling fields per rule kind, their documented ranges, and their consistency. */
export function checkSchedule({ rule, source }: CheckTarget<AnalyticsRule>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, message: string, field: readonly (string | number)[], onKey = false) =>
    diagnostics.push(
      source.diagnostic(code, 'error', message, onKey ? source.keyAt(field) : source.valueAt(field)),
    );

  if (rule.kind === 'NRT') {
    // A warning, not an error: the Azure-Sentinel CI binds every template, NRT ones included, to
    // its Scheduled model, which requires these fields, so published NRT rules carry them; the NRT
    // alert-rule API has none of them and Sentinel ignores them.
    for (const field of [...SCHEDULED_ONLY, 'startRunningAt'] as const) {
      if (rule[field] !== undefined) {
        diagnostics.push(
          source.diagnostic(
            'SK1205',
            'warning',
            `NRT rules run every minute on new data; '${field}' is ignored`,
            source.keyAt([field]),
          ),
        );
      }
    }
  } else {
    for (const field of SCHEDULED_ONLY) {
      if (rule[field] === undefined) report('SK1206', `Scheduled rules need '${field}'`, ['kind']);
    }
    const frequency = checkRange(rule.queryFrequency, SCHEDULE_RANGE, 'queryFrequency', 'SK1201', report);
    const period = checkRange(rule.queryPeriod, SCHEDULE_RANGE, 'queryPeriod', 'SK1202', report);
    if (frequency !== undefined && period !== undefined) {
      if (period < frequency) {
        report(
          'SK1203',
          `queryPeriod (${rule.queryPeriod}) is shorter than queryFrequency (${rule.queryFrequency}): ` +
            'runs would leave gaps no query covers',
          ['queryPeriod'],
        );
      } else if (period >= LONG_LOOKBACK && frequency < HOUR) {
        report(
          'SK1204',
          `a queryPeriod of 2 days or more (${rule.queryPeriod}) needs a queryFrequency of at least 1h`,
          ['queryFrequency'],
        );
      }
    }
  }

  const threshold = rule.triggerThreshold;
  if (threshold !== undefined && (threshold < 0 || threshold > MAX_TRIGGER_THRESHOLD)) {
    report('SK1207', `triggerThreshold must be between 0 and 10000 (got ${threshold})`, ['triggerThreshold']);
  }

  checkRange(rule.suppressionDuration, SUPPRESSION_RANGE, 'suppressionDuration', 'SK1208', report);
  if (rule.suppressionEnabled && rule.suppressionDuration === undefined) {
    report('SK1208', 'suppressionEnabled needs a suppressionDuration (5m to 24h)', ['suppressionEnabled']);
  }
  const lookbackPath = ['incidentConfiguration', 'groupingConfiguration', 'lookbackDuration'];
  checkRange(
    rule.incidentConfiguration?.groupingConfiguration?.lookbackDuration,
    GROUPING_RANGE,
    lookbackPath,
    'SK1209',
    report,
  );
  return diagnostics;
}

function checkRange(
  value: string | undefined,
  range: { min: number; max: number },
  field: string | string[],
  code: string,
  report: (code: string, message: string, field: readonly string[]) => void,
): number | undefined {
  const ms = value === undefined ? undefined : parseDuration(value);
  if (ms === undefined) return undefined;
  const path = Array.isArray(field) ? field : [field];
  if (ms < range.min || ms > range.max) {
    const name = path[path.length - 1];
    report(
      code,
      `${name} must be between ${formatShortDuration(range.min)} and ${formatShortDuration(range.max)} (got ${value})`,
      path,
    );
  }
  return ms;
}
