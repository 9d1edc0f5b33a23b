/**
 * A Solution parser whose published body the catalog holds while the Azure-Sentinel CI declares
 * columns for it that the body does not give over the catalog's tables (`MG` of Syslog for
 * VMwareESXi, `TreadId` for OracleWebLogicServerEvent, `ActorImageUrl` for ADOAuditLogs): the call
 * binds with the CI's columns (its parser-output stub table, or its CustomFunctions entry when that
 * takes no parameters), exactly as the CI and `validate` bind it, and the engine runs the body.
 * A declared column the body lacks has values in Azure from data the catalog cannot hold, and no
 * documented Kusto rule gives it a value, so a query that observes one (reads it, or keeps it to
 * where its pipeline ends) is refused with the reason once the body would run; one the query drops
 * unread (`| project a, b`, `| summarize ... by a`) cannot change the answer.
 */
import type { Catalog } from '../catalog.js';
import { bodyRefusal, KqlError, UnsupportedError } from '../plan/errors.js';
import type { Column, NamedExpr, Plan, ScalarExpr, Span } from '../plan/types.js';
import { type PublishedParser, parserBesideDeclaration, standaloneBody } from '../solution-parsers.js';
import { type Analysis, analyze, toArray } from '../syntax/index.js';
import { argumentSlots, type BodyParameters, type LowerContext, spanOf } from './context.js';
import { unobservedFromSource } from './liveness.js';
import { planResolving } from './runtime-schema.js';
import { argumentValue } from './scalar.js';

const bound = new WeakMap<Catalog, Map<string, Analysis>>();

/**
 * The `parser-output` of stub table `name` when the catalog holds a published body to run beside
 * its declared columns; else undefined. (A CI-declared function, with or without parameters, goes
 * through lowerCallBesideDeclaration.) A body with an operator whose columns come from the data
 * (a schema-less bag_unpack) resolves them at run time over its own text (runtime-schema.ts), and
 * is projected onto the declared columns once they are known.
 */
export function lowerBodyBesideDeclaration(
  name: string,
  node: any,
  ctx: LowerContext,
  schema: Column[],
): Plan | undefined {
  const parser = parserBesideDeclaration(name);
  return parser && besideDeclaration(parser, name, node, ctx, schema);
}

/**
 * The `parser-output` of a call `name(args)` of a function the Azure-Sentinel CI declares
 * (catalog/ci-functions.json: its columns and parameters bind the call) when the catalog holds the
 * published body to run beside those columns; else undefined. Kusto binds a call's arguments to the
 * parameters of the function the workspace has, the published one (https://learn.microsoft.com/
 * kusto/query/functions/user-defined-functions: "positional arguments are matched to the
 * parameters by their order", named ones by name), so each argument is the value of the body's
 * parameter in the same position, and a parameter without a default needs one. Where the CI's
 * declaration differs from the body's parameters there (another name, type or count), Azure's
 * answer is not the one the CI bound, and the body is refused with that reason.
 */
export function lowerCallBesideDeclaration(
  name: string,
  node: any,
  ctx: LowerContext,
  schema: Column[],
): Plan | undefined {
  const parser = parserBesideDeclaration(name);
  if (!parser) return undefined;
  const given = givenArguments(parser, node, ctx);
  if ('refused' in given)
    return { op: 'parser-output', name, span: spanOf(node, ctx), schema, bodyRefused: given.refused };
  return besideDeclaration(parser, name, node, ctx, schema, given);
}

