import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Catalog, portableCatalog } from '../catalog.js';
import type { QueryDiagnostic } from '../syntax/index.js';
import type { JsonTable, QueryLimits, QueryReply, SourceSpec } from './protocol.js';
import type { TimeRange } from './time-range.js';

export type { JsonTable, QueryLimits, SourceSpec } from './protocol.js';
export type { TimeRange } from './time-range.js';

/** A query the engine refused (binding error, run-time error): the caller's fault, 400. */
export class QueryRejectedError extends Error {
  constructor(
    message: string,
    readonly diagnostics: QueryDiagnostic[],
  ) {
    super(message);
    this.name = 'QueryRejectedError';
  }
}

/** A query stopped by a limit (time, rows, memory) or cancelled. */
export class QueryLimitError extends Error {
  constructor(
    message: string,
    readonly limit: 'time' | 'rows' | 'memory' | 'cancelled',
  ) {
    super(message);
    this.name = 'QueryLimitError';
  }
}

interface Pending {
  query: string;
  now: bigint;
  range?: TimeRange;
  signal?: AbortSignal;
  resolve: (table: JsonTable) => void;
  reject: (error: Error) => void;
}

const entry = new URL('./entry.mjs', import.meta.url);

/**
 * Runs queries in a worker process, one at a time, so a runaway query (a cross join of two large
 * tables) cannot block or crash the process that asked: it is stopped at the time limit, refused
 * at the memory budget (the worker's heap limit) or at the row limit, or cancelled by its caller.
 * A stopped worker is replaced; the next query waits while the new one loads its data.
 */
export class IsolatedQueryRunner {
  private worker?: ChildProcess;
  private ready?: Promise<void>;
  private readonly queue: Pending[] = [];
  private running?: Pending;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly catalog: Catalog,
    private readonly source: SourceSpec,
    readonly limits: QueryLimits,
  ) {}

  /** `range`, when given, limits every table the query reads to rows whose TimeGenerated lies in it. */
  run(query: string, now: bigint, signal?: AbortSignal, range?: TimeRange): Promise<JsonTable> {
    if (this.closed) return Promise.reject(new Error('the query runner is closed'));
    return new Promise((resolve, reject) => {
      const pending: Pending = { query, now, range, signal, resolve, reject };
      signal?.addEventListener('abort', () => this.cancel(pending), { once: true });
      this.queue.push(pending);
      void this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the query runner is closed'));
    const worker = this.worker;
    this.worker = undefined;
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGKILL');
      await exited;
    }
  }

  private cancel(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(new QueryLimitError('the query was cancelled', 'cancelled'));
    } else if (this.running === pending) {
      this.stop(new QueryLimitError('the query was cancelled', 'cancelled'));
    }
  }

  private start(): Promise<void> {
    const worker = fork(fileURLToPath(entry), [], {
      // The memory budget is the child's V8 heap limit. A child process rather than a worker
      // thread: on Node 20 a worker thread that reaches its resourceLimits heap in the middle of
      // one large allocation takes the whole process down with it (observed with a cross join).
      execArgv: [`--max-old-space-size=${this.limits.memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.worker = worker;
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4096);
    });
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => reject(new Error(`the query worker did not start: ${stderr.trim()}`)));
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.stop(
        /heap out of memory|Reached heap limit/.test(stderr)
          ? new QueryLimitError(
              `the query needed more than the ${this.limits.memoryMb} MB memory budget; narrow it (filter early, summarize, take)`,
              'memory',
            )
          : new Error('the query worker stopped unexpectedly'),
      );
    });
    worker.send({ catalog: portableCatalog(this.catalog), source: this.source });
    return this.ready;
  }

  /** Ends the running query with `error` and drops the worker; the next query starts a fresh one. */
  private stop(error: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    worker?.kill('SIGKILL');
    const running = this.running;
    this.running = undefined;
    running?.reject(error);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    const pending = this.queue.shift();
    if (!pending) return;
    this.running = pending;
    try {
      if (!this.worker) await this.start();
      else await this.ready;
    } catch (error) {
      if (this.running === pending) this.stop(error as Error);
      return;
    }
    if (this.running !== pending || !this.worker) return;
    const worker = this.worker;
    const id = this.nextId++;
    const timer = setTimeout(
      () =>
        this.running === pending &&
        this.stop(
          new QueryLimitError(
            `the query ran longer than the ${this.limits.timeoutMs / 1000} s limit and was stopped`,
            'time',
          ),
        ),
      this.limits.timeoutMs,
    );
    const onReply = (reply: QueryReply) => {
      if (reply.id !== id) return;
      worker.off('message', onReply);
      clearTimeout(timer);
      if (this.running !== pending) return;
      this.running = undefined;
      if (reply.ok) pending.resolve(reply.table);
      else if (reply.kind === 'query')
        pending.reject(new QueryRejectedError(reply.message, reply.diagnostics));
      else pending.reject(new QueryLimitError(reply.message, 'rows'));
      void this.pump();
    };
    worker.on('message', onReply);
    // A query stopped by a limit or cancelled ends the timer with it.
    pending.signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    worker.send({
      id,
      query: pending.query,
      now: pending.now,
      range: pending.range,
      maxRows: this.limits.maxRows,
    });
  }
}
