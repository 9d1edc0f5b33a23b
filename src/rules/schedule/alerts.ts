import type { Table } from '../../kql/index.js';
import { type AnalyticsRule, type RuleSeverity, sentinelTactics, severities } from '../model.js';
import { malformedPlaceholderMessage, placeholders } from '../placeholders.js';
import { type CellText, cellText } from './cells.js';
import { type Entity, extractEntities } from './entities.js';
import type { RunSettings } from './settings.js';

/** Alerts carry the rule's severities; a severity column may pick another of them per alert. */
export type AlertSeverity = RuleSeverity;

/** One Sentinel alert as a scheduled or NRT rule run produces it (the SecurityAlert fields we model). */
export interface Alert {
  ruleId: string;
  ruleName: string;
  /** AlertName after alertDetailsOverride. */
  displayName: string;
  description: string;
  severity: AlertSeverity;
  tactics: string[];
  entities: Entity[];
  /** Custom details as Sentinel stores them: every key maps to the values of the alert's events. */
  customDetails: Record<string, string[]>;
  /** Scheduled time of the run that produced the alert. */
  generatedAt: bigint;
  windowStart: bigint;
  windowEnd: bigint;
  /** Number of query result rows (events) the alert covers. */
  eventCount: number;
  /** True for the last alert of an AlertPerResult run that overflowed: it summarizes every event. */
  summary: boolean;
  /** True when entities were dropped at the 64 KB Entities cap (entities.ts). */
  entitiesTruncated: boolean;
  /**
   * True when the custom details and alert details together pass their 64 KB cap. What Sentinel
   * then does (drop, truncate, refuse) is not documented, so the details are kept and `test` warns.
   */
  detailsOverCap: boolean;
}

export interface RunContext {
  at: bigint;
  windowStart: bigint;
  windowEnd: bigint;
}

/**
 * Whether the result row count passes the rule's trigger. "The threshold applies separately to each
 * time the rule runs, not collectively."
 * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#alert-threshold
 */
export function triggers(settings: RunSettings, rowCount: number): boolean {
  const { operator, threshold } = settings.trigger;
  switch (operator) {
    case 'gt':
      return rowCount > threshold;
    case 'lt':
      return rowCount < threshold;
    case 'eq':
      return rowCount === threshold;
    case 'ne':
      return rowCount !== threshold;
  }
}

/**
 * The alerts of one run whose query returned `result`: none when the trigger is not met; one alert
 * for all rows (SingleAlert); or one per row (AlertPerResult), where past the per-run cap the last
 * alert summarizes every event: "the first 149 events will each generate a unique alert, and the
 * 150th alert will summarize the entire set of returned events" (NRT: 29 + 1 of 30).
 * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#event-grouping
 * https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#considerations
 */
export function buildAlerts(
  rule: AnalyticsRule,
  settings: RunSettings,
  result: Table,
  run: RunContext,
): Alert[] {
  const count = result.rows.length;
  if (!triggers(settings, count)) return [];
  const all = result.rows.map((_, i) => i);
  const text = cellText(result);
  const alert = (rows: number[], summary = false) => buildAlert(rule, text, rows, run, summary);
  // A trigger met by zero rows (`lt 1`, `eq 0`) still raises one alert, which has no events.
  if (settings.aggregation === 'SingleAlert' || count === 0) return [alert(all)];
  if (count <= settings.maxAlertsPerRun) return all.map((row) => alert([row]));
  const single = all.slice(0, settings.maxAlertsPerRun - 1).map((row) => alert([row]));
  return [...single, alert(all, true)];
}

