import { randomUUID } from 'node:crypto';
import { formatDateTime } from '../../kql/values/index.js';
import type { AnalyticsRule } from '../../rules/model.js';
import {
  type Alert,
  type Incident as RuleIncident,
  RuleSimulation,
  type SimulationState,
  securityAlertEntities,
} from '../../rules/schedule/index.js';
import type { AlertCreated } from '../automation/alerts.js';
import type { Clock } from '../clock.js';
import type { Incident, IncidentStore } from '../incidents/store.js';
import type { Workspace } from '../store/workspace.js';
import { toIncidentEntity } from './incident-entities.js';
import { WorkspaceIndex } from './workspace-index.js';

/** One rule's schedule and grouping, saved so a restart neither re-runs old windows nor forgets incidents. */
export interface ScheduledRuleState {
  nextRun: bigint;
  /** Rule-scoped incident numbers → local incident names. */
  incidents: [number, string][];
  simulation: SimulationState;
}

export interface RuleHealth {
  id: string;
  name: string;
  kind: string;
  lastRun?: string;
  lastResultRows?: number;
  lastError?: string;
  runs: number;
  alerts: number;
}

interface ScheduledRule {
  rule: AnalyticsRule;
  simulation: RuleSimulation;
  nextRun: bigint;
  /** Rule-scoped incident numbers (from the grouper) → local incident names. */
  incidents: Map<number, string>;
  health: RuleHealth;
}

/**
 * Runs analytics rules at their queryFrequency on simulated time, with the same Sentinel semantics
 * as `sentinel-kit test` (RuleSimulation): alerts become SecurityAlert rows, grouped alerts become
 * incidents in the incident store.
 */
export class Scheduler {
  private readonly scheduled: ScheduledRule[];
  private readonly index: WorkspaceIndex;

  constructor(
    rules: AnalyticsRule[],
    private readonly workspace: Workspace,
    private readonly incidents: IncidentStore,
    private readonly clock: Clock,
    /** Called for each alert written, for the alert-created automation rules. */
    private readonly onAlert: (alert: AlertCreated) => void = () => {},
    restored: ReadonlyMap<string, ScheduledRuleState> = new Map(),
    /** Shared with the other schedulers, so a table that grew is indexed once per tick. */
    index = new WorkspaceIndex(workspace),
  ) {
    const start = clock.ticks();
    this.index = index;
    this.scheduled = rules
      .filter((rule) => rule.enabled !== false)
      .map((rule) => {
        const simulation = new RuleSimulation(rule, {
          catalog: workspace.catalog,
          tables: this.index.tables,
        });
        const saved = restored.get(rule.id);
        if (saved) simulation.restore(saved.simulation);
        return {
          rule,
          simulation,
          // A rule with a "start running" time waits for it; others run on start.
          nextRun: saved?.nextRun ?? simulation.nextRunAtOrAfter(start),
          incidents: new Map(saved?.incidents),
          health: { id: rule.id, name: rule.name, kind: rule.kind, runs: 0, alerts: 0 },
        };
      });
  }

  /** Every rule's next run and grouping state, by rule id (see ScheduledRuleState). */
  snapshot(): Map<string, ScheduledRuleState> {
    return new Map(
      this.scheduled.map((s) => [
        s.rule.id,
        { nextRun: s.nextRun, incidents: [...s.incidents], simulation: s.simulation.snapshot() },
      ]),
    );
  }

  health(): RuleHealth[] {
    return this.scheduled.map((s) => s.health);
  }

  /**
   * Brings a rule's next run forward to now. Sentinel has no "run now"; the local SOC uses this after
   * injecting an attack so the result shows without waiting up to a full query frequency.
   */
  runSoon(ruleId: string): void {
    const now = this.clock.ticks();
    for (const scheduled of this.scheduled) {
      if (scheduled.rule.id !== ruleId || scheduled.nextRun <= now) continue;
      // Not before the rule's "start running" time: Sentinel would not have run it yet.
      const first = scheduled.simulation.settings.firstRun;
      if (first === undefined || first <= now) scheduled.nextRun = now;
    }
  }

  /** Runs every rule whose next scheduled time has come; returns the number of runs made. */
  tick(): number {
    const now = this.clock.ticks();
    let runs = 0;
    for (const scheduled of this.scheduled) {
      while (scheduled.nextRun <= now) {
        this.runOnce(scheduled, scheduled.nextRun);
        scheduled.nextRun += scheduled.simulation.settings.frequency;
        runs++;
      }
    }
    return runs;
  }

