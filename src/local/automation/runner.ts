import { createHash } from 'node:crypto';
import type { AutomationAction, AutomationRule } from '../../automation/model.js';
import { TICKS_PER_MINUTE } from '../../kql/values/index.js';
import type { Clock } from '../clock.js';
import type { ActivityEntry, Incident, IncidentProperties, IncidentStore } from '../incidents/store.js';
import { type AlertCreated, matchesAlert } from './alerts.js';
import { type IncidentUpdate, matches } from './conditions.js';

export type { AlertCreated } from './alerts.js';
export { matches } from './conditions.js';

/** What a responder is run on: an incident (incident triggers) or an alert (the alert-created trigger). */
export type ResponderTarget =
  | { kind: 'incident'; incident: Incident }
  | { kind: 'alert'; alert: AlertCreated };

/** Calls a responder the way the relay playbook does: POST of the Sentinel trigger body. */
export type ResponderInvoker = (
  responder: string,
  target: ResponderTarget,
) => Promise<{ status: number; body: string }>;

/**
 * "Playbook run time more than two minutes: [the automation rule advances to the next action] two
 * minutes after playbook began running, regardless of whether or not it was completed."
 * https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules#automation-rules-execution
 */
export const PLAYBOOK_TIME_LIMIT = 2n * TICKS_PER_MINUTE;

/**
 * Runs automation rules the way Sentinel does: every enabled rule whose trigger and conditions
 * match runs in ascending `order`, its actions in sequence, each seeing the incident as the previous
 * actions left it; each trigger type has its own queue.
 * https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules
 *
 * Changes made by incident-created rules fire the incident-updated rules, "only after all the
 * applicable rules based on the create trigger have run", with "Updated by" = automation rule.
 * Changes made by incident-updated rules fire nothing further (the page names only the create-to-
 * update chain), which keeps two update rules from re-triggering each other. Changes from
 * responders (applications), analysts (users) and alert grouping fire the update trigger.
 */
export class AutomationRunner {
  private readonly rules: AutomationRule[];
  private applyingRuleActions = false;
  private queue: Promise<void> = Promise.resolve();
  /** Responder calls still running after the rule moved on; shutdown waits for them. */
  private readonly overrunning = new Set<Promise<unknown>>();
  /** Alert-created rule runs: alerts have no incident timeline to hold them. */
  readonly alertActivity: (ActivityEntry & { alertId: string })[] = [];

  constructor(
    rules: AutomationRule[],
    private readonly store: IncidentStore,
    private readonly clock: Clock,
    private readonly invokeResponder: ResponderInvoker,
  ) {
    this.rules = rules.filter((r) => r.enabled).sort((a, b) => a.order - b.order);
    store.onChange((incident, change, detail) => {
      if (this.applyingRuleActions) return;
      if (change === 'created') {
        this.enqueue(() => this.incidentCreated(incident.name));
        return;
      }
      const update: IncidentUpdate = {
        before: detail.previous ?? incident.properties,
        after: incident.properties,
        source: detail.source ?? 'Application',
        addedComments: detail.addedComments,
      };
      this.enqueue(async () => {
        await this.runIncidentRules('incident-updated', incident.name, update);
      });
    });
  }

  /** Resolves when every queued run, and every responder call that outlived its time limit, has finished. */
  async idle(): Promise<void> {
    await this.queue;
    await Promise.all([...this.overrunning]);
  }

