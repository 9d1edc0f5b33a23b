import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/connectors/runner.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { tableToRecords } from '../../src/kql/index.js';
import { type AzuriteTables, startAzuriteTables } from '../../src/local/azurite.js';
import { replayCcfParameters } from '../../src/local/ccf.js';
import { Clock } from '../../src/local/clock.js';
import { Router } from '../../src/local/server/http.js';
import { addLogsIngestionRoutes } from '../../src/local/server/routes/logs-ingestion.js';
import { addManagedIdentityRoutes } from '../../src/local/server/routes/managed-identity.js';
import { close, listen } from '../../src/local/server/serve.js';
import { localhostCertificate, type TlsMaterial } from '../../src/local/server/tls.js';
import { Workspace } from '../../src/local/store/workspace.js';
import { connectorDcrs } from '../../src/local/vendors/dcrs.js';
import {
  type ReplayState,
  replayCredentials,
  replayDelayMs,
  replayStateFile,
  startVendorReplays,
  type VendorReplays,
} from '../../src/local/vendors/server.js';
import { connectorAppSettings } from '../../src/local/vendors/settings.js';
import { startLocalSocProcess } from '../support/local-soc.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runConnectors = fileURLToPath(new URL('./fixtures/run-connectors.ts', import.meta.url));
const runCcf = fileURLToPath(new URL('./fixtures/run-ccf.ts', import.meta.url));
const connectors = ['okta', 'github-audit', 'threatfox'] as const;
const HOUR_MS = 3_600_000;

const sample = (path: string) => JSON.parse(readFileSync(join(root, 'connectors', path), 'utf8'));
const oktaSamples: { uuid: string; published: string }[] = sample('okta/samples/system-log.json');
const githubSamples: { _document_id: string; '@timestamp': number; action: string }[] = sample(
  'github-audit/samples/org-audit-log.json',
);
const threatFoxSamples: { id: string; first_seen: string; last_seen: string | null }[] = sample(
  'threatfox/samples/get-iocs.json',
).data;
const threatFoxMs = (time: string) => Date.parse(time.replace(' ', 'T').replace(' UTC', 'Z'));

