import type { Diagnostic } from '../diagnostics.js';
import type { Catalog, FunctionSchema } from '../kql/catalog.js';
import { queryReferences } from '../kql/references.js';
import type { AnalyticsRule } from '../rules/model.js';
import type { YamlSource } from '../rules/source.js';

/**
 * Which data a rule needs before Sentinel will save it. Sentinel checks a rule's query when the
 * rule is created: a table the workspace lacks (SigninLogs before the Entra ID connector sends
 * anything) or a function it lacks fails the whole deployment. main.bicep therefore deploys a rule
 * only when one connector of every group it `requires` is in its `enabledDataConnectors` parameter, and a
 * parser only when a deployed rule calls it.
 */
export interface RuleDataNeeds {
  /**
   * Per table the rule reads through a data connector, the connectorIds that can supply it: in
   * the Azure-Sentinel YAML, entries that list the same dataType are alternatives (SecurityEvents
   * or WindowsSecurityEvents for SecurityEvent). The rule needs one connector of every group.
   * Tables this deployment creates need none.
   */
  requires: string[][];
  /** Catalog tables the query reads, directly or through parsers. */
  tables: string[];
  /** Parsers (workspace functions) the query calls, directly or through other parsers. */
  parsers: FunctionSchema[];
}

export interface DataSourceContext {
  catalog: Catalog;
  /** Tables this deployment creates (the connectors' custom tables). */
  createdTables: ReadonlySet<string>;
  /** Tables that exist without any data connector: Sentinel's watchlists are deployed here too. */
  builtInTables: ReadonlySet<string>;
}

/**
 * The connectors and parsers a rule needs; an error when the query reads a table that neither
 * this deployment creates nor a requiredDataConnectors entry lists, since nothing could then keep
 * the rule out of a workspace that lacks the table.
 */
export function ruleDataNeeds(
  rule: AnalyticsRule,
  source: YamlSource | undefined,
  context: DataSourceContext,
  diagnostics: Diagnostic[],
): RuleDataNeeds {
  const declared = rule.requiredDataConnectors ?? [];
  const listed = new Set(declared.flatMap((c) => c.dataTypes));
  const { tables, functions } = queryReferences(rule.query, context.catalog);
  const missing = tables.filter(
    (table) => !listed.has(table) && !context.createdTables.has(table) && !context.builtInTables.has(table),
  );
  if (missing.length > 0 && source) {
    const path = declared.length > 0 ? ['requiredDataConnectors'] : ['query'];
    diagnostics.push(
      source.diagnostic(
        'SK1602',
        'error',
        `the query reads ${missing.join(', ')}, which no requiredDataConnectors entry lists; ` +
          'list the connector and its dataTypes so the deployment can leave the rule out of workspaces without that data',
        source.valueAt(path),
      ),
    );
  }
  const groups = new Map<string, string[]>();
  for (const table of [...listed].filter((t) => !context.createdTables.has(t))) {
    const group = [...new Set(declared.filter((c) => c.dataTypes.includes(table)).map((c) => c.connectorId))];
    groups.set(group.sort().join('\0'), group);
  }
  return {
    requires: [...groups.keys()].sort().map((key) => groups.get(key)!),
    tables,
    parsers: functions,
  };
}

/** Whether a rule with these needs is deployed for `enabled` connectors (main.bicep's `deployable`). */
export function isDeployed(requires: readonly string[][], enabled: readonly string[]): boolean {
  return requires.every((group) => group.some((id) => enabled.includes(id)));
}
