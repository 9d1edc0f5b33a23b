import { type IncidentRef, incidentPath } from './armId.js';
import {
  DownstreamError,
  encodePath,
  type RestClient,
  type ServiceClientOptions,
  serviceClient,
} from './rest.js';

/**
 * Newest GA SecurityInsights version at the time of writing (learn.microsoft.com/rest/api/securityinsights
 * documents incidents, comments and tasks at 2025-09-01). Incident tasks were preview-only until 2024-03-01.
 */
export const SECURITY_INSIGHTS_API_VERSION = '2025-09-01';

export const incidentSeverities = ['High', 'Medium', 'Low', 'Informational'] as const;
export const incidentStatuses = ['New', 'Active', 'Closed'] as const;
export const incidentClassifications = [
  'Undetermined',
  'TruePositive',
  'BenignPositive',
  'FalsePositive',
] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];
export type IncidentStatus = (typeof incidentStatuses)[number];
export type IncidentClassification = (typeof incidentClassifications)[number];

/** The IncidentClassificationReason values that go with each classification. */
export const classificationReasons = {
  TruePositive: ['SuspiciousActivity'],
  BenignPositive: ['SuspiciousButExpected'],
  FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
  Undetermined: [],
} as const satisfies Record<IncidentClassification, readonly string[]>;
export type IncidentClassificationReason = (typeof classificationReasons)[IncidentClassification][number];
export const incidentClassificationReasons: readonly IncidentClassificationReason[] =
  Object.values(classificationReasons).flat();

export interface IncidentLabel {
  labelName: string;
  labelType?: string;
}

export interface IncidentOwner {
  objectId?: string;
  email?: string;
  userPrincipalName?: string;
  assignedTo?: string;
  /** User or Group (an Entra ID group may own an incident). */
  ownerType?: string;
}

/** The writable subset of incident properties; Incidents_CreateOrUpdate replaces the whole resource. */
export interface IncidentProperties {
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  description?: string;
  owner?: IncidentOwner;
  labels?: IncidentLabel[];
  classification?: IncidentClassification;
  classificationReason?: string;
  classificationComment?: string;
  [other: string]: unknown;
}

export interface IncidentResource {
  id: string;
  etag?: string;
  properties: IncidentProperties;
}

export interface IncidentTask {
  title: string;
  description?: string;
  status: 'New' | 'Completed';
}

/** A Sentinel workspace, as in incident ARM ids. */
export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

const WORKSPACE_ARM_ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([\w().-]{1,90})\/providers\/Microsoft\.OperationalInsights\/workspaces\/([A-Za-z0-9-]{4,63})$/i;

/** The parts of a Log Analytics workspace resource id, or undefined when it is not one. */
export function parseWorkspaceArmId(id: string): WorkspaceRef | undefined {
  const match = WORKSPACE_ARM_ID.exec(id.trim());
  if (!match) return undefined;
  return { subscriptionId: match[1].toLowerCase(), resourceGroup: match[2], workspaceName: match[3] };
}

function workspacePath(ws: WorkspaceRef): string {
  return (
    encodePath('subscriptions', ws.subscriptionId, 'resourceGroups', ws.resourceGroup) +
    encodePath('providers', 'Microsoft.OperationalInsights', 'workspaces', ws.workspaceName)
  );
}

/** What responders need from the SecurityInsights API; the local SOC can implement it in-process. */
export interface SentinelApi {
  getIncident(ref: IncidentRef): Promise<IncidentResource>;
  /** Incidents - List Entities: the entities the incident holds, in the ARM entity shape. */
  listIncidentEntities(ref: IncidentRef): Promise<unknown[]>;
  /**
   * PUT with If-Match: fails when someone changed the incident since `incident.etag`; test the error
   * with `isEtagConflict` (Sentinel answers 409, see there).
   */
  replaceIncident(ref: IncidentRef, incident: IncidentResource): Promise<IncidentResource>;
  /** PUT to a caller-chosen comment id, so repeating the call updates rather than duplicates. */
  putComment(ref: IncidentRef, commentId: string, message: string): Promise<void>;
  /** PUT to a caller-chosen task id, so repeating the call updates rather than duplicates. */
  putTask(ref: IncidentRef, taskId: string, task: IncidentTask): Promise<void>;
}