/** The call's arguments as the values of the body's parameters, or why they cannot be. */
function givenArguments(
  parser: PublishedParser,
  node: any,
  ctx: LowerContext,
): BodyParameters | { refused: string } {
  const declared = toArray(node.ReferencedSignature?.Parameters).map((p: any) => String(p.Name));
  const slots = argumentSlots(node, ctx);
  const values = new Map<string, ScalarExpr>();
  const where = `(${parser.source.path})`;
  for (let i = 0; i < Math.max(slots.length, parser.parameters.length); i++) {
    const param = parser.parameters[i];
    const arg = slots[i];
    if (!param)
      return { refused: `the call gives ${slots.length} arguments, its published body takes ${i} ${where}` };
    if (!arg) {
      if (param.default !== undefined) continue;
      return {
        refused: `the call gives no argument for parameter '${param.name}' of its published body, which has no default ${where}`,
      };
    }
    if (declared[i] !== param.name)
      return {
        refused:
          `the Azure-Sentinel CI declares parameter ${i + 1} as '${declared[i] ?? 'none'}', ` +
          `its published body as '${param.name}' ${where}`,
      };
    if (param.type === 'table') return { refused: `tabular parameter '${param.name}' ${where}` };
    const expr = argumentValue(arg, param.type, ctx);
    if (expr.type !== param.type)
      return {
        refused: `the argument for '${param.name}' is ${expr.type}, its published body declares ${param.type} ${where}`,
      };
    values.set(param.name, expr);
  }
  return { leading: parser.parameters.length, values };
}

function besideDeclaration(
  parser: PublishedParser,
  name: string,
  node: any,
  ctx: LowerContext,
  schema: Column[],
  given?: BodyParameters,
): Plan {
  const span = spanOf(node, ctx);
  const output = { op: 'parser-output' as const, name, span, schema };
  const onto = (body: Plan): Plan | { refused: string } => {
    if (body.op !== 'runtime-schema') return declaredColumns(body, node, name, parser, schema);
    return {
      ...body,
      resume: (found) => {
        const { plans, inQuery } = body.resume(found);
        return {
          inQuery,
          plans: plans.map((plan) => {
            const projected = onto(plan);
            if ('refused' in projected) throw bodyRefusal(name, span, projected.refused);
            return projected;
          }),
        };
      },
    };
  };
  try {
    const projected = onto(lowerBody(parser, span, ctx.catalog, new Set(schema.map((c) => c.name)), given));
    return 'refused' in projected
      ? { ...output, bodyRefused: projected.refused }
      : { ...output, body: projected };
  } catch (error) {
    if (!(error instanceof UnsupportedError)) throw error;
    return { ...output, bodyRefused: error.message };
  }
}

/**
 * The body's result as the declared columns. A declared column the body lacks (or gives with another
 * type) refuses the body when the query observes it; one the query drops unread is a typed null.
 */
function declaredColumns(
  body: Plan,
  node: any,
  name: string,
  parser: PublishedParser,
  schema: Column[],
): Plan | { refused: string } {
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
        refused:
          `the query reads or keeps column '${c.name}', which the Azure-Sentinel CI declares for ${name} ` +
          `but its published body ${lacks} over the catalog's tables (${parser.source.path})`,
      };
    }
    // Dropped unread by the query (unobservedFromSource), so no value of it reaches the answer.
    columns.push({ name: c.name, expr: { kind: 'literal', value: null, type: c.type } });
  }
  return { op: 'project', input: body, columns, schema };
}

/**
 * The body bound on its own against the query's catalog (parameters at their defaults, or typed
 * nulls), lowered with the call's arguments `given` in place of those defaults.
 */
function lowerBody(
  parser: PublishedParser,
  span: Span,
  catalog: Catalog,
  kept: ReadonlySet<string>,
  given?: BodyParameters,
): Plan {
  let byName = bound.get(catalog);
  if (!byName) bound.set(catalog, (byName = new Map()));
  const cache = byName;
  const text = standaloneBody(parser);
  // The body as published binds once per catalog; a text with run-time schemas written in is per run.
  const analyzeOnce = (query: string, against: Catalog): Analysis => {
    if (query !== text) return analyze(query, against);
    let analysis = cache.get(parser.name);
    if (!analysis) cache.set(parser.name, (analysis = analyze(query, against)));
    return analysis;
  };
  try {
    return planResolving(text, catalog, [], {
      callSite: span,
      kept,
      analyze: analyzeOnce,
      parameters: given,
    });
  } catch (error) {
    if (!(error instanceof KqlError) || error instanceof UnsupportedError) throw error;
    throw new UnsupportedError(
      parser.name,
      span,
      `its published body does not bind here: ${error.diagnostics[0]?.code} ${error.diagnostics[0]?.message}`,
    );
  }
}
