import type { ColumnSchema } from '../../kql/catalog.js';
import type { Table } from '../../kql/index.js';
import { formatDateTime } from '../../kql/values/index.js';
import { type Bin, firstBin, nextBin } from '../../summary/bins.js';
import type { SummaryRule } from '../../summary/model.js';
import { runBin } from '../../summary/run.js';
import type { Clock } from '../clock.js';
import type { Workspace } from '../store/workspace.js';
import { WorkspaceIndex } from './workspace-index.js';

/** What a restart keeps per rule: when the SOC first ran it (its creation) and the next bin due. */
export interface SummaryRuleState {
  created: bigint;
  next: Bin;
}

export interface SummaryBinRun {
  binStart: string;
  binEnd: string;
  executedAt: string;
  rows: number;
  error?: string;
}

export interface SummaryRuleStatus {
  name: string;
  displayName: string;
  destinationTable: string;
  binSize: number;
  nextBin: { start: string; end: string; runsAt: string };
  /** Bins run by this process, newest first (the destination table keeps every summarized row). */
  bins: SummaryBinRun[];
}

const KEPT_BINS = 24;

interface Scheduled {
  rule: SummaryRule;
  state: SummaryRuleState;
  bins: SummaryBinRun[];
}

/**
 * Runs the repository's summary rules (kql/summary) on the simulated clock, bin after bin, into
 * their destination tables, with the semantics of `sentinel-kit test` (summary/bins.ts, run.ts): a
 * rule first seen at T summarizes from the bin that ends at the next whole hour (or its
 * binStartTime) and never bins before it; each bin runs once, binDelay after its end.
 */
export class SummaryScheduler {
  private readonly scheduled: Scheduled[];
  private readonly index: WorkspaceIndex;

  constructor(
    rules: SummaryRule[],
    private readonly workspace: Workspace,
    private readonly clock: Clock,
    restored: ReadonlyMap<string, SummaryRuleState> = new Map(),
    index = new WorkspaceIndex(workspace),
  ) {
    const now = clock.ticks();
    this.index = index;
    this.scheduled = rules.map((rule) => ({
      rule,
      state: restored.get(rule.name) ?? { created: now, next: firstBin(rule, now) },
      bins: [],
    }));
  }

  snapshot(): Map<string, SummaryRuleState> {
    return new Map(this.scheduled.map((s) => [s.rule.name, s.state]));
  }

  status(): SummaryRuleStatus[] {
    return this.scheduled.map(({ rule, state, bins }) => ({
      name: rule.name,
      displayName: rule.displayName ?? rule.name,
      destinationTable: rule.ruleDefinition.destinationTable,
      binSize: rule.ruleDefinition.binSize,
      nextBin: {
        start: formatDateTime(state.next.start),
        end: formatDateTime(state.next.end),
        runsAt: formatDateTime(state.next.executeAt),
      },
      bins,
    }));
  }

  /** Runs every bin whose execution time has come; returns the number of bins run. */
  tick(): number {
    const now = this.clock.ticks();
    let runs = 0;
    for (const s of this.scheduled) {
      while (s.state.next.executeAt <= now) {
        this.runOnce(s, s.state.next);
        s.state = { ...s.state, next: nextBin(s.rule, s.state.next) };
        runs++;
      }
    }
    return runs;
  }

  private runOnce(s: Scheduled, bin: Bin): void {
    this.index.refresh();
    const record: SummaryBinRun = {
      binStart: formatDateTime(bin.start),
      binEnd: formatDateTime(bin.end),
      executedAt: formatDateTime(bin.executeAt),
      rows: 0,
    };
    try {
      // _RuleLastModifiedTime: locally the rule is as old as the SOC's first sight of it.
      const rows = runBin(s.rule, bin, this.index.tables, this.workspace.catalog, s.state.created);
      record.rows = this.workspace.ingest(
        s.rule.ruleDefinition.destinationTable,
        records(rows),
        bin.executeAt,
      );
    } catch (error) {
      // A failed bin is skipped and not re-run ("When bin execution retries are exhausted, the bin is
      // skipped and can't be re-executed"); locally there is no transient failure to retry.
      record.error = (error as Error).message;
    }
    s.bins = [record, ...s.bins].slice(0, KEPT_BINS);
  }
}

/** The rows as ingestion records: datetimes as ISO text, as the ingestion path stores them. */
function records(table: Table): Record<string, unknown>[] {
  const columns: ColumnSchema[] = table.columns;
  return table.rows.map((row) =>
    Object.fromEntries(
      columns.map((c, i) => [
        c.name,
        c.type === 'datetime' && typeof row[i] === 'bigint' ? formatDateTime(row[i] as bigint) : row[i],
      ]),
    ),
  );
}