/**
 * A PUT whose etag is stale. Sentinel answers 409 Conflict, code "Conflict", "Newer version of resource
 * '…' exists. Data was not saved" (Microsoft Tech Community, "Azure Sentinel REST API update existing
 * incident - version conflict error", techcommunity.microsoft.com/discussions/microsoftsentinel/1977319),
 * not ARM's generic 412 Precondition Failed; 412 is accepted too, as other ARM providers send it.
 */
export function isEtagConflict(error: unknown): boolean {
  return error instanceof DownstreamError && (error.status === 409 || error.status === 412);
}

export interface SentinelClientOptions extends ServiceClientOptions {
  apiVersion?: string;
}

export class SentinelClient implements SentinelApi {
  private readonly rest: RestClient;
  private readonly apiVersion: string;

  constructor(options: SentinelClientOptions) {
    this.rest = serviceClient('SecurityInsights', 'https://management.azure.com', options);
    this.apiVersion = options.apiVersion ?? SECURITY_INSIGHTS_API_VERSION;
  }

  async getIncident(ref: IncidentRef): Promise<IncidentResource> {
    const response = await this.rest.send({ method: 'GET', path: incidentPath(ref), query: this.query() });
    return response.body as IncidentResource;
  }

  // A POST, not a GET: learn.microsoft.com/rest/api/securityinsights/incidents/list-entities
  async listIncidentEntities(ref: IncidentRef): Promise<unknown[]> {
    const response = await this.rest.send({
      method: 'POST',
      path: `${incidentPath(ref)}/entities`,
      query: this.query(),
    });
    const entities = (response.body as { entities?: unknown } | undefined)?.entities;
    return Array.isArray(entities) ? entities : [];
  }

  async replaceIncident(ref: IncidentRef, incident: IncidentResource): Promise<IncidentResource> {
    const response = await this.rest.send({
      method: 'PUT',
      path: incidentPath(ref),
      query: this.query(),
      headers: incident.etag ? { 'if-match': incident.etag } : undefined,
      body: { etag: incident.etag, properties: incident.properties },
    });
    return response.body as IncidentResource;
  }

  async putComment(ref: IncidentRef, commentId: string, message: string): Promise<void> {
    await this.rest.send({
      method: 'PUT',
      path: incidentPath(ref) + encodePath('comments', commentId),
      query: this.query(),
      body: { properties: { message } },
    });
  }

  async putTask(ref: IncidentRef, taskId: string, task: IncidentTask): Promise<void> {
    await this.rest.send({
      method: 'PUT',
      path: incidentPath(ref) + encodePath('tasks', taskId),
      query: this.query(),
      body: { properties: task },
    });
  }

  /**
   * Incidents_List, following `nextLink` pages; `filter` is the OData `$filter` the API accepts, e.g.
   * `properties/status ne 'Closed'`. Pages are fetched from this client's endpoint only, whatever host a
   * nextLink names.
   */
  async listIncidents(workspace: WorkspaceRef, filter?: string): Promise<IncidentResource[]> {
    const found: IncidentResource[] = [];
    let path = workspacePath(workspace) + encodePath('providers', 'Microsoft.SecurityInsights', 'incidents');
    let query: Record<string, string> = { ...this.query(), ...(filter ? { $filter: filter } : {}) };
    for (let page = 0; page < 1000; page++) {
      const response = await this.rest.send({ method: 'GET', path, query });
      const body = response.body as { value?: IncidentResource[]; nextLink?: string };
      found.push(...(body.value ?? []));
      if (!body.nextLink) return found;
      const next = new URL(body.nextLink);
      path = next.pathname;
      query = Object.fromEntries(next.searchParams);
    }
    throw new Error('Incidents_List: more than 1000 pages');
  }

  /** Incidents_ListEntities: the incident's entities as `{kind, properties}`. */
  async listEntities(ref: IncidentRef): Promise<{ kind: string; properties: Record<string, unknown> }[]> {
    const response = await this.rest.send({
      method: 'POST',
      path: incidentPath(ref) + encodePath('entities'),
      query: this.query(),
    });
    return (
      (response.body as { entities?: { kind: string; properties: Record<string, unknown> }[] }).entities ?? []
    );
  }

  private query(): Record<string, string> {
    return { 'api-version': this.apiVersion };
  }
}
