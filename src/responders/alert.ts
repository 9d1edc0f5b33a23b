import type { LogsQuery } from '../query/logs.js';
import { type AlertRef, alertEntities } from '../sentinel/alertTrigger.js';
import type { AlertContext } from '../sentinel/trigger.js';

export type LoadedAlert =
  | { ok: true; alert: AlertContext }
  /** `pending`: the alert may be too new to be queryable yet, so a retry can find it. */
  | { ok: false; notFound: true; pending: boolean };

/**
 * How long after an alert it may take to appear in SecurityAlert. Log Analytics documents a typical
 * ingestion latency of 20 seconds to 3 minutes (https://learn.microsoft.com/azure/azure-monitor/logs/data-ingestion-time);
 * a relay retries for about 8 minutes (infra/modules/relays.bicep), which this covers.
 */
const QUERYABLE_WITHIN_MS = 10 * 60_000;

/** Alerts a manual or late run may name are kept as long as the workspace's default retention. */
const LOOKBACK = 'P90D';

/**
 * The alert as the workspace holds it (the latest SecurityAlert row for its SystemAlertId), for the
 * alert a caller names. Like loadHeldIncident, a responder acts on this, never on the entities in the
 * request body; an alert of another workspace, or one the workspace does not hold, is not acted on.
 */
export async function loadHeldAlert(
  named: AlertRef,
  logs: LogsQuery,
  workspaceId: string,
  now: Date = new Date(),
): Promise<LoadedAlert> {
  const recent =
    named.claimedTime !== undefined &&
    Math.abs(now.getTime() - named.claimedTime.getTime()) < QUERYABLE_WITHIN_MS;
  if (named.workspaceId !== workspaceId.toLowerCase()) return { ok: false, notFound: true, pending: false };
  // parseAlertTrigger admits only [A-Za-z0-9_.:-] in the id, so it cannot leave the string literal.
  const rows = await logs.query(
    workspaceId,
    `SecurityAlert
| where SystemAlertId == "${named.systemAlertId}"
| summarize arg_max(TimeGenerated, AlertName, AlertSeverity, Status, Entities) by SystemAlertId`,
    LOOKBACK,
  );
  const [row] = rows;
  if (!row) return { ok: false, notFound: true, pending: recent };
  return {
    ok: true,
    alert: {
      source: 'alert',
      alertId: named.systemAlertId,
      armId: `alert:${named.workspaceId}/${named.systemAlertId.toLowerCase()}`,
      workspaceId: named.workspaceId,
      title: String(row.AlertName ?? ''),
      severity: String(row.AlertSeverity ?? ''),
      status: String(row.Status ?? ''),
      labels: [],
      entities: alertEntities(row.Entities),
    },
  };
}