function buildAlert(
  rule: AnalyticsRule,
  text: CellText,
  rows: number[],
  run: RunContext,
  summary: boolean,
): Alert {
  const first = rows[0];
  const override = rule.alertDetailsOverride;
  const { entities, truncated } = extractEntities(rule.entityMappings ?? [], text, rows);
  const details = {
    displayName: fillFormat(override?.alertDisplayNameFormat, text, first) ?? rule.name,
    description: fillFormat(override?.alertDescriptionFormat, text, first) ?? rule.description,
    severity: severityFrom(override?.alertSeverityColumnName, text, first) ?? rule.severity,
    tactics: tacticsFrom(override?.alertTacticsColumnName, text, first) ?? [...(rule.tactics ?? [])],
    customDetails: customDetailsOf(rule.customDetails ?? {}, text, rows),
  };
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    ...details,
    entities,
    generatedAt: run.at,
    windowStart: run.windowStart,
    windowEnd: run.windowEnd,
    eventCount: rows.length,
    summary,
    entitiesTruncated: truncated,
    detailsOverCap: Buffer.byteLength(JSON.stringify(details), 'utf8') > MAX_DETAILS_BYTES,
  };
}

/**
 * "The combined size limit for all custom details and alert details, collectively, is 64 KB."
 * https://learn.microsoft.com/en-us/azure/sentinel/surface-custom-details-in-alerts
 */
export const MAX_DETAILS_BYTES = 64 * 1024;

/**
 * alertDisplayNameFormat / alertDescriptionFormat with `{{Column}}` replaced by the first event's
 * values. "If the selected field has no value in a given instance, the alert details for that
 * instance will revert to the defaults" — so any empty or missing placeholder column yields
 * undefined and the caller keeps the rule's own name or description. A placeholder not of the
 * documented form is refused (see placeholders.ts).
 * https://learn.microsoft.com/en-us/azure/sentinel/customize-alert-details
 */
function fillFormat(format: string | undefined, text: CellText, row: number | undefined): string | undefined {
  if (!format) return undefined;
  let filled = '';
  let from = 0;
  for (const placeholder of placeholders(format)) {
    if (placeholder.column === undefined) throw new Error(malformedPlaceholderMessage(placeholder.text));
    const value = text(placeholder.column, row);
    if (value === undefined || value === '') return undefined;
    filled += format.slice(from, placeholder.index) + value;
    from = placeholder.index + placeholder.text.length;
  }
  return filled + format.slice(from);
}

/** Severity from a column; empty or not one of the four severities reverts to the rule's (same doc). */
function severityFrom(
  column: string | undefined,
  text: CellText,
  row: number | undefined,
): AlertSeverity | undefined {
  if (!column) return undefined;
  const value = text(column, row)?.trim().toLowerCase();
  return severities.find((s) => s.toLowerCase() === value);
}

/** The tactic names an alert can carry: the alert-rule API's AttackTactic enum. */
const tacticByLowerName = new Map<string, string>(sentinelTactics.map((t) => [t.toLowerCase(), t]));

/**
 * Tactics from a column holding a comma-separated list or a dynamic array. "If the selected
 * parameter has no value (or an invalid value in the case of tactics and severity), the alert
 * details will revert to the defaults": an empty list, or one naming anything that is not a tactic,
 * keeps the rule's tactics. The page does not say whether one bad name among good ones voids the
 * whole value; we revert on any, since the value as a whole is then not a valid tactics list.
 * https://learn.microsoft.com/en-us/azure/sentinel/customize-alert-details
 */
function tacticsFrom(
  column: string | undefined,
  text: CellText,
  row: number | undefined,
): string[] | undefined {
  if (!column) return undefined;
  const value = text(column, row);
  if (!value) return undefined;
  let items: unknown = value;
  if (value.startsWith('[')) {
    try {
      items = JSON.parse(value);
    } catch {
      items = value;
    }
  }
  const names = (Array.isArray(items) ? items.map(String) : value.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  const tactics = names.map((name) => tacticByLowerName.get(name.toLowerCase()));
  if (tactics.length === 0 || tactics.some((t) => t === undefined)) return undefined;
  return [...new Set(tactics as string[])];
}

/**
 * customDetails: key -> column. Sentinel stores each key with the list of the alert's event values
 * (one value for an AlertPerResult alert, every row's value for a SingleAlert alert).
 * https://learn.microsoft.com/en-us/azure/sentinel/surface-custom-details-in-alerts
 */
function customDetailsOf(
  details: Record<string, string>,
  text: CellText,
  rows: number[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, column] of Object.entries(details)) {
    out[key] = rows.map((row) => text(column, row) ?? '');
  }
  return out;
}
