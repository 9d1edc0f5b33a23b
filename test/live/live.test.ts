import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseDateTime, TICKS_PER_HOUR } from '../../src/kql/values/index.js';
import { datatableLet, valueLiteral } from '../../src/query/live/datatable.js';
import { pinNow } from '../../src/query/live/pin-now.js';
import { runLiveRuleTests } from '../../src/query/live/runner.js';
import { LiveQueryError, LiveWorkspace } from '../../src/query/live/workspace.js';
import { testCatalog } from '../support/catalog.js';

const WORKSPACE = '11111111-2222-3333-4444-555555555555';
const QUERY_URL = `https://api.loganalytics.io/v1/workspaces/${WORKSPACE}/query`;
const T = parseDateTime('2026-01-10T12:00:00Z')!;

/** A fixed token: the tests exercise our HTTP handling, not Entra ID. */
const staticCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: 'test-token',
    expiresOnTimestamp: Date.now() + 3_600_000,
  }),
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const workspace = () => new LiveWorkspace(WORKSPACE, { credential: staticCredential, maxRetries: 2 });

describe('datatable injection', () => {
  it('escapes quotes, backslashes and newlines in string literals', () => {
    expect(valueLiteral('a "b" \\ c\nd', 'string')).toBe('"a \\"b\\" \\\\ c\\nd"');
  });

  it('types every literal, including nulls', () => {
    expect(valueLiteral(null, 'long')).toBe('long(null)');
    expect(valueLiteral(null, 'datetime')).toBe('datetime(null)');
    expect(valueLiteral(5, 'int')).toBe('int(5)');
    expect(valueLiteral(T, 'datetime')).toBe('datetime(2026-01-10T12:00:00Z)');
    expect(valueLiteral({ a: ['x"y'] }, 'dynamic')).toBe('dynamic({"a":["x\\"y"]})');
  });

  it('renders a let statement that shadows the table', () => {
    const text = datatableLet('SigninLogs', {
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'IPAddress', type: 'string' },
      ],
      rows: [[T, '203.0.113.5']],
    });
    expect(text).toBe(
      'let SigninLogs = datatable(TimeGenerated:datetime, IPAddress:string) [\n  datetime(2026-01-10T12:00:00Z), "203.0.113.5"\n];',
    );
  });
});

describe('pinning now()', () => {
  it('replaces now(), now(offset) and ago(span) with the evaluation time', () => {
    const q = 'T | where TimeGenerated > ago(1h) and TimeGenerated < now() and X < now(-1d)';
    expect(pinNow(q, T)).toBe(
      'T | where TimeGenerated > (datetime(2026-01-10T12:00:00Z) - (1h)) and TimeGenerated < datetime(2026-01-10T12:00:00Z) and X < (datetime(2026-01-10T12:00:00Z) + (-1d))',
    );
  });

  it('leaves strings and comments alone and handles nested calls', () => {
    const q = 'print s = "ago(1h)", v = @\'now()\' // now()\n| extend t = ago(max_of(1h, now() - ago(2h)))';
    expect(pinNow(q, T)).toBe(
      'print s = "ago(1h)", v = @\'now()\' // now()\n| extend t = (datetime(2026-01-10T12:00:00Z) - (max_of(1h, datetime(2026-01-10T12:00:00Z) - (datetime(2026-01-10T12:00:00Z) - (2h)))))',
    );
  });
});

