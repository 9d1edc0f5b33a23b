import type { Clock } from '../../clock.js';
import {
  IncidentValidationError,
  validateIncidentWrite,
  type WritableIncidentProperties,
} from '../../incidents/schema.js';
import {
  type IncidentProperties,
  type IncidentStore,
  PreconditionFailedError,
} from '../../incidents/store.js';
import { HttpError, type RouteContext, type Router, readJson, sendJson } from '../http.js';
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
      sendJson(context.response, 200, { value: store.list() });
    }),
  );

  // Incidents - List Entities: POST, not GET (learn.microsoft.com/rest/api/securityinsights/incidents/list-entities).
  // Responders read an incident's entities here rather than trusting the ones a caller sends.
  router.add(
    'POST',
    `${workspacePath}/incidents/:incidentId/entities`,
    requireBearer((context) => {
      const incident = incidentOf(context);
      sendJson(context.response, 200, { entities: incident.properties.relatedEntities, metaData: [] });
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

  // Incidents_ListEntities: POST, no body; the local store keeps the entities on the incident.
  router.add(
    'POST',
    `${workspacePath}/incidents/:incidentId/entities`,
    requireBearer((context) => {
      sendJson(context.response, 200, { entities: incidentOf(context).properties.relatedEntities });
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

function requireApiVersion({ url }: RouteContext): void {
  if (!url.searchParams.get('api-version')) {
    throw new HttpError(400, 'MissingApiVersionParameter', "the 'api-version' query parameter is required");
  }
}
