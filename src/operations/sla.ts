import { parseDuration } from '../rules/durations.js';
import { type IncidentSeverity, type IncidentStatus, incidentSeverities } from '../sentinel/client.js';
import type { Breach, OperationsModel } from './model.js';

/** Where an open incident stands against its SLA. */
export interface SlaState {
  /** Deadlines in epoch milliseconds; undefined when the severity has no SLA. */
  acknowledgeBy?: number;
  closeBy?: number;
  /** Breaches at `now`, in the order they happen. */
  breaches: Breach[];
}

/**
 * The incident's SLA clock, measured from creation. Acknowledging means moving the incident out of New
 * (Sentinel's statuses: New, Active, Closed); a closed incident is never in breach. A deadline is missed
 * once `now` is past it.
 */
export function slaState(
  model: OperationsModel,
  incident: { severity: IncidentSeverity; status: IncidentStatus; createdTimeUtc: string },
  now: number,
): SlaState {
  const target = model.sla[incident.severity];
  const created = Date.parse(incident.createdTimeUtc);
  if (!target || Number.isNaN(created)) return { breaches: [] };
  const acknowledgeBy = created + (parseDuration(target.acknowledge) ?? 0);
  const closeBy = created + (parseDuration(target.close) ?? 0);
  const breaches: Breach[] = [];
  if (incident.status === 'New' && now > acknowledgeBy) breaches.push('acknowledge');
  if (incident.status !== 'Closed' && now > closeBy) breaches.push('close');
  return { acknowledgeBy, closeBy, breaches };
}

/** One step up: Informational → Low → Medium → High (High stays High). */
export function raisedSeverity(severity: IncidentSeverity): IncidentSeverity {
  // incidentSeverities is ordered High first.
  const index = incidentSeverities.indexOf(severity);
  return incidentSeverities[Math.max(0, index - 1)];
}

/** The label an escalation adds; its presence is what makes the escalation happen once per breach. */
export function breachLabel(breach: Breach): string {
  return breach === 'acknowledge' ? 'SLA breached: acknowledge' : 'SLA breached: close';
}
