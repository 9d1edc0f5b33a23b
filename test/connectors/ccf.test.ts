// The local CCF poller (src/connectors/ccf/poller.ts) against the vendor mocks and a generic API,
// through the same runner, Logs Ingestion sink and Azurite checkpoints as the Functions connectors.
// Semantics: https://learn.microsoft.com/azure/sentinel/data-connector-connection-rules-reference
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { type CcfDeclaration, readCcfConnector } from '../../src/connectors/ccf/declaration.js';
import { type CcfCursor, ccfPoller } from '../../src/connectors/ccf/poller.js';
import { runConnector } from '../../src/connectors/runner.js';
import { connectorTestEnvironment, deployment as deployOn } from './harness.js';
import {
  GITHUB_API,
  GITHUB_TOKEN,
  githubEvents,
  MockGitHubAudit,
  MockOkta,
  OKTA_ORG,
  OKTA_TOKEN,
  oktaEvents,
} from './vendorMocks.js';

const okta = new MockOkta();
const github = new MockGitHubAudit('orgs/contoso-eng');
const { ingestion, azurite, server } = connectorTestEnvironment([okta, github]);
const root = join(import.meta.dirname, '..', '..');
const NOW = Date.parse('2026-01-10T12:00:00Z');

async function deployment() {
  const d = await deployOn(azurite(), ingestion);
  const cursor = async (id: string) =>
    (await d.checkpoints.load(id.split('/')[0], id.split('/')[1]))?.cursor as CcfCursor | undefined;
  return { ...d, cursor };
}

