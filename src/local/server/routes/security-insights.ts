import type { Clock } from '../../clock.js';
import {
  IncidentValidationError,
  validateIncidentWrite,
  type WritableIncidentProperties,
} from '../../incidents/schema.js';
import {
  type Entity,
  type IncidentProperties,
  type IncidentStore,
  PreconditionFailedError,
} from '../../incidents/store.js';
import { HttpError, type RouteContext, type Router, readJson, sendJson } from '../http.js';
import { matchesFilter, parseODataFilter, parseODataOrderBy } from '../odata.js';
import { requireBearer } from '../serve.js';

const maxArmBodyBytes = 4_000_000;
const workspacePath =
  '/subscriptions/:subscriptionId/resourceGroups/:resourceGroup/providers/Microsoft.OperationalInsights/workspaces/:workspaceName/providers/Microsoft.SecurityInsights';

/**
 * The subset of the Microsoft.SecurityInsights ARM API that responders use: incidents get/update,
 * comments and tasks, in the documented resource shapes so the same clients work locally.
 */
export function addSecurityInsightsRoutes(router: Router, store: IncidentStore, clock: Clock): void {
  /** ARM answers 404 for a path under a subscription, group or workspace it does not have. */
  const requireWorkspace = (context: RouteContext) => {
    requireApiVersion(context);
    const { subscriptionId, resourceGroup, workspaceName } = context.params;
    const ws = store.workspace;
    const same =
      subscriptionId.toLowerCase() === ws.subscriptionId.toLowerCase() &&
      resourceGroup.toLowerCase() === ws.resourceGroup.toLowerCase() &&
      workspaceName.toLowerCase() === ws.workspaceName.toLowerCase();
    if (!same) {
      throw new HttpError(
        404,
        'ResourceNotFound',
        `workspace '${resourceGroup}/${workspaceName}' was not found in subscription '${subscriptionId}'`,
      );
    }
  };
  const incidentOf = (context: RouteContext) => {
    requireWorkspace(context);
    const incident = store.get(context.params.incidentId);
    if (!incident)
      throw new HttpError(404, 'NotFound', `incident '${context.params.incidentId}' was not found`);
    return incident;
  };

  router.add(
    'GET',
    `${workspacePath}/incidents`,
    requireBearer((context) => {
      requireWorkspace(context);
      sendJson(context.response, 200, listPage(store.list(), context));
    }),
  );

  // Incidents - List Entities: POST, not GET (learn.microsoft.com/rest/api/securityinsights/incidents/list-entities).
  // Responders read an incident's entities here rather than trusting the ones a caller sends.
  router.add(
    'POST',
    `${workspacePath}/incidents/:incidentId/entities`,
    requireBearer((context) => {
      const entities = incidentOf(context).properties.relatedEntities;
      sendJson(context.response, 200, { entities, metaData: entityMetadata(entities) });
    }),
  );

  router.add(
    'GET',
    `${workspacePath}/incidents/:incidentId`,
    requireBearer((context) => {
      sendJson(context.response, 200, incidentOf(context));
    }),
  );

  router.add(
    'PUT',
    `${workspacePath}/incidents/:incidentId`,
    requireBearer(async (context) => {
      const incident = incidentOf(context);
      const body = (await readJson(context.request, maxArmBodyBytes)) as {
        properties?: Partial<IncidentProperties>;
      };
      let properties: WritableIncidentProperties;
      try {
        // A PUT replaces the resource: title, severity and status are required, read-only
        // properties (incidentNumber, additionalData...) are ignored as ARM ignores them.
        properties = validateIncidentWrite(body?.properties);
      } catch (error) {
        if (error instanceof IncidentValidationError) throw new HttpError(400, 'BadRequest', error.message);
        throw error;
      }
      const ifMatch = context.request.headers['if-match'];
      try {
        const updated = store.update(
          incident.name,
          properties as Partial<IncidentProperties>,
          clock.iso(),
          ifMatch,
        );
        sendJson(context.response, 200, updated);
      } catch (error) {
        // Sentinel answers a stale etag with 409 Conflict (isEtagConflict in src/sentinel/client.ts).
        if (error instanceof PreconditionFailedError) throw new HttpError(409, 'Conflict', error.message);
        throw error;
      }
    }),
  );

  router.add(
    'GET',
    `${workspacePath}/incidents/:incidentId/comments`,
    requireBearer((context) => {
      sendJson(context.response, 200, { value: store.commentsOf(incidentOf(context).name) });
    }),
  );

  router.add(
    'PUT',
    `${workspacePath}/incidents/:incidentId/comments/:commentId`,
    requireBearer(async (context) => {
      const incident = incidentOf(context);
      const body = (await readJson(context.request, maxArmBodyBytes)) as {
        properties?: { message?: unknown };
      };
      const message = body?.properties?.message;
      // Documented limit for incident comments: 30,000 characters.
      if (typeof message !== 'string' || message.length === 0 || message.length > 30_000) {
        throw new HttpError(400, 'BadRequest', 'properties.message must be 1-30000 characters');
      }
      const comment = store.putComment(
        incident.name,
        context.params.commentId,
        message,
        'automation',
        clock.iso(),
      );
      sendJson(context.response, 200, comment);
    }),
  );

  router.add(
    'GET',
    `${workspacePath}/incidents/:incidentId/tasks`,
    requireBearer((context) => {
      sendJson(context.response, 200, { value: store.tasksOf(incidentOf(context).name) });
    }),
  );

  router.add(
    'PUT',
    `${workspacePath}/incidents/:incidentId/tasks/:taskId`,
    requireBearer(async (context) => {
      const incident = incidentOf(context);
      const body = (await readJson(context.request, maxArmBodyBytes)) as {
        properties?: { title?: unknown; description?: unknown; status?: unknown };
      };
      const { title, description, status } = body?.properties ?? {};
      if (typeof title !== 'string' || title === '')
        throw new HttpError(400, 'BadRequest', 'properties.title is required');
      // IncidentTaskStatus is 'New' | 'Completed' (Microsoft.SecurityInsights IncidentTaskProperties).
      if (status !== undefined && status !== 'New' && status !== 'Completed')
        throw new HttpError(400, 'BadRequest', "properties.status must be 'New' or 'Completed'");
      const task = store.putTask(
        incident.name,
        context.params.taskId,
        {
          title,
          description: typeof description === 'string' ? description : undefined,
          status: status === 'Completed' ? 'Completed' : 'New',
        },
        clock.iso(),
      );
      sendJson(context.response, 200, task);
    }),
  );
}