  /** Runs the alert-created rules for a new alert of a scheduled or NRT rule. */
  alertCreated(alert: AlertCreated): void {
    this.enqueue(() => this.runAlertRules(alert));
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job);
  }

  private async incidentCreated(incidentName: string): Promise<void> {
    const changed = await this.runIncidentRules('incident-created', incidentName);
    if (changed) await this.runIncidentRules('incident-updated', incidentName, changed);
  }

  /** Runs the rules of one trigger; returns the change their own actions made, if any. */
  private async runIncidentRules(
    trigger: 'incident-created' | 'incident-updated',
    incidentName: string,
    update?: IncidentUpdate,
  ): Promise<IncidentUpdate | undefined> {
    let before: IncidentProperties | undefined;
    let after: IncidentProperties | undefined;
    for (const rule of this.rules) {
      const incident = this.store.get(incidentName);
      if (!incident || rule.trigger !== trigger || !isActive(rule, this.clock.date())) continue;
      if (!matches(rule.conditions, incident.properties, update)) continue;
      for (const action of rule.actions) {
        const change = await this.apply(rule, action, incidentName);
        if (change) {
          before ??= change.before;
          after = change.after;
        }
      }
    }
    return before && after ? { before, after, source: 'AutomationRule', addedComments: 0 } : undefined;
  }

  private async runAlertRules(alert: AlertCreated): Promise<void> {
    for (const rule of this.rules) {
      if (rule.trigger !== 'alert-created' || !isActive(rule, this.clock.date())) continue;
      if (!matchesAlert(rule.conditions, alert)) continue;
      for (const action of rule.actions) {
        if (!action.runResponder) continue;
        const entry = await this.runResponder(action.runResponder, { kind: 'alert', alert }, (late) =>
          this.alertActivity.push({
            ...late,
            actor: `automation rule '${rule.displayName}'`,
            alertId: alert.alertId,
          }),
        );
        this.alertActivity.push({
          ...entry,
          actor: `automation rule '${rule.displayName}'`,
          alertId: alert.alertId,
        });
      }
    }
  }

  /** Applies one action; returns the incident before and after when it modified the incident's properties. */
  private async apply(
    rule: AutomationRule,
    action: AutomationAction,
    incidentName: string,
  ): Promise<{ before: IncidentProperties; after: IncidentProperties } | undefined> {
    const incident = this.store.get(incidentName);
    if (!incident) return undefined;
    const actor = `automation rule '${rule.displayName}'`;
    const log = (entry: Omit<ActivityEntry, 'actor'>) =>
      this.store.addActivity(incidentName, { ...entry, actor });
    if (action.runResponder) {
      log(await this.runResponder(action.runResponder, { kind: 'incident', incident }, log));
      return undefined;
    }
    if (action.addTask) {
      // The task id derives from the rule and title, so a re-run updates the task instead of adding a twin.
      const taskId = createHash('sha256')
        .update(`${rule.id}:${action.addTask.title}`)
        .digest('hex')
        .slice(0, 32);
      this.store.putTask(incidentName, taskId, { ...action.addTask, status: 'New' }, this.clock.iso());
      log({ at: this.clock.iso(), action: `add task ${action.addTask.title}`, outcome: 'done' });
      return undefined;
    }
    const change = propertiesFor(action, incident.properties);
    this.applyingRuleActions = true;
    let updated: Incident;
    try {
      updated = this.store.update(
        incidentName,
        change.properties,
        this.clock.iso(),
        undefined,
        'AutomationRule',
      );
    } finally {
      this.applyingRuleActions = false;
    }
    log({ at: this.clock.iso(), action: change.description, outcome: 'done' });
    return { before: incident.properties, after: updated.properties };
  }

  /**
   * Calls a responder and waits for it at most PLAYBOOK_TIME_LIMIT of simulated time; a call that
   * outlives it keeps running and reports through `late` when it ends.
   */
  private async runResponder(
    responder: string,
    target: ResponderTarget,
    late: (entry: Omit<ActivityEntry, 'actor'>) => void,
  ): Promise<Omit<ActivityEntry, 'actor'>> {
    const action = `run responder ${responder}`;
    const deadline = this.clock.ticks() + PLAYBOOK_TIME_LIMIT;
    const call = this.invokeResponder(responder, target).then(
      ({ status, body }): Omit<ActivityEntry, 'actor'> => ({
        at: this.clock.iso(),
        action,
        outcome: status < 300 ? 'done' : 'failed',
        detail: `HTTP ${status}: ${summarizeResponse(body)}`,
      }),
      (error: Error): Omit<ActivityEntry, 'actor'> => ({
        at: this.clock.iso(),
        action,
        outcome: 'failed',
        detail: error.message,
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeLimit = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.clock.realDelayUntil(deadline));
    });
    const finished = await Promise.race([call, timeLimit]);
    clearTimeout(timer);
    if (finished) return finished;
    const tracked = call.then((entry) =>
      late({ ...entry, action: `${action} (finished after the rule moved on)` }),
    );
    this.overrunning.add(tracked);
    void tracked.finally(() => this.overrunning.delete(tracked));
    return {
      at: this.clock.iso(),
      action,
      outcome: 'moved on',
      detail: 'still running 2 minutes after it started; the automation rule went on to its next action',
    };
  }
}

/** The responder's per-action outcomes ("update-incident done"), or the start of a body that has none. */
function summarizeResponse(body: string): string {
  try {
    const parsed = JSON.parse(body) as {
      actions?: { action: string; outcome: string }[];
      errors?: { message: string }[];
    };
    if (parsed.actions)
      return parsed.actions.map((a) => `${a.action} ${a.outcome}`).join(', ') || 'nothing to do';
    if (parsed.errors) return parsed.errors.map((e) => e.message).join('; ');
  } catch {
    // not JSON: shown as is
  }
  return body.slice(0, 300);
}

function isActive(rule: AutomationRule, now: Date): boolean {
  return !rule.expires || Date.parse(rule.expires) > now.getTime();
}

function propertiesFor(
  action: AutomationAction,
  current: IncidentProperties,
): { properties: Partial<IncidentProperties>; description: string } {
  if (action.setSeverity)
    return {
      properties: { severity: action.setSeverity },
      description: `set severity ${action.setSeverity}`,
    };
  if (action.setStatus) {
    return {
      properties: {
        status: action.setStatus,
        classification: action.classification,
        classificationReason: action.classificationReason,
        classificationComment: action.comment,
      },
      description: `set status ${action.setStatus}`,
    };
  }
  if (action.setOwner) {
    return {
      properties: {
        owner: { ...action.setOwner, assignedTo: action.setOwner.userPrincipalName ?? action.setOwner.email },
      },
      description: `assign owner ${action.setOwner.userPrincipalName ?? action.setOwner.email ?? action.setOwner.objectId}`,
    };
  }
  if (action.addLabels) {
    const existing = new Set(current.labels.map((l) => l.labelName));
    const added = action.addLabels
      .filter((l) => !existing.has(l))
      .map((labelName) => ({ labelName, labelType: 'User' }));
    return {
      properties: { labels: [...current.labels, ...added] },
      description: `add labels ${action.addLabels.join(', ')}`,
    };
  }
  throw new Error('automation action has no kind');
}
