import type { Catalog } from '../../kql/catalog.js';
import type { Table } from '../../kql/index.js';
import type { AnalyticsRule } from '../model.js';
import type { RunSettings } from '../schedule/settings.js';
import type { QueryWindow } from '../schedule/window.js';
import { backtestPeriod, type RuleBacktest } from './backtest.js';

/**
 * One rule run for a remote engine: the rule's query, its window, and what now() must return. A
 * Scheduled run's window is on TimeGenerated; an NRT run's is on ingestion time.
 */
export interface RemoteRun {
  query: string;
  window: QueryWindow;
  now: bigint;
  kind: RunSettings['kind'];
}

/**
 * A service that runs KQL over real history (a Log Analytics workspace, an Azure Data Explorer
 * database), with the limits it documents for one caller.
 */
export interface RemoteEngine {
  /** Runs the query of one rule run over its window; rejects when the service cannot answer in full. */
  run(run: RemoteRun): Promise<Table>;
  /** Queries in flight at once; more wait in the service's queue and count against its limits. */
  concurrency: number;
  /** At most `queries` submitted per `perMs` milliseconds. */
  rate?: { queries: number; perMs: number };
  /** Why this engine cannot run NRT rules; undefined when it can. */
  nrtRefusal?: string;
}

export interface RemoteBacktestOptions {
  catalog: Catalog;
  engine: RemoteEngine;
  from: bigint;
  to: bigint;
  onProgress?: (done: number) => void;
}

/**
 * backtestRules with each run's query executed by a remote engine: the same schedule, windows,
 * suppression, alert and incident building, report and budget. A rule's runs go one after the
 * other, since suppression and incident grouping depend on the runs before; rules run side by side
 * up to the engine's concurrency, and every query waits its turn under the engine's rate.
 * NRT rules run once a minute over ingestion time, one query per run, where the engine can select
 * rows by ingestion time (`nrtRefusal` says why not otherwise).
 */
export async function backtestRulesRemote(
  rules: readonly { rule: AnalyticsRule; file: string }[],
  options: RemoteBacktestOptions,
): Promise<RuleBacktest[]> {
  const { engine } = options;
  const period = backtestPeriod(rules, { catalog: options.catalog, tables: new Map() }, options);
  const throttle = rateLimiter(engine.rate);
  const replay = async ({ simulation, times, tally }: (typeof period.rules)[number]) => {
    tally.begin();
    const { kind } = simulation.settings;
    if (kind === 'NRT' && engine.nrtRefusal) {
      tally.fail(engine.nrtRefusal);
      period.ran(times.length);
      return;
    }
    for (const [k, at] of times.entries()) {
      try {
        const { window, tables } = simulation.prepare(at);
        if (!tables) {
          tally.add(at, { at, window, ran: false, alerts: [], incidents: [] });
          continue;
        }
        await throttle();
        const result = await engine.run({
          query: simulation.rule.query,
          window,
          now: simulation.nowAt(at),
          kind,
        });
        tally.add(at, simulation.record(at, window, result));
      } catch (e) {
        tally.fail((e as Error).message);
        period.ran(times.length - k - 1);
        return;
      } finally {
        period.ran();
      }
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < period.rules.length) await replay(period.rules[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(engine.concurrency, rules.length)) }, worker));
  return period.rules.map((r) => r.tally.result());
}

/** Resolves when one more query may be submitted: a sliding window of submission times. */
function rateLimiter(rate: RemoteEngine['rate']): () => Promise<void> {
  if (!rate) return async () => {};
  const submitted: number[] = [];
  let queue = Promise.resolve();
  const take = async () => {
    for (;;) {
      const now = Date.now();
      while (submitted.length > 0 && submitted[0] <= now - rate.perMs) submitted.shift();
      if (submitted.length < rate.queries) {
        submitted.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, submitted[0] + rate.perMs - now));
    }
  };
  return () => {
    queue = queue.then(take);
    return queue;
  };
}
