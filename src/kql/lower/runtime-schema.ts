/**
 * Operators whose output columns come from the data: `evaluate bag_unpack(d)` without an output
 * schema and `evaluate pivot(...)`. Their pages say so ("the output schema ... is based on the
 * data", and a query referencing such columns "may become 'broken' at any time": Kusto resolves the
 * names when it runs, and fails then if one is missing), and Kusto.Language binds what follows them
 * against an open row scope, typing every unknown name dynamic.
 *
 * The engine does what the service does: it runs the operator first (the `probe`), then binds the
 * query again with the columns it found declared as the operator's output schema, the syntax both
 * plugins document (`evaluate bag_unpack(d) : (a:string, ...)`, `evaluate pivot(...) : (...)`), and
 * lowers and runs that with the probe's rows in the operator's place. So every later operator
 * resolves names and types against the run-time schema through the ordinary binder: a name that is
 * not there is Kusto.Language's own binding error, at its position in the user's query. The full
 * result-schema check applies to the re-bound query.
 *
 * pivot's page does not say in which order the value columns come (its examples print ALABAMA,
 * ALASKA and ARKANSAS, ARIZONA), so with two or more the query is run with them sorted and reversed;
 * the answer is given only when both agree, i.e. when the query does not show the order.
 */
import type { Catalog } from '../catalog.js';
import { KqlError, UnsupportedError } from '../plan/errors.js';
import type { Column, Plan, Span } from '../plan/types.js';
import { analyze, lastStatement, type QueryDiagnostic, quoteName } from '../syntax/index.js';
import type { Value } from '../values/index.js';
import { type BodyParameters, boundSchema, type LowerContext, spanOf } from './context.js';
import { lowerQuery } from './index.js';
import { checkResultSchema } from './verify.js';

export interface RuntimeSchemas {
  /** What the probes found, by the start of their evaluate operator in the original query. */
  found: Map<number, Found & OpenSite>;
  /** An offset in the text being lowered -> the same place in the user's query. */
  original(offset: number): number;
}

interface Found {
  schema: Column[];
  rows: Value[][];
}

/** Where an open operator is, and the columns Kusto.Language knows it returns. */
interface OpenSite {
  kind: 'bag_unpack' | 'pivot';
  /** The evaluate operator's start in the user's query. */
  start: number;
  /** After its last character in the user's query: where its output schema is written. */
  end: number;
  /** Its place in the text it was lowered from, as every span of that plan is. */
  span: Span;
  /** The columns of its open result the binder lists (the input's for bag_unpack, the groups for pivot). */
  known: Column[];
}

const sites = new WeakMap<Plan, OpenSite>();

/**
 * Marks `plan` (the lowering of an `evaluate` node) as having data-dependent columns that the query
 * (or the parser body) being lowered can resolve at run time. Inside a function body the query calls
 * (offsets relative to that body, no `runtime`) or an mv-apply / partition subquery (a schema per
 * record) it stays unresolvable and is refused by its reader.
 */
export function openOperator(plan: Plan, node: any, kind: OpenSite['kind'], ctx: LowerContext): Plan {
  if (ctx.applyInput || !ctx.runtime) return plan;
  const start = ctx.runtime.original(node.TextStart);
  const end = ctx.runtime.original(node.TextStart + node.Width);
  const span = spanOf(node, ctx);
  sites.set(plan, { kind, start, end, span, known: boundSchema(node) });
  return plan;
}

/** The probe's rows when this evaluate node was resolved by an earlier run, as a plan. */
export function resolvedOperator(node: any, ctx: LowerContext): Plan | undefined {
  const found = ctx.runtime?.found.get(ctx.runtime.original(node.TextStart));
  return found && { op: 'values', rows: found.rows, schema: found.schema, builtBy: `evaluate ${found.kind}` };
}

/** Thrown from lowering when an operator reads the columns of an open one that can be resolved. */
class RuntimeSchemaNeeded extends Error {
  constructor(
    readonly probe: Plan,
    readonly site: OpenSite,
  ) {
    super('runtime schema needed');
  }
}

/** Throws to resolve `plan`'s columns at run time when it is an open operator that can be; else returns. */
export function requireRuntimeSchema(plan: Plan): void {
  const site = sites.get(plan);
  if (site) throw new RuntimeSchemaNeeded(plan, site);
}

