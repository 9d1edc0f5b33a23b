import type { Catalog } from '../catalog.js';
import type { Plan } from '../plan/types.js';
import { type LowerContext, list, Scope } from './context.js';
import { checkIngestionTime } from './ingestion.js';
import type { RuntimeSchemas } from './runtime-schema.js';
import { checkSketches } from './sketches.js';
import { statementsToPlan } from './tabular.js';

/**
 * Lowers a bound Kusto.Language tree (KustoCode) to the typed plan of its final tabular statement;
 * `body` when the tree is a parser's published body run for a call (lower/parser-body.ts).
 */
export function lowerQuery(
  code: any,
  catalog: Catalog,
  runtime?: RuntimeSchemas,
  body?: Pick<LowerContext, 'callSite' | 'resultKept'>,
): Plan {
  const plan = statementsToPlan(list(code.Syntax.Statements), {
    catalog,
    scope: new Scope(),
    runtime,
    ...body,
  });
  checkIngestionTime(plan);
  checkSketches(plan);
  return plan;
}
