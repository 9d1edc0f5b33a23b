import type { Catalog, TablePlan } from './catalog.js';
import { boundReferences } from './references.js';
import { analyze, bridge, type QueryDiagnostic } from './syntax/index.js';
import { parseTimespan, TICKS_PER_DAY } from './values/index.js';

/**
 * What a query may do once it reads a table on the Basic or Auxiliary plan, per "Query data in a
 * Basic and Auxiliary table in Azure Monitor Logs" (learn.microsoft.com/azure/azure-monitor/logs/
 * basic-logs-query, Considerations): such queries have full KQL across tables, except that the
 * `externaldata` operator, cross-service queries (adx(), arg()), resource() queries and
 * resource-context queries are not supported; and Basic tables are queried over the last 30 days
 * only (Auxiliary tables over their whole retention), older data needing a search job.
 * The July 2025 version of that page still refused join, find and search and limited lookup/union
 * to five Analytics tables; the current page lifted those, so they are not reported.
 * Cross-service and resource() calls never bind in our catalog (Kusto.Language reports them), so
 * only what binds is checked here.
 */
export const tierCode = 'SK1107';

/** Basic tables answer for the last 30 days ("Basic log tables support a time range up to the past 30 days"). */
const BASIC_QUERY_DAYS = 30n;
const BASIC_QUERY_TICKS = BASIC_QUERY_DAYS * TICKS_PER_DAY;

/**
 * The tables on a lower tier that a bound query reads, with their plans (parser bodies included).
 * `read` is the bound query's tables when the caller has them (`boundReferences`).
 */
export function lowerTierTables(
  code: any,
  catalog: Catalog,
  read: readonly string[] = boundReferences(code, catalog).tables,
): Map<string, TablePlan> {
  const tables = new Map<string, TablePlan>();
  for (const name of read) {
    const plan = catalog.tables.get(name)?.plan;
    if (plan === 'Basic' || plan === 'Auxiliary') tables.set(name, plan);
  }
  return tables;
}

/**
 * Warnings for what the plan of the tables a query reads does not support, positioned by offset
 * into the query. Takes the bound tree (`analyze(query, catalog).code`) or the query text, and
 * the tables it reads when the caller has them.
 */
export function tierDiagnostics(
  query: string | object,
  catalog: Catalog,
  read?: readonly string[],
): QueryDiagnostic[] {
  const code = typeof query === 'string' ? analyze(query, catalog).code : query;
  const tables = lowerTierTables(code, catalog, read);
  if (tables.size === 0) return [];
  const named = [...tables].map(([name, plan]) => `${name} (${plan})`).join(', ');
  const onlyBasic = [...tables.values()].every((plan) => plan === 'Basic');
  const found: QueryDiagnostic[] = [];
  const warn = (node: any, message: string) =>
    found.push({
      code: tierCode,
      severity: 'warning',
      message,
      start: node.TextStart,
      length: Math.max(1, node.Width),
    });
  const visit = (node: any): void => {
    const kind = String(bridge().getTypeName(node)).replace(/^Kusto\.Language\.Syntax\./, '');
    if (kind === 'ExternalDataExpression') {
      warn(node, `externaldata is not supported in a query that reads a Basic or Auxiliary table: ${named}`);
    } else if (onlyBasic && kind === 'FunctionCallExpression' && node.Name?.SimpleName === 'ago') {
      const ticks = literalTicks(node);
      if (ticks !== undefined && ticks > BASIC_QUERY_TICKS) {
        warn(
          node,
          `Basic tables can be queried over the last ${BASIC_QUERY_DAYS} days only (${named}); older data needs a search job`,
        );
      }
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child) visit(child);
    }
  };
  visit(code.Syntax);
  return found;
}

/** The span of `ago(<timespan literal>)` in ticks, undefined when the argument is not a literal. */
function literalTicks(call: any): bigint | undefined {
  const args = call.ArgumentList?.Expressions;
  if (args?.Count !== 1) return undefined;
  const text = String(args.getItem(0).Element.ToString()).trim();
  const ticks = parseTimespan(/^timespan\((.*)\)$/.exec(text)?.[1] ?? text);
  return ticks ?? undefined;
}
