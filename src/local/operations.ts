import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AutomationRule } from '../automation/model.js';
import { formatDiagnostic, hasErrors } from '../diagnostics.js';
import { compileOperationsConfig, type OperationsConfig } from '../operations/config.js';
import { loadOperationsRepository, routedRules } from '../operations/repository.js';
import { compileRouting } from '../operations/routing.js';
import type { WorkspaceRef } from '../sentinel/client.js';

export interface LocalOperations {
  config?: OperationsConfig;
  /** Routing, run by the local automation runner beside kql/automation's rules. */
  automationRules: AutomationRule[];
  /** App settings of the soc-operations Function and the qa-review responder. */
  settings: Record<string, string>;
}

/**
 * kql/operations.yaml wired into the local SOC the way `build` + Bicep wire it into Azure: routing as
 * automation rules, the compiled config in a file the Functions read, every tier's Teams channel pointed
 * at the sandbox webhook.
 */
export function localOperations(
  root: string,
  dataDir: string,
  workspace: WorkspaceRef,
  apiUrl: string,
  log: (line: string) => void,
): LocalOperations {
  const repo = loadOperationsRepository(root);
  if (!repo) return { automationRules: [], settings: {} };
  const { model, diagnostics } = repo.loaded;
  if (!model || hasErrors(diagnostics)) {
    for (const d of diagnostics) log(formatDiagnostic(d));
    log('SOC operations off: kql/operations.yaml does not validate');
    return { automationRules: [], settings: {} };
  }
  const rules = routedRules(repo.rules);
  const config = compileOperationsConfig(model, rules, repo.catalog?.watchlists ?? new Map());
  const file = join(dataDir, 'operations.json');
  writeFileSync(file, JSON.stringify(config));
  const teams = Object.fromEntries(
    model.tiers.flatMap((tier) =>
      tier.teams ? [[tier.teams.webhookSetting, `${apiUrl}/sandbox/teams/webhook`]] : [],
    ),
  );
  return {
    config,
    automationRules: compileRouting(model, rules),
    settings: {
      SOC_OPERATIONS_FILE: file,
      SENTINEL_WORKSPACE_RESOURCE_ID: `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${workspace.workspaceName}`,
      ...teams,
    },
  };
}