/** Sample id → expected re-stamped time: the earliest sample at `startMs`, spacing kept. */
function restamped<T>(samples: T[], id: (s: T) => string, ms: (s: T) => number, startMs: number) {
  const offset = startMs - Math.min(...samples.map(ms));
  return new Map(samples.map((s) => [id(s), ms(s) + offset]));
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

let tls: TlsMaterial;
let certFile: string;
let dataDir: string;
let clock: Clock;
let workspace: Workspace;
let azurite: AzuriteTables;
let apiServer: Server;
let apiUrl: string;
let identityHeader: string;
let vendors: VendorReplays;
let startMs: number;

function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', ca: tls.cert, headers: init.headers, agent: false },
      (res) => {
        let data = '';
        res.on('data', (chunk) => {
          data += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: data ? JSON.parse(data) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

function nextLink(reply: Reply): string | undefined {
  const link = [reply.headers.link ?? []].flat().join(', ');
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
}

const oktaAuth = { authorization: `SSWS ${replayCredentials.okta}` };
const githubAuth = { authorization: `Bearer ${replayCredentials['github-audit']}` };

/** Follows Okta's rel="next" links until the empty page a caught-up poller gets. */
async function oktaPoll(origin: string, query: string): Promise<{ pages: number[]; events: any[] }> {
  const pages: number[] = [];
  const events: any[] = [];
  let url: string | undefined = `${origin}/api/v1/logs?${query}`;
  while (url) {
    const reply = await call(url, { headers: oktaAuth });
    expect(reply.status).toBe(200);
    pages.push(reply.body.length);
    events.push(...reply.body);
    url = reply.body.length > 0 ? nextLink(reply) : undefined;
    if (reply.body.length === 0) expect(nextLink(reply)).toBeDefined();
  }
  return { pages, events };
}

/** The app settings a connector child process gets: the local endpoints, identity and connector settings. */
function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_EXTRA_CA_CERTS: certFile,
    IDENTITY_ENDPOINT: `${apiUrl}/msi/token`,
    IDENTITY_HEADER: identityHeader,
    LOGS_INGESTION_ENDPOINT: apiUrl,
    ...connectorAppSettings(vendors.settings, azurite.connectionString, {}).settings,
  };
}

/** Runs the connectors in a child process, as the Functions timers would, against the local endpoints. */
function runInChild(): Promise<RunResult[]> {
  const env = childEnv();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', runConnectors, ...connectors],
      { cwd: root, env },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

function rows(table: string): Record<string, unknown>[] {
  const data = workspace.table(table);
  return data ? tableToRecords(data) : [];
}

function startReplays(): Promise<VendorReplays> {
  return startVendorReplays({ root, dataDir, tls, clock, log: () => {} });
}

beforeAll(async () => {
  tls = await localhostCertificate();
  const dir = mkdtempSync(join(tmpdir(), 'sk-connectors-'));
  certFile = join(dir, 'cert.pem');
  writeFileSync(certFile, tls.cert);
  dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  // A replay first started four hours ago: every sample is published by now, and all ThreatFox IOCs
  // are within the connector's one-day window.
  const state: ReplayState = { startedAt: new Date(Date.now() - 4 * HOUR_MS).toISOString(), port: 0 };
  writeFileSync(join(dataDir, replayStateFile), JSON.stringify(state));
  startMs = Date.parse(state.startedAt) + replayDelayMs;
  clock = new Clock();
  workspace = new Workspace(join(dir, 'workspace'), loadCatalog(root));
  azurite = await startAzuriteTables({ location: join(dir, 'azurite') });
  identityHeader = randomBytes(16).toString('hex');
  const router = new Router();
  addLogsIngestionRoutes(
    router,
    connectorDcrs(root, () => {}),
    workspace,
    clock,
  );
  addManagedIdentityRoutes(router, identityHeader);
  const api = await listen(router, 0, () => {}, { tls });
  apiServer = api.server;
  apiUrl = `https://127.0.0.1:${api.port}`;
  vendors = await startReplays();
});

afterAll(async () => {
  await Promise.all([apiServer, vendors?.server].filter(Boolean).map((s) => close(s as Server)));
  await azurite?.stop();
  workspace?.close();
});

describe('local connector DCRs', () => {
  it('declare each connector stream with its transform and custom table', () => {
    const dcrs = connectorDcrs(root, () => {});
    expect([...dcrs.keys()].sort()).toEqual([
      'dcr-local-github-audit',
      'dcr-local-github-audit-ccf',
      'dcr-local-okta',
      'dcr-local-threatfox',
    ]);
    // The CCF GitHub poller's own DCR lands in the same table.
    expect(dcrs.get('dcr-local-github-audit-ccf')?.streams.get('Custom-GitHubAuditCcf')?.outputTable).toBe(
      'GitHubAudit_CL',
    );
    const okta = dcrs.get('dcr-local-okta')?.streams.get('Custom-Okta');
    expect(okta?.outputTable).toBe('Okta_CL');
    expect(okta?.transformKql).toContain('TimeGenerated = todatetime(published)');
    expect(okta?.columns.find((c) => c.name === 'actor')?.type).toBe('dynamic');
  });
});

describe('Okta System Log replay', () => {
  it('refuses requests without the SSWS token', async () => {
    const missing = await call(`${vendors.url}/api/v1/logs`);
    expect(missing.status).toBe(401);
    expect(missing.body.errorCode).toBe('E0000011');
    const bearer = await call(`${vendors.url}/api/v1/logs`, {
      headers: { authorization: `Bearer ${replayCredentials.okta}` },
    });
    expect(bearer.status).toBe(401);
  });

  it('pages with since, limit and rel="next" after-cursors, the samples re-stamped in ascending order', async () => {
    const since = new Date(startMs - HOUR_MS).toISOString();
    const { pages, events } = await oktaPoll(vendors.url, `since=${since}&limit=2&sortOrder=ASCENDING`);
    expect(pages).toEqual([2, 2, 1, 0]);
    const expected = restamped(
      oktaSamples,
      (s) => s.uuid,
      (s) => Date.parse(s.published),
      startMs,
    );
    expect(events.map((e) => e.uuid)).toEqual([...expected].sort((a, b) => a[1] - b[1]).map(([id]) => id));
    for (const e of events) expect(Date.parse(e.published)).toBe(expected.get(e.uuid));
    const later = await call(
      `${vendors.url}/api/v1/logs?since=${encodeURIComponent(events[3].published)}&limit=10`,
      { headers: oktaAuth },
    );
    expect(later.body.map((e: { uuid: string }) => e.uuid)).toEqual([events[3].uuid, events[4].uuid]);
  });

  it('serves only what the simulated clock has reached', async () => {
    const fresh = join(mkdtempSync(join(tmpdir(), 'sk-replay-')), replayStateFile);
    // Started four minutes ago: samples from three minutes ago on, the Okta ones spread over seven.
    writeFileSync(
      fresh,
      JSON.stringify({ startedAt: new Date(Date.now() - 4 * 60_000).toISOString(), port: 0 }),
    );
    const replay = await startVendorReplays({
      root,
      dataDir: join(fresh, '..'),
      tls,
      clock: new Clock(),
      log: () => {},
    });
    try {
      const reply = await call(`${replay.url}/api/v1/logs?since=2000-01-01T00:00:00Z`, { headers: oktaAuth });
      const times = oktaSamples.map((s) => Date.parse(s.published));
      const offsets = times.map((ms) => ms - Math.min(...times));
      expect(reply.body).toHaveLength(offsets.filter((ms) => ms <= 3 * 60_000).length);
      expect(reply.body.length).toBeLessThan(oktaSamples.length);
    } finally {
      await close(replay.server);
    }
  });
});

describe('GitHub audit log replay', () => {
  const auditLog = (query: string, org = 'contoso-eng') => `${vendors.url}/orgs/${org}/audit-log?${query}`;

  it('refuses a request without the bearer token and answers 404 for an unknown org', async () => {
    const unauthorized = await call(auditLog(''));
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.message).toBe('Bad credentials');
    expect((await call(auditLog('', 'fabrikam'), { headers: githubAuth })).status).toBe(404);
  });

  it('filters by include and created:>=, and pages with rel="next" only while events remain', async () => {
    const web = await call(auditLog(''), { headers: githubAuth });
    expect(web.body.map((e: { action: string }) => e.action)).not.toContain('git.clone');
    expect(web.body).toHaveLength(githubSamples.filter((s) => !s.action.startsWith('git.')).length);

    const since = new Date(startMs - HOUR_MS).toISOString().replace(/\.\d+Z$/, '+00:00');
    let url: string | undefined = auditLog(
      `phrase=${encodeURIComponent(`created:>=${since}`)}&include=all&order=asc&per_page=2`,
    );
    const seen: { _document_id: string; '@timestamp': number }[] = [];
    const pageSizes: number[] = [];
    while (url) {
      const reply = await call(url, { headers: githubAuth });
      expect(reply.status).toBe(200);
      pageSizes.push(reply.body.length);
      seen.push(...reply.body);
      url = nextLink(reply);
    }
    expect(pageSizes).toEqual([2, 2, 1]);
    const expected = restamped(
      githubSamples,
      (s) => s._document_id,
      (s) => s['@timestamp'],
      startMs,
    );
    expect(new Set(seen.map((e) => e._document_id))).toEqual(new Set(expected.keys()));
    for (const e of seen) expect(e['@timestamp']).toBe(expected.get(e._document_id));

    const newest = Math.max(...expected.values());
    const after = new Date(newest).toISOString();
    const recent = await call(auditLog(`phrase=${encodeURIComponent(`created:>=${after}`)}&include=all`), {
      headers: githubAuth,
    });
    expect(recent.body.every((e: { '@timestamp': number }) => e['@timestamp'] >= newest)).toBe(true);
    expect(recent.body.length).toBeGreaterThan(0);
  });

  it('refuses a phrase qualifier it does not implement rather than ignoring it', async () => {
    const reply = await call(auditLog('phrase=repo:contoso-eng/payments-service'), { headers: githubAuth });
    expect(reply.status).toBe(422);
  });
});

describe('ThreatFox replay', () => {
  const threatFox = () => `${vendors.url}/api/v1/`;

  it('refuses a request without the Auth-Key header', async () => {
    const reply = await call(threatFox(), { method: 'POST', body: { query: 'get_iocs', days: 1 } });
    expect(reply.status).toBe(401);
    expect(reply.body.query_status).toBe('unknown_auth_key');
  });

  it('answers get_iocs with the re-stamped IOCs first seen within `days`, newest first', async () => {
    const reply = await call(threatFox(), {
      method: 'POST',
      headers: { 'auth-key': replayCredentials.threatfox, 'content-type': 'application/json' },
      body: { query: 'get_iocs', days: 1 },
    });
    expect(reply.body.query_status).toBe('ok');
    const expected = restamped(
      threatFoxSamples,
      (s) => s.id,
      (s) => threatFoxMs(s.first_seen),
      startMs,
    );
    const firstSeen = reply.body.data.map((ioc: { first_seen: string }) => threatFoxMs(ioc.first_seen));
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => b - a));
    for (const ioc of reply.body.data) {
      // ThreatFox times have whole seconds.
      expect(threatFoxMs(ioc.first_seen)).toBe(Math.floor((expected.get(ioc.id) as number) / 1000) * 1000);
    }
    expect(reply.body.data.map((ioc: { id: string }) => ioc.id).sort()).toEqual([...expected.keys()].sort());
  });
});

