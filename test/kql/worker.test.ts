import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import { IsolatedQueryRunner, QueryLimitError, QueryRejectedError } from '../../src/kql/worker/runner.js';
import { Workspace, workspaceSource } from '../../src/local/store/workspace.js';
import { testCatalog } from '../support/catalog.js';

const catalog = testCatalog({ SigninLogs: { TimeGenerated: 'datetime', UserPrincipalName: 'string' } });
// 6,000 × 6,000 rows: the cross join that took the local SOC down with a heap out-of-memory error.
const crossJoin =
  'range x from 1 to 6000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 6000 step 1 | extend k = 1) on k | count';

describe('queries on a worker thread within limits', () => {
  let dir: string;
  let workspace: Workspace;
  let runner: IsolatedQueryRunner;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-worker-'));
    workspace = new Workspace(dir, catalog);
    runner = new IsolatedQueryRunner(catalog, workspaceSource(dir), {
      timeoutMs: 20_000,
      maxRows: 100,
      memoryMb: 192,
    });
  });
  afterAll(async () => {
    await runner.close();
    workspace.close();
  });

  it('sees every row acknowledged before the query, including rows ingested after the worker started', async () => {
    workspace.ingest('SigninLogs', [{ TimeGenerated: '2026-01-01T00:00:00Z', UserPrincipalName: 'a' }], 0n);
    expect((await runner.run('SigninLogs | count', 0n)).rows).toEqual([[1]]);
    workspace.ingest('SigninLogs', [{ TimeGenerated: '2026-01-01T00:00:01Z', UserPrincipalName: 'b' }], 0n);
    expect((await runner.run('SigninLogs | count', 0n)).rows).toEqual([[2]]);
  });

  it('stops a runaway cross join at the memory budget or time limit, while the calling thread stays free', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const outcome = await runner.run(crossJoin, 0n).then(
      () => 'answered',
      (error: Error) => error,
    );
    clearInterval(ticker);
    expect(outcome).toBeInstanceOf(QueryLimitError);
    expect(['memory', 'time']).toContain((outcome as QueryLimitError).limit);
    // The event loop kept turning while the join ran on the worker.
    expect(ticks).toBeGreaterThan(5);
    // A fresh worker answers the next query.
    expect((await runner.run('SigninLogs | count', 0n)).rows).toEqual([[2]]);
  });

  it('writes a datetime column as ISO text and a datetime inside a dynamic with seven fractional digits', async () => {
    // The make-series page prints its axis arrays as "2017-01-01T00:00:00.0000000Z".
    const result = await runner.run(
      'print t = datetime(2017-01-01), d = pack_array(datetime(2017-01-01))',
      0n,
    );
    expect(result.rows).toEqual([['2017-01-01T00:00:00Z', ['2017-01-01T00:00:00.0000000Z']]]);
  });

  it('hands back what render asked for, for the console to draw', async () => {
    const result = await runner.run("print n = 1 | render timechart with (title='t')", 0n);
    expect(result.visualization).toEqual({ visualization: 'timechart', title: 't' });
    expect((await runner.run('print n = 1', 0n)).visualization).toBeUndefined();
  });

  it('refuses a result over the row limit instead of truncating it', async () => {
    const error = await runner.run('range x from 1 to 101 step 1', 0n).catch((e: Error) => e);
    expect(error).toBeInstanceOf(QueryLimitError);
    expect((error as QueryLimitError).limit).toBe('rows');
    expect((await runner.run('range x from 1 to 100 step 1 | count', 0n)).rows).toEqual([[100]]);
  });

  it('cancels a running query when its caller aborts', async () => {
    const controller = new AbortController();
    const running = runner.run(crossJoin, 0n, controller.signal).catch((e: Error) => e);
    setTimeout(() => controller.abort(), 200);
    const error = await running;
    expect(error).toBeInstanceOf(QueryLimitError);
    expect((error as QueryLimitError).limit).toBe('cancelled');
  });

  it('reports binding errors with positions', async () => {
    const error = await runner.run('SigninLogs | where Nope == 1', 0n).catch((e: Error) => e);
    expect(error).toBeInstanceOf(QueryRejectedError);
    expect((error as QueryRejectedError).diagnostics[0].start).toBeGreaterThan(0);
  });
});

describe('the worker binds against the same catalog as its caller', () => {
  // Structured cloning a lazily loaded catalog keeps only the tables loaded so far: the worker must
  // rebuild it (portableCatalog), or any built-in table the caller had not used yet is "unknown".
  it('knows a built-in table the calling process never loaded', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const full = loadCatalog(root);
    const dir = mkdtempSync(join(tmpdir(), 'sk-worker-builtin-'));
    const runner = new IsolatedQueryRunner(full, workspaceSource(dir), {
      timeoutMs: 60_000,
      maxRows: 10,
      memoryMb: 512,
    });
    try {
      const table = await runner.run(
        'AzureActivity | project TimeGenerated, OperationNameValue | take 1',
        0n,
      );
      expect(table.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'OperationNameValue']);
      expect(table.rows).toEqual([]);
    } finally {
      await runner.close();
    }
  }, 120_000);
});
