import type { Catalog } from '../../kql/catalog.js';
import { TICKS_PER_DAY } from '../../kql/values/index.js';
import type { AnalyticsRule } from '../model.js';
import { type RuleData, RuleSimulation, type RunResult } from '../schedule/run.js';
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
  const period = backtestPeriod(rules, options, options);
  return period.rules.map((rule) => replayRule(rule, period.ran));
}

/** A rule of a backtest, ready to replay: its simulation, run times and tally. */
export type SimulatedRule = ReturnType<typeof simulateRule>;

export function simulateRule(rule: AnalyticsRule, file: string, data: RuleData, from: bigint, to: bigint) {
  const simulation = new RuleSimulation(rule, data);
  const times = simulation.runTimes(from, to);
  return { simulation, times, tally: new RuleTally(simulation, file, from, to) };
}

/** Every run of one rule in turn on the local engine; a failed run ends it. `ran` follows each run. */
export function replayRule({ simulation, times, tally }: SimulatedRule, ran: () => void): RuleBacktest {
  tally.begin();
  for (const at of times) {
    try {
      tally.add(at, simulation.runAt(at));
    } catch (e) {
      tally.fail((e as Error).message);
      break;
    } finally {
      ran();
    }
  }
  return tally.result();
}

/** The rules of a backtest with their simulations, run times and tallies, and overall progress. */
export function backtestPeriod(
  rules: readonly { rule: AnalyticsRule; file: string }[],
  data: RuleData,
  options: Pick<BacktestOptions, 'from' | 'to' | 'onProgress'>,
) {
  const simulated = rules.map(({ rule, file }) => simulateRule(rule, file, data, options.from, options.to));
  const totalRuns = simulated.reduce((n, r) => n + r.times.length, 0);
  let done = 0;
  return {
    rules: simulated,
    /** Called after every run (or `count` runs skipped), whatever its outcome. */
    ran: (count = 1) => {
      done += count;
      options.onProgress?.(done / Math.max(1, totalRuns));
    },
  };
}

/** One rule's runs, alerts and incidents counted per UTC day of the period. */
export class RuleTally {
  private started = performance.now();
  private readonly first: bigint;
  private readonly days: number;
  private readonly alertsPerDay: number[];
  private runs = 0;
  private suppressedRuns = 0;
  private error?: string;

  constructor(
    private readonly simulation: RuleSimulation,
    private readonly file: string,
    from: bigint,
    to: bigint,
  ) {
    this.first = dayStart(from);
    this.days = dayCount(from, to);
    this.alertsPerDay = new Array<number>(this.days).fill(0);
  }

  /** Starts the rule's clock: its runs may wait for other rules' before they start. */
  begin(): void {
    this.started = performance.now();
  }

  // A run at `at` covers data up to `at` (exclusive), so its alerts count for the day of at − 1 tick:
  // the midnight run reports the previous day's last hour.
  private dayOf(at: bigint): number {
    return Math.min(this.days - 1, Math.max(0, Number((at - 1n - this.first) / TICKS_PER_DAY)));
  }

  add(at: bigint, run: RunResult): void {
    if (run.ran) this.runs++;
    else this.suppressedRuns++;
    this.alertsPerDay[this.dayOf(at)] += run.alerts.length;
  }

  /** A run failed: the counts cover the runs before it. */
  fail(message: string): void {
    this.error = message;
  }

  result(): RuleBacktest {
    const { simulation, alertsPerDay } = this;
    const incidentsPerDay = new Array<number>(this.days).fill(0);
    for (const incident of simulation.grouper.incidents) incidentsPerDay[this.dayOf(incident.createdAt)]++;
    const budget = simulation.rule.maxAlertsPerDay;
    return {
      rule: simulation.rule,
      file: this.file,
      runs: this.runs,
      suppressedRuns: this.suppressedRuns,
      alerts: alertsPerDay.reduce((a, b) => a + b, 0),
      incidents: simulation.grouper.incidents.length,
      alertsPerDay,
      incidentsPerDay,
      overBudgetDays: budget === undefined ? [] : alertsPerDay.flatMap((n, day) => (n > budget ? [day] : [])),
      error: this.error,
      elapsedMs: performance.now() - this.started,
    };
  }
}
