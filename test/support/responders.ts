// Stateful msw stand-ins for ARM SecurityInsights, Graph, Defender for Endpoint, Logs Query and a Teams
// webhook, plus a recorder of every outbound request; the action ledger is real (Azurite). Shared by the
// responder tests and scripts/bench-responders.ts, so the benchmark times the very setup the tests verify.
// It stays under test/: msw is a dev dependency, and these doubles must not ship in src/.
import type { TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { createLogsQuery } from '../../src/query/logs.js';
import { BLOCK_RECORDS_TABLE, TableBlockRecords } from '../../src/responders/blockRecords.js';
import { DefenderClient } from '../../src/responders/defender.js';
import { GraphClient } from '../../src/responders/graph.js';
import { LEDGER_TABLE, TableActionLedger } from '../../src/responders/ledger.js';
import { TeamsWebhook } from '../../src/responders/teams.js';
import { SentinelClient } from '../../src/sentinel/client.js';
import { type IncidentContext, parseIncidentTrigger } from '../../src/sentinel/trigger.js';
import { onUnhandledRequest } from '../ingest/mockLogsIngestion.js';
import type { AzuriteTable } from './azurite.js';

export const ARM = 'https://management.azure.com';
export const GRAPH = 'https://graph.microsoft.com';
export const MDE = 'https://api.securitycenter.microsoft.com';
export const LOGS = 'https://api.loganalytics.io';
// A Workflows webhook ("Post to a channel when a webhook request is received"); the sig is the secret.
export const TEAMS =
  'https://prod-07.westeurope.logic.azure.com/workflows/0f1e2d3c4b5a/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=secret-part';
/** The webhook without its query, as msw matches handlers. */
export const TEAMS_PATH = TEAMS.split('?')[0];
export const NAMED_LOCATION = '0f5a1ea6-0000-4000-8000-00000000b10c';
export const SUB = '00000000-1111-2222-3333-444444444444';
export const WORKSPACE_ID = '11111111-2222-3333-4444-555555555555';

export const credential: TokenCredential = {
  getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

const INCIDENT_PATH = `${ARM}/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.OperationalInsights/workspaces/:ws/providers/Microsoft.SecurityInsights/incidents/:incident`;

export interface Recorded {
  method: string;
  url: URL;
  body: unknown;
}

/** State of the fake downstream services, inspected by tests. */
export class World {
  requests: Recorded[] = [];
  incidents = new Map<string, { etag: number; properties: Record<string, unknown> }>();
  comments = new Map<string, string>();
  tasks = new Map<string, Record<string, unknown>>();
  namedLocation: string[] = ['198.51.100.0/24'];
  machines: { id: string; computerDnsName: string }[] = [];
  /** Statuses each new isolation reports to successive GETs; the last one stays. */
  isolationStatuses: string[] = ['Succeeded'];
  machineActions = new Map<string, { machineId: string; type: string; statuses: string[] }>();
  ti = new Map<string, { Indicators: number; MaxConfidence: number; Sources: string[] }>();
  /** SecurityAlert rows by SystemAlertId: what the workspace holds of each alert (Entities as JSON text). */
  alerts = new Map<string, { AlertName: string; AlertSeverity: string; Status: string; Entities: string }>();
  signIns: {
    UserPrincipalName: string;
    UserId: string;
    SignIns: number;
    Failures: number;
    Countries: string[];
  }[] = [];

  count(method: string, pathPart: string | RegExp): number {
    return this.requests.filter(
      (r) =>
        r.method === method &&
        (typeof pathPart === 'string' ? r.url.pathname.includes(pathPart) : pathPart.test(r.url.pathname)),
    ).length;
  }

  /**
   * Makes SecurityInsights hold the incident a trigger body names, with the body's properties and
   * entities (what Sentinel would relay); responders load it before acting.
   */
  hold(body: { object: { name: string; properties: Record<string, unknown> } }): void {
    this.incidents.set(body.object.name, { etag: 1, properties: structuredClone(body.object.properties) });
  }

  /** Outbound requests to anything but the local Azurite. */
  outbound(): Recorded[] {
    return this.requests.filter((r) => r.url.hostname !== '127.0.0.1');
  }
}

/** A Logs Query API answer with one table (the documented `tables: [{name, columns, rows}]` shape). */
function primaryResult(columns: [name: string, type: string][], rows: unknown[][]) {
  return HttpResponse.json({
    tables: [{ name: 'PrimaryResult', columns: columns.map(([name, type]) => ({ name, type })), rows }],
  });
}

function handlers(w: () => World) {
  return [
    http.get(INCIDENT_PATH, ({ params }) => {
      const incident = w().incidents.get(String(params.incident));
      if (!incident) return HttpResponse.json({ error: { code: 'NotFound' } }, { status: 404 });
      return HttpResponse.json({ id: 'x', etag: `"${incident.etag}"`, properties: incident.properties });
    }),
    http.post(`${INCIDENT_PATH}/entities`, ({ params }) => {
      const incident = w().incidents.get(String(params.incident));
      if (!incident) return HttpResponse.json({ error: { code: 'NotFound' } }, { status: 404 });
      return HttpResponse.json({ entities: incident.properties.relatedEntities ?? [], metaData: [] });
    }),
    http.put(INCIDENT_PATH, async ({ params, request }) => {
      const incident = w().incidents.get(String(params.incident));
      if (!incident) return HttpResponse.json({ error: { code: 'NotFound' } }, { status: 404 });
      // A stale etag is 409 Conflict in Sentinel, not 412 (see isEtagConflict in src/sentinel/client.ts).
      if (request.headers.get('if-match') !== `"${incident.etag}"`) {
        return HttpResponse.json(
          {
            error: {
              code: 'Conflict',
              message: `Newer version of resource '${params.incident}' exists. Data was not saved`,
            },
          },
          { status: 409 },
        );
      }
      const body = (await request.json()) as { properties: Record<string, unknown> };
      incident.properties = body.properties;
      incident.etag++;
      return HttpResponse.json({ id: 'x', etag: `"${incident.etag}"`, properties: incident.properties });
    }),
    http.put(`${INCIDENT_PATH}/comments/:comment`, async ({ params, request }) => {
      const body = (await request.json()) as { properties: { message: string } };
      const created = !w().comments.has(String(params.comment));
      w().comments.set(String(params.comment), body.properties.message);
      return HttpResponse.json(
        { name: params.comment, properties: body.properties },
        { status: created ? 201 : 200 },
      );
    }),
    http.put(`${INCIDENT_PATH}/tasks/:task`, async ({ params, request }) => {
      const body = (await request.json()) as { properties: Record<string, unknown> };
      w().tasks.set(String(params.task), body.properties);
      return HttpResponse.json({ name: params.task, properties: body.properties }, { status: 201 });
    }),
    http.patch(`${GRAPH}/v1.0/users/:user`, () => new HttpResponse(null, { status: 204 })),
    http.post(`${GRAPH}/v1.0/users/:user/revokeSignInSessions`, () => HttpResponse.json({ value: true })),
    http.get(`${GRAPH}/v1.0/identity/conditionalAccess/namedLocations/:id`, ({ params }) =>
      HttpResponse.json({
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        id: params.id,
        displayName: 'Blocked by SOC',
        ipRanges: w().namedLocation.map((cidrAddress) => ({ cidrAddress })),
      }),
    ),
    http.patch(`${GRAPH}/v1.0/identity/conditionalAccess/namedLocations/:id`, async ({ request }) => {
      const body = (await request.json()) as { ipRanges: { cidrAddress: string }[] };
      w().namedLocation = body.ipRanges.map((r) => r.cidrAddress);
      return new HttpResponse(null, { status: 204 });
    }),
    // Defender for Endpoint: List machines with the documented startswith/eq $filter forms
    // (https://learn.microsoft.com/defender-endpoint/api/exposed-apis-odata-samples), Get machine by id,
    // isolate (201, action Pending: https://learn.microsoft.com/defender-endpoint/api/isolate-machine) and
    // machine actions that move through Pending/InProgress to a final status.
    http.get(`${MDE}/api/machines`, ({ request }) => {
      const filter = new URL(request.url).searchParams.get('$filter') ?? '';
      const match =
        /^(?:computerDnsName eq '((?:[^']|'')*)'|startswith\(computerDnsName,'((?:[^']|'')*)'\))$/.exec(
          filter,
        );
      if (!match) return HttpResponse.json({ error: { code: 'BadRequest' } }, { status: 400 });
      const eq = match[1]?.replace(/''/g, "'");
      const prefix = match[2]?.replace(/''/g, "'");
      return HttpResponse.json({
        value: w().machines.filter((m) =>
          eq !== undefined ? m.computerDnsName === eq : m.computerDnsName.startsWith(prefix ?? ''),
        ),
      });
    }),
    http.get(`${MDE}/api/machines/:id`, ({ params }) => {
      const machine = w().machines.find((m) => m.id === params.id);
      if (!machine) return HttpResponse.json({ error: { code: 'ResourceNotFound' } }, { status: 404 });
      return HttpResponse.json(machine);
    }),
    http.post(`${MDE}/api/machines/:id/isolate`, ({ params }) => {
      const id = `action-${params.id}-${w().machineActions.size + 1}`;
      w().machineActions.set(id, {
        machineId: String(params.id),
        type: 'Isolate',
        statuses: [...w().isolationStatuses],
      });
      return HttpResponse.json(
        { id, type: 'Isolate', status: 'Pending', machineId: params.id },
        { status: 201 },
      );
    }),
    http.get(`${MDE}/api/machineactions/:id`, ({ params }) => {
      const action = w().machineActions.get(String(params.id));
      if (!action) return HttpResponse.json({ error: { code: 'ResourceNotFound' } }, { status: 404 });
      const status = action.statuses.length > 1 ? action.statuses.shift() : action.statuses[0];
      return HttpResponse.json({ id: params.id, type: action.type, status, machineId: action.machineId });
    }),
    http.get(`${MDE}/api/machineactions`, ({ request }) => {
      const filter = new URL(request.url).searchParams.get('$filter') ?? '';
      const match = /^machineId eq '([^']*)' and type eq 'Isolate'$/.exec(filter);
      if (!match) return HttpResponse.json({ error: { code: 'BadRequest' } }, { status: 400 });
      return HttpResponse.json({
        value: [...w().machineActions]
          .filter(([, a]) => a.machineId === match[1] && a.type === 'Isolate')
          .map(([id, a]) => ({ id, type: a.type, status: a.statuses[0], machineId: a.machineId })),
      });
    }),
    http.post(`${LOGS}/v1/workspaces/:workspace/query`, async ({ request }) => {
      const { query } = (await request.json()) as { query: string };
      if (query.startsWith('SecurityAlert')) {
        const id = /SystemAlertId == "([^"]*)"/.exec(query)?.[1];
        const row = id === undefined ? undefined : w().alerts.get(id);
        return primaryResult(
          [
            ['SystemAlertId', 'string'],
            ['TimeGenerated', 'datetime'],
            ['AlertName', 'string'],
            ['AlertSeverity', 'string'],
            ['Status', 'string'],
            ['Entities', 'string'],
          ],
          row
            ? [[id, '2026-01-10T12:00:00Z', row.AlertName, row.AlertSeverity, row.Status, row.Entities]]
            : [],
        );
      }
      if (query.startsWith('ThreatIntelIndicators')) {
        return primaryResult(
          [
            ['ObservableValue', 'string'],
            ['Indicators', 'long'],
            ['MaxConfidence', 'int'],
            ['Sources', 'dynamic'],
          ],
          [...w().ti]
            .filter(([ip]) => query.includes(`"${ip}"`))
            .map(([ip, r]) => [ip, r.Indicators, r.MaxConfidence, JSON.stringify(r.Sources)]),
        );
      }
      return primaryResult(
        [
          ['UserPrincipalName', 'string'],
          ['UserId', 'string'],
          ['SignIns', 'long'],
          ['Failures', 'long'],
          ['Countries', 'dynamic'],
        ],
        w()
          .signIns.filter((s) => query.includes(`"${s.UserPrincipalName}"`))
          .map((s) => [s.UserPrincipalName, s.UserId, s.SignIns, s.Failures, JSON.stringify(s.Countries)]),
      );
    }),
    http.post(TEAMS_PATH, () => new HttpResponse('1', { status: 200 })),
  ];
}

