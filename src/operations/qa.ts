import { createHash } from 'node:crypto';
import {
  type ActionDeps,
  type ResponderResult,
  runActions,
  skipped,
  stableId,
} from '../responders/action.js';
import type { IncidentClassification } from '../sentinel/client.js';
import type { IncidentContext } from '../sentinel/trigger.js';
import { updateIncident } from './escalate.js';
import type { OperationsModel } from './model.js';
import { tierOfOwner } from './routing.js';

export const QA_LABEL = 'QA review';

/**
 * Whether QA samples this incident at `rate` (0-1). The decision is a hash of the incident's name, not a
 * random draw, so every run, retry and replica decides the same for the same incident, and the share of
 * sampled incidents converges to `rate` over many incidents.
 */
export function qaSampled(incidentName: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const bucket = Number.parseInt(
    createHash('sha256').update(incidentName.toLowerCase()).digest('hex').slice(0, 8),
    16,
  );
  return bucket / 2 ** 32 < rate;
}

/** The QA share for a closure: by the tier that owned the incident when it closed, and the classification. */
export function qaRate(
  model: OperationsModel,
  owner: Parameters<typeof tierOfOwner>[1],
  classification: IncidentClassification | undefined,
): { tier?: string; rate: number } {
  const tier = tierOfOwner(model, owner);
  const qa = tier && model.qa.find((q) => q.tier === tier.name);
  return { tier: tier?.name, rate: (classification && qa?.sample[classification]) || 0 };
}

/**
 * The QA responder, run by an automation rule when an incident closes: a sampled closure gets the
 * "QA review" label and task, each once. The incident is read fresh, since trigger bodies do not carry
 * the classification.
 */
export async function markQaSample(
  incident: IncidentContext,
  deps: ActionDeps,
  model: OperationsModel,
): Promise<ResponderResult> {
  const current = await deps.sentinel.getIncident(incident.ref);
  const p = current.properties;
  if (p.status !== 'Closed')
    return { incident: incident.armId, actions: [skipped('qa', 'incident', 'not closed')] };
  const { tier, rate } = qaRate(model, p.owner, p.classification);
  const why = `${p.classification ?? 'unclassified'} closure by ${tier ?? 'no tier'} (QA share ${rate})`;
  if (!qaSampled(incident.ref.incidentId, rate)) {
    return { incident: incident.armId, actions: [skipped('qa', 'incident', `not sampled: ${why}`)] };
  }
  return runActions(
    incident,
    deps,
    [
      {
        action: 'qa-label',
        target: QA_LABEL.toLowerCase(),
        run: () =>
          updateIncident(deps, incident, (properties) =>
            (properties.labels ?? []).some((l) => l.labelName === QA_LABEL)
              ? undefined
              : {
                  changes: {
                    labels: [...(properties.labels ?? []), { labelName: QA_LABEL, labelType: 'User' }],
                  },
                  detail: `Sampled for QA: ${why}.`,
                },
          ),
      },
      {
        action: 'qa-task',
        target: QA_LABEL.toLowerCase(),
        async run() {
          await deps.sentinel.putTask(incident.ref, stableId(incident.armId, 'qa-task'), {
            title: QA_LABEL,
            description: `Review this ${why}: was the classification right, was the evidence enough?`,
            status: 'New',
          });
          return `Added task "${QA_LABEL}".`;
        },
      },
    ],
    skipped('qa', 'incident', 'nothing to do'),
  );
}

/** The QA queue: incidents carrying the QA label, newest closure first (labels are `{labelName, labelType}`). */
export function qaQueueQuery(days: number): string {
  return `SecurityIncident
| where CreatedTime >= ago(${days}d)
| summarize arg_max(TimeGenerated, IncidentNumber, Title, Severity, Status, Classification, Owner, Labels, ClosedTime) by IncidentName
| mv-expand Label = Labels
| where tostring(Label.labelName) == "${QA_LABEL}"
| project IncidentName, IncidentNumber, Title, Severity, Status, Classification, ClosedTime, OwnerObjectId = tostring(Owner.objectId)
| order by ClosedTime desc, IncidentNumber desc`;
}

export interface QaItem {
  incident: string;
  number: number;
  title: string;
  classification: string;
  closedTime: string;
  tier?: string;
}

export async function qaQueue(
  run: (kql: string) => Promise<Record<string, unknown>[]>,
  model: OperationsModel,
  days: number,
): Promise<QaItem[]> {
  return (await run(qaQueueQuery(days))).map((row) => ({
    incident: String(row.IncidentName),
    number: Number(row.IncidentNumber),
    title: String(row.Title),
    classification: String(row.Classification ?? ''),
    // Logs Query gives Date objects, the engine ISO text: one spelling for both.
    closedTime: row.ClosedTime ? new Date(row.ClosedTime as string | Date).toISOString() : '',
    tier: tierOfOwner(model, { objectId: String(row.OwnerObjectId ?? '') })?.name,
  }));
}
