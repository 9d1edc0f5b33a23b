import type { AutomationRule } from '../automation/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { loadOperationsRepository, routedRules } from './repository.js';
import { compileRouting } from './routing.js';

/** Routing of `kql/operations.yaml` as automation rules for `build`; nothing when the repository has no model. */
export function operationsAutomationRules(
  root: string,
  file: (path: string) => string,
): { automationRules: AutomationRule[]; diagnostics: Diagnostic[] } {
  const repo = loadOperationsRepository(root, file);
  if (!repo) return { automationRules: [], diagnostics: [] };
  const { model, diagnostics } = repo.loaded;
  return { automationRules: model ? compileRouting(model, routedRules(repo.rules)) : [], diagnostics };
}
