import type { Diagnostic } from '../diagnostics.js';
import { loadOperationsRepository } from './repository.js';

/** Diagnostics for `kql/operations.yaml` under `root`; none when the repository has no operations model. */
export function operationsDiagnostics(root: string): Diagnostic[] {
  return loadOperationsRepository(root)?.loaded.diagnostics ?? [];
}
