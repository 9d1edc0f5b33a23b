import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runQuery, type Table } from '../../src/kql/index.js';
import {
  formatDateTime,
  parseDateTime,
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  type Value,
} from '../../src/kql/values/index.js';
import { AdxCluster } from '../../src/query/adx/cluster.js';
import { clusterEngine, workspaceEngine } from '../../src/query/live/backtest.js';
import { LiveWorkspace } from '../../src/query/live/workspace.js';
import { backtestRules, backtestRulesRemote, type RemoteEngine } from '../../src/rules/backtest/index.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import { indexTable } from '../../src/rules/schedule/index.js';
import { queryV2Frames } from '../support/adx.js';
import { testCatalog } from '../support/catalog.js';

const catalog = testCatalog({
  SecurityEvent: { TimeGenerated: 'datetime', Computer: 'string', EventID: 'int' },
});
const WORKSPACE = '11111111-2222-3333-4444-555555555555';
const QUERY_URL = `https://api.loganalytics.io/v1/workspaces/${WORKSPACE}/query`;
const CLUSTER = 'https://mycluster.westeurope.kusto.windows.net';
const FROM = parseDateTime('2026-01-01T00:00:00Z')!;
const TO = FROM + 2n * TICKS_PER_DAY;

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: 'test-token',
    expiresOnTimestamp: Date.now() + 3_600_000,
  }),
};

const rule: AnalyticsRule = {
  id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
  name: 'Log cleared',
  description: 'd',
  severity: 'Medium',
  kind: 'Scheduled',
  query: 'SecurityEvent | where EventID == 1102 and TimeGenerated >= ago(3h)',
  queryFrequency: '3h',
  queryPeriod: '3h',
  triggerOperator: 'gt',
  triggerThreshold: 0,
  eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
  maxAlertsPerDay: 2,
};

const nrtRule = {
  ...rule,
  kind: 'NRT',
  query: 'SecurityEvent | where EventID == 1102',
  queryFrequency: undefined,
  queryPeriod: undefined,
  triggerOperator: undefined,
  triggerThreshold: undefined,
} as AnalyticsRule;

/** Day 1: one clear; day 2: three clears, one on a window boundary; noise every 10 minutes. */
const securityEvent: Table = {
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'Computer', type: 'string' },
    { name: 'EventID', type: 'int' },
  ],
  rows: [
    ...Array.from({ length: 2 * 144 }, (_, i): Value[] => [
      FROM + BigInt(i) * 6_000_000_000n + 10_000_000n,
      'dc01',
      4624,
    ]),
    [parseDateTime('2026-01-01T05:10:00Z'), 'dc01', 1102],
    [parseDateTime('2026-01-02T01:10:00Z'), 'dc01', 1102],
    [parseDateTime('2026-01-02T03:00:00Z'), 'dc02', 1102],
    [parseDateTime('2026-01-02T03:10:00Z'), 'dc03', 1102],
  ],
};

/**
 * A stand-in for the Logs Query API over the rows above: it applies the request's timespan as the
 * service does for a scheduled rule's lookback, [start, end), and answers in the documented shape
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format).
 */
function workspaceService(seen: { query: string; timespan: string }[], inFlight = { now: 0, max: 0 }) {
  return http.post(QUERY_URL, async ({ request }) => {
    const body = (await request.json()) as { query: string; timespan: string };
    seen.push(body);
    inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight.now--;
    const [start, end] = body.timespan.split('/').map((t) => parseDateTime(t)!);
    const rows = securityEvent.rows.filter((r) => (r[0] as bigint) >= start && (r[0] as bigint) < end);
    return queryAnswer(body.query, { columns: securityEvent.columns, rows });
  });
}