/** Starts msw with the default (healthy) stand-ins; `server.use` in a test overrides them. */
export type MockServer = ReturnType<typeof setupServer>;

export function startServer(world: () => World): MockServer {
  const server = setupServer(...handlers(world));
  server.events.on('request:start', async ({ request }) => {
    const text = request.method === 'GET' ? '' : await request.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    world().requests.push({ method: request.method, url: new URL(request.url), body });
  });
  // Only Azurite (loopback) goes through: a request to any other host nobody mocked fails the test.
  server.listen({ onUnhandledRequest });
  return server;
}

// Short back-off keeps fault tests fast; the retry logic is the SDK's.
const retry = { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 };

export function clients(azurite: AzuriteTable) {
  return {
    ledger: new TableActionLedger(azurite.tableClient(LEDGER_TABLE)),
    blockRecords: new TableBlockRecords(azurite.tableClient(BLOCK_RECORDS_TABLE)),
    sentinel: new SentinelClient({ endpoint: ARM, credential, retry }),
    graph: new GraphClient({ endpoint: GRAPH, credential, retry }),
    defender: new DefenderClient({ endpoint: MDE, credential, retry }),
    logs: createLogsQuery({ credential, retry }),
    teams: new TeamsWebhook(TEAMS, retry),
  };
}

