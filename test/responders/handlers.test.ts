import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disableUserFunction } from '../../functions/responders/disableUser.js';
import { enrichFunction } from '../../functions/responders/enrich.js';
import { notifyFunction } from '../../functions/responders/notify.js';
import { triageFunction } from '../../functions/responders/triage.js';
import { type AzuriteTable, startAzuriteTable } from '../support/azurite.js';
import {
  alertTriggerBody,
  alice,
  aliceInAlert,
  GRAPH,
  ip,
  ipInAlert,
  type MockServer,
  newIncidentId,
  startServer,
  TEAMS,
  TEAMS_PATH,
  triggerBody,
  World,
} from '../support/responders.js';

// App Service managed identity endpoint: DefaultAzureCredential → ManagedIdentityCredential reads these, so
// the handlers authenticate exactly as they would in Azure, against an msw stand-in.
const IDENTITY_ENDPOINT = 'http://127.0.0.1:41999/msi/token';

let azurite: AzuriteTable;
let server: MockServer;
let world: World;
const saved = { ...process.env };

beforeAll(async () => {
  azurite = await startAzuriteTable();
  server = startServer(() => world);
  Object.assign(process.env, {
    IDENTITY_ENDPOINT,
    IDENTITY_HEADER: 'identity-header',
    RESPONDER_LEDGER_CONNECTION: azurite.connectionString,
    TEAMS_WEBHOOK_URL: TEAMS,
    LOG_ANALYTICS_WORKSPACE_ID: '11111111-2222-3333-4444-555555555555',
  });
});
afterAll(async () => {
  process.env = saved;
  server?.close();
  await azurite?.stop();
});
beforeEach(() => {
  world = new World();
  server.resetHandlers();
  server.use(
    http.get(IDENTITY_ENDPOINT, ({ request }) =>
      HttpResponse.json({
        access_token: 'secret-access-token',
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: new URL(request.url).searchParams.get('resource'),
        token_type: 'Bearer',
      }),
    ),
  );
});

function request(body: unknown): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost:7071/api/responders/test',
    headers: { 'content-type': 'application/json' },
    body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
  });
}

/** The body, after making SecurityInsights hold its incident (responders load it before acting). */
function held<T extends Parameters<World['hold']>[0]>(body: T): T {
  world.hold(body);
  return body;
}

async function call(fn: typeof enrichFunction, body: unknown) {
  const response = (await fn.handler(
    request(body),
    new InvocationContext({ functionName: 'test' }),
  )) as HttpResponseInit;
  return {
    status: response.status,
    text: JSON.stringify(response.jsonBody ?? null),
    json: response.jsonBody as any,
  };
}