/** Text written into the query (`text` replacing `remove` characters at `at`), in its offsets. */
interface Edit {
  at: number;
  remove: number;
  text: string;
}

/**
 * A stretch of the user's query replaced when it is bound again: left out (a union leg that does not
 * resolve) or, with `text`, replaced by that text (an empty leg written into a union: unionTypeLegs).
 */
export interface Deletion {
  start: number;
  end: number;
  text?: string;
}

/**
 * Thrown from lowering when `union isfuzzy=true` drops legs whose source does not resolve and
 * Kusto.Language's binding of the rest of the query still counts their columns: the union page says
 * "the set of union sources is reduced to the set of table references that exist", so Azure binds
 * the query as if those legs were not written. planResolving binds it again without them.
 */
class LegsDropped extends Error {
  constructor(readonly deletions: Deletion[]) {
    super('union legs dropped');
  }
}

const editKey = (d: Deletion) => `${d.start}:${d.end}:${d.text ?? ''}`;

/**
 * Asks for the query to be bound again with `deletions` left out or replaced by their text (offsets
 * in the text being lowered); returns false where that text is not the one planResolving binds (a
 * function body's expansion).
 */
export function rebindEdited(deletions: Deletion[], ctx: LowerContext): false {
  const runtime = ctx.runtime;
  if (!runtime || deletions.length === 0) return false;
  throw new LegsDropped(
    deletions.map((d) => ({ start: runtime.original(d.start), end: runtime.original(d.end), text: d.text })),
  );
}

/**
 * A parser's published body run for a call (lower/parser-body.ts): lowered with its errors at the
 * call, its result projected onto `kept`; `analyze` may serve a cached binding of a text.
 */
export interface BodyCall {
  callSite: Span;
  kept: ReadonlySet<string>;
  analyze: typeof analyze;
  /** The call's arguments for the body's leading parameter `let`s (lower/parser-body.ts). */
  parameters?: BodyParameters;
}

/**
 * Parses, binds and lowers `query` with the output schemas found so far written in; when an open
 * operator's columns are read, the plan is a runtime-schema node that probes it and comes back here.
 */
export function planResolving(
  query: string,
  catalog: Catalog,
  resolved: (Found & OpenSite)[],
  body?: BodyCall,
  dropped: readonly Deletion[] = [],
): Plan {
  const edits = editsOf(resolved, dropped);
  const text = withEdits(query, edits);
  const original = (offset: number) => toOriginal(offset, edits);
  // Errors in a body are the call's; in the query, at their place before the written schemas.
  const place = (error: unknown, offset: (o: number) => number) =>
    body ? atCallSite(error, body.callSite) : inOriginal(error, offset);
  try {
    const { code, diagnostics } = (body?.analyze ?? analyze)(text, catalog);
    const errors = diagnostics.filter((d: QueryDiagnostic) => d.severity === 'error');
    if (errors.length > 0) throw new KqlError(errors);
    const runtime: RuntimeSchemas = { found: new Map(resolved.map((r) => [r.start, r])), original };
    const kept = body && { statement: lastStatement(code.Syntax), columns: body.kept };
    const plan = lowerQuery(
      code,
      catalog,
      runtime,
      body && { callSite: body.callSite, resultKept: kept },
      body?.parameters,
    );
    // pivot's value columns in the result: their order shows, so it must be probed too.
    const last = sites.get(plan);
    if (last?.kind === 'pivot') throw new RuntimeSchemaNeeded(plan, last);
    checkResultSchema(plan, code);
    return plan;
  } catch (error) {
    if (error instanceof LegsDropped) {
      const known = new Set(dropped.map(editKey));
      const fresh = error.deletions.filter((d) => !known.has(editKey(d)));
      if (fresh.length === 0) throw new Error('union legs dropped twice while binding the query again');
      return planResolving(query, catalog, resolved, body, [...dropped, ...fresh]);
    }
    if (!(error instanceof RuntimeSchemaNeeded)) throw place(error, original);
    const { probe, site } = error;
    return {
      op: 'runtime-schema',
      probe,
      span: site.span,
      schema: [],
      resume: (found) => {
        checkKnownColumns(found, site, probe);
        const variants = orders(found, site, probe);
        const plans = variants.map((v) =>
          planResolving(query, catalog, [...resolved, { ...site, ...v }], body, dropped),
        );
        // The variants write the same names and types, so one mapping serves them all.
        const next = editsOf([...resolved, { ...site, ...found }], dropped);
        return { plans, inQuery: (e) => place(e, (offset) => toOriginal(offset, next)) };
      },
    };
  }
}