  private runOnce(scheduled: ScheduledRule, at: bigint): void {
    this.index.refresh();
    const { health } = scheduled;
    health.lastRun = formatDateTime(at);
    health.runs++;
    try {
      this.syncClosedIncidents(scheduled);
      const run = scheduled.simulation.runAt(at);
      health.lastResultRows = run.result?.rows.length ?? 0;
      health.lastError = undefined;
      const alertIds = new Map<Alert, string>();
      for (const alert of run.alerts) alertIds.set(alert, this.recordAlert(scheduled, alert));
      health.alerts += run.alerts.length;
      for (const incident of run.incidents) this.recordIncident(scheduled, incident, alertIds);
    } catch (error) {
      health.lastError = (error as Error).message;
    }
  }

  /**
   * Tells the rule's grouper which of its incidents an analyst (or automation) closed or reopened
   * since the last run: with reopenClosedIncident off, an alert that matches a closed incident opens a
   * new one instead of joining it.
   * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#alert-grouping
   */
  private syncClosedIncidents(scheduled: ScheduledRule): void {
    const { grouper } = scheduled.simulation;
    for (const [number, name] of scheduled.incidents) {
      const closed = this.incidents.get(name)?.properties.status === 'Closed';
      if (closed) grouper.close(number);
      else grouper.reopen(number);
    }
  }

  private recordAlert(scheduled: ScheduledRule, alert: Alert): string {
    const { rule } = scheduled;
    const id = randomUUID();
    const generated = formatDateTime(alert.generatedAt);
    const row = {
      TimeGenerated: generated,
      SystemAlertId: id,
      AlertName: alert.displayName,
      DisplayName: alert.displayName,
      Description: alert.description,
      AlertSeverity: alert.severity,
      AlertType: rule.id,
      ProviderName: 'ASI Scheduled Alerts',
      ProductName: 'Azure Sentinel',
      ProductComponentName: 'Scheduled Alerts',
      VendorName: 'Microsoft',
      Status: 'New',
      IsIncident: false,
      StartTime: formatDateTime(alert.windowStart),
      EndTime: formatDateTime(alert.windowEnd),
      ProcessingEndTime: generated,
      Tactics: alert.tactics.join(', '),
      Entities: securityAlertEntities(alert.entities),
      ExtendedProperties: JSON.stringify({
        'Analytic Rule Ids': JSON.stringify([rule.id]),
        'Analytic Rule Name': rule.name,
        // The rule's setting, as the portal shows it; an overflow summary alert belongs to an AlertPerResult rule.
        'Event Grouping': scheduled.simulation.settings.aggregation,
        'Query Period': rule.queryPeriod,
        'Custom Details': JSON.stringify(alert.customDetails),
      }),
    };
    this.workspace.ingest('SecurityAlert', [row], this.clock.ticks());
    this.onAlert({ alertId: id, ruleId: rule.id, row });
    return id;
  }

  private recordIncident(
    scheduled: ScheduledRule,
    grouped: RuleIncident,
    alertIds: Map<Alert, string>,
  ): void {
    const { rule } = scheduled;
    const entities = new Map(
      grouped.alerts.flatMap((a) => a.entities).map((e) => [JSON.stringify(e), toIncidentEntity(e)]),
    );
    const first = grouped.alerts[0];
    const last = grouped.alerts[grouped.alerts.length - 1];
    const at = this.clock.iso();
    const existingName = scheduled.incidents.get(grouped.number);
    const existing: Incident | undefined = existingName ? this.incidents.get(existingName) : undefined;
    const knownAlertIds = existing?.properties.additionalData.alertIds ?? [];
    const newAlertIds = grouped.alerts
      .map((a) => alertIds.get(a))
      .filter((id): id is string => id !== undefined);
    const additionalData = {
      alertsCount: grouped.alerts.length,
      tactics: [...new Set(grouped.alerts.flatMap((a) => a.tactics))],
      alertIds: [...new Set([...knownAlertIds, ...newAlertIds])],
    };
    const shared = {
      additionalData,
      relatedEntities: [...entities.values()],
      lastActivityTimeUtc: formatDateTime(last.windowEnd),
    };
    if (existing) {
      const reopened = existing.properties.status === 'Closed' && grouped.status === 'New';
      this.incidents.update(
        existing.name,
        { ...shared, ...(reopened ? { status: 'Active' as const } : {}) },
        at,
        undefined,
        'AlertGrouping',
      );
      return;
    }
    const created = this.incidents.create(
      {
        ...shared,
        title: grouped.title,
        description: grouped.description,
        severity: grouped.severity,
        status: 'New',
        owner: {},
        labels: [],
        firstActivityTimeUtc: formatDateTime(first.windowStart),
        relatedAnalyticRuleIds: [rule.id],
      },
      at,
    );
    scheduled.incidents.set(grouped.number, created.name);
  }
}
