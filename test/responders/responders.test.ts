import { randomUUID } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BlockIpDeps, blockIps } from '../../src/responders/blockIp.js';
import { disableUsers } from '../../src/responders/disableUser.js';
import { enrichIncident } from '../../src/responders/enrich.js';
import { GraphClient } from '../../src/responders/graph.js';
import { isolateDevices } from '../../src/responders/isolateDevice.js';
import { notifyTeams } from '../../src/responders/notify.js';
import { parseTriagePlan, triageIncident } from '../../src/responders/triage.js';
import { parseIncidentTrigger } from '../../src/sentinel/trigger.js';
import { type AzuriteTable, startAzuriteTable } from '../support/azurite.js';
import {
  alice,
  clients,
  type EntityInit,
  GRAPH,
  host,
  incident,
  ip,
  LOGS,
  MDE,
  type MockServer,
  NAMED_LOCATION,
  newIncidentId,
  startServer,
  TEAMS,
  triggerBody,
  WORKSPACE_ID,
  World,
} from '../support/responders.js';

let azurite: AzuriteTable;
let server: MockServer;
let world: World;
let c: ReturnType<typeof clients>;

beforeAll(async () => {
  azurite = await startAzuriteTable();
  server = startServer(() => world);
  c = clients(azurite);
});
afterAll(async () => {
  server?.close();
  await azurite?.stop();
});
beforeEach(() => {
  world = new World();
  server.resetHandlers();
});

const disableDeps = () => ({ sentinel: c.sentinel, ledger: c.ledger, graph: c.graph });

describe('enrich', () => {
  it('comments with TI reputation and sign-in summaries from Logs Query', async () => {
    world.ti.set('203.0.113.5', { Indicators: 2, MaxConfidence: 90, Sources: ['Feed A'] });
    world.signIns.push({
      UserPrincipalName: 'alice@contoso.com',
      UserId: '9f0e1d2c-3b4a-4596-8877-665544332211',
      SignIns: 12,
      Failures: 10,
      Countries: ['NL', 'US'],
    });
    const result = await enrichIncident(incident([ip, alice]), { ...c, logs: c.logs });
    expect(result.actions).toMatchObject([{ action: 'enrich', outcome: 'done' }]);
    expect(world.count('POST', `/v1/workspaces/${WORKSPACE_ID}/query`)).toBe(2);
    expect(world.requests.every((r) => r.url.origin !== LOGS || r.url.pathname.startsWith('/v1/'))).toBe(
      true,
    );
    const [comment] = [...world.comments.values()];
    expect(comment).toContain('203.0.113.5: 2 active indicator(s), max confidence 90, sources Feed A');
    expect(comment).toContain('alice@contoso.com: 12 sign-in(s), 10 failed, countries NL, US');
  });

  it('keeps hostile entity values inside escaped KQL string literals', async () => {
    const name = 'ev"il\\" | take 1\n| union SecurityEvent';
    const hostile: EntityInit = {
      kind: 'Account',
      properties: { accountName: name, upnSuffix: 'contoso.com' },
    };
    await enrichIncident(incident([hostile]), { ...c, logs: c.logs });
    const { query } = world.requests.find((r) => r.url.origin === LOGS)!.body as { query: string };
    const literal = /UserPrincipalName in~ \(("(?:[^"\\\n]|\\.)*")\)/.exec(query);
    expect(literal).not.toBeNull();
    // Undo the documented escapes: the literal denotes exactly the entity value, nothing leaked out of it.
    const decoded = literal![1]
      .slice(1, -1)
      .replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch);
    expect(decoded).toBe(`${name}@contoso.com`);
    expect(query.split('\n')).toHaveLength(4);
  });

  it('skips without outbound calls when the incident has no IP or account entities', async () => {
    const result = await enrichIncident(incident([host]), { ...c, logs: c.logs });
    expect(result.actions).toMatchObject([{ outcome: 'skipped' }]);
    expect(world.outbound()).toHaveLength(0);
  });
});

