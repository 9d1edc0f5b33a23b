// One worker thread of validateContent: loads the catalog and ATT&CK data as the main thread did
// and checks its share of the rule files, each on its own; the main thread does the checks across files.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../kql/catalog.js';
import { loadMitre } from '../rules/mitre.js';
import { checkFiles } from '../rules/validate/index.js';
import type { WorkerInput, WorkerOutput } from './validate.js';

const input = workerData as WorkerInput;
const catalog = loadCatalog(input.root, { schemaDirs: input.schemaDirs });
const mitre = input.mitre ? loadMitre(input.mitre.path, input.mitre.file) : undefined;
const { diagnostics, facts } = checkFiles(input.files, { catalog, mitre });
parentPort?.postMessage({ diagnostics, facts } satisfies WorkerOutput);
