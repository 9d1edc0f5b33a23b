// One worker thread of runRuleTestsOnThreads: loads the catalog as the main thread did and runs
// test files, taking them in turn with the other threads.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../../kql/catalog.js';
import { takeInTurn } from '../../threads.js';
import { type RuleTestWorkerInput, type RuleTestWorkerOutput, runRuleTestFilesInTurn } from './threads.js';

const input = workerData as RuleTestWorkerInput;
const catalog = loadCatalog(input.root, { schemaDirs: input.schemaDirs });
const take = takeInTurn(input.next, input.files.length, 1);
parentPort?.postMessage(runRuleTestFilesInTurn(input.files, take, catalog) satisfies RuleTestWorkerOutput);
