import type { Catalog } from '../catalog.js';
import type { Assertion, Plan } from '../plan/types.js';
import { phantomInResult } from '../syntax/index.js';
import { type BodyParameters, type LowerContext, list, Scope } from './context.js';
import { hiddenResultColumns } from './hidden-columns.js';
import { checkIngestionTime } from './ingestion.js';
import type { RuntimeSchemas } from './runtime-schema.js';
import { checkSketches } from './sketches.js';
import { columnRef, project, statementsToPlan } from './tabular.js';

/**
 * Lowers a bound Kusto.Language tree (KustoCode) to the typed plan of its final tabular statement;
 * `body` when the tree is a parser's published body run for a call (lower/parser-body.ts).
 */
export function lowerQuery(
  code: any,
  catalog: Catalog,
  runtime?: RuntimeSchemas,
  body?: Pick<LowerContext, 'callSite' | 'resultKept'>,
  parameters?: BodyParameters,
): Plan {
  const assertions: Assertion[] = [];
  const plan = statementsToPlan(
    list(code.Syntax.Statements),
    { catalog, scope: new Scope(), runtime, ...body, assertions },
    parameters,
  );
  const shown = withoutPhantomMatchId(plan, code);
  checkIngestionTime(shown);
  checkSketches(plan);
  // Set on the final plan itself (not a copy): runtime-schema.ts knows an open result by its identity.
  if (assertions.length > 0) shown.assertions = assertions;
  // A parser body's result is not what the query shows: only the query's own final plan hides columns.
  const hidden = body ? [] : hiddenResultColumns(code, catalog);
  if (hidden.length > 0) shown.hidden = hidden;
  return shown;
}

/**
 * The result without a scan's phantom match_id carried to it (lower/scan.ts): the scan page's scan
 * without with_match_id has no such column, and resultSchema leaves it out too.
 */
function withoutPhantomMatchId(plan: Plan, code: any): Plan {
  const phantom = phantomInResult(code);
  if (phantom < 0) return plan;
  const kept = plan.schema.flatMap((c, i) =>
    i === phantom ? [] : [{ name: c.name, expr: columnRef(plan.schema, i) }],
  );
  return project(plan, kept);
}
