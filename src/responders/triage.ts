import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import {
  classificationReasons,
  type IncidentClassification,
  type IncidentLabel,
  type IncidentProperties,
  incidentClassifications,
  incidentSeverities,
  incidentStatuses,
  isEtagConflict,
} from '../sentinel/client.js';
import { type IncidentContext, requestIssues } from '../sentinel/trigger.js';
import {
  type ActionDeps,
  type ActionSpec,
  type ResponderResult,
  runActions,
  skipped,
  stableId,
} from './action.js';

const triagePlanSchema = z
  .strictObject({
    owner: z
      .strictObject({
        objectId: z.guid().optional(),
        userPrincipalName: z.string().max(256).optional(),
        email: z.string().max(256).optional(),
        assignedTo: z.string().max(256).optional(),
      })
      .optional(),
    severity: z.enum(incidentSeverities).optional(),
    status: z.enum(incidentStatuses).optional(),
    classification: z.enum(incidentClassifications).optional(),
    classificationReason: z.string().optional(),
    classificationComment: z.string().max(4000).optional(),
    labels: z.array(z.string().min(1).max(256)).max(50).optional(),
    tasks: z
      .array(
        z.strictObject({ title: z.string().min(1).max(150), description: z.string().max(3000).optional() }),
      )
      .max(50)
      .optional(),
  })
  .superRefine((plan, ctx) => {
    if (plan.status === 'Closed' && !plan.classification) {
      ctx.addIssue({
        code: 'custom',
        path: ['classification'],
        message: 'closing an incident needs a classification',
      });
    }
    if (
      plan.classificationReason &&
      !(plan.classification && reasonFits(plan.classification, plan.classificationReason))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['classificationReason'],
        message: 'not a reason for this classification',
      });
    }
  });

export type TriagePlan = z.infer<typeof triagePlanSchema>;

function reasonFits(classification: IncidentClassification, reason: string): boolean {
  return (classificationReasons[classification] as readonly string[]).includes(reason);
}

export function parseTriagePlan(value: unknown): { plan?: TriagePlan; diagnostics: Diagnostic[] } {
  const parsed = triagePlanSchema.safeParse(value);
  if (parsed.success) return { plan: parsed.data, diagnostics: [] };
  return { diagnostics: requestIssues(parsed.error, 'RSP004', 'triage') };
}

/** Applies the plan to the properties; returns the new properties and what changed (empty when nothing). */
function applyPlan(
  current: IncidentProperties,
  plan: TriagePlan,
): { next: IncidentProperties; changes: string[] } {
  const next: IncidentProperties = { ...current };
  const changes: string[] = [];
  if (plan.severity && plan.severity !== current.severity) {
    next.severity = plan.severity;
    changes.push(`severity ${plan.severity}`);
  }
  if (plan.status && plan.status !== current.status) {
    next.status = plan.status;
    changes.push(`status ${plan.status}`);
  }
  if (plan.status === 'Closed' && plan.classification) {
    Object.assign(next, {
      classification: plan.classification,
      classificationReason: plan.classificationReason,
      classificationComment: plan.classificationComment,
    });
    changes.push(`classification ${plan.classification}`);
  }
  if (plan.owner) {
    const same =
      (plan.owner.objectId && plan.owner.objectId === current.owner?.objectId) ||
      (plan.owner.userPrincipalName &&
        plan.owner.userPrincipalName.toLowerCase() === current.owner?.userPrincipalName?.toLowerCase());
    if (!same) {
      next.owner = plan.owner;
      changes.push(`owner ${plan.owner.userPrincipalName ?? plan.owner.objectId ?? plan.owner.email}`);
    }
  }
  const labels: IncidentLabel[] = [...(current.labels ?? [])];
  const added = (plan.labels ?? []).filter(
    (l) => !labels.some((existing) => existing.labelName.toLowerCase() === l.toLowerCase()),
  );
  // Existing labels (including System ones from analytics rules) are kept; we only add.
  if (added.length) {
    next.labels = [...labels, ...added.map((labelName) => ({ labelName, labelType: 'User' }))];
    changes.push(`labels +${added.join(', +')}`);
  }
  return { next, changes };
}

/** JSON with object keys sorted at every level, so equal plans hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function updateSpec(incident: IncidentContext, deps: ActionDeps, plan: TriagePlan): ActionSpec | undefined {
  const { tasks: _tasks, ...fields } = plan;
  if (!Object.values(fields).some((v) => v !== undefined)) return undefined;
  const canonical = canonicalJson(fields);
  return {
    action: 'update-incident',
    target: `plan:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`,
    async run() {
      // Incidents_CreateOrUpdate replaces the incident; the etag makes a concurrent analyst edit a conflict
      // (409), after which we re-read and re-apply instead of overwriting their change.
      for (let attempt = 1; ; attempt++) {
        const current = await deps.sentinel.getIncident(incident.ref);
        const { next, changes } = applyPlan(current.properties, plan);
        if (!changes.length) return 'Incident already matched the triage plan.';
        try {
          await deps.sentinel.replaceIncident(incident.ref, { ...current, properties: next });
          return `Updated incident: ${changes.join('; ')}.`;
        } catch (error) {
          if (!isEtagConflict(error) || attempt >= 3) throw error;
        }
      }
    },
  };
}

/** Sets owner/severity/status(+classification)/labels and adds incident tasks, each step once. */
export async function triageIncident(
  incident: IncidentContext,
  deps: ActionDeps,
  plan: TriagePlan,
): Promise<ResponderResult> {
  const update = updateSpec(incident, deps, plan);
  const tasks: ActionSpec[] = (plan.tasks ?? []).map((task) => {
    const target = task.title.trim().toLowerCase();
    return {
      action: 'add-task',
      target,
      async run() {
        await deps.sentinel.putTask(incident.ref, stableId(incident.armId, 'task', target), {
          title: task.title,
          description: task.description,
          status: 'New',
        });
        return `Added task "${task.title}".`;
      },
    };
  });
  return runActions(
    incident,
    deps,
    [...(update ? [update] : []), ...tasks],
    skipped('triage', 'incident', 'empty triage plan'),
  );
}