describe('responder HTTP handlers', () => {
  it('are POST-only and need a function key', () => {
    for (const fn of [enrichFunction, disableUserFunction, notifyFunction, triageFunction]) {
      expect(fn.methods).toEqual(['POST']);
      expect(fn.authLevel).toBe('function');
    }
  });

  const invalid: [string, unknown][] = [
    ['not JSON', '{"object": '],
    ['an array', [triggerBody(newIncidentId(), [alice])]],
    ['no incident id', { object: { properties: { title: 't', severity: 'High', status: 'New' } } }],
    [
      'a non-incident ARM id',
      triggerBody('x', [alice], { object: { id: '/subscriptions/x/resourceGroups/y', properties: {} } }),
    ],
    [
      'an unknown severity',
      (() => {
        const b = triggerBody(newIncidentId(), [alice]);
        (b.object.properties as any).severity = 'Critical';
        return b;
      })(),
    ],
    [
      'a workspaceInfo that contradicts object.id',
      {
        ...triggerBody(newIncidentId(), [alice]),
        workspaceInfo: {
          SubscriptionId: '00000000-1111-2222-3333-444444444444',
          ResourceGroupName: 'other',
          WorkspaceName: 'law-soc',
        },
      },
    ],
  ];
  for (const [what, body] of invalid) {
    it(`rejects ${what} with 400 and makes no outbound call`, async () => {
      const response = await call(disableUserFunction, body);
      expect(response.status).toBe(400);
      expect(response.json.errors.length).toBeGreaterThan(0);
      expect(world.requests).toHaveLength(0);
    });
  }

  it('rejects an invalid triage plan with 400 before any change', async () => {
    const body = held(triggerBody(newIncidentId(), [ip], { triage: { status: 'Closed' } }));
    const response = await call(triageFunction, body);
    expect(response.status).toBe(400);
    expect(response.text).toContain('classification');
    expect(world.requests.filter((r) => r.method !== 'GET' && !r.url.pathname.endsWith('/entities'))).toEqual(
      [],
    );
  });

  it('does nothing for an incident SecurityInsights does not hold (404), even with a valid body', async () => {
    const response = await call(disableUserFunction, triggerBody(newIncidentId(), [alice]));
    expect(response.status).toBe(404);
    expect(response.json.errors[0].code).toBe('RSP404');
    expect(world.outbound().filter((r) => r.url.origin === GRAPH)).toEqual([]);
  });

  it('acts only on the entities the incident holds, not on ones added to the request body', async () => {
    const id = newIncidentId();
    world.hold(triggerBody(id, [ip]));
    const forged = triggerBody(id, [ip, alice], { Entities: [alice] });
    const response = await call(disableUserFunction, forged);
    expect(response.status).toBe(200);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(0);
    expect(world.count('POST', 'revokeSignInSessions')).toBe(0);
  });

  it('answers 200 with the actions taken, and skipped on a repeat', async () => {
    const body = held(triggerBody(newIncidentId(), [alice]));
    const first = await call(disableUserFunction, body);
    expect(first.status).toBe(200);
    expect(first.json.actions).toMatchObject([{ action: 'disable-user', outcome: 'done' }]);
    const token = world.requests.find((r) => r.url.origin === GRAPH);
    expect(token).toBeDefined();
    const second = await call(disableUserFunction, body);
    expect(second.json.actions).toMatchObject([{ outcome: 'already-done' }]);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(1);
    expect(first.text).not.toContain('secret-access-token');
  });

  // Alert-created automation rules relay the alert trigger body (the alert itself, flat: SystemAlertId,
  // WorkspaceId, Entities ...); the responder reads the alert back from SecurityAlert and acts on the
  // entities the workspace holds. https://learn.microsoft.com/azure/sentinel/automation/playbook-triggers-actions
  describe('alert trigger bodies', () => {
    const newAlertId = () => newIncidentId().replace(/^a1b2c3d4/, 'a1e7a1e7');

    it('act on the alert SecurityAlert holds: its entities, not the ones in the body; once', async () => {
      const id = newAlertId();
      world.alerts.set(id, {
        AlertName: 'Password spray',
        AlertSeverity: 'Medium',
        Status: 'New',
        Entities: JSON.stringify([{ $id: '2', ...aliceInAlert }]),
      });
      const body = alertTriggerBody(id, [
        ipInAlert,
        { Name: 'mallory', UPNSuffix: 'contoso.com', Type: 'account' },
      ]);
      const first = await call(disableUserFunction, body);
      expect(first.status).toBe(200);
      expect(first.json.actions).toMatchObject([
        { action: 'disable-user', target: aliceInAlert.AadUserId, outcome: 'done' },
      ]);
      const patched = world
        .outbound()
        .filter((r) => r.method === 'PATCH')
        .map((r) => r.url.pathname);
      expect(patched).toEqual([`/v1.0/users/${aliceInAlert.AadUserId}`]);
      // An alert has no incident to comment on.
      expect(world.comments.size).toBe(0);
      const second = await call(disableUserFunction, body);
      expect(second.json.actions).toMatchObject([{ outcome: 'already-done' }]);
      expect(world.count('PATCH', '/v1.0/users/')).toBe(1);
    });

    it('post a Teams card for the alert, without an incident link', async () => {
      const id = newAlertId();
      world.alerts.set(id, {
        AlertName: 'Password spray',
        AlertSeverity: 'High',
        Status: 'New',
        Entities: JSON.stringify([{ $id: '2', ...ipInAlert }]),
      });
      const response = await call(notifyFunction, alertTriggerBody(id, []));
      expect(response.status).toBe(200);
      const card = world.requests.find((r) => r.url.href === TEAMS)?.body as any;
      const content = card.attachments[0].content;
      expect(content.body[0].text).toBe('Sentinel alert');
      expect(content.body[2].facts).toContainEqual({ title: 'IPs', value: '203.0.113.5' });
      expect(content.actions).toEqual([]);
    });

    it('do nothing for an alert the workspace does not hold: 404, or 503 while it may still be arriving', async () => {
      const old = await call(disableUserFunction, alertTriggerBody(newAlertId(), [aliceInAlert]));
      expect(old.status).toBe(404);
      expect(old.json.errors[0].code).toBe('RSP404');
      const now = new Date().toISOString();
      const fresh = await call(
        disableUserFunction,
        alertTriggerBody(newAlertId(), [aliceInAlert], { TimeGenerated: now }),
      );
      expect(fresh.status).toBe(503);
      expect(world.outbound().filter((r) => r.url.origin === GRAPH)).toEqual([]);
    });

    it("do nothing for another workspace's alert, without querying it", async () => {
      const id = newAlertId();
      world.alerts.set(id, { AlertName: 'a', AlertSeverity: 'High', Status: 'New', Entities: '[]' });
      const response = await call(
        disableUserFunction,
        alertTriggerBody(id, [aliceInAlert], { WorkspaceId: '99999999-2222-3333-4444-555555555555' }),
      );
      expect(response.status).toBe(404);
      expect(world.outbound()).toEqual([]);
    });

    it('are refused by responders that act on incidents only, and malformed ones by all', async () => {
      const triage = await call(triageFunction, alertTriggerBody(newAlertId(), [aliceInAlert]));
      expect(triage.status).toBe(400);
      expect(triage.json.errors[0].code).toBe('RSP010');
      const enrich = await call(enrichFunction, alertTriggerBody(newAlertId(), [aliceInAlert]));
      expect(enrich.status).toBe(400);
      const injected = await call(disableUserFunction, alertTriggerBody('x" or true or "', [aliceInAlert]));
      expect(injected.status).toBe(400);
      expect(world.outbound()).toEqual([]);
    });
  });

  it('answers 502 when a downstream refuses', async () => {
    server.use(
      http.patch(`${GRAPH}/v1.0/users/:user`, () =>
        HttpResponse.json({ error: { code: 'Authorization_RequestDenied' } }, { status: 403 }),
      ),
    );
    const response = await call(disableUserFunction, held(triggerBody(newIncidentId(), [alice])));
    expect(response.status).toBe(502);
    expect(response.json.actions).toMatchObject([
      { outcome: 'failed', error: 'Graph 403 Authorization_RequestDenied' },
    ]);
  });

  it('answers 503 when throttled past the retries, without leaking the webhook URL', async () => {
    server.use(
      http.post(TEAMS_PATH, () => new HttpResponse('busy', { status: 429, headers: { 'Retry-After': '0' } })),
    );
    const response = await call(notifyFunction, held(triggerBody(newIncidentId(), [ip])));
    expect(response.status).toBe(503);
    expect(world.requests.filter((r) => r.url.href === TEAMS)).toHaveLength(4);
    expect(response.text).not.toContain('secret-part');
    expect(world.comments.size).toBe(0);
  });

  it('refuses a legacy incoming-webhook URL (Office 365 Connectors are retired) without echoing it', async () => {
    const legacy = 'https://contoso.webhook.office.com/webhookb2/legacy-secret/IncomingWebhook/abc/def';
    process.env.TEAMS_WEBHOOK_URL = legacy;
    try {
      // The incident exists, so the responder gets as far as its Teams setting.
      const body = triggerBody(newIncidentId(), [ip]);
      world.hold(body);
      const response = await call(notifyFunction, body);
      expect(response.status).toBe(500);
      expect(response.text).toMatch(/TEAMS_WEBHOOK_URL is unusable: .*legacy incoming webhook.*Workflows/);
      expect(response.text).not.toContain('legacy-secret');
      // Only the reads of the incident and its entities (Incidents - Get, Incidents - List Entities,
      // a POST) went to ARM; nothing reached Teams or any other host.
      expect(
        world.outbound().filter((request) => request.url.hostname !== 'management.azure.com'),
      ).toHaveLength(0);
    } finally {
      process.env.TEAMS_WEBHOOK_URL = TEAMS;
    }
  });

  it('enriches from the trigger body end to end', async () => {
    world.ti.set('203.0.113.5', { Indicators: 1, MaxConfidence: 80, Sources: ['Feed'] });
    const response = await call(enrichFunction, held(triggerBody(newIncidentId(), [ip])));
    expect(response.status).toBe(200);
    expect([...world.comments.values()][0]).toContain('203.0.113.5: 1 active indicator(s)');
  });
});
