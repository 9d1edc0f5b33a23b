import type { Alert } from './alerts.js';
import { entityKey } from './entities.js';
import type { GroupingSettings, IncidentSettings } from './settings.js';

export interface Incident {
  /** 1, 2, 3... in creation order, like Sentinel's incident numbers. */
  number: number;
  title: string;
  description: string;
  severity: Alert['severity'];
  status: 'New' | 'Closed';
  /** Time of the run that created the incident; the grouping lookback counts from here. */
  createdAt: bigint;
  alerts: Alert[];
  /** Grouping key the incident was created for (undefined when grouping is off). */
  groupKey?: string;
}

/**
 * "Up to 150 alerts can be grouped into a single incident. If more than 150 alerts are generated
 * by a rule that groups them into a single incident, a new incident is generated with the same
 * incident details as the original, and the excess alerts are grouped into the new incident."
 * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#alert-grouping
 */
export const MAX_ALERTS_PER_INCIDENT = 150;

/**
 * Turns one rule's alerts into incidents across runs, per its incidentConfiguration (same page):
 * no incidents when createIncident is false; one incident per alert without grouping; otherwise an
 * alert joins the newest incident with the same grouping key whose first alert is no older than the
 * lookback ("alerts created up to 5 hours after the first alert in an incident are added to the
 * same incident"), that still has room, and that is open — or closed when reopenClosedIncident is set,
 * which reopens it.
 */
export class IncidentGrouper {
  readonly incidents: Incident[] = [];

  constructor(private readonly settings: IncidentSettings) {}

  /** Adds the alerts of one run at `at`; returns the incidents created or updated by it. */
  add(alerts: readonly Alert[], at: bigint): Incident[] {
    if (!this.settings.createIncident || alerts.length === 0) return [];
    const touched = new Set<Incident>();
    const grouping = this.settings.grouping;
    for (const alert of alerts) {
      const key = grouping ? groupKey(grouping, alert) : undefined;
      const match = grouping && key !== undefined ? this.matching(grouping, key, at) : {};
      const incident = match.open ?? this.open(match.full ?? alert, at, key);
      if (incident.status === 'Closed') incident.status = 'New';
      incident.alerts.push(alert);
      touched.add(incident);
    }
    return [...touched];
  }

  close(incidentNumber: number): void {
    const incident = this.incidents.find((i) => i.number === incidentNumber);
    if (incident) incident.status = 'Closed';
  }

  /** An incident reopened from outside (an analyst, an automation rule): alerts may join it again. */
  reopen(incidentNumber: number): void {
    const incident = this.incidents.find((i) => i.number === incidentNumber);
    if (incident) incident.status = 'New';
  }

  /**
   * The incident an alert with this key joins (`open`), or, when the only candidates are full, the
   * newest full one (`full`), whose details the overflow incident copies.
   */
  private matching(
    grouping: GroupingSettings,
    key: string,
    at: bigint,
  ): { open?: Incident; full?: Incident } {
    let full: Incident | undefined;
    for (let i = this.incidents.length - 1; i >= 0; i--) {
      const incident = this.incidents[i];
      if (incident.groupKey !== key) continue;
      if (at - incident.createdAt > grouping.lookback) continue;
      if (incident.status === 'Closed' && !grouping.reopenClosedIncident) continue;
      if (incident.alerts.length >= MAX_ALERTS_PER_INCIDENT) {
        full ??= incident;
        continue;
      }
      return { open: incident };
    }
    return { full };
  }

  /** A new incident with the alert's details, or with those of the full incident it overflows. */
  private open(source: Alert | Incident, at: bigint, groupKey: string | undefined): Incident {
    const details =
      'displayName' in source
        ? { title: source.displayName, description: source.description, severity: source.severity }
        : { title: source.title, description: source.description, severity: source.severity };
    const incident: Incident = {
      number: this.incidents.length + 1,
      ...details,
      status: 'New',
      createdAt: at,
      alerts: [],
      groupKey,
    };
    this.incidents.push(incident);
    return incident;
  }
}

/**
 * AnyAlert: one key for all. AllEntities: "identical values for each of the mapped entities".
 * Selected: identical values for the chosen entity types, alert details (DisplayName, Severity)
 * and custom details.
 */
export function groupKey(grouping: GroupingSettings, alert: Alert): string {
  switch (grouping.matchingMethod) {
    case 'AnyAlert':
      return '';
    case 'AllEntities':
      return entitiesKey(alert, () => true);
    case 'Selected': {
      const types = new Set(grouping.groupByEntities.map((t) => t.toLowerCase()));
      const parts = [entitiesKey(alert, (type) => types.has(type.toLowerCase()))];
      for (const detail of grouping.groupByAlertDetails)
        parts.push(`${detail}=${alertDetail(alert, detail)}`);
      for (const key of grouping.groupByCustomDetails)
        parts.push(`${key}=${JSON.stringify(alert.customDetails[key] ?? [])}`);
      return parts.join('|');
    }
  }
}

function entitiesKey(alert: Alert, include: (type: string) => boolean): string {
  return alert.entities
    .filter((e) => include(e.type))
    .map(entityKey)
    .sort()
    .join(';');
}

function alertDetail(alert: Alert, detail: string): string {
  switch (detail) {
    case 'DisplayName':
      return alert.displayName;
    case 'Severity':
      return alert.severity;
    default:
      return '';
  }
}
