import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { socOperationsTimer } from '../../functions/operations/sla.js';
import { compileOperationsConfig, type OperationsConfig } from '../../src/operations/config.js';
import { runSlaTick, type SlaDeps } from '../../src/operations/escalate.js';
import { loadOperationsRepository, routedRules } from '../../src/operations/repository.js';
import { breachLabel, raisedSeverity, slaState } from '../../src/operations/sla.js';
import { LEDGER_TABLE, TableActionLedger } from '../../src/responders/ledger.js';
import { TeamsWebhook } from '../../src/responders/teams.js';
import { repoRoot } from '../build/support.js';
import { type AzuriteTable, startAzuriteTable } from '../support/azurite.js';
import {
  ARM,
  clients,
  type MockServer,
  newIncidentId,
  SUB,
  startServer,
  TEAMS,
  World,
} from '../support/responders.js';

const repo = loadOperationsRepository(repoRoot)!;
const model = repo.loaded.model!;
const config: OperationsConfig = compileOperationsConfig(
  model,
  routedRules(repo.rules),
  repo.catalog!.watchlists,
);
const workspace = { subscriptionId: SUB, resourceGroup: 'rg-soc', workspaceName: 'law-soc' };
const tier = (name: string) => model.tiers.find((t) => t.name === name)!;
const created = '2026-12-01T10:00:00.000Z';
const at = (offset: string) => Date.parse(created) + ms(offset);
function ms(text: string): number {
  const [, n, unit] = /^(\d+)([mh])$/.exec(text)!;
  return Number(n) * (unit === 'm' ? 60_000 : 3_600_000);
}

describe('SLA clock', () => {
  const incident = (status: 'New' | 'Active' | 'Closed', severity = 'High' as const) => ({
    severity,
    status,
    createdTimeUtc: created,
  });

  it('deadlines come from the severity: High acknowledges in 15m and closes in 4h', () => {
    const state = slaState(model, incident('New'), at('1m'));
    expect(state.acknowledgeBy).toBe(at('15m'));
    expect(state.closeBy).toBe(at('4h'));
    expect(state.breaches).toEqual([]);
  });

  it('breaches only once past the deadline, not at it', () => {
    expect(slaState(model, incident('New'), at('15m')).breaches).toEqual([]);
    expect(slaState(model, incident('New'), at('15m') + 1).breaches).toEqual(['acknowledge']);
  });

  it('acknowledging (leaving New) stops the acknowledge clock but not the close clock', () => {
    expect(slaState(model, incident('Active'), at('3h')).breaches).toEqual([]);
    expect(slaState(model, incident('Active'), at('5h')).breaches).toEqual(['close']);
    expect(slaState(model, incident('New'), at('5h')).breaches).toEqual(['acknowledge', 'close']);
  });

  it('a closed incident never breaches', () => {
    expect(slaState(model, incident('Closed'), at('50h')).breaches).toEqual([]);
  });

  it('raises severity one step and keeps High', () => {
    expect(['Informational', 'Low', 'Medium', 'High'].map((s) => raisedSeverity(s as 'High'))).toEqual([
      'Low',
      'Medium',
      'High',
      'High',
    ]);
  });
});