/**
 * IncidentEntitiesResponse.metaData: one `{count, entityKind}` per kind among the entities
 * (IncidentEntitiesResultsMetadata in the Microsoft.SecurityInsights REST spec), in first-seen order.
 */
function entityMetadata(entities: readonly Entity[]): { count: number; entityKind: string }[] {
  const counts = new Map<string, number>();
  for (const { kind } of entities) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([entityKind, count]) => ({ count, entityKind }));
}

// Incidents_List pages: $top is at most 1000 (the REST reference); without it a page holds 50, the
// "50 latest incidents" a plain list returns (msticpy's SentinelIncidents documentation).
const defaultPageSize = 50;
const maxPageSize = 1000;

/** One page of an ARM list with its OData options applied, and a nextLink while more remain. */
function listPage<T>(items: T[], { request, url }: RouteContext): { value: T[]; nextLink?: string } {
  const options = url.searchParams;
  const filterText = options.get('$filter');
  const orderByText = options.get('$orderby');
  const filter = filterText ? parseODataFilter(filterText) : undefined;
  const order = orderByText ? parseODataOrderBy(orderByText) : undefined;
  let selected = filter ? items.filter((item) => matchesFilter(item, filter)) : items;
  if (order) selected = [...selected].sort(order);
  const top = options.get('$top');
  const size = top === null ? defaultPageSize : Number(top);
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new HttpError(400, 'BadRequest', `$top must be an integer from 1 to ${maxPageSize}`);
  }
  const token = options.get('$skipToken');
  const offset = token === null ? 0 : Number(token);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new HttpError(400, 'BadRequest', '$skipToken is not one this API returned in a nextLink');
  }
  const value = selected.slice(offset, offset + size);
  if (offset + size >= selected.length) return { value };
  const next = new URL(url.pathname, `https://${request.headers.host ?? 'localhost'}`);
  for (const [key, text] of options) if (key !== '$skipToken') next.searchParams.set(key, text);
  next.searchParams.set('$skipToken', String(offset + size));
  return { value, nextLink: next.toString() };
}

function requireApiVersion({ url }: RouteContext): void {
  if (!url.searchParams.get('api-version')) {
    throw new HttpError(400, 'MissingApiVersionParameter', "the 'api-version' query parameter is required");
  }
}