describe('connectors against the replays, through the local Logs Ingestion endpoint', () => {
  const tables = { okta: 'Okta_CL', 'github-audit': 'GitHubAudit_CL', threatfox: 'ThreatIntelFeed_CL' };

  it('ingest every sample once, re-stamped, into the connector tables', async () => {
    const results = await runInChild();
    expect(results.map((r) => [r.connector, r.outcome, r.sent])).toEqual([
      ['okta', 'completed', oktaSamples.length],
      ['github-audit', 'completed', githubSamples.length],
      ['threatfox', 'completed', threatFoxSamples.length],
    ]);
    const okta = restamped(
      oktaSamples,
      (s) => s.uuid,
      (s) => Date.parse(s.published),
      startMs,
    );
    const oktaRows = rows(tables.okta);
    expect(oktaRows.map((r) => r.EventId).sort()).toEqual([...okta.keys()].sort());
    for (const r of oktaRows)
      expect(Date.parse(r.TimeGenerated as string)).toBe(okta.get(r.EventId as string));

    const github = restamped(
      githubSamples,
      (s) => s._document_id,
      (s) => s['@timestamp'],
      startMs,
    );
    const githubRows = rows(tables['github-audit']);
    expect(githubRows).toHaveLength(githubSamples.length);
    for (const r of githubRows)
      expect(Date.parse(r.TimeGenerated as string)).toBe(github.get(r.DocumentId as string));

    // TimeGenerated is the IOC's last modification: last_seen, or first_seen when never seen again.
    const offset = startMs - Math.min(...threatFoxSamples.map((s) => threatFoxMs(s.first_seen)));
    const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
    const threatRows = rows(tables.threatfox);
    expect(threatRows.map((r) => r.IndicatorId).sort()).toEqual(
      threatFoxSamples.map((s) => `threatfox:${s.id}`).sort(),
    );
    for (const s of threatFoxSamples) {
      const row = threatRows.find((r) => r.IndicatorId === `threatfox:${s.id}`);
      const modified = threatFoxMs(s.last_seen ?? s.first_seen) + offset;
      expect(Date.parse(row?.TimeGenerated as string)).toBe(wholeSecond(modified));
    }
  });

  it('ingest nothing new on the next run: the checkpoints hold', async () => {
    const counts = connectors.map((name) => rows(tables[name]).length);
    const results = await runInChild();
    expect(results.map((r) => [r.outcome, r.sent])).toEqual(connectors.map(() => ['completed', 0]));
    expect(connectors.map((name) => rows(tables[name]).length)).toEqual(counts);
  });

  it('see the same ids and times after the replay restarts, and still ingest nothing new', async () => {
    const since = new Date(startMs - HOUR_MS).toISOString();
    const before = (await oktaPoll(vendors.url, `since=${since}`)).events;
    const url = vendors.url;
    await close(vendors.server);
    vendors = await startReplays();
    expect(vendors.url).toBe(url);
    expect((await oktaPoll(vendors.url, `since=${since}`)).events).toEqual(before);

    const counts = connectors.map((name) => rows(tables[name]).length);
    const results = await runInChild();
    expect(results.map((r) => r.sent)).toEqual([0, 0, 0]);
    expect(connectors.map((name) => rows(tables[name]).length)).toEqual(counts);
  });
});