let counter = 0;

/** A fresh incident id per call, so tests sharing one Azurite never see each other's ledger rows. */
export function newIncidentId(): string {
  counter++;
  const n = `${process.pid.toString(16).padStart(8, '0')}${counter.toString(16).padStart(4, '0')}`.slice(-12);
  return `a1b2c3d4-0000-4000-8000-${n}`;
}

/**
 * The Logic Apps alert trigger body (security alert schema, flat): what an alert-created rule's relay
 * forwards. `Entities` are in the SecurityAlert form (`{"$id", ...identifiers, "Type"}`).
 */
export function alertTriggerBody(
  alertId: string,
  entities: Record<string, string>[],
  extra: Record<string, unknown> = {},
) {
  return {
    SystemAlertId: alertId,
    AlertDisplayName: 'Password spray from 203.0.113.5',
    AlertType: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
    Severity: 'Medium',
    Status: 'New',
    ProductName: 'Azure Sentinel',
    TimeGenerated: '2020-01-10T12:00:00Z',
    StartTimeUtc: '2020-01-10T11:00:00Z',
    EndTimeUtc: '2020-01-10T12:00:00Z',
    Entities: entities.map((e, i) => ({ $id: String(i + 2), ...e })),
    ExtendedProperties: { 'Analytic Rule Name': 'Password spray' },
    WorkspaceId: WORKSPACE_ID,
    WorkspaceSubscriptionId: SUB,
    WorkspaceResourceGroup: 'rg-soc',
    ...extra,
  };
}

