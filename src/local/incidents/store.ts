import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { IncidentUpdateSource } from '../../automation/model.js';
import type { IncidentSeverity as Severity, IncidentStatus as Status } from '../../sentinel/client.js';
import { BatchLog, readBatches } from '../store/batch-log.js';
import { validateIncidentWrite } from './schema.js';

export interface Entity {
  kind: string;
  properties: Record<string, unknown>;
}

export interface IncidentProperties {
  incidentNumber: number;
  title: string;
  description: string;
  severity: Severity;
  status: Status;
  owner: { objectId?: string; email?: string; userPrincipalName?: string; assignedTo?: string };
  labels: { labelName: string; labelType: string }[];
  classification?: string;
  classificationReason?: string;
  classificationComment?: string;
  createdTimeUtc: string;
  lastModifiedTimeUtc: string;
  firstActivityTimeUtc: string;
  lastActivityTimeUtc: string;
  relatedAnalyticRuleIds: string[];
  additionalData: { alertsCount: number; tactics: string[]; alertIds: string[] };
  relatedEntities: Entity[];
}

export type NewIncident = Omit<
  IncidentProperties,
  'incidentNumber' | 'createdTimeUtc' | 'lastModifiedTimeUtc'
>;

/** An incident in the SecurityInsights ARM resource shape, so API clients see what Azure returns. */
export interface Incident {
  id: string;
  name: string;
  type: 'Microsoft.SecurityInsights/Incidents';
  etag: string;
  properties: IncidentProperties;
}

export interface Comment {
  id: string;
  name: string;
  properties: { message: string; createdTimeUtc: string; author: { name: string } };
}

export interface Task {
  id: string;
  name: string;
  properties: { title: string; description?: string; status: string; createdTimeUtc: string };
}

/** One step of the incident's timeline: an automation rule action or a responder call. */
export interface ActivityEntry {
  at: string;
  actor: string;
  action: string;
  /** 'moved on': a responder still running when the automation rule's documented time limit passed. */
  outcome: 'done' | 'failed' | 'moved on';
  detail?: string;
}

type Event =
  | { kind: 'incident'; incident: Incident }
  | { kind: 'activity'; incident: string; entry: ActivityEntry }
  | { kind: 'comment'; incident: string; comment: Comment }
  | { kind: 'task'; incident: string; task: Task };

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export class PreconditionFailedError extends Error {}

/** What a change listener learns besides the incident as it now is. */
export interface IncidentChange {
  kind: 'created' | 'updated';
  /** The properties before an update. */
  previous?: IncidentProperties;
  /** Who made an update ("Updated by" in automation-rule conditions). */
  source?: IncidentUpdateSource;
  /** Comments this update added (a comment PUT to a new name). */
  addedComments: number;
}

type ChangeListener = (incident: Incident, change: 'created' | 'updated', detail: IncidentChange) => void;

/**
 * Incidents, their comments and tasks, kept as a durable event log (one snapshot per change) so a
 * restart restores them exactly. Change listeners drive automation rules and the SecurityIncident table.
 */
export class IncidentStore {
  private readonly incidents = new Map<string, Incident>();
  private readonly comments = new Map<string, Comment[]>();
  private readonly tasks = new Map<string, Task[]>();
  private readonly activity = new Map<string, ActivityEntry[]>();
  private readonly log: BatchLog;
  private readonly listeners: ChangeListener[] = [];
  private lastNumber = 0;

