import { type IncidentRef, incidentPath } from './armId.js';
import { encodePath, type RestClient, type ServiceClientOptions, serviceClient } from './rest.js';

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

/** What responders need from the SecurityInsights API; the local SOC can implement it in-process. */
export interface SentinelApi {
  getIncident(ref: IncidentRef): Promise<IncidentResource>;
  /** Incidents - List Entities: the entities the incident holds, in the ARM entity shape. */
  listIncidentEntities(ref: IncidentRef): Promise<unknown[]>;
  /** PUT with If-Match: fails with 412 when someone changed the incident since `incident.etag`. */
  replaceIncident(ref: IncidentRef, incident: IncidentResource): Promise<IncidentResource>;
  /** PUT to a caller-chosen comment id, so repeating the call updates rather than duplicates. */
  putComment(ref: IncidentRef, commentId: string, message: string): Promise<void>;
  /** PUT to a caller-chosen task id, so repeating the call updates rather than duplicates. */
  putTask(ref: IncidentRef, taskId: string, task: IncidentTask): Promise<void>;
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

  private query(): Record<string, string> {
    return { 'api-version': this.apiVersion };
  }
}