/** The engine's answer to `query` over `securityEvent`, in the Logs Query API's response shape. */
function queryAnswer(query: string, securityEvent: Table) {
  const result = runQuery(query, { catalog, tables: new Map([['SecurityEvent', securityEvent]]), now: 0n });
  return HttpResponse.json({
    tables: [
      {
        name: 'PrimaryResult',
        columns: result.columns.map((c) => ({ name: c.name, type: c.type })),
        rows: result.rows.map((row) =>
          row.map((v, i) => (result.columns[i].type === 'datetime' ? formatDateTime(v as bigint) : v)),
        ),
      },
    ],
  });
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const workspace = () => workspaceEngine(new LiveWorkspace(WORKSPACE, { credential, maxRetries: 2 }), catalog);

describe('backtest --workspace', () => {
  it('runs each scheduled run in the workspace with its window as timespan and now() pinned, and reports as a local backtest does', async () => {
    const seen: { query: string; timespan: string }[] = [];
    server.use(workspaceService(seen));
    const [remote] = await backtestRulesRemote([{ rule, file: 'r.yaml' }], {
      catalog,
      engine: workspace(),
      from: FROM,
      to: TO,
    });
    const [local] = backtestRules([{ rule, file: 'r.yaml' }], {
      catalog,
      tables: new Map([['SecurityEvent', indexTable(securityEvent)]]),
      from: FROM,
      to: TO,
    });
    expect(remote.error).toBeUndefined();
    expect(seen).toHaveLength(16);
    expect(seen[0]).toEqual({
      query:
        'SecurityEvent | where EventID == 1102 and TimeGenerated >= (datetime(2026-01-01T03:00:00Z) - (3h))',
      timespan: '2026-01-01T00:00:00.000Z/2026-01-01T03:00:00.000Z',
    });
    expect(remote.alertsPerDay).toEqual([1, 3]);
    expect(remote.overBudgetDays).toEqual([1]);
    const counts = ({
      runs,
      suppressedRuns,
      alerts,
      incidents,
      alertsPerDay,
      incidentsPerDay,
      overBudgetDays,
    }: typeof local) => ({
      runs,
      suppressedRuns,
      alerts,
      incidents,
      alertsPerDay,
      incidentsPerDay,
      overBudgetDays,
    });
    expect(counts(remote)).toEqual(counts(local));
  });

  it('does not query runs that suppression skips', async () => {
    const seen: { query: string; timespan: string }[] = [];
    server.use(workspaceService(seen));
    const suppressed = { ...rule, suppressionEnabled: true, suppressionDuration: '5h' };
    const [result] = await backtestRulesRemote([{ rule: suppressed, file: 'r.yaml' }], {
      catalog,
      engine: workspace(),
      from: FROM,
      to: TO,
    });
    expect(result.suppressedRuns).toBeGreaterThan(0);
    expect(seen).toHaveLength(result.runs);
    expect(result.runs + result.suppressedRuns).toBe(16);
  });

  it('keeps at most 5 queries in flight (the per-user concurrency limit) however many rules run', async () => {
    const seen: { query: string; timespan: string }[] = [];
    const inFlight = { now: 0, max: 0 };
    server.use(workspaceService(seen, inFlight));
    const rules = Array.from({ length: 8 }, (_, i) => ({
      rule: { ...rule, id: `${rule.id.slice(0, -1)}${i}` },
      file: `${i}.yaml`,
    }));
    const results = await backtestRulesRemote(rules, {
      catalog,
      engine: workspace(),
      from: FROM,
      to: FROM + 6n * TICKS_PER_HOUR,
    });
    expect(results.every((r) => r.runs === 2 && !r.error)).toBe(true);
    expect(seen).toHaveLength(16);
    expect(inFlight.max).toBeLessThanOrEqual(5);
    expect(inFlight.max).toBeGreaterThan(1);
  });

  it('holds submissions to the engine rate', async () => {
    const submitted: number[] = [];
    const engine: RemoteEngine = {
      concurrency: 4,
      rate: { queries: 3, perMs: 200 },
      run: async () => {
        submitted.push(Date.now());
        return { columns: [], rows: [] };
      },
    };
    await backtestRulesRemote([{ rule, file: 'r.yaml' }], {
      catalog,
      engine,
      from: FROM,
      to: FROM + 24n * TICKS_PER_HOUR,
    });
    expect(submitted).toHaveLength(8);
    expect(submitted[3] - submitted[0]).toBeGreaterThanOrEqual(195);
  });

  it('stops a rule at the first failed run and says why, keeping the counts before it', async () => {
    let calls = 0;
    server.use(
      http.post(QUERY_URL, () => {
        calls++;
        return calls < 3
          ? HttpResponse.json({
              tables: [{ name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [] }],
            })
          : HttpResponse.json({ error: { code: 'Forbidden', message: 'no access' } }, { status: 403 });
      }),
    );
    const [result] = await backtestRulesRemote([{ rule, file: 'r.yaml' }], {
      catalog,
      engine: workspace(),
      from: FROM,
      to: TO,
    });
    expect(result.runs).toBe(2);
    expect(result.error).toMatch(/403/);
  });

  it('runs NRT rules once a minute over ingestion time, as the local backtest does', async () => {
    // Ingested 1 to 9 minutes after TimeGenerated, and the 01:10 clear two hours late: an NRT run
    // sees a row in the minute it arrives, whatever its TimeGenerated.
    const delays = securityEvent.rows.map((_, i) => BigInt(60 + (i % 9) * 60) * 10_000_000n);
    delays[delays.length - 3] = 2n * TICKS_PER_HOUR;
    const ingestion = securityEvent.rows.map((r, i) => (r[0] as bigint) + delays[i]);
    const seen: { query: string; timespan: string }[] = [];
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        const body = (await request.json()) as { query: string; timespan: string };
        seen.push(body);
        return queryAnswer(body.query, { ...securityEvent, ingestion });
      }),
    );
    const from = parseDateTime('2026-01-02T00:55:00Z')!;
    const to = from + 2n * TICKS_PER_HOUR + 30n * 60n * 10_000_000n;
    const [remote] = await backtestRulesRemote([{ rule: nrtRule, file: 'r.yaml' }], {
      catalog,
      engine: workspace(),
      from,
      to,
    });
    const [local] = backtestRules([{ rule: nrtRule, file: 'r.yaml' }], {
      catalog,
      tables: new Map([['SecurityEvent', indexTable(securityEvent, ingestion)]]),
      from,
      to,
    });
    expect(remote.error).toBeUndefined();
    expect(seen).toHaveLength(150);
    expect(seen[0]).toEqual({
      query:
        'let SecurityEvent = SecurityEvent | where ingestion_time() >= datetime(2026-01-02T00:55:00Z) and ingestion_time() < datetime(2026-01-02T00:56:00Z);\n' +
        'SecurityEvent | where EventID == 1102',
      timespan: '1900-01-01T00:00:00.000Z/2200-01-01T00:00:00.000Z',
    });
    expect(remote.alerts).toBe(3);
    expect(remote.alerts).toBe(local.alerts);
    expect(remote.incidents).toBe(local.incidents);
    expect(remote.runs).toBe(local.runs);
  }, 120_000);

  it('refuses NRT rules whose tables hide behind functions it cannot rewrite, and NRT on a cluster', async () => {
    const watchlisted = { ...nrtRule, query: "_GetWatchlist('vips') | where SearchKey == 'x'" };
    const [viaWatchlist] = await backtestRulesRemote([{ rule: watchlisted, file: 'r.yaml' }], {
      catalog,
      engine: workspace(),
      from: FROM,
      to: FROM + TICKS_PER_HOUR,
    });
    expect(viaWatchlist.runs).toBe(0);
    expect(viaWatchlist.error).toMatch(/NRT rules that call _GetWatchlist are not backtested remotely/);
    const engine = clusterEngine(new AdxCluster(CLUSTER, 'Sentinel', { credential }), catalog);
    const [onCluster] = await backtestRulesRemote([{ rule: nrtRule, file: 'r.yaml' }], {
      catalog,
      engine,
      from: FROM,
      to: FROM + TICKS_PER_HOUR,
    });
    expect(onCluster.runs).toBe(0);
    expect(onCluster.error).toMatch(/IngestionTime policy/);
  });
});

