import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { Catalog } from '../kql/catalog.js';
import { findRuleFiles } from '../rules/load.js';
import type { SummaryRule } from '../summary/model.js';
import { validateSummaryFiles } from '../summary/validate.js';

/**
 * A summary rule as `Microsoft.OperationalInsights/workspaces/summaryLogs` takes it: the YAML's name
 * and properties as they are (the YAML is the resource). The destination table is not declared:
 * "Azure Monitor creates the table in the workspace, if it doesn't already exist, based on the
 * query" (summary-rules), and a tables PUT with its `_BinSize`-style standard columns is refused.
 */
export interface SummaryRuleResource {
  name: string;
  properties: Omit<SummaryRule, 'name'>;
}

/** The summary rules of kql/summary, validated; errors go to `diagnostics`. */
export function loadSummaryRules(
  root: string,
  rel: (path: string) => string,
  catalog: Catalog | undefined,
  diagnostics: Diagnostic[],
): SummaryRuleResource[] {
  const paths = findRuleFiles([join(root, 'kql', 'summary')]);
  if (paths.length === 0 || !catalog) return [];
  const { documents, diagnostics: found } = validateSummaryFiles(paths, { catalog, displayPath: rel });
  diagnostics.push(...found);
  return documents
    .flatMap(({ rule }) => (rule ? [{ name: rule.name, properties: withoutName(rule) }] : []))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function withoutName({ name: _name, ...properties }: SummaryRule): Omit<SummaryRule, 'name'> {
  return properties;
}
