import type { Diagnostic } from '../../diagnostics.js';
import type { Catalog } from '../../kql/catalog.js';
import type { CheckTarget } from './target.js';

/**
 * Scheduled and NRT rules read Analytics tables only: a table on the Basic or Auxiliary plan
 * cannot feed alerts (learn.microsoft.com/azure/azure-monitor/logs/logs-table-plans, "alerts stop
 * working for the table"; .../logs/basic-logs-query: one table, no user-defined functions).
 * A warning, because the plan is the workspace's setting, declared in the schema or
 * `sentinel-kit.config.yaml` `tablePlans`, not something the rule file controls.
 */
export function checkTablePlans(
  { source }: CheckTarget,
  tables: readonly string[],
  catalog: Catalog,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const name of tables) {
    const plan = catalog.tables.get(name)?.plan;
    if (plan === 'Basic' || plan === 'Auxiliary') {
      diagnostics.push(
        source.diagnostic(
          'SK1106',
          'warning',
          `'${name}' is on the ${plan} plan, which analytics rules cannot query: Sentinel alert rules need ` +
            'Analytics tables (switch the table to Analytics, or use a summary rule into an Analytics table)',
          source.valueAt(['query']),
        ),
      );
    }
  }
  return diagnostics;
}
