import type { Diagnostic } from '../../diagnostics.js';
import type { Catalog } from '../../kql/catalog.js';
import { bridge } from '../../kql/syntax/index.js';
import type { CheckTarget } from './target.js';

/**
 * The tables a bound query reads, including those read inside the parser functions it calls
 * (their expansions are bound apart from the call site).
 */
export function referencedTables(code: any): string[] {
  const found = new Set<string>();
  const visit = (node: any): void => {
    const symbol = node.ReferencedSymbol;
    if (symbol && String(bridge().getTypeName(symbol)).endsWith('TableSymbol') && symbol.Name) {
      found.add(String(symbol.Name));
    }
    if (symbol && String(bridge().getTypeName(symbol)).endsWith('FunctionSymbol')) {
      const expansion = node.GetExpansion?.();
      if (expansion) visit(expansion);
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child) visit(child);
    }
  };
  visit(code.Syntax);
  return [...found].sort();
}

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