  constructor(
    dir: string,
    readonly workspace: WorkspaceRef,
  ) {
    this.log = new BatchLog(join(dir, 'incidents.ndjson'));
    for (const batch of readBatches(this.log.file).batches) {
      for (const event of batch.rows as unknown as Event[]) this.apply(event);
    }
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private notify(incident: Incident, detail: IncidentChange): void {
    for (const listener of this.listeners) listener(incident, detail.kind, detail);
  }

  private apply(event: Event): void {
    if (event.kind === 'incident') {
      this.incidents.set(event.incident.name.toLowerCase(), event.incident);
      this.lastNumber = Math.max(this.lastNumber, event.incident.properties.incidentNumber);
    } else if (event.kind === 'activity') {
      const key = event.incident.toLowerCase();
      this.activity.set(key, [...(this.activity.get(key) ?? []), event.entry]);
    } else if (event.kind === 'comment') {
      upsertByName(this.comments, event.incident, event.comment);
    } else {
      upsertByName(this.tasks, event.incident, event.task);
    }
  }

  private record(event: Event): void {
    this.log.append([event as unknown as Record<string, unknown>]);
    this.apply(event);
  }

  incidentId(name: string): string {
    const { subscriptionId, resourceGroup, workspaceName } = this.workspace;
    return (
      `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.OperationalInsights` +
      `/workspaces/${workspaceName}/providers/Microsoft.SecurityInsights/Incidents/${name}`
    );
  }

  list(): Incident[] {
    return [...this.incidents.values()].sort(
      (a, b) => b.properties.incidentNumber - a.properties.incidentNumber,
    );
  }

  get(name: string): Incident | undefined {
    return this.incidents.get(name.toLowerCase());
  }

  commentsOf(name: string): Comment[] {
    return this.comments.get(name.toLowerCase()) ?? [];
  }

  tasksOf(name: string): Task[] {
    return this.tasks.get(name.toLowerCase()) ?? [];
  }

  activityOf(name: string): ActivityEntry[] {
    return this.activity.get(name.toLowerCase()) ?? [];
  }

  addActivity(incidentName: string, entry: ActivityEntry): void {
    this.record({ kind: 'activity', incident: incidentName, entry });
  }

  create(properties: NewIncident, at: string): Incident {
    validateIncidentWrite(properties);
    const name = randomUUID();
    const incident: Incident = {
      id: this.incidentId(name),
      name,
      type: 'Microsoft.SecurityInsights/Incidents',
      etag: etag(),
      properties: {
        ...properties,
        incidentNumber: this.lastNumber + 1,
        createdTimeUtc: at,
        lastModifiedTimeUtc: at,
      },
    };
    this.record({ kind: 'incident', incident });
    this.notify(incident, { kind: 'created', addedComments: 0 });
    return incident;
  }

  /**
   * Replaces the incident's writable properties. With `ifMatch`, fails when the incident changed
   * since that etag, as Sentinel does (409 Conflict), so concurrent responders don't overwrite each other.
   * `source` is who made the change; API callers (responders) are applications.
   */
  update(
    name: string,
    properties: Partial<IncidentProperties>,
    at: string,
    ifMatch?: string,
    source: IncidentUpdateSource = 'Application',
  ): Incident {
    const current = this.get(name);
    if (!current) throw new Error(`incident ${name} not found`);
    if (ifMatch && ifMatch !== '*' && ifMatch !== current.etag) {
      throw new PreconditionFailedError(`incident ${name} changed since etag ${ifMatch}`);
    }
    const merged = { ...current.properties, ...properties };
    const incident: Incident = {
      ...current,
      etag: etag(),
      properties: {
        ...merged,
        ...validateIncidentWrite(merged),
        incidentNumber: current.properties.incidentNumber,
        createdTimeUtc: current.properties.createdTimeUtc,
        lastModifiedTimeUtc: at,
      },
    };
    this.record({ kind: 'incident', incident });
    this.notify(incident, { kind: 'updated', previous: current.properties, source, addedComments: 0 });
    return incident;
  }

  putComment(
    incidentName: string,
    commentName: string,
    message: string,
    author: string,
    at: string,
    source: IncidentUpdateSource = 'Application',
  ): Comment {
    const existing = this.commentsOf(incidentName).find((c) => c.name === commentName);
    const comment: Comment = {
      id: `${this.incidentId(incidentName)}/Comments/${commentName}`,
      name: commentName,
      properties: {
        message,
        author: { name: author },
        createdTimeUtc: existing?.properties.createdTimeUtc ?? at,
      },
    };
    this.record({ kind: 'comment', incident: incidentName, comment });
    // "Comments ... are added to an incident" is an incident update; replacing a comment is not an addition.
    const incident = this.get(incidentName);
    if (incident && !existing) {
      this.notify(incident, { kind: 'updated', previous: incident.properties, source, addedComments: 1 });
    }
    return comment;
  }

  putTask(
    incidentName: string,
    taskName: string,
    task: Omit<Task['properties'], 'createdTimeUtc'>,
    at: string,
  ): Task {
    const existing = this.tasksOf(incidentName).find((t) => t.name === taskName);
    const stored: Task = {
      id: `${this.incidentId(incidentName)}/Tasks/${taskName}`,
      name: taskName,
      properties: { ...task, createdTimeUtc: existing?.properties.createdTimeUtc ?? at },
    };
    this.record({ kind: 'task', incident: incidentName, task: stored });
    return stored;
  }

  close(): void {
    this.log.close();
  }
}

/** Comments and tasks are PUT to caller-chosen names: a repeated PUT replaces, never adds. */
function upsertByName<T extends { name: string }>(
  byIncident: Map<string, T[]>,
  incident: string,
  item: T,
): void {
  const key = incident.toLowerCase();
  const list = byIncident.get(key) ?? [];
  const index = list.findIndex((existing) => existing.name === item.name);
  if (index >= 0) list[index] = item;
  else list.push(item);
  byIncident.set(key, list);
}

function etag(): string {
  return `"${randomUUID()}"`;
}