describe('SLA escalation against msw SecurityInsights and an Azurite ledger', () => {
  let azurite: AzuriteTable;
  let server: MockServer;
  let world: World;
  let entities: Map<string, unknown[]>;

  beforeAll(async () => {
    azurite = await startAzuriteTable();
    server = startServer(() => world);
  });
  afterAll(async () => {
    server?.close();
    await azurite?.stop();
  });

  const incidentsPath = `${ARM}/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.OperationalInsights/workspaces/:ws/providers/Microsoft.SecurityInsights/incidents`;
  beforeEach(() => {
    world = new World();
    entities = new Map();
    server.resetHandlers();
    server.use(
      // Incidents_List in pages of two, honouring the status filter the timer sends.
      http.get(incidentsPath, ({ request }) => {
        const url = new URL(request.url);
        const filter = url.searchParams.get('$filter');
        const all = [...world.incidents]
          .filter(([, i]) => filter !== "properties/status ne 'Closed'" || i.properties.status !== 'Closed')
          .map(([name, i]) => ({
            id: `/subscriptions/${SUB}/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/${name}`,
            name,
            etag: `"${i.etag}"`,
            properties: i.properties,
          }));
        const skip = Number(url.searchParams.get('$skipToken') ?? 0);
        const next = new URL(request.url);
        next.searchParams.set('$skipToken', String(skip + 2));
        return HttpResponse.json({
          value: all.slice(skip, skip + 2),
          nextLink: skip + 2 < all.length ? next.toString() : undefined,
        });
      }),
      http.post(`${incidentsPath}/:incident/entities`, ({ params }) =>
        HttpResponse.json({ entities: entities.get(String(params.incident)) ?? [] }),
      ),
    );
  });

  function deps(ledgerTable = LEDGER_TABLE): SlaDeps {
    const c = clients(azurite);
    return {
      sentinel: c.sentinel,
      ledger: new TableActionLedger(azurite.tableClient(ledgerTable)),
      notifier: () => new TeamsWebhook(TEAMS, { maxRetries: 0 }),
    };
  }

  function addIncident(properties: Record<string, unknown> = {}): string {
    const id = newIncidentId();
    world.incidents.set(id, {
      etag: 1,
      properties: {
        title: `Incident ${id}`,
        severity: 'High',
        status: 'New',
        createdTimeUtc: created,
        owner: { objectId: tier('L1').owner.objectId, ownerType: 'Group' },
        labels: [],
        relatedAnalyticRuleIds: [],
        additionalData: { alertsCount: 1, tactics: [] },
        ...properties,
      },
    });
    return id;
  }
  const props = (id: string) => world.incidents.get(id)!.properties as Record<string, any>;
  const puts = (id: string) =>
    world.requests.filter((r) => r.method === 'PUT' && r.url.pathname.endsWith(`/incidents/${id}`));
  const teamsPosts = () => world.requests.filter((r) => r.url.toString() === TEAMS).length;

  it('a close breach reassigns to the next tier, raises severity, adds the task and notifies — exactly once over many ticks', async () => {
    const id = addIncident({ status: 'Active', severity: 'Medium' });
    const quiet = addIncident({
      status: 'Active',
      severity: 'Medium',
      createdTimeUtc: new Date(at('23h')).toISOString(),
    });
    const now = at('25h'); // Medium closes within 1d
    const first = await runSlaTick(config, workspace, deps(), now);
    const report = first.find((r) => r.incident.endsWith(id.toLowerCase()))!;
    expect(report.sla.breaches).toEqual(['close']);
    expect(report.actions.map((a) => `${a.action} ${a.outcome}`)).toEqual([
      'sla-escalate done',
      'sla-task done',
      'sla-notify done',
    ]);
    expect(report.actions[0].detail).toBe('SLA to close missed; reassigned L1 → L2; severity Medium → High.');
    expect(props(id).owner).toEqual({ objectId: tier('L2').owner.objectId, ownerType: 'Group' });
    expect(props(id).severity).toBe('High');
    expect(props(id).labels).toEqual([{ labelName: breachLabel('close'), labelType: 'User' }]);
    expect([...world.tasks.values()].map((t) => t.title)).toEqual(['SLA breached — escalated']);
    expect(first.find((r) => r.incident.endsWith(quiet.toLowerCase()))!.actions).toEqual([]);

    // Later ticks (the severity is now High, whose SLA is also long missed) change nothing.
    for (const later of [now + 60_000, now + 3_600_000]) {
      const again = await runSlaTick(config, workspace, deps(), later);
      const actions = again.find((r) => r.incident.endsWith(id.toLowerCase()))!.actions;
      expect(actions.map((a) => a.outcome)).toEqual(['already-done', 'already-done', 'already-done']);
    }
    expect(puts(id)).toHaveLength(1);
    expect(teamsPosts()).toBe(1);
    expect(world.tasks.size).toBe(1);
  });

  it('concurrent ticks escalate once', async () => {
    const ids = [addIncident(), addIncident(), addIncident()];
    const now = at('5h'); // High: acknowledge (15m) and close (4h) both missed
    await Promise.all([1, 2, 3, 4].map(() => runSlaTick(config, workspace, deps(), now)));
    for (const id of ids) {
      // One PUT per breach: the acknowledge label, then the close escalation.
      expect(puts(id)).toHaveLength(2);
      expect(
        props(id)
          .labels.map((l: { labelName: string }) => l.labelName)
          .sort(),
      ).toEqual([breachLabel('acknowledge'), breachLabel('close')]);
      expect(props(id).owner.objectId).toBe(tier('L2').owner.objectId);
    }
    expect(teamsPosts()).toBe(ids.length * 2);
  });

  it('a lost ledger (crash between the PUT and the ledger write) still does not escalate twice', async () => {
    const id = addIncident({ status: 'Active' });
    await runSlaTick(config, workspace, deps('slaledgerone'), at('5h'));
    expect(props(id).owner.objectId).toBe(tier('L2').owner.objectId);
    const again = await runSlaTick(config, workspace, deps('slaledgertwo'), at('5h'));
    const escalate = again.find((r) => r.incident.endsWith(id.toLowerCase()))!.actions[0];
    expect(escalate.detail).toBe('Already done by an earlier run.');
    expect(props(id).owner.objectId).toBe(tier('L2').owner.objectId);
    expect(puts(id)).toHaveLength(1);
  });

  it('the last tier keeps the incident; closed incidents are not touched', async () => {
    const top = addIncident({ status: 'Active', owner: { objectId: tier('L4').owner.objectId } });
    const closed = addIncident({ status: 'Closed', classification: 'TruePositive' });
    const ticks = await runSlaTick(config, workspace, deps(), at('5h'));
    expect(ticks.some((r) => r.incident.endsWith(closed.toLowerCase()))).toBe(false);
    expect(puts(closed)).toHaveLength(0);
    expect(props(top).owner.objectId).toBe(tier('L4').owner.objectId);
    expect(props(top).labels.map((l: { labelName: string }) => l.labelName)).toEqual([breachLabel('close')]);
  });

  it('routes a new incident with a VIP account to L2 once (watchlist routes run in the timer)', async () => {
    const vip = addIncident({ severity: 'Low' });
    const other = addIncident({ severity: 'Low' });
    entities.set(vip, [{ kind: 'Account', properties: { accountName: 'CEO', upnSuffix: 'contoso.com' } }]);
    entities.set(other, [{ kind: 'Account', properties: { accountName: 'bob', upnSuffix: 'contoso.com' } }]);
    const ticks = await runSlaTick(config, workspace, deps(), at('1m'));
    const actions = ticks.find((r) => r.incident.endsWith(vip.toLowerCase()))!.actions;
    expect(actions.map((a) => `${a.action} ${a.target} ${a.outcome}`)).toEqual([
      'sla-route vip accounts done',
    ]);
    expect(props(vip).owner.objectId).toBe(tier('L2').owner.objectId);
    expect(props(other).owner.objectId).toBe(tier('L1').owner.objectId);
    // Now owned by L2, the next tick has nothing to route.
    const next = await runSlaTick(config, workspace, deps(), at('2m'));
    expect(next.find((r) => r.incident.endsWith(vip.toLowerCase()))!.actions).toEqual([]);
    expect(puts(vip)).toHaveLength(1);
  });

  it('an incident an analyst owns personally is not re-routed', async () => {
    const mine = addIncident({ severity: 'Low', owner: { userPrincipalName: 'analyst@contoso.com' } });
    entities.set(mine, [{ kind: 'Account', properties: { accountName: 'ceo', upnSuffix: 'contoso.com' } }]);
    await runSlaTick(config, workspace, deps(), at('1m'));
    expect(puts(mine)).toHaveLength(0);
  });

  it('the soc-operations timer Function escalates with the compiled config and managed identity', async () => {
    const identity = 'http://127.0.0.1:41998/msi/token';
    const dir = mkdtempSync(join(tmpdir(), 'sk-ops-fn-'));
    writeFileSync(join(dir, 'operations.json'), JSON.stringify(config));
    const saved = { ...process.env };
    Object.assign(process.env, {
      IDENTITY_ENDPOINT: identity,
      IDENTITY_HEADER: 'identity-header',
      RESPONDER_LEDGER_CONNECTION: azurite.connectionString,
      SOC_OPERATIONS_FILE: join(dir, 'operations.json'),
      SENTINEL_WORKSPACE_RESOURCE_ID: `/subscriptions/${SUB}/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc`,
      TEAMS_WEBHOOK_L2: TEAMS,
    });
    server.use(
      http.get(identity, () =>
        HttpResponse.json({
          access_token: 't',
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          token_type: 'Bearer',
        }),
      ),
    );
    try {
      // Created 5 hours before the real clock the Function uses: a High incident past its close SLA.
      const id = addIncident({
        status: 'Active',
        createdTimeUtc: new Date(Date.now() - 5 * 3_600_000).toISOString(),
      });
      const context = new InvocationContext({ functionName: 'soc-operations' });
      const slaTimer = socOperationsTimer(Date.now);
      const timerInfo = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: '', lastUpdated: '', next: '' },
      };
      await slaTimer.handler(timerInfo, context);
      await slaTimer.handler(timerInfo, context);
      expect(puts(id)).toHaveLength(1);
      expect(props(id).owner.objectId).toBe(tier('L2').owner.objectId);
      expect(teamsPosts()).toBe(1);
      expect(
        world.requests.find((r) => r.url.pathname.endsWith('/incidents'))?.url.searchParams.get('$filter'),
      ).toBe("properties/status ne 'Closed'");

      process.env.SENTINEL_WORKSPACE_RESOURCE_ID = 'not-a-workspace';
      await expect(slaTimer.handler(timerInfo, context)).rejects.toThrow(
        'app setting SENTINEL_WORKSPACE_RESOURCE_ID is not a workspace resource id',
      );
    } finally {
      process.env = saved;
    }
  });
});
