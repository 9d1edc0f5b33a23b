// Worker threads shared by the commands that split work over cores (validate, test, backtest): files
// taken in turn from one shared counter, and a worker script found both in the bundled CLI and in a
// TypeScript checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The next indexes into a list of `count` files, `perTake` at a time, from a counter shared between
 * threads (one Int32 in `next`, starting at 0). Taking files in turn rather than in fixed shares
 * lets a thread that starts late (a worker loads Kusto.Language first) still finish with the others.
 */
export function takeInTurn(next: SharedArrayBuffer, count: number, perTake: number): () => number[] {
  const counter = new Int32Array(next);
  return () => {
    const start = Atomics.add(counter, 0, perTake);
    const end = Math.min(start + perTake, count);
    return Array.from({ length: Math.max(end - start, 0) }, (_, i) => start + i);
  };
}

/**
 * Runs a worker script to its one message. `script` is the TypeScript source's URL beside the
 * caller (`new URL('./x-worker.ts', import.meta.url)`): the installed package runs bundled
 * JavaScript, where import.meta.url is the CLI bundle's and the worker is bundled beside it as
 * `x-worker.js`; a checkout runs TypeScript, so the worker registers tsx first.
 */
export function runWorker<O>(script: URL, workerData: unknown): Promise<O> {
  const worker = startWorker(script, workerData);
  return new Promise((resolvePromise, reject) => {
    worker.once('message', (output: O) => resolvePromise(output));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${fileURLToPath(script)} exited with code ${code}`));
    });
  });
}

/** Starts a worker script (see runWorker) for a caller that talks to it in more than one message. */
export function startWorker(script: URL, workerData: unknown): Worker {
  const js = new URL(script.href.replace(/\.ts$/, '.js'));
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