describe('Okta System Log as CCF (connectors/okta/ccf/connector.yaml)', () => {
  const declaration = readCcfConnector(join(root, 'connectors', 'okta'));
  const poller = (now: number, http: object) =>
    ccfPoller({ declaration, parameters: { orgUrl: OKTA_ORG, apiToken: OKTA_TOKEN }, now: () => now, http });
  /** Every Okta event served, against the rows the stream received (by uuid). */
  const oktaAccounting = (d: Awaited<ReturnType<typeof deployment>>) =>
    d.accounting(
      okta.events.map((e) => e.uuid),
      'Custom-Okta',
      (r) => String(r.uuid),
    );

  it('reads the query window with since/until in queryTimeFormat, pages by Link header, 0 lost, 0 twice', async () => {
    // 2,500 events in the last 4 minutes: three pages of limit=1000 inside the 5-minute window.
    okta.events = oktaEvents(2500, NOW - 240_000, 'w1').map((e, i) => ({
      ...e,
      published: new Date(NOW - 240_000 + i * 90).toISOString(),
    }));
    const d = await deployment();
    const result = await runConnector(poller(NOW, d.http), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', sent: 2500 });
    const first = okta.requests[0];
    expect(Object.fromEntries(first.searchParams)).toEqual({
      since: '2026-01-10T11:55:00.000Z',
      until: '2026-01-10T12:00:00.000Z',
      limit: '1000',
      sortOrder: 'ASCENDING',
    });
    expect(await oktaAccounting(d)).toMatchObject({ lost: 0, duplicates: 0 });
    // Raw Okta events go to the stream as they are: the DCR's transform shapes them.
    expect(ingestion.rows('Custom-Okta').find((r) => r.uuid === 'w1-0')).toMatchObject({
      actor: expect.any(Object),
    });
    expect(await d.cursor('okta/SentinelKitOktaSystemLog')).toEqual({
      windowStart: '2026-01-10T12:00:00.000Z',
    });
  });

  it('reads each window once: an event at a window end belongs to the next window only', async () => {
    okta.events = oktaEvents(3, NOW - 60_000, 'edge').map((e, i) => ({
      ...e,
      published: new Date([NOW - 60_000, NOW, NOW + 60_000][i]).toISOString(),
    }));
    const d = await deployment();
    await runConnector(poller(NOW, d.http), d.deps);
    expect(ingestion.rows('Custom-Okta').map((r) => r.uuid)).toEqual(['edge-0']);
    // Seven minutes later: the window [12:00, 12:05) and then [12:05, 12:07).
    await runConnector(poller(NOW + 420_000, d.http), d.deps);
    expect(ingestion.rows('Custom-Okta').map((r) => r.uuid)).toEqual(['edge-0', 'edge-1', 'edge-2']);
    const windows = okta.requests
      .filter((u) => !u.searchParams.has('after'))
      .map((u) => [u.searchParams.get('since'), u.searchParams.get('until')]);
    expect(windows).toEqual([
      ['2026-01-10T11:55:00.000Z', '2026-01-10T12:00:00.000Z'],
      ['2026-01-10T12:00:00.000Z', '2026-01-10T12:05:00.000Z'],
      ['2026-01-10T12:05:00.000Z', '2026-01-10T12:07:00.000Z'],
    ]);
  });

  it('commits a page only after the Logs Ingestion API accepted it, and resends it after a failure', async () => {
    okta.events = oktaEvents(10, NOW - 120_000, 'retry');
    const d = await deployment();
    ingestion.failNext({ status: 403 });
    const failed = await runConnector(poller(NOW, d.http), d.deps);
    expect(failed.outcome).toBe('failed');
    expect(await d.cursor('okta/SentinelKitOktaSystemLog')).toBeUndefined();
    const again = await runConnector(poller(NOW, d.http), d.deps);
    expect(again).toMatchObject({ outcome: 'completed', sent: 10 });
    expect(await oktaAccounting(d)).toMatchObject({ lost: 0, duplicates: 0 });
  });

  it('retries a failing vendor call retryCount times with backoff, then fails without moving the checkpoint', async () => {
    okta.events = oktaEvents(5, NOW - 120_000, 'flaky');
    const d = await deployment();
    // retryCount 3: four attempts.
    okta.faults.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const result = await runConnector(poller(NOW, d.http), d.deps);
    expect(result.outcome).toBe('failed');
    expect(okta.requests).toHaveLength(4);
    expect(d.sourceRetries).toHaveLength(3);
    expect(await d.cursor('okta/SentinelKitOktaSystemLog')).toBeUndefined();
  });
});

describe('GitHub audit log as CCF (connectors/github-audit/ccf/connector.yaml)', () => {
  const declaration = readCcfConnector(join(root, 'connectors', 'github-audit'));
  const poller = (now: number, http: object) =>
    ccfPoller({
      declaration,
      parameters: { apiUrl: GITHUB_API, organization: 'contoso-eng', token: GITHUB_TOKEN },
      now: () => now,
      http,
    });

  it('sends the window as a created: range phrase and pages by Link header into its own stream', async () => {
    github.events = githubEvents(250, NOW - 250_000);
    const d = await deployment();
    const result = await runConnector(poller(NOW, d.http), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', pages: 3 });
    const first = github.requests[0];
    expect(first.origin).toBe(GITHUB_API);
    expect(first.searchParams.get('phrase')).toBe('created:2026-01-10T11:55:00Z..2026-01-10T12:00:00Z');
    expect(first.searchParams.get('per_page')).toBe('100');
    const ids = github.events.filter((e) => e['@timestamp'] >= NOW - 300_000).map((e) => e._document_id);
    expect(await d.accounting(ids, 'Custom-GitHubAuditCcf', (r) => String(r._document_id))).toMatchObject({
      lost: 0,
      duplicates: 0,
    });
  });

  it('sends an event at a window boundary twice: GitHub ranges include both ends (why the Functions connector stays)', async () => {
    github.events = githubEvents(1, NOW);
    const d = await deployment();
    await runConnector(poller(NOW, d.http), d.deps);
    await runConnector(poller(NOW + 300_000, d.http), d.deps);
    expect(
      (await d.accounting(['doc-0'], 'Custom-GitHubAuditCcf', (r) => String(r._document_id))).duplicates,
    ).toBe(1);
  });
});

/** A declaration of a generic API at https://api.example.test for the paging and auth kinds. */
function declared(poller: Partial<CcfDeclaration['poller']>): CcfDeclaration {
  return {
    connector: 'example',
    id: 'Example',
    connectorUiConfig: {},
    parameters: [],
    dcrFile: 'dcr.yaml',
    poller: {
      auth: { type: 'None' },
      request: { apiEndpoint: 'https://api.example.test/events', queryWindowInMin: 5 },
      response: { eventsJsonPaths: ['$.items'], format: 'json' },
      dcrConfig: { streamName: 'Custom-Example' },
      ...poller,
    },
  };
}

const API = 'https://api.example.test/events';
const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${from + i}` }));

async function run(declaration: CcfDeclaration, now = NOW) {
  const d = await deployment();
  const result = await runConnector(
    ccfPoller({ declaration, parameters: {}, now: () => now, http: d.http }),
    d.deps,
  );
  return { d, result, ids: ingestion.rows('Custom-Example').map((r) => r.id) };
}

describe('paging kinds', () => {
  it('NextPageToken: token from nextPageTokenJsonPath sent as nextPageParaName until hasNextFlagJsonPath is false', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(API, ({ request }) => {
        const token = new URL(request.url).searchParams.get('cursor');
        seen.push(token);
        const page = Number(token ?? 0);
        return HttpResponse.json({ items: items(page * 2, 2), next: String(page + 1), more: page < 2 });
      }),
    );
    const { ids } = await run(
      declared({
        paging: {
          pagingType: 'NextPageToken',
          nextPageTokenJsonPath: '$.next',
          nextPageParaName: 'cursor',
          hasNextFlagJsonPath: '$.more',
        },
      }),
    );
    expect(seen).toEqual([null, '1', '2']);
    expect(ids).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('NextPageToken: token from a response header sent in a request header', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(API, ({ request }) => {
        const token = request.headers.get('x-page');
        seen.push(token);
        const page = Number(token ?? 0);
        return HttpResponse.json(
          { items: items(page, 1) },
          { headers: page < 1 ? { 'x-next': String(page + 1) } : {} },
        );
      }),
    );
    const { ids } = await run(
      declared({
        paging: {
          pagingType: 'NextPageToken',
          nextPageTokenResponseHeader: 'x-next',
          nextPageRequestHeader: 'x-page',
        },
      }),
    );
    expect(seen).toEqual([null, '1']);
    expect(ids).toEqual(['e0', 'e1']);
  });

  it('Offset: no offset on the first request, then all events received + 1 (REF; Azure/Azure-Sentinel#13013)', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(API, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.searchParams.get('offset'));
        expect(url.searchParams.get('limit')).toBe('2');
        const offset = Number(url.searchParams.get('offset') ?? 1) - 1;
        return HttpResponse.json({ items: items(offset, Math.max(0, Math.min(2, 5 - offset))) });
      }),
    );
    const { ids } = await run(
      declared({
        paging: {
          pagingType: 'Offset',
          offsetParaName: 'offset',
          pageSize: 2,
          pageSizeParameterName: 'limit',
        },
      }),
    );
    expect(seen).toEqual([null, '3', '5']);
    expect(ids).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('CountBasedPaging: zero-based page numbers until the page number reaches the page count', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(API, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('page'));
        seen.push(String(page));
        return HttpResponse.json({ items: items(page * 10, 1), pageNumber: page, pageCount: 3 });
      }),
    );
    const { ids } = await run(
      declared({
        paging: {
          pagingType: 'CountBasedPaging',
          pageNumberParaName: 'page',
          zeroBasedIndexing: true,
          pageNumberJsonPath: '$.pageNumber',
          pageCountJsonPath: '$.pageCount',
        },
      }),
    );
    expect(seen).toEqual(['0', '1', '2']);
    expect(ids).toEqual(['e0', 'e10', 'e20']);
  });

  it('LinkHeader with linkHeaderTokenJsonPath: the next link from the body; NextPageUrl: the next URL from the body', async () => {
    server.use(
      http.get(API, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('p') ?? 0);
        return HttpResponse.json({
          items: items(page, 1),
          links: { next: page < 2 ? `${API}?p=${page + 1}` : null },
        });
      }),
    );
    const link = await run(
      declared({ paging: { pagingType: 'LinkHeader', linkHeaderTokenJsonPath: '$.links.next' } }),
    );
    expect(link.ids).toEqual(['e0', 'e1', 'e2']);
    ingestion.reset();
    const url = await run(
      declared({
        paging: {
          pagingType: 'NextPageUrl',
          nextPageTokenJsonPath: '$.links.next',
          hasNextFlagJsonPath: '$.links.next',
        },
      }),
    );
    // hasNextFlagJsonPath must be true itself: a URL there is not the flag, so one page only.
    expect(url.ids).toEqual(['e0']);
  });

  it('refuses a next-page link to another origin: the request carries the credentials', async () => {
    server.use(
      http.get(API, () =>
        HttpResponse.json(
          { items: items(0, 1) },
          { headers: { Link: '<https://evil.example/steal>; rel="next"' } },
        ),
      ),
    );
    const { result } = await run(declared({ paging: { pagingType: 'LinkHeader' } }));
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/another origin/);
  });

  it('PersistentToken: the next window continues from the stored token instead of a fresh window query', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(API, ({ request }) => {
        const token = new URL(request.url).searchParams.get('t');
        seen.push(token);
        const n = Number(token ?? 0);
        return HttpResponse.json({ items: n < 2 ? items(n, 1) : [], next: String(n + 1) });
      }),
    );
    const declaration = declared({
      paging: { pagingType: 'PersistentToken', nextPageTokenJsonPath: '$.next', nextPageParaName: 't' },
    });
    const d = await deployment();
    const runOnce = (now: number) =>
      runConnector(ccfPoller({ declaration, parameters: {}, now: () => now, http: d.http }), d.deps);
    await runOnce(NOW);
    const cursor = (await d.checkpoints.load('example', 'Example'))?.cursor as CcfCursor;
    expect(cursor.persisted).toEqual({ token: '3' });
    await runOnce(NOW + 300_000);
    expect(seen).toEqual([null, '1', '2', '3']);
  });
});

describe('request, response and auth', () => {
  it('sends the window through {_QueryWindowStartTime}/{_QueryWindowEndTime} and a time interval attribute, in UnixTimestamp', async () => {
    let query: Record<string, string> = {};
    server.use(
      http.get(API, ({ request }) => {
        query = Object.fromEntries(new URL(request.url).searchParams);
        return HttpResponse.json({ items: [] });
      }),
    );
    await run(
      declared({
        request: {
          apiEndpoint: API,
          queryWindowInMin: 10,
          queryTimeFormat: 'UnixTimestamp',
          queryParameters: { filter: 'time gt {_QueryWindowStartTime} and time lt {_QueryWindowEndTime}' },
          queryTimeIntervalAttributeName: 'interval',
          queryTimeIntervalPrepend: 'time:',
          queryTimeIntervalDelimiter: '..',
        },
      }),
    );
    const [start, end] = [(NOW - 600_000) / 1000, NOW / 1000];
    expect(query).toEqual({
      filter: `time gt ${start} and time lt ${end}`,
      interval: `time:${start}..${end}`,
    });
  });

  it('takes the events at every eventsJsonPaths path, adds addOnAttributes, and refuses a wrong success status', async () => {
    server.use(
      http.get(API, () =>
        HttpResponse.json({ status: 'success', data: { list: items(0, 2) }, one: { id: 'solo' } }),
      ),
    );
    const { ids } = await run(
      declared({
        response: {
          eventsJsonPaths: ['$.data.list', '$.one'],
          format: 'json',
          successStatusJsonPath: '$.status',
          successStatusValue: 'success',
        },
        addOnAttributes: { Source: 'example' },
      }),
    );
    expect(ids).toEqual(['e0', 'e1', 'solo']);
    expect(ingestion.rows('Custom-Example')[2]).toEqual({ id: 'solo', Source: 'example' });
    ingestion.reset();
    server.use(http.get(API, () => HttpResponse.json({ status: 'error', data: { list: items(0, 2) } })));
    const refused = await run(
      declared({
        response: {
          eventsJsonPaths: ['$.data.list'],
          format: 'json',
          successStatusJsonPath: '$.status',
          successStatusValue: 'success',
        },
      }),
    );
    expect(refused.result.outcome).toBe('failed');
    expect(refused.ids).toEqual([]);
  });

  it.each([
    [{ type: 'Basic', userName: 'u', password: 'p' }, `Basic ${Buffer.from('u:p').toString('base64')}`],
    [{ type: 'APIKey', apiKey: 'k' }, 'token k'],
    [{ type: 'APIKey', apiKey: 'k', apiKeyName: 'X-Key', apiKeyIdentifier: 'Bearer' }, 'Bearer k'],
    [{ type: 'APIKey', apiKey: 'k', apiKeyName: '' }, 'k'],
  ])('auth %j sends %s', async (auth, expected) => {
    let header: string | null = null;
    server.use(
      http.get(API, ({ request }) => {
        header = request.headers.get((auth as { apiKeyName?: string }).apiKeyName || 'authorization');
        return HttpResponse.json({ items: [] });
      }),
    );
    await run(declared({ auth: auth as CcfDeclaration['poller']['auth'] }));
    expect(header).toBe(expected);
  });

  it('OAuth2 client_credentials: fetches a token once, reuses it, and fetches a new one after a 401', async () => {
    const tokenRequests: string[] = [];
    let issued = 0;
    let rejectOnce = true;
    server.use(
      http.post('https://login.example.test/token', async ({ request }) => {
        tokenRequests.push(await request.text());
        issued += 1;
        return HttpResponse.json({ access_token: `tok${issued}`, expires_in: 3600 });
      }),
      http.get(API, ({ request }) => {
        const page = Number(new URL(request.url).searchParams.get('p') ?? 0);
        if (page === 1 && rejectOnce) {
          rejectOnce = false;
          return HttpResponse.json({}, { status: 401 });
        }
        expect(request.headers.get('authorization')).toBe(page === 0 ? 'Bearer tok1' : 'Bearer tok2');
        return HttpResponse.json({ items: items(page, 1), next: page < 2 ? `${API}?p=${page + 1}` : null });
      }),
    );
    const { ids } = await run(
      declared({
        auth: {
          type: 'OAuth2',
          grantType: 'client_credentials',
          clientId: 'id',
          clientSecret: 's3cret',
          tokenEndpoint: 'https://login.example.test/token',
          scope: 'logs.read',
        },
        paging: { pagingType: 'LinkHeader', linkHeaderTokenJsonPath: '$.next' },
      }),
    );
    expect(ids).toEqual(['e0', 'e1', 'e2']);
    expect(tokenRequests).toHaveLength(2);
    expect(Object.fromEntries(new URLSearchParams(tokenRequests[0]))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id',
      client_secret: 's3cret',
      scope: 'logs.read',
    });
  });

  it('JwtToken: posts the key/value credentials as JSON and sends the token at jwtTokenJsonPath as Bearer', async () => {
    let body: unknown;
    server.use(
      http.post('https://login.example.test/jwt', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ auth: { jwt: 'abc.def.ghi' } });
      }),
      http.get(API, ({ request }) => {
        expect(request.headers.get('authorization')).toBe('Bearer abc.def.ghi');
        return HttpResponse.json({ items: items(0, 1) });
      }),
    );
    const { ids } = await run(
      declared({
        auth: {
          type: 'JwtToken',
          tokenEndpoint: 'https://login.example.test/jwt',
          userName: { key: 'user', value: 'u1' },
          password: { key: 'pass', value: 'p1' },
          isJsonRequest: true,
          jwtTokenJsonPath: '$.auth.jwt',
        },
      }),
    );
    expect(body).toEqual({ user: 'u1', pass: 'p1' });
    expect(ids).toEqual(['e0']);
  });

  it('keeps under rateLimitQPS between requests', async () => {
    const at: number[] = [];
    server.use(
      http.get(API, ({ request }) => {
        at.push(performance.now());
        const page = Number(new URL(request.url).searchParams.get('p') ?? 0);
        return HttpResponse.json({ items: items(page, 1), next: page < 3 ? `${API}?p=${page + 1}` : null });
      }),
    );
    await run(
      declared({
        request: { apiEndpoint: API, rateLimitQPS: 10 },
        paging: { pagingType: 'LinkHeader', linkHeaderTokenJsonPath: '$.next' },
      }),
    );
    expect(at).toHaveLength(4);
    // 10 queries per second: requests leave at least 100 ms apart, so the four span 300 ms; they reach
    // the handler with some jitter on a loaded machine, hence the 50 ms allowance.
    expect(at[3] - at[0]).toBeGreaterThanOrEqual(250);
  });
});
