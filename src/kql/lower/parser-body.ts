/**
 * A Solution parser whose published body the catalog holds while the Azure-Sentinel CI declares
 * columns for it that the body does not give over the catalog's tables (`MG` of Syslog for
 * VMwareESXi, `TreadId` for OracleWebLogicServerEvent): the call binds with the CI's columns (its
 * parser-output stub table), exactly as the CI and `validate` bind it, and the engine runs the body.
 * A declared column the body lacks has values in Azure from data the catalog cannot hold, and no
 * documented Kusto rule gives it a value, so a query that observes one (reads it, or keeps it to
 * where its pipeline ends) is refused with the reason once the body would run; one the query drops
 * unread (`| project a, b`, `| summarize ... by a`) cannot change the answer.
 */
import type { Catalog } from '../catalog.js';
import { UnsupportedError } from '../plan/errors.js';
import type { Column, NamedExpr, Plan, Span } from '../plan/types.js';
import { type PublishedParser, parserBesideDeclaration, standaloneBody } from '../solution-parsers.js';
import { analyze, lastStatement } from '../syntax/index.js';
import { type LowerContext, list, Scope, spanOf } from './context.js';
import { unobservedFromSource } from './liveness.js';

type LowerStatements = (statements: any[], ctx: LowerContext) => Plan;

const bodies = new WeakMap<Catalog, Map<string, any>>();

/**
 * The `parser-output` of stub table `name` when the catalog holds a published body to run beside
 * its declared columns; else undefined. `lowerStatements` lowers the body's statements.
 */
export function lowerBodyBesideDeclaration(
  name: string,
  node: any,
  ctx: LowerContext,
  schema: Column[],
  lowerStatements: LowerStatements,
): Plan | undefined {
  const parser = parserBesideDeclaration(name);
  if (!parser) return undefined;
  const span = spanOf(node, ctx);
  const output = { op: 'parser-output' as const, name, span, schema };
  let body: Plan;
  try {
    body = lowerBody(parser, span, ctx, new Set(schema.map((c) => c.name)), lowerStatements);
  } catch (error) {
    if (!(error instanceof UnsupportedError)) throw error;
    return { ...output, bodyRefused: error.message };
  }
  const given = new Map(body.schema.map((c, index) => [c.name, { ...c, index }]));
  const columns: NamedExpr[] = [];
  for (const c of schema) {
    const from = given.get(c.name);
    if (from?.type === c.type) {
      columns.push({ name: c.name, expr: { kind: 'column', index: from.index, type: c.type } });
      continue;
    }
    if (!unobservedFromSource(node, c.name)) {
      const lacks = from ? `gives it as ${from.type}, not ${c.type}` : 'does not give it';
      return {
        ...output,
        bodyRefused:
          `the query reads or keeps column '${c.name}', which the Azure-Sentinel CI declares for ${name} ` +
          `but its published body ${lacks} over the catalog's tables (${parser.source.path})`,
      };
    }
    // Dropped unread by the query (unobservedFromSource), so no value of it reaches the answer.
    columns.push({ name: c.name, expr: { kind: 'literal', value: null, type: c.type } });
  }
  return { ...output, body: { op: 'project', input: body, columns, schema } };
}

/** The body bound on its own against the query's catalog (parameters at their defaults), lowered. */
function lowerBody(
  parser: PublishedParser,
  span: Span,
  ctx: LowerContext,
  declared: ReadonlySet<string>,
  lowerStatements: LowerStatements,
): Plan {
  let byName = bodies.get(ctx.catalog);
  if (!byName) bodies.set(ctx.catalog, (byName = new Map()));
  let code = byName.get(parser.name);
  if (!code) {
    const { code: bound, diagnostics } = analyze(standaloneBody(parser), ctx.catalog);
    const error = diagnostics.find((d) => d.severity === 'error');
    if (error)
      throw new UnsupportedError(
        parser.name,
        span,
        `its published body does not bind here: ${error.code} ${error.message}`,
      );
    code = bound;
    byName.set(parser.name, code);
  }
  // The body's result is projected onto the declared columns (lowerBodyBesideDeclaration).
  return lowerStatements(list(code.Syntax.Statements), {
    catalog: ctx.catalog,
    scope: new Scope(),
    callSite: span,
    resultKept: { statement: lastStatement(code.Syntax), columns: declared },
  });
}
