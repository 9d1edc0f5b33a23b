// One worker thread of loadBacktestOnThreads: loads its share's tables with the same catalog as the
// parent's, reports them, and replays its share's rules when the parent says the data is sound.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../../kql/catalog.js';
import {
  type BacktestWorkerCommand,
  type BacktestWorkerInput,
  type BacktestWorkerMessage,
  ShareRunner,
} from './threads.js';

/** Runs are reported in batches: a message per run would be ten thousand for one NRT rule. */
const RUNS_PER_REPORT = 64;

const input = workerData as BacktestWorkerInput;
const port = parentPort;
if (!port) throw new Error('backtest-worker.ts runs as a worker thread');
const post = (message: BacktestWorkerMessage) => port.postMessage(message);
const share = new ShareRunner(input, loadCatalog(input.root, { schemaDirs: input.schemaDirs }));
post({ kind: 'loaded', tables: share.loaded });
port.once('message', async (command: BacktestWorkerCommand) => {
  let unreported = 0;
  const results = await share.run(command, (count) => {
    unreported += count;
    if (unreported < RUNS_PER_REPORT) return;
    post({ kind: 'ran', count: unreported });
    unreported = 0;
  });
  if (unreported > 0) post({ kind: 'ran', count: unreported });
  post({ kind: 'done', results });
  port.close();
});
