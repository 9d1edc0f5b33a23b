import { createHash } from 'node:crypto';
import type { AutomationAction, AutomationConditions, AutomationRule } from '../../automation/model.js';
import type { Clock } from '../clock.js';
import type { ActivityEntry, Incident, IncidentProperties, IncidentStore } from '../incidents/store.js';

/** Calls a responder the way the relay playbook does: POST of the Sentinel incident trigger body. */
export type ResponderInvoker = (
  responder: string,
  incident: Incident,
) => Promise<{ status: number; body: string }>;

/**
 * Runs automation rules the way Sentinel does: on incident creation (or update), every enabled rule
 * whose trigger and conditions match runs in ascending `order`, its actions in sequence, each
 * seeing the incident as the previous actions left it.
 * https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules
 *
 * Updates made by automation rules themselves do not fire "incident updated" rules again, which is
 * what keeps two rules from re-triggering each other; updates from responders (API callers) do.
 */
export class AutomationRunner {
  private readonly rules: AutomationRule[];
  private applyingRuleActions = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    rules: AutomationRule[],
    private readonly store: IncidentStore,
    private readonly clock: Clock,
    private readonly invokeResponder: ResponderInvoker,
  ) {
    this.rules = rules.filter((r) => r.enabled).sort((a, b) => a.order - b.order);
    store.onChange((incident, change) => {
      if (this.applyingRuleActions) return;
      const trigger = change === 'created' ? 'incident-created' : 'incident-updated';
      this.queue = this.queue.then(() => this.run(trigger, incident.name));
    });
  }

  /** Resolves when every queued run has finished; the local SOC awaits it on shutdown. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async run(trigger: AutomationRule['trigger'], incidentName: string): Promise<void> {
    for (const rule of this.rules) {
      const incident = this.store.get(incidentName);
      if (!incident || rule.trigger !== trigger || !isActive(rule, this.clock.date())) continue;
      if (!matches(rule.conditions, incident.properties)) continue;
      for (const action of rule.actions) await this.apply(rule, action, incidentName);
    }
  }

  private async apply(rule: AutomationRule, action: AutomationAction, incidentName: string): Promise<void> {
    const incident = this.store.get(incidentName);
    if (!incident) return;
    const log = (name: string, outcome: ActivityEntry['outcome'], detail?: string) =>
      this.store.addActivity(incidentName, {
        at: this.clock.iso(),
        actor: `automation rule '${rule.displayName}'`,
        action: name,
        outcome,
        detail,
      });
    if (action.runResponder) {
      try {
        const { status, body } = await this.invokeResponder(action.runResponder, incident);
        log(
          `run responder ${action.runResponder}`,
          status < 300 ? 'done' : 'failed',
          `HTTP ${status}: ${summarizeResponse(body)}`,
        );
      } catch (error) {
        log(`run responder ${action.runResponder}`, 'failed', (error as Error).message);
      }
      return;
    }
    if (action.addTask) {
      // The task id derives from the rule and title, so a re-run updates the task instead of adding a twin.
      const taskId = createHash('sha256')
        .update(`${rule.id}:${action.addTask.title}`)
        .digest('hex')
        .slice(0, 32);
      this.store.putTask(incidentName, taskId, { ...action.addTask, status: 'New' }, this.clock.iso());
      log(`add task ${action.addTask.title}`, 'done');
      return;
    }
    const change = propertiesFor(action, incident.properties);
    this.applyingRuleActions = true;
    try {
      this.store.update(incidentName, change.properties, this.clock.iso());
    } finally {
      this.applyingRuleActions = false;
    }
    log(change.description, 'done');
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

/** Every condition given must hold; within a condition, any listed value matches (Sentinel's "Equals any of"). */
export function matches(conditions: AutomationConditions, incident: IncidentProperties): boolean {
  const anyOf = <T>(wanted: readonly T[] | undefined, test: (value: T) => boolean) =>
    !wanted || wanted.some(test);
  const labels = incident.labels.map((l) => l.labelName.toLowerCase());
  const ruleIds = incident.relatedAnalyticRuleIds.map((id) => id.split('/').pop()?.toLowerCase());
  const tactics = incident.additionalData.tactics.map((t) => t.toLowerCase());
  return (
    anyOf(conditions.severity, (s) => s === incident.severity) &&
    anyOf(conditions.status, (s) => s === incident.status) &&
    anyOf(conditions.titleContains, (t) => incident.title.toLowerCase().includes(t.toLowerCase())) &&
    anyOf(conditions.analyticRules, (id) => ruleIds.includes(id.toLowerCase())) &&
    anyOf(conditions.tactics, (t) => tactics.includes(t.toLowerCase())) &&
    anyOf(conditions.labels, (l) => labels.includes(l.toLowerCase()))
  );
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
