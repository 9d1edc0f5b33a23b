import type { AutomationRule } from '../automation/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { compileOperationsConfig, type OperationsConfig } from './config.js';
import { loadOperationsRepository, routedRules } from './repository.js';
import { compileRouting } from './routing.js';
import { generateWorkbooks, type Workbook } from './workbooks.js';

/** Routing of `kql/operations.yaml` as automation rules, the SLA timer's config and the workbooks, for `build`; nothing when the repository has no model. */
export function operationsAutomationRules(
  root: string,
  file: (path: string) => string,
): {
  automationRules: AutomationRule[];
  config?: OperationsConfig;
  workbooks: Workbook[];
  diagnostics: Diagnostic[];
} {
  const repo = loadOperationsRepository(root, file);
  if (!repo) return { automationRules: [], workbooks: [], diagnostics: [] };
  const { model, diagnostics } = repo.loaded;
  if (!model) return { automationRules: [], workbooks: [], diagnostics };
  const rules = routedRules(repo.rules);
  return {
    automationRules: compileRouting(model, rules),
    config: compileOperationsConfig(model, rules, repo.catalog?.watchlists ?? new Map()),
    workbooks: generateWorkbooks(model, repo.rules),
    diagnostics,
  };
}
