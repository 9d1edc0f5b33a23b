import type { Catalog } from '../../kql/catalog.js';
import { type Plan, planQuery, runPlan, type Table } from '../../kql/index.js';
import type { AnalyticsRule } from '../model.js';
import { type Alert, buildAlerts } from './alerts.js';
import { type Incident, IncidentGrouper } from './incidents.js';
import { type RunSettings, runSettings } from './settings.js';
import { DEFAULT_SEMANTICS, type UndocumentedSemantics } from './undocumented.js';
import { type IndexedTable, type QueryWindow, queryWindow, sliceTable, type WindowTable } from './window.js';

export interface RuleData {
  catalog: Catalog;
  /** Workspace contents by table name; tables not listed are empty with their catalog schema. */
  tables: ReadonlyMap<string, IndexedTable>;
  /** What each `externaldata` URL stands for locally (a rule test's `externalData:`); unmapped URLs are refused. */
  externalData?: ReadonlyMap<string, string>;
  /**
   * Whether the workspace holds any row, when `tables` is only part of it (a backtest thread loads
   * only the tables its rules read); by default, whether some table of `tables` has a row.
   */
  anyRows?: boolean;
}

export interface RunResult {
  /** Scheduled time of the run. */
  at: bigint;
  window: QueryWindow;
  /** False when suppression skipped the run. */
  ran: boolean;
  result?: Table;
  alerts: Alert[];
  /** Incidents created or updated by this run's alerts. */
  incidents: Incident[];
}

export interface SimulationState {
  suppressedUntil?: bigint;
  incidents: readonly Incident[];
}

/**
 * Runs one rule the way Sentinel does, run after run: each run queries its own window with now()
 * pinned to the scheduled time, alerts are built from the result, incidents are grouped across runs,
 * and suppression skips runs after an alert.
 */
export class RuleSimulation {
  readonly settings: RunSettings;
  readonly grouper: IncidentGrouper;
  private suppressedUntil?: bigint;
  /** Parsed, bound and lowered once: a 7-day NRT backtest is 10,080 runs of the same query. */
  private compiled?: Plan;

  constructor(
    readonly rule: AnalyticsRule,
    private readonly data: RuleData,
    /** Choices the docs leave open; `test` re-runs cases under the alternatives. */
    readonly semantics: UndocumentedSemantics = DEFAULT_SEMANTICS,
  ) {
    this.settings = runSettings(rule);
    this.grouper = new IncidentGrouper(this.settings.incident);
  }

  /**
   * The run scheduled at `at` (ticks). With suppressionEnabled, "Stop running query after alert is
   * generated" for suppressionDuration: runs scheduled before (alert run + duration) do not run.
   * https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#suppression
   */
  runAt(at: bigint): RunResult {
    const { window, tables } = this.prepare(at);
    if (!tables) return { at, window, ran: false, alerts: [], incidents: [] };
    this.compiled ??= planQuery(this.rule.query, this.data.catalog);
    const { catalog, externalData } = this.data;
    const result = runPlan(this.compiled, {
      catalog,
      tables,
      now: this.nowAt(at),
      externalData: (url) => externalData?.get(url),
      // The whole workspace of the test or backtest, not the run's window: a parser known only by its
      // columns runs empty only when no table has a row at all.
      anyRows: () => this.data.anyRows ?? [...this.data.tables.values()].some((t) => t.length > 0),
    });
    return this.record(at, window, result);
  }

  /** What now() returns in the query of the run scheduled at `at`. */
  nowAt(at: bigint): bigint {
    return this.semantics.now === 'execution' ? at + this.settings.executionDelay : at;
  }

  /**
   * The window of the run at `at` and the table lookup its query sees; `tables` is undefined when
   * suppression skips the run. Split from runAt so another executor (a live workspace) can run it.
   */
  prepare(at: bigint): { window: QueryWindow; tables?: (name: string) => WindowTable | undefined } {
    const window = queryWindow(this.settings, at, this.semantics.closedEnd);
    if (this.suppressedUntil !== undefined && at < this.suppressedUntil) return { window };
    // Before its "start running" time the rule has not run yet.
    if (this.settings.firstRun !== undefined && at < this.settings.firstRun) return { window };
    return { window, tables: windowTables(this.data.tables, this.settings.kind, window) };
  }

  /** Alerts, suppression and incidents for the query result of the run at `at`. */
  record(at: bigint, window: QueryWindow, result: Table): RunResult {
    const alerts = buildAlerts(this.rule, this.settings, result, {
      at,
      windowStart: window.start,
      windowEnd: window.end,
    });
    if (alerts.length > 0 && this.settings.suppression !== undefined) {
      this.suppressedUntil = at + this.settings.suppression;
    }
    return { at, window, ran: true, result, alerts, incidents: this.grouper.add(alerts, at) };
  }

  /** What the next runs depend on (suppression, open incidents), to carry across a restart. */
  snapshot(): SimulationState {
    return { suppressedUntil: this.suppressedUntil, incidents: this.grouper.incidents };
  }

  /** Continues from a snapshot, as if the runs before it had happened in this process. */
  restore(state: SimulationState): void {
    this.suppressedUntil = state.suppressedUntil;
    this.grouper.incidents.length = 0;
    for (const incident of state.incidents) this.grouper.incidents.push(incident);
  }

  /**
   * Scheduled times of the runs in (from, to]: from + frequency, from + 2·frequency, ...; with a
   * "start running" time, the runs are that time and every frequency after it.
   */
  runTimes(from: bigint, to: bigint): bigint[] {
    const { firstRun, frequency } = this.settings;
    const first = firstRun === undefined ? from + frequency : this.nextRunAtOrAfter(from + 1n);
    const times: bigint[] = [];
    for (let at = first; at <= to; at += frequency) times.push(at);
    return times;
  }

  /**
   * The first scheduled run at or after `t`: `t` itself for a rule that starts "automatically"
   * (on creation), else the first point of its start-running grid at or after `t`.
   */
  nextRunAtOrAfter(t: bigint): bigint {
    const { firstRun, frequency } = this.settings;
    if (firstRun === undefined) return t;
    if (t <= firstRun) return firstRun;
    const steps = (t - firstRun + frequency - 1n) / frequency;
    return firstRun + steps * frequency;
  }
}

/** The engine's table lookup for one run: each table sliced to the window once, on first use. */
function windowTables(
  tables: ReadonlyMap<string, IndexedTable>,
  kind: RunSettings['kind'],
  window: QueryWindow,
): (name: string) => WindowTable | undefined {
  const cache = new Map<string, WindowTable>();
  return (name) => {
    const indexed = tables.get(name);
    if (!indexed) return undefined;
    let table = cache.get(name);
    if (!table) {
      table = sliceTable(indexed, kind, window);
      cache.set(name, table);
    }
    return table;
  };
}
