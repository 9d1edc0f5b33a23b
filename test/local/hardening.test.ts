import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolatedQueryRunner } from '../../src/kql/worker/runner.js';
import { Clock } from '../../src/local/clock.js';
import { standardTablesDcr, standardTablesDcrId } from '../../src/local/dcr-registry.js';
import { localDevToken } from '../../src/local/dev-credential.js';
import { IncidentStore } from '../../src/local/incidents/store.js';
import { Router, readJson, sendJson } from '../../src/local/server/http.js';
import { addLogsIngestionRoutes } from '../../src/local/server/routes/logs-ingestion.js';
import { addLogsQueryRoutes } from '../../src/local/server/routes/logs-query.js';
import { addSecurityInsightsRoutes } from '../../src/local/server/routes/security-insights.js';
import { close, listen } from '../../src/local/server/serve.js';
import { localhostCertificate, type TlsMaterial } from '../../src/local/server/tls.js';
import { Workspace, workspaceSource } from '../../src/local/store/workspace.js';
import { testCatalog } from '../support/catalog.js';

const workspaceRef = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg',
  workspaceName: 'ws',
};
const catalog = testCatalog({
  SigninLogs: { TimeGenerated: 'datetime', UserPrincipalName: 'string', UserAgent: 'string' },
  SecurityIncident: { TimeGenerated: 'datetime', Title: 'string' },
  SecurityAlert: { TimeGenerated: 'datetime', AlertName: 'string' },
});
const now = '2026-01-10T12:00:00.0000000Z';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A raw request, so tests control every header (Host, Origin, content type) a browser or attacker sends. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  ca?: string,
): Promise<Reply> {
  const target = new URL(`${url}${path}`);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers, ca, setHost: !('host' in headers) }, (res) => {
      let data = '';
      res.on('data', (chunk) => {
        data += chunk;
      });
      res.on('end', () => {
        let parsed: unknown = data;
        try {
          parsed = data ? JSON.parse(data) : undefined;
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the UI server refuses cross-site writes and rebinding', () => {
  let server: Server;
  let url: string;
  let port: number;
  let writes = 0;

  beforeAll(async () => {
    const router = new Router();
    router.add('GET', '/api/thing', ({ response }) => sendJson(response, 200, { ok: true }));
    router.add('POST', '/api/thing', async ({ request, response }) => {
      await readJson(request, 1000);
      writes++;
      sendJson(response, 200, { ok: true });
    });
    router.add('GET', '/api/items/:name', ({ response, params }) => sendJson(response, 200, params));
    const started = await listen(router, 0, () => {}, { sameOriginWrites: true });
    server = started.server;
    port = started.port;
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => close(server));

  it('accepts a same-origin JSON post from the page', async () => {
    const before = writes;
    const reply = await send(
      url,
      'POST',
      '/api/thing',
      {
        'content-type': 'application/json',
        origin: `http://localhost:${port}`,
        host: `localhost:${port}`,
        'sec-fetch-site': 'same-origin',
      },
      '{}',
    );
    expect(reply.status).toBe(200);
    expect(writes).toBe(before + 1);
  });

  it.each([
    [
      'a text/plain form post from another site',
      { 'content-type': 'text/plain', origin: 'https://evil.example' },
    ],
    [
      'a JSON post naming another origin',
      { 'content-type': 'application/json', origin: 'https://evil.example' },
    ],
    ['a cross-site fetch', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }],
    ['a text/plain body without an Origin', { 'content-type': 'text/plain' }],
  ])('refuses %s and changes nothing', async (_, headers) => {
    const before = writes;
    const reply = await send(url, 'POST', '/api/thing', headers as Record<string, string>, '{}');
    expect([403, 415]).toContain(reply.status);
    expect(reply.body.error.code).toMatch(/CrossOrigin|UnsupportedMediaType/);
    expect(writes).toBe(before);
  });

  it('answers 421 to a Host that is not the bound loopback address (DNS rebinding)', async () => {
    const reply = await send(url, 'GET', '/api/thing', { host: `attacker.example:${port}` });
    expect(reply.status).toBe(421);
    expect(reply.body).not.toEqual({ ok: true });
  });

  it('forbids framing and sets a strict CSP on every answer', async () => {
    const reply = await send(url, 'GET', '/api/thing', {});
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    expect(reply.headers['content-security-policy']).not.toContain('unsafe-inline');
  });

  // Found by the endpoint fuzz test: new URL('//', base) throws (a protocol-relative URL without a host).
  it('answers 404, not 500, to a path starting with //', async () => {
    const reply = await send(url, 'GET', '//', {});
    expect(reply.status).toBe(404);
  });

  it('answers 400, not 500, to a malformed percent-encoding in the path', async () => {
    const reply = await send(url, 'GET', '/api/items/%E0%A4%A', {});
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('InvalidUrl');
  });
});

describe('the local Azure endpoints behave as Azure on hostile input', () => {
  let tls: TlsMaterial;
  let server: Server;
  let apiUrl: string;
  let workspace: Workspace;
  let store: IncidentStore;
  let queries: IsolatedQueryRunner;
  const auth = { authorization: `Bearer ${localDevToken}` };
  const ingestPath = (stream: string) =>
    `/dataCollectionRules/${standardTablesDcrId}/streams/${stream}?api-version=2023-01-01`;
  const base = `/subscriptions/${workspaceRef.subscriptionId}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws/providers/Microsoft.SecurityInsights`;
  const v = '?api-version=2025-09-01';
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    send(
      apiUrl,
      method,
      path,
      { ...auth, 'content-type': 'application/json', ...headers },
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
      tls.cert,
    );

  beforeAll(async () => {
    tls = await localhostCertificate();
    const dir = mkdtempSync(join(tmpdir(), 'sk-hardening-'));
    workspace = new Workspace(dir, catalog);
    store = new IncidentStore(dir, workspaceRef);
    const clock = new Clock(new Date(now), 0);
    const router = new Router();
    addLogsIngestionRoutes(
      router,
      new Map([[standardTablesDcrId, standardTablesDcr(catalog)]]),
      workspace,
      clock,
    );
    addSecurityInsightsRoutes(router, store, clock);
    queries = new IsolatedQueryRunner(catalog, workspaceSource(dir), {
      timeoutMs: 20_000,
      maxRows: 1000,
      memoryMb: 192,
    });
    addLogsQueryRoutes(router, queries, clock);
    const started = await listen(router, 0, () => {}, { tls });
    server = started.server;
    apiUrl = `https://127.0.0.1:${started.port}`;
  });
  afterAll(async () => {
    await close(server);
    await queries.close();
    workspace.close();
    store.close();
  });

  it('refuses a gzip body that inflates past 1 MB (limits apply to uncompressed data) and stores nothing', async () => {
    const rows = Array.from({ length: 40_000 }, () => ({ UserPrincipalName: 'a'.repeat(40) }));
    const body = gzipSync(JSON.stringify(rows));
    expect(body.length).toBeLessThan(1_048_576);
    const reply = await call('POST', ingestPath('Custom-SigninLogs'), body, { 'content-encoding': 'gzip' });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('ContentLengthLimitExceeded');
    expect(workspace.counts().SigninLogs ?? 0).toBe(0);
  });

  it('refuses a body that is not JSON by content type (415) and stores nothing', async () => {
    const reply = await call('POST', ingestPath('Custom-SigninLogs'), [{ UserPrincipalName: 'x' }], {
      'content-type': 'text/plain',
    });
    expect(reply.status).toBe(415);
    expect(workspace.counts().SigninLogs ?? 0).toBe(0);
  });

  it.each(['Custom-SecurityIncident', 'Custom-SecurityAlert'])(
    'has no DCR stream %s: Sentinel writes those tables',
    async (stream) => {
      const reply = await call('POST', ingestPath(stream), [{ Title: 'forged' }]);
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('InvalidStream');
      expect(workspace.counts().SecurityIncident ?? 0).toBe(0);
      expect(workspace.counts().SecurityAlert ?? 0).toBe(0);
    },
  );

  it('gives a row with a missing or invalid TimeGenerated the time it was received, never null', async () => {
    const reply = await call('POST', ingestPath('Custom-SigninLogs'), [
      { TimeGenerated: 'not a date', UserPrincipalName: 'bad' },
      { UserPrincipalName: 'missing' },
      { TimeGenerated: '2026-01-10T11:00:00.0000000Z', UserPrincipalName: 'good' },
    ]);
    expect(reply.status).toBe(204);
    const times = workspace
      .query(
        'SigninLogs | project UserPrincipalName, t = tostring(TimeGenerated) | order by UserPrincipalName asc',
        0n,
      )
      .rows.map(([user, time]) => [user, time]);
    // tostring() of a datetime prints seven fractional digits, as Kusto does (see conformance).
    expect(times).toEqual([
      ['bad', '2026-01-10T12:00:00.0000000Z'],
      ['good', '2026-01-10T11:00:00.0000000Z'],
      ['missing', '2026-01-10T12:00:00.0000000Z'],
    ]);
  });

  // "Maximum size of field values: ... Fields longer than 64 KB are truncated"
  // (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api): stored cut, not refused.
  it('stores a field value over 64 KB cut to its first 64 KB of UTF-8, as Logs Ingestion does', async () => {
    const long = `${'a'.repeat(65_535)}éz`;
    const reply = await call('POST', ingestPath('Custom-SigninLogs'), [
      { TimeGenerated: '2026-01-10T11:30:00Z', UserPrincipalName: 'long-field', UserAgent: long },
    ]);
    expect(reply.status).toBe(204);
    const [[stored]] = workspace.query(
      'SigninLogs | where UserPrincipalName == "long-field" | project UserAgent',
      0n,
    ).rows as string[][];
    // 65,535 'a's and the first byte of 'é' fit in 64 KB; the character is dropped whole, never split.
    expect(stored).toBe('a'.repeat(65_535));
  });

  function newIncident() {
    return store.create(
      {
        title: 'Spray',
        description: '',
        severity: 'Medium',
        status: 'New',
        owner: {},
        labels: [],
        firstActivityTimeUtc: now,
        lastActivityTimeUtc: now,
        relatedAnalyticRuleIds: [],
        additionalData: { alertsCount: 1, tactics: [], alertIds: [] },
        relatedEntities: [
          { kind: 'Account', properties: { accountName: 'alice', upnSuffix: 'contoso.com' } },
        ],
      },
      now,
    );
  }

  it('answers 404 to listing incidents under another subscription or workspace', async () => {
    newIncident();
    expect((await call('GET', `${base}/incidents${v}`)).status).toBe(200);
    for (const wrong of [
      base.replace(workspaceRef.subscriptionId, '99999999-0000-0000-0000-000000000000'),
      base.replace('/workspaces/ws/', '/workspaces/other/'),
      base.replace('/resourceGroups/rg/', '/resourceGroups/other/'),
    ]) {
      const reply = await call('GET', `${wrong}/incidents${v}`);
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('ResourceNotFound');
    }
  });

  it.each([
    ['labels that are not an array', { labels: 'notarray' }],
    ['an unknown severity', { severity: 'Catastrophic' }],
    ['an unknown status', { status: 'Bogus' }],
    [
      'a reason that does not go with the classification',
      { status: 'Closed', classification: 'FalsePositive', classificationReason: 'SuspiciousActivity' },
    ],
    ['an owner object id that is not a GUID', { owner: { objectId: 'me' } }],
  ])('refuses a PUT with %s (400, ARM error shape) and the list still reads', async (_, change) => {
    const incident = newIncident();
    const reply = await call('PUT', `${base}/incidents/${incident.name}${v}`, {
      properties: { ...incident.properties, ...change },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('BadRequest');
    expect(typeof reply.body.error.message).toBe('string');
    expect(store.get(incident.name)?.etag).toBe(incident.etag);
    const list = await call('GET', `${base}/incidents${v}`);
    expect(list.status).toBe(200);
    for (const i of list.body.value) expect(Array.isArray(i.properties.labels)).toBe(true);
  });

  it('treats owner null as unassigned, and stores only what it can read back', async () => {
    const incident = newIncident();
    const reply = await call('PUT', `${base}/incidents/${incident.name}${v}`, {
      properties: { ...incident.properties, owner: null, bogusField: { x: 1 } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.properties.owner).toEqual({});
    expect(reply.body.properties.bogusField).toBeUndefined();
  });

  it('lists the entities an incident holds (Incidents - List Entities)', async () => {
    const incident = newIncident();
    const reply = await call('POST', `${base}/incidents/${incident.name}/entities${v}`);
    expect(reply.status).toBe(200);
    expect(reply.body.entities).toEqual(incident.properties.relatedEntities);
    expect((await call('POST', `${base}/incidents/made-up/entities${v}`)).status).toBe(404);
  });

  it('stops a runaway cross join with a 400 while ingestion keeps answering', async () => {
    const order: string[] = [];
    const join = call('POST', '/v1/workspaces/x/query', {
      query:
        'range x from 1 to 6000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 6000 step 1 | extend k = 1) on k | count',
    }).then((reply) => {
      order.push('query');
      return reply;
    });
    const ingested = await call('POST', ingestPath('Custom-SigninLogs'), [
      { TimeGenerated: now, UserPrincipalName: 'during' },
    ]);
    order.push('ingestion');
    expect(ingested.status).toBe(204);
    const reply = await join;
    expect(order).toEqual(['ingestion', 'query']);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('QueryLimitExceeded');
    const after = await call('POST', '/v1/workspaces/x/query', {
      query: 'SigninLogs | where UserPrincipalName == "during" | count',
    });
    expect(after.body.tables[0].rows).toEqual([[1]]);
  });
});
