import type { AutomationRule } from '../automation/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { compileOperationsConfig, type OperationsConfig } from './config.js';
import { loadOperationsRepository, routedRules } from './repository.js';
import { compileRouting } from './routing.js';

/** Routing of `kql/operations.yaml` as automation rules, and the SLA timer's config, for `build`; nothing when the repository has no model. */
export function operationsAutomationRules(
  root: string,
  file: (path: string) => string,
): { automationRules: AutomationRule[]; config?: OperationsConfig; diagnostics: Diagnostic[] } {
  const repo = loadOperationsRepository(root, file);
  if (!repo) return { automationRules: [], diagnostics: [] };
  const { model, diagnostics } = repo.loaded;
  if (!model) return { automationRules: [], diagnostics };
  const rules = routedRules(repo.rules);
  return {
    automationRules: compileRouting(model, rules),
    config: compileOperationsConfig(model, rules, repo.catalog?.watchlists ?? new Map()),
    diagnostics,
  };
}
