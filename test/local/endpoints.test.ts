import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolatedQueryRunner } from '../../src/kql/worker/runner.js';
import { Clock } from '../../src/local/clock.js';
import { standardTablesDcr, standardTablesDcrId } from '../../src/local/dcr-registry.js';
import { LocalDevCredential, localDevToken } from '../../src/local/dev-credential.js';
import { IncidentStore } from '../../src/local/incidents/store.js';
import { Router } from '../../src/local/server/http.js';
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
  workspaceName: 'ws-local',
};
const catalog = testCatalog({
  SigninLogs: {
    TimeGenerated: 'datetime',
    UserPrincipalName: 'string',
    ResultType: 'string',
    LocationDetails: 'dynamic',
  },
});

interface Reply {
  status: number;
  body: any;
}

let tls: TlsMaterial;
let server: Server;
let apiUrl: string;
let store: IncidentStore;
let workspace: Workspace;
let queries: IsolatedQueryRunner;

function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${apiUrl}${path}`,
      {
        method,
        ca: tls.cert,
        headers: { authorization: `Bearer ${localDevToken}`, 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let data = '';
        res.on('data', (chunk) => {
          data += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

beforeAll(async () => {
  tls = await localhostCertificate();
  const dir = mkdtempSync(join(tmpdir(), 'sk-endpoints-'));
  workspace = new Workspace(dir, catalog);
  store = new IncidentStore(dir, workspaceRef);
  const clock = new Clock(new Date('2026-01-10T12:00:00Z'));
  const router = new Router();
  addLogsIngestionRoutes(
    router,
    new Map([[standardTablesDcrId, standardTablesDcr(catalog)]]),
    workspace,
    clock,
  );
  queries = new IsolatedQueryRunner(catalog, workspaceSource(dir), {
    timeoutMs: 30_000,
    maxRows: 1000,
    memoryMb: 512,
  });
  addLogsQueryRoutes(router, queries, clock);
  addSecurityInsightsRoutes(router, store, clock);
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

describe('local Logs Ingestion and Logs Query endpoints', () => {
  it('accept uploads from LogsIngestionClient and answer LogsQueryClient', async () => {
    const ingestion = new LogsIngestionClient(apiUrl, new LocalDevCredential(), {
      tlsOptions: { ca: tls.cert },
    });
    await ingestion.upload(standardTablesDcrId, 'Custom-SigninLogs', [
      {
        TimeGenerated: '2026-01-10T11:50:00Z',
        UserPrincipalName: 'alice@contoso.com',
        ResultType: '50126',
        LocationDetails: { countryOrRegion: 'NL' },
      },
      {
        TimeGenerated: '2026-01-10T11:55:00Z',
        UserPrincipalName: 'alice@contoso.com',
        ResultType: '0',
        LocationDetails: { countryOrRegion: 'US' },
      },
    ]);
    const query = new LogsQueryClient(new LocalDevCredential(), {
      endpoint: `${apiUrl}/v1`,
      tlsOptions: { ca: tls.cert },
    });
    const result = await query.queryWorkspace(
      '11111111-1111-1111-1111-111111111111',
      'SigninLogs | summarize Failures = countif(ResultType != "0"), Countries = make_set(tostring(LocationDetails.countryOrRegion)) by UserPrincipalName',
      { duration: 'P1D' },
    );
    expect(result.status).toBe('Success');
    const table = (result as { tables: { columnDescriptors: { name?: string }[]; rows: unknown[][] }[] })
      .tables[0];
    expect(table.columnDescriptors.map((c) => c.name)).toEqual([
      'UserPrincipalName',
      'Failures',
      'Countries',
    ]);
    expect(table.rows).toEqual([['alice@contoso.com', 1, ['NL', 'US']]]);
  });

  // QueryBody.timespan "is applied in addition to any that are specified in the query expression"
  // (https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format); it used to be ignored.
  it("limits the data to the request's timespan in each form the SDK sends", async () => {
    const ingestion = new LogsIngestionClient(apiUrl, new LocalDevCredential(), {
      tlsOptions: { ca: tls.cert },
    });
    await ingestion.upload(standardTablesDcrId, 'Custom-SigninLogs', [
      { TimeGenerated: '2026-01-08T06:00:00Z', UserPrincipalName: 'bob@contoso.com', ResultType: '0' },
      { TimeGenerated: '2026-01-10T06:00:00Z', UserPrincipalName: 'bob@contoso.com', ResultType: '0' },
    ]);
    const client = new LogsQueryClient(new LocalDevCredential(), {
      endpoint: `${apiUrl}/v1`,
      tlsOptions: { ca: tls.cert },
    });
    const count = async (timespan: Parameters<LogsQueryClient['queryWorkspace']>[2]) => {
      const result = await client.queryWorkspace(
        'w',
        'SigninLogs | where UserPrincipalName == "bob@contoso.com" | count',
        timespan,
      );
      return (result as { tables: { rows: unknown[][] }[] }).tables[0].rows[0][0];
    };
    expect(await count({ duration: 'P1D' })).toBe(1);
    expect(await count({ duration: 'P7D' })).toBe(2);
    expect(
      await count({ startTime: new Date('2026-01-08T00:00:00Z'), endTime: new Date('2026-01-09T00:00:00Z') }),
    ).toBe(1);
    expect(await count({ startTime: new Date('2026-01-09T00:00:00Z'), duration: 'PT1H' })).toBe(0);

    // Whether the ends are inclusive is undocumented: a row on one is refused, not guessed.
    const edge = await call('POST', '/v1/workspaces/w/query', {
      query: 'SigninLogs | count',
      timespan: '2026-01-10T06:00:00Z/2026-01-10T07:00:00Z',
    });
    expect(edge.status).toBe(400);
    expect(edge.body.error.message).toMatch(/exactly at the start of the request's timespan/);
    for (const timespan of ['P1M', 'yesterday', '2026-01-10T07:00:00Z/2026-01-10T06:00:00Z', 42]) {
      const reply = await call('POST', '/v1/workspaces/w/query', { query: 'print 1', timespan });
      expect(reply.status, String(timespan)).toBe(400);
      expect(reply.body.error.code).toBe('BadArgumentError');
    }
  });

  it('answers 401 without the bearer token', async () => {
    const reply = await call('POST', '/v1/workspaces/x/query', { query: 'print 1' }, { authorization: '' });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('InvalidAuthenticationToken');
  });

  it('rejects calls over the 1 MB Logs Ingestion limit with 413 and stores nothing', async () => {
    const before = workspace.counts().SigninLogs ?? 0;
    const big = [{ UserPrincipalName: 'x'.repeat(1_100_000) }];
    const reply = await call(
      'POST',
      `/dataCollectionRules/${standardTablesDcrId}/streams/Custom-SigninLogs?api-version=2023-01-01`,
      big,
    );
    expect(reply.status).toBe(413);
    expect(workspace.counts().SigninLogs ?? 0).toBe(before);
  });

  it('rejects bodies that are not arrays of objects, unknown rules and streams', async () => {
    const path = (dcr: string, stream: string) =>
      `/dataCollectionRules/${dcr}/streams/${stream}?api-version=2023-01-01`;
    expect(
      (await call('POST', path(standardTablesDcrId, 'Custom-SigninLogs'), '{"not":"an array"}')).status,
    ).toBe(400);
    expect((await call('POST', path(standardTablesDcrId, 'Custom-SigninLogs'), '[1, 2]')).status).toBe(400);
    expect((await call('POST', path(standardTablesDcrId, 'Custom-SigninLogs'), '[{')).body.error.code).toBe(
      'InvalidJson',
    );
    expect((await call('POST', path('dcr-unknown', 'Custom-SigninLogs'), [])).status).toBe(404);
    expect((await call('POST', path(standardTablesDcrId, 'Custom-Nope'), [])).body.error.code).toBe(
      'InvalidStream',
    );
  });

  it('reports query errors as 400 with the engine message', async () => {
    const reply = await call('POST', '/v1/workspaces/x/query', {
      query: 'SigninLogs | where NoSuchColumn == 1',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toContain('NoSuchColumn');
  });
});

describe('local SecurityInsights incidents API', () => {
  const base = `/subscriptions/${workspaceRef.subscriptionId}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws-local/providers/Microsoft.SecurityInsights/incidents`;
  const apiVersion = '?api-version=2025-09-01';

  function newIncident() {
    return store.create(
      {
        title: 'Password spray',
        description: '',
        severity: 'Medium',
        status: 'New',
        owner: {},
        labels: [],
        firstActivityTimeUtc: '2026-01-10T11:00:00Z',
        lastActivityTimeUtc: '2026-01-10T11:50:00Z',
        relatedAnalyticRuleIds: ['89a05843-16bf-4764-a418-648e59648b8f'],
        additionalData: { alertsCount: 1, tactics: ['CredentialAccess'], alertIds: [] },
        relatedEntities: [],
      },
      '2026-01-10T12:00:00Z',
    );
  }

  it('gets and updates an incident with optimistic concurrency', async () => {
    const incident = newIncident();
    const got = await call('GET', `${base}/${incident.name}${apiVersion}`);
    expect(got.status).toBe(200);
    expect(got.body.properties.incidentNumber).toBe(incident.properties.incidentNumber);

    const put = await call(
      'PUT',
      `${base}/${incident.name}${apiVersion}`,
      { properties: { ...got.body.properties, severity: 'High', incidentNumber: 999 } },
      { 'if-match': got.body.etag },
    );
    expect(put.status).toBe(200);
    expect(put.body.properties.severity).toBe('High');
    expect(put.body.properties.incidentNumber).toBe(incident.properties.incidentNumber);

    const stale = await call(
      'PUT',
      `${base}/${incident.name}${apiVersion}`,
      { properties: got.body.properties },
      { 'if-match': got.body.etag },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('Conflict');
  });

  it('refuses to close without a classification, and requires api-version', async () => {
    const incident = newIncident();
    const close = await call('PUT', `${base}/${incident.name}${apiVersion}`, {
      properties: { ...incident.properties, status: 'Closed' },
    });
    expect(close.status).toBe(400);
    expect((await call('GET', `${base}/${incident.name}`)).body.error.code).toBe(
      'MissingApiVersionParameter',
    );
  });

  it('puts comments and tasks idempotently by id', async () => {
    const incident = newIncident();
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await call('PUT', `${base}/${incident.name}/comments/c1${apiVersion}`, {
            properties: { message: 'enriched' },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await call('PUT', `${base}/${incident.name}/tasks/t1${apiVersion}`, {
            properties: { title: 'Reset password', status: 'New' },
          })
        ).status,
      ).toBe(200);
    }
    const comments = await call('GET', `${base}/${incident.name}/comments${apiVersion}`);
    expect(comments.body.value.map((c: any) => c.properties.message)).toEqual(['enriched']);
    expect(store.tasksOf(incident.name).map((t) => t.properties.title)).toEqual(['Reset password']);
  });

  // Incidents_List's $filter/$orderby/$top/$skipToken were ignored, so a filtered list returned
  // incidents Azure would not (https://learn.microsoft.com/rest/api/securityinsights/incidents/list).
  it('lists incidents with $filter, $orderby and $top pages joined by nextLink', async () => {
    const open = newIncident();
    const closing = newIncident();
    newIncident();
    store.update(
      closing.name,
      { status: 'Closed', classification: 'FalsePositive', classificationReason: 'IncorrectAlertLogic' },
      '2026-01-10T12:05:00Z',
    );
    const list = async (query: string) => {
      const reply = await call('GET', `${base}${apiVersion}${query}`);
      expect(reply.status, query).toBe(200);
      return reply.body as { value: { name: string; properties: any }[]; nextLink?: string };
    };
    const openNames = (
      await list(`&$filter=${encodeURIComponent("properties/status ne 'Closed'")}`)
    ).value.map((i) => i.name);
    expect(openNames).toContain(open.name);
    expect(openNames).not.toContain(closing.name);
    const closed = await list(
      `&$filter=${encodeURIComponent("properties/status eq 'Closed' and (contains(properties/title, 'spray') or properties/severity eq 'High')")}`,
    );
    expect(closed.value.map((i) => i.name)).toEqual([closing.name]);

    const all = store.list().length;
    expect(all).toBeGreaterThan(2);
    const ascending = await list(`&$orderby=${encodeURIComponent('properties/incidentNumber asc')}&$top=1`);
    expect(ascending.value).toHaveLength(1);
    const numbers = [ascending.value[0].properties.incidentNumber];
    let next = ascending.nextLink;
    while (next) {
      const page = await call('GET', new URL(next).pathname + new URL(next).search);
      expect(page.status).toBe(200);
      numbers.push(...page.body.value.map((i: any) => i.properties.incidentNumber));
      next = page.body.nextLink;
    }
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers).toHaveLength(all);

    for (const query of [
      `&$filter=${encodeURIComponent("properties/labels/any(l: l/labelName eq 'x')")}`,
      `&$filter=${encodeURIComponent('properties/status eq')}`,
      `&$orderby=${encodeURIComponent('properties/title sideways')}`,
      // Deep nesting is a 400, not a stack overflow (500): parentheses are legal unencoded in a URL.
      `&$filter=${'('.repeat(5000)}properties/severity%20eq%20'High'${')'.repeat(5000)}`,
      '&$top=1001',
      '&$skipToken=abc',
    ]) {
      const reply = await call('GET', `${base}${apiVersion}${query}`);
      expect(reply.status, query.slice(0, 80)).toBe(400);
      expect(reply.body.error.code).toBe('BadRequest');
    }
  });

  it('lists entities with their per-kind metaData and refuses an unknown task status', async () => {
    const incident = store.create(
      {
        ...newIncident().properties,
        relatedEntities: [
          { kind: 'Account', properties: { accountName: 'alice' } },
          { kind: 'Ip', properties: { address: '10.0.0.1' } },
          { kind: 'Account', properties: { accountName: 'bob' } },
        ],
      },
      '2026-01-10T12:00:00Z',
    );
    const reply = await call('POST', `${base}/${incident.name}/entities${apiVersion}`);
    expect(reply.status).toBe(200);
    expect(reply.body.entities).toHaveLength(3);
    expect(reply.body.metaData).toEqual([
      { count: 2, entityKind: 'Account' },
      { count: 1, entityKind: 'Ip' },
    ]);
    const task = await call('PUT', `${base}/${incident.name}/tasks/t2${apiVersion}`, {
      properties: { title: 'Check', status: 'Done' },
    });
    expect(task.status).toBe(400);
    expect(store.tasksOf(incident.name)).toHaveLength(0);
  });

  it('answers 404 for an incident in another workspace', async () => {
    const incident = newIncident();
    const other = base.replace('ws-local', 'ws-other');
    expect((await call('GET', `${other}/${incident.name}${apiVersion}`)).status).toBe(404);
  });
});
