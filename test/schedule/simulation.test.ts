import { describe, expect, it } from 'vitest';
import { parseDateTime, TICKS_PER_HOUR, TICKS_PER_MINUTE, type Value } from '../../src/kql/values/index.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import { indexTable, RuleSimulation } from '../../src/rules/schedule/index.js';
import { columnsOf, testCatalog } from '../support/catalog.js';

const T = parseDateTime('2026-01-10T12:00:00Z')!;
const minutes = (n: number) => BigInt(n) * TICKS_PER_MINUTE;
const heartbeat = { TimeGenerated: 'datetime', Computer: 'string' } as const;
const columns = columnsOf(heartbeat);
const catalog = testCatalog({ Heartbeat: heartbeat });

function rule(overrides: Partial<AnalyticsRule>): AnalyticsRule {
  return {
    id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
    name: 'Heartbeat seen',
    description: 'd',
    severity: 'Low',
    kind: 'Scheduled',
    query: 'Heartbeat',
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    ...overrides,
  };
}

/** One Heartbeat row at each of the given minute offsets from T. */
function simulate(r: AnalyticsRule, offsets: number[]): RuleSimulation {
  const rows = offsets.map((m, i) => [T + minutes(m), `host${i}`] as Value[]);
  return new RuleSimulation(r, { catalog, tables: new Map([['Heartbeat', indexTable({ columns, rows })]]) });
}

describe('rule runs over time', () => {
  it('now() and ago() evaluate at the scheduled time of the run, not the wall clock', () => {
    const sim = simulate(
      rule({ query: 'Heartbeat | where TimeGenerated > ago(10m) | extend At = now()', queryPeriod: '1d' }),
      [-30, -5],
    );
    const run = sim.runAt(T);
    expect(run.result?.rows.map((r) => r[1])).toEqual(['host1']);
    expect(run.result?.rows[0][2]).toBe(T);
  });

  it('each run sees only its own window', () => {
    const sim = simulate(rule({}), [-90, -30, -29]);
    expect([sim.runAt(T - TICKS_PER_HOUR), sim.runAt(T)].map((r) => r.result?.rows.length)).toEqual([1, 2]);
  });

  it('suppression skips the runs within suppressionDuration after an alerting run', () => {
    const r = rule({ suppressionEnabled: true, suppressionDuration: '2h' });
    const sim = simulate(r, [-30, 30, 90, 150]);
    const runs = [0, 1, 2, 3].map((h) => sim.runAt(T + BigInt(h) * TICKS_PER_HOUR));
    // Alert at T; T+1h is suppressed; T+2h (= T + duration) runs again and alerts.
    expect(runs.map((x) => [x.ran, x.alerts.length])).toEqual([
      [true, 1],
      [false, 0],
      [true, 1],
      [false, 0],
    ]);
  });

  it('without suppressionEnabled every run alerts', () => {
    const sim = simulate(rule({ suppressionEnabled: false, suppressionDuration: '2h' }), [-30, 30]);
    expect([sim.runAt(T), sim.runAt(T + TICKS_PER_HOUR)].map((x) => x.alerts.length)).toEqual([1, 1]);
  });

  it('an NRT rule runs every minute over the rows ingested in that minute', () => {
    const sim = simulate(
      rule({ kind: 'NRT', queryFrequency: undefined, queryPeriod: undefined }),
      [-1, -1, 0, 3],
    );
    expect(sim.runTimes(T - minutes(2), T + minutes(4))).toHaveLength(6);
    const alerts = sim.runTimes(T - minutes(2), T + minutes(4)).map((at) => sim.runAt(at).alerts.length);
    expect(alerts).toEqual([0, 1, 1, 0, 0, 1]);
  });

  // "At specific time: Set a date and time for the rule to first run, after which it will run at the
  // interval set in the Run query every setting."
  // https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#query-scheduling
  it('a rule with startRunningAt first runs then, and every queryFrequency after it', () => {
    const sim = simulate(rule({ startRunningAt: '2026-01-10T12:30:00Z' }), [-30, 20, 50]);
    expect(sim.runTimes(T - TICKS_PER_HOUR, T + 3n * TICKS_PER_HOUR)).toEqual([
      T + minutes(30),
      T + minutes(90),
      T + minutes(150),
    ]);
    expect(sim.runAt(T).ran).toBe(false);
    expect(sim.runAt(T + minutes(30)).alerts).toHaveLength(1);
    expect(sim.nextRunAtOrAfter(T + minutes(31))).toBe(T + minutes(90));
  });

  it('incidents are grouped across runs by the rule settings', () => {
    const r = rule({
      entityMappings: [
        { entityType: 'Host', fieldMappings: [{ identifier: 'HostName', columnName: 'Computer' }] },
      ],
      query: 'Heartbeat | extend Computer = "web01"',
      incidentConfiguration: {
        createIncident: true,
        groupingConfiguration: { enabled: true, lookbackDuration: '2h', matchingMethod: 'AllEntities' },
      },
    });
    const sim = simulate(r, [-30, 30, 90, 150]);
    for (let h = 0; h < 4; h++) sim.runAt(T + BigInt(h) * TICKS_PER_HOUR);
    // Runs at T, T+1h, T+2h fall within 2h of the incident's first alert; T+3h opens a new one.
    expect(sim.grouper.incidents.map((i) => i.alerts.length)).toEqual([3, 1]);
  });
});
