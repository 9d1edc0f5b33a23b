import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../../diagnostics.js';
import type { Catalog } from '../../kql/catalog.js';
import { queryReferences } from '../../kql/references.js';
import { startWorker } from '../../threads.js';
import type { AnalyticsRule } from '../model.js';
import { runSettings } from '../schedule/settings.js';
import type { IndexedTable } from '../schedule/window.js';
import { backtestRules, type RuleBacktest, replayRule, simulateRule } from './backtest.js';
import { type BacktestData, backtestDiagnostics, backtestFiles, loadBacktestTable } from './data.js';

/**
 * A rule's estimated fixed cost per run, in bytes of data files: about a millisecond (compiling
 * aside, a run slices its tables, runs the plan and builds alerts). Calibrated on the starter rules
 * over 1M generated rows (NOTES.md, issue 15 session 5: an NRT rule's 10,080 runs over a small
 * table cost about as much as 168 runs of a 14-day lookback over ~150 MB of files).
 */
const RUN_COST_BYTES = 2 ** 21;

export interface BacktestThreadOptions {
  /** How a worker loads the same catalog as the caller's: `loadCatalog(root, { schemaDirs })`. */
  root: string;
  schemaDirs?: string[];
  /** The dataset folder, as for loadBacktestData. */
  dir: string;
  from: bigint;
  to: bigint;
  /** Threads to run on, this one included (never more than the groups of rules that share no table). */
  threads: number;
}

/** One thread's part of a backtest: the rules it runs (indexes into the rules) and the tables they read. */
export interface BacktestShare {
  rules: number[];
  tables: string[];
  /** Tables no rule reads, loaded only for their diagnostics and row counts (share 0). */
  unread: string[];
  /** Estimated cost, in bytes of data files read (see RUN_COST_BYTES). */
  cost: number;
}

/**
 * Splits the rules over at most `threads` shares whose tables do not overlap: rules that read a
 * common table (directly, or through the parsers and functions they call, as the engine binds
 * them) go to the same share, so each table is loaded by one thread only. The groups go, most
 * costly first, to the share with the least estimated cost so far. A rule whose tables cannot be
 * known (its query does not bind, or names them at run time with `table()`) reads every table.
 * Share 0 also loads the tables no rule reads (for their diagnostics and row counts).
 */
export function splitBacktest(
  rules: readonly { rule: AnalyticsRule }[],
  files: ReadonlyMap<string, readonly string[]>,
  catalog: Catalog,
  threads: number,
  span: bigint,
): BacktestShare[] {
  const dataset = [...files.keys()].filter((name) => catalog.tables.has(name));
  const bytes = new Map(
    dataset.map((name) => [name, files.get(name)?.reduce((n, f) => n + statSync(f).size, 0) ?? 0]),
  );
  const reads = rules.map(({ rule }) => {
    try {
      const references = queryReferences(rule.query, catalog);
      return references.open ? dataset : references.tables.filter((t) => bytes.has(t));
    } catch {
      return dataset;
    }
  });
  // Rules joined by a common table, as a union-find over rule indexes.
  const parent = rules.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  const reader = new Map<string, number>();
  reads.forEach((tables, i) => {
    for (const table of tables) {
      const other = reader.get(table);
      if (other === undefined) reader.set(table, i);
      else parent[root(i)] = root(other);
    }
  });
  const groups = new Map<number, BacktestShare>();
  rules.forEach(({ rule }, i) => {
    const group = groups.get(root(i)) ?? { rules: [], tables: [], unread: [], cost: 0 };
    groups.set(root(i), group);
    group.rules.push(i);
    for (const table of reads[i]) if (!group.tables.includes(table)) group.tables.push(table);
    group.cost += ruleCost(rule, reads[i], bytes, span);
  });
  const shares = Array.from(
    { length: Math.max(1, Math.min(threads, groups.size)) },
    (): BacktestShare => ({ rules: [], tables: [], unread: [], cost: 0 }),
  );
  for (const group of [...groups.values()].sort((a, b) => b.cost - a.cost)) {
    const share = shares.reduce((least, s) => (s.cost < least.cost ? s : least));
    share.rules.push(...group.rules);
    share.tables.push(...group.tables);
    share.cost += group.cost;
  }
  for (const share of shares) share.rules.sort((a, b) => a - b);
  shares[0].unread = dataset.filter((name) => !reader.has(name));
  return shares;
}

