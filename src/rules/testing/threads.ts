import type { Catalog } from '../../kql/catalog.js';
import { runWorker, takeInTurn } from '../../threads.js';
import { type FileResult, findRuleTestFiles, runRuleTestFile } from './runner.js';

export interface RuleTestThreadOptions {
  /** How a worker loads the same catalog as the caller's: `loadCatalog(root, { schemaDirs })`. */
  root: string;
  schemaDirs?: string[];
  /**
   * Threads to run on, this one included (default 1; never more than the test files). A worker
   * first loads Kusto.Language and the catalog and warms up the engine: ~3.5–5 s of CPU measured
   * on the 2-core machine, about as much as 20 starter test files cost (NOTES.md, issue 15 session 5).
   */
  threads?: number;
}

/** What a worker thread is given and returns (rule-test-worker.ts). */
export interface RuleTestWorkerInput {
  root: string;
  schemaDirs?: string[];
  /** Every test file; the threads take them in turn through `next`. */
  files: string[];
  /** One Int32 shared by all threads: the index of the next file not yet taken. */
  next: SharedArrayBuffer;
}
export type RuleTestWorkerOutput = { index: number; result: FileResult }[];

/**
 * Every case of every test file under `paths`, as `runRuleTests` answers, with the files spread over
 * worker threads; `catalog` must be the one `options` describe. The results keep the files' order,
 * so reports and exit codes do not depend on the thread count (only the cases' timings do).
 */
export async function runRuleTestsOnThreads(
  paths: readonly string[],
  catalog: Catalog,
  options: RuleTestThreadOptions,
): Promise<FileResult[]> {
  const files = findRuleTestFiles(paths);
  const threads = Math.max(1, Math.min(options.threads ?? 1, files.length));
  const next = new SharedArrayBuffer(4);
  const input: RuleTestWorkerInput = { root: options.root, schemaDirs: options.schemaDirs, files, next };
  const workers = Array.from({ length: threads - 1 }, () =>
    runWorker<RuleTestWorkerOutput>(new URL('./rule-test-worker.ts', import.meta.url), input),
  );
  const own = runRuleTestFilesInTurn(files, takeInTurn(next, files.length, 1), catalog);
  const outputs = [own, ...(await Promise.all(workers))].flat();
  return outputs.sort((a, b) => a.index - b.index).map((o) => o.result);
}

/** Test files taken in turn (one at a time: a file's cases may cost from a few ms to a second). */
export function runRuleTestFilesInTurn(
  files: readonly string[],
  take: () => readonly number[],
  catalog: Catalog,
): RuleTestWorkerOutput {
  const results: RuleTestWorkerOutput = [];
  for (let batch = take(); batch.length > 0; batch = take()) {
    for (const index of batch) results.push({ index, result: runRuleTestFile(files[index], catalog) });
  }
  return results;
}
