// One worker thread of validateContent: loads the catalog and ATT&CK data as the main thread did
// and checks rule files, each on its own, taking them in turn with the other threads; the main
// thread does the checks across files.
import { parentPort, workerData } from 'node:worker_threads';
import { readCatalog } from '../kql/catalog.js';
import { loadMitre } from '../rules/mitre.js';
import { checkFilesInTurn, FILES_PER_TAKE } from '../rules/validate/index.js';
import { takeInTurn } from '../threads.js';
import { type WorkerInput, type WorkerOutput, withParsersOf } from './validate.js';

const input = workerData as WorkerInput;
// readCatalog, as the main thread: a malformed schema file is the main thread's to report.
const catalog = withParsersOf(
  readCatalog(input.root, { schemaDirs: input.schemaDirs }).catalog,
  input.parsers,
);
const mitre = input.mitre ? loadMitre(input.mitre.path, input.mitre.file) : undefined;
const take = takeInTurn(input.next, input.files.length, FILES_PER_TAKE);
const { diagnostics, facts } = checkFilesInTurn(input.files, take, { catalog, mitre });
parentPort?.postMessage({ diagnostics, facts } satisfies WorkerOutput);