/**
 * The open result's columns Kusto.Language lists must be among the ones found, in that order and
 * with those types: the part of the schema-equality check that can be made for an open result.
 * bag_unpack's columnsConflict moves a conflicting column among the unpacked ones (and
 * replace_source gives it the slot's type), so there only the names are required.
 */
function checkKnownColumns(found: Found, site: OpenSite, probe: Plan): void {
  const moves = probe.op === 'bag-unpack' && probe.conflict !== 'error';
  const missing = moves
    ? site.known.find((k) => !found.schema.some((c) => c.name === k.name))
    : inOrder(found.schema, site.known);
  if (missing)
    throw new UnsupportedError(
      'result schema',
      site.span,
      `evaluate ${site.kind} returned columns (${found.schema.map((c) => `${c.name}:${c.type}`).join(', ')}) without Kusto's ${missing.name}:${missing.type} in its place; refusing rather than answering differently`,
    );
}

/** The first of `known` not found in `columns` in order with its type, if any. */
function inOrder(columns: Column[], known: Column[]): Column | undefined {
  let at = 0;
  for (const column of columns) {
    const next = known[at];
    if (next && column.name === next.name && column.type === next.type) at++;
  }
  return known[at];
}

/**
 * The column orders to run: bag_unpack's are sorted by name (its page); pivot's value columns
 * sorted and, when two or more, reversed.
 */
function orders(found: Found, site: OpenSite, probe: Plan): Found[] {
  if (site.kind !== 'pivot') return [found];
  const known = probe.schema.length;
  if (found.schema.length - known < 2) return [found];
  const indexes = found.schema.map((_, i) => i);
  const order = [...indexes.slice(0, known), ...indexes.slice(known).reverse()];
  return [
    found,
    { schema: order.map((i) => found.schema[i]), rows: found.rows.map((r) => order.map((i) => r[i])) },
  ];
}

/** The output schemas written after resolved operators and the union legs left out or written in, in order. */
function editsOf(resolved: (Found & OpenSite)[], dropped: readonly Deletion[]): Edit[] {
  return [
    ...resolved.map((r) => ({
      at: r.end,
      remove: 0,
      text: ` : (${r.schema.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ')})`,
    })),
    ...dropped.map((d) => ({ at: d.start, remove: d.end - d.start, text: d.text ?? '' })),
  ].sort((a, b) => a.at - b.at);
}

function withEdits(query: string, edits: Edit[]): string {
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += query.slice(at, edit.at) + edit.text;
    at = edit.at + edit.remove;
  }
  return out + query.slice(at);
}

function toOriginal(offset: number, edits: Edit[]): number {
  let shift = 0;
  for (const { at, remove, text } of edits) {
    if (offset < at + shift) break;
    // Inside the written schema: the operator it was written after.
    if (offset < at + shift + text.length) return at;
    shift += text.length - remove;
  }
  return offset - shift;
}

/** An error of a parser body's text, positioned at the call (plan spans there already are). */
function atCallSite(error: unknown, callSite: Span): unknown {
  if (!(error instanceof KqlError) || error instanceof UnsupportedError || mapped.has(error)) return error;
  const out = new KqlError(error.diagnostics.map((d) => ({ ...d, ...callSite })));
  mapped.add(out);
  return out;
}

const mapped = new WeakSet<object>();

/** An error positioned in the re-bound text, positioned in the user's query instead. */
export function inOriginal(error: unknown, original: (offset: number) => number): unknown {
  if (!(error instanceof KqlError) || mapped.has(error)) return error;
  const move = (d: QueryDiagnostic): QueryDiagnostic => {
    const start = original(d.start);
    return { ...d, start, length: Math.max(0, Math.min(d.length, original(d.start + d.length) - start)) };
  };
  const out =
    error instanceof UnsupportedError
      ? new UnsupportedError(error.construct, move(error.diagnostics[0]), error.diagnostics[0].message)
      : new KqlError(error.diagnostics.map(move));
  mapped.add(out);
  return out;
}