/** Runs the CCF pollers in a child process, as the local SOC's CcfTimers do, once per simulated now. */
function runCcfInChild(names: string[], nows: number[]): Promise<RunResult[]> {
  const env: NodeJS.ProcessEnv = {
    ...childEnv(),
    GITHUB_AUDIT_CCF_DCR_IMMUTABLE_ID: 'dcr-local-github-audit-ccf',
    CCF_PARAMETERS: JSON.stringify(replayCcfParameters(vendors.settings)),
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', runCcf, names.join(','), ...nows.map(String)],
      { cwd: root, env },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

describe('CCF pollers against the replays, through the local Logs Ingestion endpoint', () => {
  it('read the query windows up to now and land every sample once more, through their DCRs', async () => {
    const oktaBefore = rows('Okta_CL');
    const githubBefore = rows('GitHubAudit_CL').length;
    // A first poll four minutes after the replay's start (its window starts a minute before it),
    // then one that catches up 5-minute window by window past the last sample.
    const results = await runCcfInChild(
      ['okta', 'github-audit'],
      [startMs + 4 * 60_000, startMs + 20 * 60_000],
    );
    expect(results.map((r) => r.outcome)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const sent = (name: string) =>
      results.filter((r) => r.connector === name).reduce((n, r) => n + r.sent, 0);
    expect([sent('okta'), sent('github-audit')]).toEqual([oktaSamples.length, githubSamples.length]);

    // Okta: the raw events through the same DCR as the Functions connector, so the same rows again.
    const okta = restamped(
      oktaSamples,
      (s) => s.uuid,
      (s) => Date.parse(s.published),
      startMs,
    );
    const added = rows('Okta_CL').slice(oktaBefore.length);
    expect(added.map((r) => r.EventId).sort()).toEqual([...okta.keys()].sort());
    for (const r of added) expect(Date.parse(r.TimeGenerated as string)).toBe(okta.get(r.EventId as string));

    // GitHub: the CCF DCR fills the same table; _document_id is not a stream column (see README).
    const github = restamped(
      githubSamples,
      (s) => s.action,
      (s) => s['@timestamp'],
      startMs,
    );
    const ccfRows = rows('GitHubAudit_CL').slice(githubBefore);
    expect(ccfRows).toHaveLength(githubSamples.length);
    for (const r of ccfRows) {
      expect(r.DocumentId).toBe('');
      expect(Date.parse(r.TimeGenerated as string)).toBe(github.get(r.Action as string));
    }
  });
});

describe('connector app settings in the local SOC', () => {
  const replays = {
    okta: { OKTA_ORG_URL: 'https://127.0.0.1:1', OKTA_API_TOKEN: 'local' },
    'github-audit': { GITHUB_AUDIT_API_URL: 'https://127.0.0.1:1', GITHUB_AUDIT_TOKEN: 'local' },
    threatfox: { THREATFOX_API_URL: 'https://127.0.0.1:1/api/v1/', THREATFOX_AUTH_KEY: 'local' },
  };

  it('point every connector at its replay by default, rows to its local DCR', () => {
    const { settings, realApis } = connectorAppSettings(replays, 'UseDevelopmentStorage=true', {});
    expect(realApis).toEqual([]);
    expect(settings).toMatchObject({
      ...replays.okta,
      ...replays.threatfox,
      OKTA_DCR_IMMUTABLE_ID: 'dcr-local-okta',
      GITHUB_AUDIT_DCR_IMMUTABLE_ID: 'dcr-local-github-audit',
      THREATFOX_DCR_IMMUTABLE_ID: 'dcr-local-threatfox',
      CONNECTOR_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
  });

  it('leave a connector the user configured on its real API, without overriding their settings', () => {
    const { settings, realApis, summary } = connectorAppSettings(replays, 'UseDevelopmentStorage=true', {
      OKTA_ORG_URL: 'https://contoso.okta.com',
    });
    expect(realApis).toEqual(['okta']);
    expect(settings).not.toHaveProperty('OKTA_ORG_URL');
    expect(settings).not.toHaveProperty('OKTA_API_TOKEN');
    expect(settings.OKTA_DCR_IMMUTABLE_ID).toBe('dcr-local-okta');
    expect(settings.THREATFOX_API_URL).toBe(replays.threatfox.THREATFOX_API_URL);
    expect(summary).toMatch(/okta ← real API/);
  });
});

describe('the local SOC', () => {
  let soc: ChildProcess | undefined;
  afterAll(() => {
    if (soc?.exitCode === null) soc.kill('SIGKILL');
  });

  // Starting the whole SOC (rules, Azurite, Functions host) takes several seconds on 2 cores.
  it('runs the connector timers against the replays and fills their tables', {
    timeout: 120_000,
  }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (/^(OKTA|GITHUB_AUDIT|THREATFOX)_/.test(name)) delete env[name];
    // Every 5 simulated minutes rather than hourly, so ThreatFox's first replayed IOCs come in quickly.
    env.THREATFOX_SCHEDULE = '0 */5 * * * *';
    const started = await startLocalSocProcess({
      dataDir: mkdtempSync(join(tmpdir(), 'sk-soc-connectors-')),
      // Okta on the local CCF poller (connectors/okta/ccf), the others on their Functions timers.
      args: ['--speed', '600', '--no-demo', '--ccf', 'okta'],
      env,
    });
    soc = started.process;
    let status: any;
    for (let attempt = 0; attempt < 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await (await fetch(`${started.url}/api/status`)).json();
      const t = status.tables;
      // A timer's run counter goes up when its invocation returns, which can be after its rows landed.
      const timersDone = status.timers.every(
        (timer: { name: string; runs: number }) => timer.name === 'okta' || timer.runs > 0,
      );
      if (
        t.Okta_CL === oktaSamples.length &&
        t.GitHubAudit_CL === githubSamples.length &&
        t.ThreatIntelFeed_CL > 0 &&
        timersDone
      )
        break;
    }
    expect(started.output()).toContain('okta ← sample replay');
    expect(status?.tables).toMatchObject({
      Okta_CL: oktaSamples.length,
      GitHubAudit_CL: githubSamples.length,
    });
    expect(status.tables.ThreatIntelFeed_CL).toBeGreaterThan(0);
    const timers = Object.fromEntries(status.timers.map((t: { name: string }) => [t.name, t]));
    for (const name of connectors.filter((c) => c !== 'okta')) {
      expect(timers[name].runs).toBeGreaterThan(0);
      expect(timers[name].lastError).toBeUndefined();
    }
    // AzureWebJobs.okta.Disabled: the Okta rows came from the CCF poller alone, each once.
    expect(started.output()).toContain('connectors on the CCF poller: okta');
    expect(timers.okta.runs).toBe(0);
    const exited = new Promise((resolve) => started.process.once('exit', resolve));
    started.process.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
