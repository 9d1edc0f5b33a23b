import type { Catalog } from '../catalog.js';
import type { Plan } from '../plan/types.js';
import { list, Scope } from './context.js';
import { checkIngestionTime } from './ingestion.js';
import type { RuntimeSchemas } from './runtime-schema.js';
import { checkSketches } from './sketches.js';
import { statementsToPlan } from './tabular.js';

/** Lowers a bound Kusto.Language tree (KustoCode) to the typed plan of its final tabular statement. */
export function lowerQuery(code: any, catalog: Catalog, runtime?: RuntimeSchemas): Plan {
  const plan = statementsToPlan(list(code.Syntax.Statements), { catalog, scope: new Scope(), runtime });
  checkIngestionTime(plan);
  checkSketches(plan);
  return plan;
}