describe('Logs Query API', () => {
  it('posts {query, timespan} with a bearer token and converts the result table', async () => {
    let seen: { body: unknown; auth: string | null } | undefined;
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        seen = { body: await request.json(), auth: request.headers.get('authorization') };
        return HttpResponse.json({
          tables: [
            {
              name: 'PrimaryResult',
              columns: [
                { name: 'IPAddress', type: 'string' },
                { name: 'FailedUsers', type: 'long' },
                { name: 'LastSeen', type: 'datetime' },
              ],
              rows: [['203.0.113.5', 10, '2026-01-10T11:37:00Z']],
            },
          ],
        });
      }),
    );
    const table = await workspace().query('SigninLogs | take 1', T - TICKS_PER_HOUR, T);
    expect(seen?.auth).toBe('Bearer test-token');
    expect(seen?.body).toEqual({
      query: 'SigninLogs | take 1',
      timespan: '2026-01-10T11:00:00.000Z/2026-01-10T12:00:00.000Z',
    });
    expect(table.columns.map((c) => c.type)).toEqual(['string', 'long', 'datetime']);
    expect(table.rows).toEqual([['203.0.113.5', 10, parseDateTime('2026-01-10T11:37:00Z')]]);
  });

  it('refuses partial results with the service error', async () => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json({
          tables: [{ name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [[1]] }],
          error: { code: 'PartialError', message: 'There were some errors when processing your query.' },
        }),
      ),
    );
    await expect(workspace().query('T', T - TICKS_PER_HOUR, T)).rejects.toMatchObject({
      kind: 'partial',
      message: expect.stringContaining('PartialError'),
    });
  });

  it('retries a 429 after Retry-After and then succeeds', async () => {
    let calls = 0;
    server.use(
      http.post(QUERY_URL, () => {
        calls++;
        if (calls === 1) {
          return HttpResponse.json(
            { error: { code: 'ThrottledError', message: 'Too many requests' } },
            { status: 429, headers: { 'Retry-After': '0' } },
          );
        }
        return HttpResponse.json({
          tables: [{ name: 'PrimaryResult', columns: [{ name: 'n', type: 'long' }], rows: [[3]] }],
        });
      }),
    );
    const table = await workspace().query('T | count', T - TICKS_PER_HOUR, T);
    expect(calls).toBe(2);
    expect(table.rows).toEqual([[3]]);
  });

  it('reports throttling when 429 persists', async () => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json(
          { error: { code: 'ThrottledError', message: 'Too many requests' } },
          { status: 429, headers: { 'Retry-After': '0' } },
        ),
      ),
    );
    await expect(workspace().query('T', T - TICKS_PER_HOUR, T)).rejects.toMatchObject({
      kind: 'throttled',
      status: 429,
    });
  });

  it.each([
    [401, 'auth', 'InvalidAuthenticationToken'],
    [403, 'forbidden', 'InsufficientAccessError'],
    [400, 'query', 'BadArgumentError'],
  ] as const)('maps HTTP %i to a %s error', async (status, kind, code) => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json({ error: { code, message: `${code} happened` } }, { status }),
      ),
    );
    const error = await workspace()
      .query('T', T - TICKS_PER_HOUR, T)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiveQueryError);
    expect(error).toMatchObject({ kind, status });
  });

  it('reports a credential that cannot produce a token as an auth error', async () => {
    const failing: TokenCredential = {
      getToken: async () => {
        const error = new Error('Please run az login');
        error.name = 'CredentialUnavailableError';
        throw error;
      },
    };
    const ws = new LiveWorkspace(WORKSPACE, { credential: failing, maxRetries: 0 });
    await expect(ws.query('T', T - TICKS_PER_HOUR, T)).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('az login'),
    });
  });
});

describe('live rule tests', () => {
  const catalog = testCatalog({ SecurityEvent: { TimeGenerated: 'datetime', EventID: 'int' } });

  function ruleDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sk-live-'));
    writeFileSync(
      join(dir, 'cleared.yaml'),
      `id: 0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e
name: Log cleared
description: d
severity: Medium
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: SecurityEvent | where TimeGenerated > ago(1h) | where EventID == 1102
`,
    );
    writeFileSync(
      join(dir, 'cleared.test.yaml'),
      `cases:
  - name: one clear in the window
    now: 2026-01-10T12:00:00Z
    tables: { SecurityEvent: [ { TimeGenerated: -5m, EventID: 1102 }, { TimeGenerated: -3h, EventID: 1102 } ] }
    expect: { alerts: 1 }
`,
    );
    return dir;
  }

  it('sends the window rows as a datatable with now() pinned and judges the returned rows', async () => {
    let sent: { query: string; timespan: string } | undefined;
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        sent = (await request.json()) as typeof sent;
        return HttpResponse.json({
          tables: [
            {
              name: 'PrimaryResult',
              columns: [
                { name: 'TimeGenerated', type: 'datetime' },
                { name: 'EventID', type: 'int' },
              ],
              rows: [['2026-01-10T11:55:00Z', 1102]],
            },
          ],
        });
      }),
    );
    const [result] = await runLiveRuleTests([ruleDir()], catalog, {
      workspaceId: WORKSPACE,
      credential: staticCredential,
    });
    expect(result.cases.map((c) => [c.passed, c.error])).toEqual([[true, undefined]]);
    expect(sent?.timespan).toBe('2026-01-10T11:00:00.000Z/2026-01-10T12:00:00.000Z');
    expect(sent?.query).toBe(
      'let SecurityEvent = datatable(TimeGenerated:datetime, EventID:int) [\n  datetime(2026-01-10T11:55:00Z), int(1102)\n];\n' +
        'SecurityEvent | where TimeGenerated > (datetime(2026-01-10T12:00:00Z) - (1h)) | where EventID == 1102',
    );
  });

  it('turns a workspace error into a case error instead of a crash', async () => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json({ error: { code: 'Forbidden', message: 'no' } }, { status: 403 }),
      ),
    );
    const [result] = await runLiveRuleTests([ruleDir()], catalog, {
      workspaceId: WORKSPACE,
      credential: staticCredential,
      maxRetries: 0,
    });
    expect(result.cases[0].passed).toBe(false);
    expect(result.cases[0].error).toContain('Log Analytics Reader');
  });
});