describe('disable user', () => {
  it('disables the account, revokes sessions and leaves one audit comment', async () => {
    const result = await disableUsers(incident([alice]), disableDeps());
    expect(result.actions).toMatchObject([{ action: 'disable-user', outcome: 'done' }]);
    const patch = world.requests.find((r) => r.method === 'PATCH' && r.url.origin === GRAPH);
    expect(patch?.url.pathname).toBe('/v1.0/users/9f0e1d2c-3b4a-4596-8877-665544332211');
    expect(patch?.body).toEqual({ accountEnabled: false });
    expect(world.count('POST', '/revokeSignInSessions')).toBe(1);
    expect([...world.comments.values()]).toEqual([
      expect.stringContaining('Disabled Entra user alice@contoso.com'),
    ]);
  });

  it('never disables a protected account', async () => {
    const result = await disableUsers(incident([alice]), {
      ...disableDeps(),
      protectedAccounts: ['ALICE@contoso.com'],
    });
    expect(result.actions).toMatchObject([{ outcome: 'skipped', detail: 'protected account' }]);
    expect(world.outbound()).toHaveLength(0);
  });

  it('5 concurrent duplicate triggers: exactly one PATCH, one revoke, one comment', async () => {
    const target = incident([alice]);
    const results = await Promise.all(Array.from({ length: 5 }, () => disableUsers(target, disableDeps())));
    const outcomes = results.map((r) => r.actions[0].outcome).sort();
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(1);
    expect(outcomes.every((o) => ['done', 'in-progress', 'already-done'].includes(o))).toBe(true);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(1);
    expect(world.count('POST', '/revokeSignInSessions')).toBe(1);
    expect(world.count('PUT', '/comments/')).toBe(1);
    const again = await disableUsers(target, disableDeps());
    expect(again.actions).toMatchObject([{ outcome: 'already-done' }]);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(1);
  });

  it('403 fails without retrying, is recorded, and a later trigger acts exactly once', async () => {
    server.use(
      http.patch(`${GRAPH}/v1.0/users/:user`, () =>
        HttpResponse.json(
          { error: { code: 'Authorization_RequestDenied', message: 'token abc' } },
          { status: 403 },
        ),
      ),
    );
    const target = incident([alice]);
    const first = await disableUsers(target, disableDeps());
    expect(first.actions).toMatchObject([
      { outcome: 'failed', transient: false, error: 'Graph 403 Authorization_RequestDenied' },
    ]);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(1);
    expect(world.comments.size).toBe(0);
    server.resetHandlers();
    const second = await disableUsers(target, disableDeps());
    expect(second.actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.count('POST', '/revokeSignInSessions')).toBe(1);
    expect(world.comments.size).toBe(1);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    let calls = 0;
    server.use(
      http.patch(`${GRAPH}/v1.0/users/:user`, () =>
        ++calls === 1
          ? HttpResponse.json(
              { error: { code: 'TooManyRequests' } },
              { status: 429, headers: { 'Retry-After': '1' } },
            )
          : new HttpResponse(null, { status: 204 }),
      ),
    );
    const started = performance.now();
    const result = await disableUsers(incident([alice]), disableDeps());
    expect(result.actions).toMatchObject([{ outcome: 'done' }]);
    expect(calls).toBe(2);
    // Retry-After: 1 means one second; the retry must not come earlier (a correctness bound, not a speed goal).
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('503 twice then success: retried inside one trigger, one effective action', async () => {
    let calls = 0;
    server.use(
      http.post(`${GRAPH}/v1.0/users/:user/revokeSignInSessions`, () =>
        ++calls <= 2 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ value: true }),
      ),
    );
    const result = await disableUsers(incident([alice]), disableDeps());
    expect(result.actions).toMatchObject([{ outcome: 'done' }]);
    expect(calls).toBe(3);
    expect(world.comments.size).toBe(1);
  });

  it('503 beyond the retries: failed (transient), then completed by the next trigger with no loss', async () => {
    server.use(http.patch(`${GRAPH}/v1.0/users/:user`, () => new HttpResponse(null, { status: 503 })));
    const target = incident([alice]);
    const first = await disableUsers(target, disableDeps());
    expect(first.actions).toMatchObject([{ outcome: 'failed', transient: true, error: 'Graph 503' }]);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(4); // 1 + 3 retries
    server.resetHandlers();
    const second = await disableUsers(target, disableDeps());
    expect(second.actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.count('POST', '/revokeSignInSessions')).toBe(1);
    expect(world.comments.size).toBe(1);
  });

  it('a comment failure after acting retries only the comment, never the action', async () => {
    server.use(http.put(/\/comments\//, () => new HttpResponse(null, { status: 500 })));
    const target = incident([alice]);
    const first = await disableUsers(target, disableDeps());
    expect(first.actions).toMatchObject([{ outcome: 'failed', error: 'SecurityInsights 500' }]);
    server.resetHandlers();
    const second = await disableUsers(target, disableDeps());
    expect(second.actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.count('PATCH', '/v1.0/users/')).toBe(1);
    expect(world.count('POST', '/revokeSignInSessions')).toBe(1);
    expect(world.comments.size).toBe(1);
  });

  describe('permissions checked before the first call', () => {
    const jwt = (roles: string[]) =>
      ['{"alg":"none"}', JSON.stringify({ aud: GRAPH, roles })]
        .map((part) => Buffer.from(part).toString('base64url'))
        .concat('sig')
        .join('.');
    const graphAs = (roles: string[]) =>
      new GraphClient({
        endpoint: GRAPH,
        credential: {
          getToken: async () => ({ token: jwt(roles), expiresOnTimestamp: Date.now() + 3_600_000 }),
        },
        retry: { maxRetries: 0 },
      });

    it('refuses before disabling when the token lacks User.RevokeSessions.All', async () => {
      const result = await disableUsers(incident([alice]), {
        ...disableDeps(),
        graph: graphAs(['User.EnableDisableAccount.All', 'User.Read.All', 'User.ReadWrite.All']),
      });
      expect(result.actions).toMatchObject([
        {
          outcome: 'failed',
          transient: false,
          error: 'Graph application permission missing: User.RevokeSessions.All (nothing was changed)',
        },
      ]);
      expect(world.count('PATCH', '/v1.0/users/')).toBe(0);
    });

    it('acts with the documented least-privileged set', async () => {
      const result = await disableUsers(incident([alice]), {
        ...disableDeps(),
        graph: graphAs(['User.EnableDisableAccount.All', 'User.Read.All', 'User.RevokeSessions.All']),
      });
      expect(result.actions).toMatchObject([{ outcome: 'done' }]);
      expect(world.count('POST', '/revokeSignInSessions')).toBe(1);
    });
  });

  it('encodes a hostile UPN as one path segment', async () => {
    const hostile: EntityInit = {
      kind: 'Account',
      properties: { accountName: "bob'/../me?x=1#|\nz", upnSuffix: 'contoso.com' },
    };
    await disableUsers(incident([hostile]), disableDeps());
    const patch = world.requests.find((r) => r.method === 'PATCH');
    expect(patch?.url.pathname).toBe(`/v1.0/users/${encodeURIComponent("bob'/../me?x=1#|\nz@contoso.com")}`);
    expect(patch?.url.search).toBe('');
  });
});

describe('isolate device', () => {
  const deps = () => ({
    sentinel: c.sentinel,
    ledger: c.ledger,
    defender: c.defender,
    pollIntervalMs: 5,
    maxWaitMs: 300,
  });
  const DEVICE_ID = '24c222b0b60fe148eeece49ac83910cc6a7ef491';

  it('finds the machine by DNS name and requests full isolation once under 5 concurrent triggers', async () => {
    world.machines.push({ id: 'm-1', computerDnsName: 'ws-042.contoso.com' });
    const target = incident([host]);
    const results = await Promise.all(Array.from({ length: 5 }, () => isolateDevices(target, deps())));
    expect(results.flatMap((r) => r.actions).filter((a) => a.outcome === 'done')).toHaveLength(1);
    expect(world.count('POST', '/api/machines/m-1/isolate')).toBe(1);
    const isolate = world.requests.find((r) => r.url.pathname.endsWith('/isolate'));
    expect(isolate?.body).toEqual({
      Comment: 'sentinel-kit: isolated for incident 42',
      IsolationType: 'Full',
    });
    expect(world.count('PUT', '/comments/')).toBe(1);
  });

  // POST .../isolate answers 201 with the machine action Pending
  // (https://learn.microsoft.com/defender-endpoint/api/isolate-machine).
  it('FAULT: a 201 with a Pending action is not done: followed to Succeeded before reporting done', async () => {
    world.machines.push({ id: 'm-1', computerDnsName: 'ws-042.contoso.com' });
    world.isolationStatuses = ['Pending', 'InProgress', 'Succeeded'];
    const result = await isolateDevices(incident([host]), deps());
    expect(result.actions).toMatchObject([
      { outcome: 'done', detail: expect.stringMatching(/^Isolated: .*succeeded/) },
    ]);
    expect(world.count('GET', '/api/machineactions/')).toBe(3);
  });

  it('FAULT: pending then failed is reported failed, in the report and in the incident', async () => {
    world.machines.push({ id: 'm-1', computerDnsName: 'ws-042.contoso.com' });
    world.isolationStatuses = ['Pending', 'Failed'];
    const result = await isolateDevices(incident([host]), deps());
    expect(result.actions).toMatchObject([
      { outcome: 'failed', transient: false, error: 'Defender isolation action-m-1-1 ended Failed' },
    ]);
    expect([...world.comments.values()]).toEqual([
      expect.stringContaining('Not isolated: full isolation of ws-042.contoso.com'),
    ]);
  });

  it('FAULT: still pending at the bound is a transient failure; the retry follows that action, never isolates twice', async () => {
    world.machines.push({ id: 'm-1', computerDnsName: 'ws-042.contoso.com' });
    world.isolationStatuses = ['Pending'];
    const target = incident([host]);
    const first = await isolateDevices(target, deps());
    expect(first.actions).toMatchObject([
      { outcome: 'failed', transient: true, error: expect.stringMatching(/still Pending/) },
    ]);
    expect([...world.comments.values()]).toEqual([expect.stringContaining('Not isolated yet')]);
    // Defender completes it after the first run gave up waiting.
    world.machineActions.get('action-m-1-1')!.statuses = ['Pending', 'Succeeded'];
    const second = await isolateDevices(target, deps());
    expect(second.actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.count('POST', '/isolate')).toBe(1);
    // The same comment id: the incident now says isolated.
    expect([...world.comments.values()]).toEqual([expect.stringContaining('Isolated: full isolation')]);
  });

  it("uses the host entity's Defender device id when it carries one, whatever its name", async () => {
    world.machines.push({ id: DEVICE_ID, computerDnsName: 'ws-042.corp.contoso.com' });
    const mdeHost: EntityInit = {
      kind: 'Host',
      properties: { hostName: 'ws-042', additionalData: { MdatpDeviceId: DEVICE_ID } },
    };
    const result = await isolateDevices(incident([mdeHost]), deps());
    expect(result.actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.count('GET', `/api/machines/${DEVICE_ID}`)).toBe(1);
    expect(world.count('POST', `/api/machines/${DEVICE_ID}/isolate`)).toBe(1);
    expect(world.requests.some((r) => r.url.pathname === '/api/machines')).toBe(false);
  });

  it('resolves a bare host name to the one machine whose FQDN starts with it, and refuses when several do', async () => {
    const bare: EntityInit = { kind: 'Host', properties: { hostName: 'ws-042' } };
    world.machines.push(
      { id: 'm-1', computerDnsName: 'ws-042.contoso.com' },
      { id: 'm-9', computerDnsName: 'ws-0420.contoso.com' },
    );
    expect((await isolateDevices(incident([bare]), deps())).actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.count('POST', '/api/machines/m-1/isolate')).toBe(1);

    world.machines.push({ id: 'm-2', computerDnsName: 'ws-042.fabrikam.com' });
    const ambiguous = await isolateDevices(incident([bare]), deps());
    expect(ambiguous.actions).toMatchObject([
      { outcome: 'skipped', detail: expect.stringMatching(/^2 Defender machines match this name/) },
    ]);
    expect(world.count('POST', '/isolate')).toBe(1);
  });

  it('skips an unknown machine (no isolate call) and escapes quotes in the OData filter', async () => {
    const hostile: EntityInit = { kind: 'Host', properties: { hostName: "x' or computerDnsName ne '" } };
    const result = await isolateDevices(incident([hostile]), deps());
    expect(result.actions).toMatchObject([{ outcome: 'skipped' }]);
    const lookup = world.requests.find((r) => r.url.origin === MDE);
    expect(lookup?.url.searchParams.get('$filter')).toBe(
      "startswith(computerDnsName,'x'' or computerdnsname ne ''')",
    );
    expect(lookup?.url.search).not.toContain('+');
    expect(world.count('POST', '/isolate')).toBe(0);
  });

  it('reports 404 on isolate as a non-transient failure and leaves no comment', async () => {
    world.machines.push({ id: 'm-2', computerDnsName: 'ws-042.contoso.com' });
    server.use(
      http.post(`${MDE}/api/machines/:id/isolate`, () =>
        HttpResponse.json({ error: { code: 'ResourceNotFound' } }, { status: 404 }),
      ),
    );
    const result = await isolateDevices(incident([host]), deps());
    expect(result.actions).toMatchObject([
      { outcome: 'failed', transient: false, error: 'Defender 404 ResourceNotFound' },
    ]);
    expect(world.comments.size).toBe(0);
  });
});

describe('block IP', () => {
  const blockDeps = (extra: Partial<BlockIpDeps> = {}): BlockIpDeps => ({
    sentinel: c.sentinel,
    ledger: c.ledger,
    graph: c.graph,
    records: c.blockRecords,
    namedLocationId: NAMED_LOCATION,
    ...extra,
  });

  it('appends a /32 to the named location, keeps existing ranges and skips private addresses', async () => {
    const privateIp: EntityInit = { kind: 'Ip', properties: { address: '10.1.2.3' } };
    const result = await blockIps(incident([ip, privateIp]), blockDeps());
    expect(result.actions.map((a) => [a.target, a.outcome])).toEqual([
      ['203.0.113.5/32', 'done'],
      ['10.1.2.3/32', 'skipped'],
    ]);
    expect(world.namedLocation).toEqual(['198.51.100.0/24', '203.0.113.5/32']);
    const patch = world.requests.find((r) => r.method === 'PATCH');
    expect(patch?.body).toMatchObject({
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      ipRanges: [
        { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' },
        { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.5/32' },
      ],
    });
    // Read back after the PATCH to verify.
    expect(world.count('GET', '/namedLocations/')).toBe(2);
  });

  it('concurrent incidents blocking different IPs lose none of them', async () => {
    const ips = ['203.0.113.10', '203.0.113.11', '203.0.113.12', '2001:db8::1'];
    await Promise.all(
      ips.map((address) => blockIps(incident([{ kind: 'Ip', properties: { address } }]), blockDeps())),
    );
    expect([...world.namedLocation].sort()).toEqual(
      ['198.51.100.0/24', '203.0.113.10/32', '203.0.113.11/32', '203.0.113.12/32', '2001:db8::1/128'].sort(),
    );
  });

  it('blocks until the expiry: a later change drops the ranges it added that expired, never an admin range', async () => {
    const location = randomUUID();
    const start = Date.parse('2026-01-10T12:00:00Z');
    const first = await blockIps(incident([ip]), blockDeps({ namedLocationId: location, now: () => start }));
    expect(first.actions[0].detail).toBe(
      'Added 203.0.113.5/32 to Conditional Access named location Blocked by SOC until 2026-01-17T12:00:00.000Z.',
    );
    const other: EntityInit = { kind: 'Ip', properties: { address: '203.0.113.77' } };
    const eightDaysOn = () => start + 8 * 86_400_000;
    await blockIps(incident([other]), blockDeps({ namedLocationId: location, now: eightDaysOn }));
    expect(world.namedLocation).toEqual(['198.51.100.0/24', '203.0.113.77/32']);
  });

  it('FAULT: refuses clearly to pass the 2,000 ranges a named location holds, without a PATCH', async () => {
    world.namedLocation = Array.from({ length: 2000 }, (_, i) => `198.18.${i >> 8}.${i & 255}/32`);
    const result = await blockIps(incident([ip]), blockDeps());
    expect(result.actions).toMatchObject([
      {
        outcome: 'failed',
        transient: false,
        error:
          'named location Blocked by SOC holds 2000 ranges; adding 203.0.113.5/32 would pass the 2000 Conditional Access allows',
      },
    ]);
    expect(world.count('PATCH', '/namedLocations/')).toBe(0);
    // At 1,999 it fits.
    world.namedLocation.pop();
    expect((await blockIps(incident([ip]), blockDeps())).actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.namedLocation).toHaveLength(2000);
  });

  it('FAULT: an admin overwriting the list right after our PATCH is caught by the verification read', async () => {
    server.use(
      http.patch(`${GRAPH}/v1.0/identity/conditionalAccess/namedLocations/:id`, () => {
        // Someone else's PATCH, sent with the list they read before ours, lands right after ours.
        world.namedLocation = ['198.51.100.0/24', '192.0.2.0/24'];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const result = await blockIps(incident([ip]), blockDeps());
    expect(result.actions).toMatchObject([
      { outcome: 'failed', transient: true, error: expect.stringMatching(/changed concurrently/) },
    ]);
    server.resetHandlers();
    expect((await blockIps(incident([ip]), blockDeps())).actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.namedLocation).toEqual(['198.51.100.0/24', '192.0.2.0/24', '203.0.113.5/32']);
  });
});

describe('notify', () => {
  it('posts an adaptive card once and neutralises markdown links in the title', async () => {
    const id = newIncidentId();
    const body = triggerBody(id, [ip]);
    body.object.properties.title = 'Click [here](https://evil.example) <now>';
    const parsed = parseIncidentTrigger(body);
    if (!parsed.ok) throw new Error('invalid');
    const deps = { sentinel: c.sentinel, ledger: c.ledger, teams: c.teams };
    await Promise.all(Array.from({ length: 5 }, () => notifyTeams(parsed.incident, deps)));
    const posts = world.requests.filter((r) => r.url.href === TEAMS);
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0].body);
    expect(text).toContain('application/vnd.microsoft.card.adaptive');
    expect(text).toContain('Click (here)(https://evil.example) ‹now›');
    expect(world.count('PUT', '/comments/')).toBe(1);
  });
});

describe('triage', () => {
  it('updates severity/owner/labels with If-Match, adds tasks, and does nothing on a repeat', async () => {
    const target = incident([ip]);
    world.incidents.set(target.ref.incidentId, {
      etag: 1,
      properties: {
        title: 't',
        severity: 'Medium',
        status: 'New',
        labels: [{ labelName: 'spray', labelType: 'System' }],
      },
    });
    const { plan } = parseTriagePlan({
      severity: 'High',
      status: 'Active',
      owner: { userPrincipalName: 'tier2@contoso.com' },
      labels: ['auto-triaged', 'spray'],
      tasks: [{ title: 'Reset password' }, { title: 'Review sign-ins', description: 'last 7 days' }],
    });
    const deps = { sentinel: c.sentinel, ledger: c.ledger };
    const result = await triageIncident(target, deps, plan!);
    expect(result.actions.map((a) => a.outcome)).toEqual(['done', 'done', 'done']);
    const updated = world.incidents.get(target.ref.incidentId)!;
    expect(updated.properties).toMatchObject({
      severity: 'High',
      status: 'Active',
      owner: { userPrincipalName: 'tier2@contoso.com' },
      labels: [
        { labelName: 'spray', labelType: 'System' },
        { labelName: 'auto-triaged', labelType: 'User' },
      ],
    });
    expect([...world.tasks.values()].map((t) => t.title)).toEqual(['Reset password', 'Review sign-ins']);
    expect(world.comments.size).toBe(3);
    const repeat = await triageIncident(target, deps, plan!);
    expect(repeat.actions.map((a) => a.outcome)).toEqual(['already-done', 'already-done', 'already-done']);
    expect(world.count('PUT', /\/incidents\/[^/]+$/)).toBe(1);
  });

  it("re-reads and re-applies after Sentinel's 409 Conflict on a stale etag (a concurrent analyst edit)", async () => {
    const target = incident([ip]);
    world.incidents.set(target.ref.incidentId, {
      etag: 1,
      properties: { title: 't', severity: 'Low', status: 'New' },
    });
    let first = true;
    server.use(
      http.get(/\/incidents\/[^/]+$/, ({ request }) => {
        if (!first) return undefined;
        first = false;
        // The analyst changes the incident between our GET and PUT.
        const current = world.incidents.get(target.ref.incidentId)!;
        const stale = { id: 'x', etag: `"${current.etag}"`, properties: { ...current.properties } };
        current.etag++;
        current.properties = { ...current.properties, status: 'Active' };
        void request;
        return HttpResponse.json(stale);
      }),
    );
    const result = await triageIncident(
      target,
      { sentinel: c.sentinel, ledger: c.ledger },
      { severity: 'High' },
    );
    expect(result.actions).toMatchObject([{ outcome: 'done' }]);
    expect(world.incidents.get(target.ref.incidentId)!.properties).toMatchObject({
      severity: 'High',
      status: 'Active',
    });
  });

  it('refuses to close without a classification', () => {
    expect(parseTriagePlan({ status: 'Closed' }).diagnostics[0].message).toContain('classification');
    expect(
      parseTriagePlan({
        status: 'Closed',
        classification: 'FalsePositive',
        classificationReason: 'InaccurateData',
      }).plan,
    ).toBeDefined();
    expect(
      parseTriagePlan({ classification: 'TruePositive', classificationReason: 'InaccurateData' }).plan,
    ).toBeUndefined();
  });
});
