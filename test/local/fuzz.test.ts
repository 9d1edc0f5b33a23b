import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDevToken } from '../../src/local/dev-credential.js';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

/**
 * Generated requests against every route of a running local SOC (UI and Azure endpoints): never a
 * 500, never a crash, and a refused request stores nothing. Bounded (fixed seed, fixed count) so it
 * is a test, not a soak; the figures of a run are in NOTES.md.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const ws =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sentinel-kit-local/providers/Microsoft.OperationalInsights/workspaces/sentinel-kit-local/providers/Microsoft.SecurityInsights';

interface Reply {
  status: number;
  body: string;
}

let soc: LocalSocProcess;
let ca: string;
let functionKey: string;

function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<Reply> {
  const url = new URL(base);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        method,
        path,
        // Framed explicitly: Node sends a DELETE body unframed, and its bytes would then start the
        // next request on the kept-alive connection (a client bug, not the server's).
        headers:
          body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ca,
        setHost: !('host' in headers),
        // The Host header is fuzzed too; the certificate is checked against it otherwise.
        checkServerIdentity: () => undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function snapshot(): Promise<string> {
  const status = JSON.parse((await send(soc.url, 'GET', '/api/status', {})).body) as { tables: unknown };
  const incidents = (await send(soc.url, 'GET', '/api/incidents', {})).body;
  return JSON.stringify([status.tables, incidents]);
}

const segment = fc.oneof(
  fc.constantFrom(
    'x',
    '%E0%A4%A',
    '%2e%2e',
    '..',
    '%00',
    'Custom-SigninLogs',
    'Custom-SecurityIncident',
    'dcr-00000000000000000000000000000000',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const uiPaths = fc.oneof(
  fc.constantFrom(
    '/',
    '/app.js',
    '/app.css',
    '/api/status',
    '/api/incidents',
    '/api/rules',
    '/api/sla',
    '/api/coverage',
    '/api/sandbox',
    '/api/attacks',
    '/api/query',
    '/api/attacks/inject',
  ),
  segment.map((s) => `/api/incidents/${s}`),
  segment.map((s) => `/api/incidents/${s}/status`),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
);
const apiPaths = fc.oneof(
  fc.tuple(segment, segment).map(([d, s]) => `/dataCollectionRules/${d}/streams/${s}?api-version=2023-01-01`),
  segment.map((w) => `/v1/workspaces/${w}/query`),
  fc.constantFrom(
    `${ws}/incidents?api-version=2025-09-01`,
    `${ws.replace('sentinel-kit-local/providers/Microsoft.OperationalInsights', 'other/providers/Microsoft.OperationalInsights')}/incidents?api-version=2025-09-01`,
  ),
  segment.map((i) => `${ws}/incidents/${i}?api-version=2025-09-01`),
  fc
    .tuple(segment, fc.constantFrom('comments', 'tasks', 'entities'), segment)
    .map(([i, kind, id]) => `${ws}/incidents/${i}/${kind}/${id}?api-version=2025-09-01`),
  fc.constantFrom(
    '/msi/token?resource=https://management.azure.com',
    '/sandbox/teams/webhook',
    '/sandbox/defender/api/machines',
    '/api/responders/disable-user',
    '/api/responders/triage',
  ),
  segment.map((u) => `/sandbox/graph/v1.0/users/${u}`),
);
const json = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '[{"TimeGenerated":"bogus","UserPrincipalName":"x"}]',
    '{"query":"print 1"}',
    '{"query":"range x from 1 to 3 step 1 | join (range y from 1 to 3 step 1) on $left.x == $right.y"}',
    '{"properties":{"title":"t","severity":"Catastrophic","status":"New"}}',
    '{"status":"Closed","classification":"Bogus"}',
    '{"id":"nope"}',
    '[1,2]',
    '{',
  ),
);
const body = fc.oneof(json, fc.string({ maxLength: 200 }), fc.constant(''));
// Each header is sent one time in five, so most requests get past the Host and origin checks to
// the handlers behind them.
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const headers = fc
  .record({
    'content-type': fc.oneof(
      fc.constant('application/json'),
      sometimes(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-8',
          '',
        ),
      ),
    ),
    origin: sometimes(fc.constantFrom('https://evil.example', 'null')),
    'sec-fetch-site': sometimes(fc.constantFrom('cross-site', 'same-origin', 'none')),
    'content-encoding': sometimes(fc.constantFrom('gzip', 'br', 'identity')),
    host: sometimes(fc.constantFrom('attacker.example', 'localhost')),
  })
  .map(
    (h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
  );
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');

const statuses = new Map<number, number>();

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sk-fuzz-'));
  soc = await startLocalSocProcess({ dataDir, args: ['--no-demo', '--speed', '1'] });
  ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  functionKey = readFileSync(join(dataDir, 'function-key'), 'utf8').trim();
});

afterAll(() => {
  if (soc?.process.exitCode === null) soc.process.kill('SIGKILL');
  console.log(
    `fuzz: ${[...statuses]
      .sort()
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`,
  );
});

describe('the running local SOC on bad input', () => {
  const json = { 'content-type': 'application/json' };
  it('answers 404 to injecting an unknown attack id, 400 to a malformed escape', async () => {
    expect((await send(soc.url, 'POST', '/api/attacks/inject', json, '{"id":"no-such-attack"}')).status).toBe(
      404,
    );
    expect((await send(soc.url, 'GET', '/api/incidents/%E0%A4%A', {})).status).toBe(400);
  });

  it('refuses a cross-site form post that would close an incident', async () => {
    const reply = await send(
      soc.url,
      'POST',
      '/api/incidents/x/status',
      { 'content-type': 'text/plain', origin: 'https://evil.example' },
      '{"status":"Closed","classification":"FalsePositive"}',
    );
    expect(reply.status).toBe(403);
  });
});

describe('fuzzing every local SOC endpoint', () => {
  it('never answers 500, never crashes, and stores nothing for a refused request', {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        uiPaths,
        apiPaths,
        method,
        headers,
        body,
        fc.boolean(),
        async (toUi, uiPath, apiPath, verb, extra, text, authorized) => {
          const base = toUi ? soc.url : soc.apiUrl;
          const path = toUi ? uiPath : apiPath;
          const port = new URL(base).port;
          const sent: Record<string, string> = { ...extra };
          if ('host' in sent) sent.host = `${sent.host}:${port}`;
          if (!toUi && authorized) {
            sent.authorization = `Bearer ${localDevToken}`;
            sent['x-functions-key'] = functionKey;
          }
          const before = await snapshot();
          const reply = await send(base, verb, path, sent, verb === 'GET' ? undefined : text);
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          expect(reply.status, `${verb} ${path} -> ${reply.body.slice(0, 200)}`).toBeLessThan(500);
          expect(soc.process.exitCode).toBeNull();
          if (reply.status >= 400)
            expect(await snapshot(), `${verb} ${path} changed stored data`).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