export const aliceInAlert = {
  Name: 'alice',
  UPNSuffix: 'contoso.com',
  AadUserId: '9f0e1d2c-3b4a-4596-8877-665544332211',
  Type: 'account',
};
export const ipInAlert = { Address: '203.0.113.5', Type: 'ip' };

export interface EntityInit {
  kind: string;
  properties: Record<string, unknown>;
}

export function triggerBody(incidentId: string, entities: EntityInit[], extra: Record<string, unknown> = {}) {
  const id = `/subscriptions/${SUB}/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/${incidentId}`;
  return {
    eventUniqueId: 'e1',
    objectSchemaType: 'Incident',
    objectEventType: 'Create',
    workspaceInfo: { SubscriptionId: SUB, ResourceGroupName: 'rg-soc', WorkspaceName: 'law-soc' },
    workspaceId: WORKSPACE_ID,
    object: {
      id,
      name: incidentId,
      type: 'Microsoft.SecurityInsights/Incidents',
      properties: {
        incidentNumber: 42,
        title: 'Password spray from 203.0.113.5',
        severity: 'Medium',
        status: 'New',
        owner: { objectId: null, email: null, assignedTo: null, userPrincipalName: null },
        labels: [{ labelName: 'spray', labelType: 'System' }],
        providerIncidentId: '42',
        relatedAnalyticRuleIds: [],
        additionalData: {
          alertsCount: 1,
          bookmarksCount: 0,
          commentsCount: 0,
          tactics: ['CredentialAccess'],
        },
        relatedEntities: entities.map((e, i) => ({
          id: `${id}/entities/${i}`,
          name: String(i),
          type: 'Microsoft.SecurityInsights/Entities',
          ...e,
        })),
      },
    },
    ...extra,
  };
}

/** The incident a trigger body carries, as responders receive it; throws on a body the parser rejects. */
export function incidentOf(body: unknown): IncidentContext {
  const parsed = parseIncidentTrigger(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.incident;
}

/** The incident of a fresh trigger with these entities. */
export function incident(entities: EntityInit[], id = newIncidentId()): IncidentContext {
  return incidentOf(triggerBody(id, entities));
}

export const alice: EntityInit = {
  kind: 'Account',
  properties: {
    accountName: 'alice',
    upnSuffix: 'contoso.com',
    aadUserId: '9f0e1d2c-3b4a-4596-8877-665544332211',
    friendlyName: 'alice',
  },
};
export const ip: EntityInit = {
  kind: 'Ip',
  properties: { address: '203.0.113.5', friendlyName: '203.0.113.5' },
};
export const host: EntityInit = {
  kind: 'Host',
  properties: { hostName: 'ws-042', dnsDomain: 'contoso.com' },
};