describe('backtest --cluster', () => {
  it('filters each table the query reads to the run window, since the Query API has no timespan', async () => {
    const bodies: { db: string; csl: string }[] = [];
    server.use(
      http.post(`${CLUSTER}/v2/rest/query`, async ({ request }) => {
        bodies.push((await request.json()) as { db: string; csl: string });
        return HttpResponse.json(queryV2Frames([['Computer', 'string']], []));
      }),
    );
    const engine = clusterEngine(new AdxCluster(CLUSTER, 'Sentinel', { credential }), catalog);
    const [result] = await backtestRulesRemote([{ rule, file: 'r.yaml' }], {
      catalog,
      engine,
      from: FROM,
      to: FROM + 6n * TICKS_PER_HOUR,
    });
    expect(result.runs).toBe(2);
    expect(bodies[1]).toMatchObject({
      db: 'Sentinel',
      csl:
        'let SecurityEvent = database("Sentinel").SecurityEvent | where TimeGenerated >= datetime(2026-01-01T03:00:00Z) and TimeGenerated < datetime(2026-01-01T06:00:00Z);\n' +
        'SecurityEvent | where EventID == 1102 and TimeGenerated >= (datetime(2026-01-01T06:00:00Z) - (3h))',
    });
  });
});

describe('backtest command', () => {
  it('takes exactly one source, and --cluster only with --database', async () => {
    const { run } = await import('../../src/cli/commands/backtest.js');
    const period = ['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'];
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(await run(['kql/rules', ...period])).toBe(2);
      expect(await run(['kql/rules', '--data', 'd', '--workspace', WORKSPACE, ...period])).toBe(2);
      expect(await run(['kql/rules', '--cluster', CLUSTER, ...period])).toBe(2);
      expect(await run(['kql/rules', '--workspace', WORKSPACE, '--database', 'db', ...period])).toBe(2);
    } finally {
      console.error = quiet;
    }
  });
});
