import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseDateTime, parseTimespan } from '../../../src/kql/values/index.js';
import { AdxCluster } from '../../../src/query/adx/cluster.js';
import { queryV2Frames } from '../../support/adx.js';

const CLUSTER = 'https://mycluster.westeurope.kusto.windows.net';
const QUERY_URL = `${CLUSTER}/v2/rest/query`;

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: 'test-token',
    expiresOnTimestamp: Date.now() + 3_600_000,
  }),
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const cluster = () => new AdxCluster(`${CLUSTER}/`, 'Sentinel', { credential, maxRetries: 2 });

const COLUMNS: [string, string][] = [
  ['IPAddress', 'string'],
  ['Failures', 'long'],
  ['LastSeen', 'datetime'],
  ['Span', 'timespan'],
  ['Details', 'dynamic'],
];
const frames = (rows: unknown[], completion?: Record<string, unknown>) =>
  queryV2Frames(COLUMNS, rows, completion);

const ROW = ['203.0.113.5', 10, '2026-01-10T11:37:00Z', '01:30:00', { city: 'Paris' }];

describe('Azure Data Explorer Query V2', () => {
  it('posts {db, csl, properties} with a bearer token for the cluster and reads the primary result', async () => {
    let seen: { body: unknown; auth: string | null; type: string | null } | undefined;
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        seen = {
          body: await request.json(),
          auth: request.headers.get('authorization'),
          type: request.headers.get('content-type'),
        };
        return HttpResponse.json(frames([ROW]));
      }),
    );
    const table = await cluster().query('SigninLogs | take 1');
    expect(seen?.auth).toBe('Bearer test-token');
    expect(seen?.type).toBe('application/json; charset=utf-8');
    expect(seen?.body).toMatchObject({ db: 'Sentinel', csl: 'SigninLogs | take 1' });
    expect(table.columns.map((c) => c.type)).toEqual(['string', 'long', 'datetime', 'timespan', 'dynamic']);
    expect(table.rows).toEqual([
      [
        '203.0.113.5',
        10,
        parseDateTime('2026-01-10T11:37:00Z'),
        parseTimespan('01:30:00'),
        { city: 'Paris' },
      ],
    ]);
  });

  it('refuses a 200 response whose DataSetCompletion reports errors (e.g. a truncated result)', async () => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json(
          frames([ROW], {
            HasErrors: true,
            Cancelled: false,
            OneApiErrors: [
              {
                error: {
                  code: 'LimitsExceeded',
                  message: 'Request is invalid and cannot be executed.',
                  '@message':
                    'Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE).',
                },
              },
            ],
          }),
        ),
      ),
    );
    await expect(cluster().query('T')).rejects.toMatchObject({
      kind: 'partial',
      message: expect.stringContaining('E_QUERY_RESULT_SET_TOO_LARGE'),
    });
  });

  it('refuses a result with an error in place of a row', async () => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json(
          frames([ROW, { OneApiErrors: [{ error: { code: 'E_RUNAWAY_QUERY', message: 'runaway query' } }] }]),
        ),
      ),
    );
    await expect(cluster().query('T')).rejects.toMatchObject({
      kind: 'partial',
      message: expect.stringContaining('runaway query'),
    });
  });

  it('refuses a response cut before DataSetCompletion', async () => {
    server.use(http.post(QUERY_URL, () => HttpResponse.json(frames([ROW]).slice(0, 3))));
    await expect(cluster().query('T')).rejects.toMatchObject({ kind: 'partial' });
  });

  it('retries a 429 after Retry-After and then succeeds', async () => {
    let calls = 0;
    server.use(
      http.post(QUERY_URL, () => {
        calls++;
        if (calls === 1) {
          return HttpResponse.json(
            { error: { code: 'Too many requests', message: 'throttled' } },
            { status: 429, headers: { 'Retry-After': '0' } },
          );
        }
        return HttpResponse.json(frames([ROW]));
      }),
    );
    const table = await cluster().query('T');
    expect(calls).toBe(2);
    expect(table.rows).toHaveLength(1);
  });

  it('says which role is missing on 403, with the service message', async () => {
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json(
          {
            error: {
              code: 'Forbidden',
              message: 'Caller is not authorized',
              '@message': 'Principal is not authorized to access database Sentinel',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(cluster().query('T')).rejects.toMatchObject({
      kind: 'forbidden',
      message: expect.stringMatching(/Viewer.*Principal is not authorized/),
    });
  });

  it('refuses a cluster that is not an https URI', () => {
    expect(() => new AdxCluster('http://mycluster.kusto.windows.net', 'db', { credential })).toThrow(
      /https URI/,
    );
    expect(() => new AdxCluster('mycluster', 'db', { credential })).toThrow(/https URI/);
  });
});