/** A rule's runs times (the fixed cost of a run + the bytes of its tables' files its window covers). */
function ruleCost(
  rule: AnalyticsRule,
  tables: readonly string[],
  bytes: ReadonlyMap<string, number>,
  span: bigint,
): number {
  const settings = runSettings(rule);
  const runs = Number(span / settings.frequency);
  const covered = Math.min(1, Number(settings.period) / Number(span));
  return runs * (RUN_COST_BYTES + covered * tables.reduce((n, t) => n + (bytes.get(t) ?? 0), 0));
}

/** What a backtest worker is given (backtest-worker.ts): its share, to load and then run. */
export interface BacktestWorkerInput {
  root: string;
  schemaDirs?: string[];
  now: bigint;
  from: bigint;
  to: bigint;
  /** The tables the share loads, with their files; `keep` false: loaded for diagnostics only. */
  tables: { name: string; paths: string[]; keep: boolean }[];
  rules: { index: number; rule: AnalyticsRule; file: string }[];
}

/** A table as a thread loaded it: what the dataset's report needs from it. */
export interface LoadedShareTable {
  name: string;
  rows: number;
  diagnostics: Diagnostic[];
}

export type IndexedResult = { index: number; result: RuleBacktest };

/** What a backtest worker posts: its tables once loaded, runs as they end, then its rules' results. */
export type BacktestWorkerMessage =
  | { kind: 'loaded'; tables: LoadedShareTable[] }
  | { kind: 'ran'; count: number }
  | { kind: 'done'; results: IndexedResult[] };

/** The parent's answer once every thread has loaded (there were no errors): run. */
export interface BacktestWorkerCommand {
  /** Whether the whole dataset has a row (RuleData.anyRows). */
  anyRows: boolean;
}

/** A backtest split over threads, its data loaded: what loadBacktestData reports, then the runs. */
export interface ThreadedBacktest {
  rows: number;
  /** Tables of the dataset with a schema (loadBacktestData's `tables.size`). */
  tables: number;
  diagnostics: Diagnostic[];
  /** How the rules were split (one share: on this thread alone). */
  shares: BacktestShare[];
  /** Every rule's backtest, in the rules' order; `onProgress` as backtestRules'. */
  run(onProgress?: (done: number) => void): Promise<RuleBacktest[]>;
  /** Stops the workers without running (the data has errors). */
  close(): Promise<void>;
}

/**
 * `backtestRules` over `loadBacktestData(dir)` with the rules split over threads (splitBacktest):
 * this thread takes share 0 and a worker each other share, each loading only its share's tables.
 * The diagnostics and the results, so the report and the exit code, do not depend on the split
 * (only the rules' elapsed times do). `catalog` must be the one `options` describe.
 */
export async function loadBacktestOnThreads(
  rules: readonly { rule: AnalyticsRule; file: string }[],
  catalog: Catalog,
  options: BacktestThreadOptions,
): Promise<ThreadedBacktest> {
  const { from, to } = options;
  const files = backtestFiles(options.dir);
  const shares = splitBacktest(rules, files, catalog, options.threads, to - from);
  const input = (share: BacktestShare): BacktestWorkerInput => ({
    root: options.root,
    schemaDirs: options.schemaDirs,
    now: to,
    from,
    to,
    tables: [
      ...share.tables.map((name) => ({ name, paths: [...(files.get(name) ?? [])], keep: true })),
      ...share.unread.map((name) => ({ name, paths: [...(files.get(name) ?? [])], keep: false })),
    ],
    rules: share.rules.map((index) => ({ index, ...rules[index] })),
  });
  const workers = shares.slice(1).map((share) => new BacktestThread(input(share)));
  try {
    const own = new ShareRunner(input(shares[0]), catalog);
    const loaded = [own.loaded, ...(await Promise.all(workers.map((w) => w.loaded)))].flat();
    const byName = new Map(loaded.map((t) => [t.name, t]));
    const rows = loaded.reduce((n, t) => n + t.rows, 0);
    const close = async () => {
      await Promise.all(workers.map((w) => w.close()));
    };
    return {
      rows,
      tables: loaded.length,
      shares,
      diagnostics: backtestDiagnostics(
        options.dir,
        files,
        catalog,
        (name) => byName.get(name)?.diagnostics ?? [],
      ),
      async run(onProgress) {
        const total = rules.reduce((n, { rule }) => n + runCount(rule, catalog, from, to), 0);
        let done = 0;
        const ran = (count: number) => {
          done += count;
          onProgress?.(done / Math.max(1, total));
        };
        const command: BacktestWorkerCommand = { anyRows: rows > 0 };
        const others = workers.map((w) => w.run(command, ran));
        const outputs = [await own.run(command, ran), ...(await Promise.all(others))].flat();
        await close();
        // The rules as the caller has them, not the workers' copies.
        return outputs
          .sort((a, b) => a.index - b.index)
          .map(({ index, result }) => ({ ...result, rule: rules[index].rule }));
      },
      close,
    };
  } catch (error) {
    await Promise.all(workers.map((w) => w.close()));
    throw error;
  }
}

