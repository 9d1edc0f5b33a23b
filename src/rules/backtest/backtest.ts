import type { Catalog } from '../../kql/catalog.js';
import { TICKS_PER_DAY } from '../../kql/values/index.js';
import type { AnalyticsRule } from '../model.js';
import { RuleSimulation } from '../schedule/run.js';
import type { IndexedTable } from '../schedule/window.js';

export interface RuleBacktest {
  rule: AnalyticsRule;
  file: string;
  runs: number;
  /** Runs skipped by suppression. */
  suppressedRuns: number;
  alerts: number;
  incidents: number;
  /** Per UTC day of the period, first day first. */
  alertsPerDay: number[];
  incidentsPerDay: number[];
  /** Days (index into alertsPerDay) over the rule's maxAlertsPerDay. */
  overBudgetDays: number[];
  /** Set when a run failed (the query could not run); the counts cover the runs before it. */
  error?: string;
  elapsedMs: number;
}

export interface BacktestOptions {
  catalog: Catalog;
  tables: ReadonlyMap<string, IndexedTable>;
  /** Ticks; runs are scheduled at from + k·queryFrequency up to `to`. */
  from: bigint;
  to: bigint;
  /** Called after every run with overall progress in [0, 1]. */
  onProgress?: (done: number) => void;
}

/** First instant of the UTC day containing `t`. */
export function dayStart(t: bigint): bigint {
  return t - (t % TICKS_PER_DAY);
}

/** Number of UTC days the period [from, to) touches. */
export function dayCount(from: bigint, to: bigint): number {
  return Number((dayStart(to - 1n) - dayStart(from)) / TICKS_PER_DAY) + 1;
}

/**
 * Replays each rule over [from, to] at its own queryFrequency, each run seeing only its window,
 * with suppression and incident grouping carried from run to run, and counts alerts and incidents
 * per UTC day of the data they cover.
 */
export function backtestRules(
  rules: readonly { rule: AnalyticsRule; file: string }[],
  options: BacktestOptions,
): RuleBacktest[] {
  const simulations = rules.map(({ rule, file }) => ({
    file,
    simulation: new RuleSimulation(rule, options),
  }));
  const schedules = simulations.map(({ simulation }) => simulation.runTimes(options.from, options.to));
  const totalRuns = schedules.reduce((n, times) => n + times.length, 0);
  const days = dayCount(options.from, options.to);
  const first = dayStart(options.from);
  // A run at `at` covers data up to `at` (exclusive), so its alerts count for the day of at − 1 tick:
  // the midnight run reports the previous day's last hour.
  const dayOf = (at: bigint) => Math.min(days - 1, Math.max(0, Number((at - 1n - first) / TICKS_PER_DAY)));
  let done = 0;
  return simulations.map(({ file, simulation }, i) => {
    const started = performance.now();
    const alertsPerDay = new Array<number>(days).fill(0);
    const incidentsPerDay = new Array<number>(days).fill(0);
    let runs = 0;
    let suppressedRuns = 0;
    let error: string | undefined;
    for (const at of schedules[i]) {
      try {
        const run = simulation.runAt(at);
        if (run.ran) runs++;
        else suppressedRuns++;
        alertsPerDay[dayOf(at)] += run.alerts.length;
      } catch (e) {
        error = (e as Error).message;
        break;
      } finally {
        options.onProgress?.(++done / Math.max(1, totalRuns));
      }
    }
    for (const incident of simulation.grouper.incidents) incidentsPerDay[dayOf(incident.createdAt)]++;
    const budget = simulation.rule.maxAlertsPerDay;
    return {
      rule: simulation.rule,
      file,
      runs,
      suppressedRuns,
      alerts: alertsPerDay.reduce((a, b) => a + b, 0),
      incidents: simulation.grouper.incidents.length,
      alertsPerDay,
      incidentsPerDay,
      overBudgetDays: budget === undefined ? [] : alertsPerDay.flatMap((n, day) => (n > budget ? [day] : [])),
      error,
      elapsedMs: performance.now() - started,
    };
  });
}