/** A backtest loaded by loadBacktestData, run on this thread alone, as a ThreadedBacktest. */
export function oneThreadBacktest(
  data: BacktestData,
  rules: readonly { rule: AnalyticsRule; file: string }[],
  catalog: Catalog,
  from: bigint,
  to: bigint,
): ThreadedBacktest {
  return {
    rows: data.rows,
    tables: data.tables.size,
    diagnostics: data.diagnostics,
    shares: [{ rules: rules.map((_, i) => i), tables: [...data.tables.keys()], unread: [], cost: 0 }],
    run: async (onProgress) => backtestRules(rules, { catalog, tables: data.tables, from, to, onProgress }),
    close: async () => {},
  };
}

function runCount(rule: AnalyticsRule, catalog: Catalog, from: bigint, to: bigint): number {
  return simulateRule(rule, '', { catalog, tables: new Map() }, from, to).times.length;
}

/** One share in the thread that holds it: its tables loaded on creation, its rules replayed on `run`. */
export class ShareRunner {
  readonly loaded: LoadedShareTable[] = [];
  private readonly tables = new Map<string, IndexedTable>();

  constructor(
    private readonly input: BacktestWorkerInput,
    private readonly catalog: Catalog,
  ) {
    for (const { name, paths, keep } of input.tables) {
      const schema = catalog.tables.get(name);
      if (!schema) continue;
      const { table, diagnostics } = loadBacktestTable(paths, schema, input.now);
      this.loaded.push({ name, rows: table.length, diagnostics });
      if (keep) this.tables.set(name, table);
    }
  }

  /** Each rule in turn; between rules the thread yields, so a parent thread hears its workers. */
  async run(command: BacktestWorkerCommand, ran: (count: number) => void): Promise<IndexedResult[]> {
    const { catalog, tables, input } = this;
    const data = { catalog, tables, anyRows: command.anyRows };
    const results: IndexedResult[] = [];
    for (const { index, rule, file } of input.rules) {
      const simulated = simulateRule(rule, file, data, input.from, input.to);
      results.push({ index, result: replayRule(simulated, () => ran(1)) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }
}

/** A share on a worker thread (backtest-worker.ts), spoken to by messages. */
class BacktestThread {
  private readonly worker: Worker;
  readonly loaded: Promise<LoadedShareTable[]>;
  private ran?: (count: number) => void;
  private finished?: (results: IndexedResult[]) => void;
  private failed?: (error: Error) => void;

  constructor(input: BacktestWorkerInput) {
    this.worker = startWorker(new URL('./backtest-worker.ts', import.meta.url), input);
    this.loaded = new Promise((resolve, reject) => {
      this.failed = reject;
      this.worker.on('message', (message: BacktestWorkerMessage) => {
        if (message.kind === 'loaded') resolve(message.tables);
        else if (message.kind === 'ran') this.ran?.(message.count);
        else this.finished?.(message.results);
      });
    });
    this.worker.on('error', (error) => this.failed?.(error));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.failed?.(new Error(`backtest worker exited with code ${code}`));
    });
  }

  run(command: BacktestWorkerCommand, ran: (count: number) => void): Promise<IndexedResult[]> {
    this.ran = ran;
    const results = new Promise<IndexedResult[]>((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
    this.worker.postMessage(command);
    return results;
  }

  async close(): Promise<void> {
    this.failed = undefined;
    await this.worker.terminate();
  }
}
