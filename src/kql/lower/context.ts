import type { Catalog } from '../catalog.js';
import { UnsupportedError } from '../plan/errors.js';
import type { Assertion, Column, GraphSource, Plan, ScalarExpr, Span } from '../plan/types.js';
import { kqlTypeOf, kusto, toArray } from '../syntax/index.js';
import type { KqlType } from '../values/index.js';
import type { RuntimeSchemas } from './runtime-schema.js';

/** What a name bound by `let` or a function parameter stands for. */
export type Binding =
  | { kind: 'scalar'; expr: ScalarExpr }
  /** `serialization`: whether a let-bound row set is serialized, for window functions over it (serialized.ts). */
  | { kind: 'table'; plan: Plan; serialization?: Serialization }
  /** A `declare pattern` statement's PatternDeclaration (pattern.ts); undefined when only declared. */
  | { kind: 'pattern'; declaration: any }
  /** `let g = edges | make-graph ...;`: the graph a later graph-match, graph-shortest-paths or graph-to-table reads. */
  | { kind: 'graph'; graph: GraphSource };

/** Whether a row set is serialized, so that window functions may read it (serialized.ts). */
export type Serialization = 'serialized' | 'not serialized' | 'unknown';

export class Scope {
  private readonly names = new Map<string, Binding>();

  constructor(readonly parent?: Scope) {}

  set(name: string, binding: Binding): void {
    this.names.set(name, binding);
  }

  get(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.get(name);
  }
}

export interface LowerContext {
  catalog: Catalog;
  scope: Scope;
  /**
   * Inside a function expansion, node offsets are relative to the expanded body, so errors are
   * reported at the call site in the user's query instead.
   */
  callSite?: Span;
  /** Inside mv-apply: the plan that yields the current element's rows. */
  applyInput?: Plan;
  /** Columns and rows found at run time for operators whose columns depend on the data (runtime-schema.ts). */
  runtime?: RuntimeSchemas;
  /** The query's assert() conditions, checked before it runs (lowerAssert in scalar.ts). */
  assertions?: Assertion[];
  /** Lowering a let statement's value (bindStatement), which happens whether or not the query uses it. */
  inLetValue?: boolean;
  /**
   * A parser body run beside the CI's declared columns (parser-body.ts): its result `statement` is
   * projected onto `columns`, so a column outside them that reaches it is dropped there unread.
   */
  resultKept?: ResultKept;
  /**
   * Lowering a called function's body (tabular.ts lowerFunctionBody): its final expression `result`
   * is what the call gives, so a column of it is dropped unread when `unobserved` says the call's
   * output drops it (liveness.ts unobservedBeyond).
   */
  bodyResult?: BodyResult;
  /**
   * The request properties the query's `set` statements give (lowerSetOptions in tabular.ts), read by
   * the functions that depend on them (bin_auto).
   */
  options?: ReadonlyMap<string, ScalarExpr>;
  /**
   * Lowering the published body of a parser the workspace has (tabular.ts lowerBuiltinParser): a
   * parser it calls (a unifying ASIM parser's source legs) is a part of that body, not the query's.
   */
  inPublishedBody?: string;
}

export interface BodyResult {
  result: any;
  unobserved: (name: string) => boolean;
}

/**
 * A published body run for a call with arguments (lower/parser-body.ts): the body's text starts with
 * one `let` per parameter (`standaloneBody`), the first `leading` statements; those named in
 * `values` take the call's argument instead of the `let`'s own value.
 */
export interface BodyParameters {
  leading: number;
  values: ReadonlyMap<string, ScalarExpr>;
}

export interface ResultKept {
  statement: any;
  columns: ReadonlySet<string>;
}

/** The columns in scope for a scalar expression: the input row, plus $left/$right in join conditions. */
export interface RowContext {
  schema: Column[];
  /**
   * What pack_all() packs when it is not the whole row: inside `extend`, the operator's input
   * columns (the leading `width` ones; pack-all doc example).
   */
  packed?: { width: number };
  /** Inside scan: `step.column` references, resolved to a column of the row (scan.ts). */
  stateColumns?: Map<string, (column: string) => number>;
  /** Inside a graph pattern's where/project: `map()`, `all()`, `any()` over a variable-length edge (graph.ts). */
  graphElements?: (call: any, mode: 'map' | 'all' | 'any') => ScalarExpr;
  /** Inside a graph pattern's where/project: `node_degree_in(node)` / `node_degree_out(node)` (graph.ts). */
  graphDegree?: (call: any, direction: 'in' | 'out') => ScalarExpr;
}

let kindNames: Map<number, string> | undefined;

/** The operator as written (`where`, `mv-expand`), for messages and refusal reasons. */
export function operatorName(node: any): string {
  return String(node.GetFirstToken?.()?.Text ?? kindName(node));
}

/** The SyntaxKind name of a node (`FilterOperator`, `AddExpression`, ...). */
export function kindName(node: any): string {
  if (!kindNames) {
    kindNames = new Map();
    for (const [name, value] of Object.entries(kusto().Syntax.SyntaxKind)) {
      if (typeof value === 'number' && !name.startsWith('$')) kindNames.set(value, name);
    }
  }
  return kindNames.get(node.Kind) ?? 'Unknown';
}

export function spanOf(node: any, ctx: LowerContext): Span {
  return ctx.callSite ?? { start: node.TextStart, length: node.Width };
}

export function unsupported(
  node: any,
  ctx: LowerContext,
  construct?: string,
  message?: string,
): UnsupportedError {
  return new UnsupportedError(construct ?? kindName(node), spanOf(node, ctx), message);
}

export function list<T = any>(syntaxList: any): T[] {
  if (!syntaxList) return [];
  const out: T[] = [];
  for (let i = 0; i < syntaxList.Count; i++) {
    const item = syntaxList.getItem(i);
    out.push(item && kindName(item) === 'SeparatedElement' ? item.Element : item);
  }
  return out;
}

export function typeOf(node: any, ctx: LowerContext): KqlType {
  const type = kqlTypeOf(node.ResultType);
  if (!type) throw unsupported(node, ctx, `expression of type ${node.ResultType?.Name ?? 'unknown'}`);
  return type;
}

/**
 * The columns of a tabular expression's result type as Kusto.Language bound it, a repeated name
 * given the name the binder's next projection gives it (uniqueColumnNames).
 */
export function boundSchema(node: any): Column[] {
  return uniqueColumnNames(
    toArray(node.ResultType?.Columns).map((c: any) => ({
      name: c.Name,
      type: kqlTypeOf(c.Type) ?? 'dynamic',
    })),
  );
}

/**
 * Kusto.Language 12.4.1 binds `parse`/`parse-kv` into a column the input already has as a second
 * column of that name; the next operator that builds a projection (extend, join, summarize `*`)
 * renames the later one to the name followed by the smallest number not taken (`b`, `b` after `b1`
 * becomes `b2`). The plan uses that name from the start, so its columns never repeat a name.
 */
export function uniqueColumnNames(columns: Column[]): Column[] {
  const taken = new Set(columns.map((c) => c.name));
  if (taken.size === columns.length) return columns;
  const seen = new Set<string>();
  return columns.map((c) => {
    if (!seen.has(c.name)) {
      seen.add(c.name);
      return c;
    }
    let n = 1;
    while (taken.has(`${c.name}${n}`)) n++;
    const name = `${c.name}${n}`;
    taken.add(name);
    return { ...c, name };
  });
}

export function text(node: any): string {
  return String(node.toString()).trim();
}

/** Named query-operator parameters (`kind=leftouter`, `withsource=T`) as lower-case name -> text. */
export function parameters(node: any): Map<string, { value: string; node: any }> {
  const out = new Map<string, { value: string; node: any }>();
  for (const p of list(node.Parameters)) {
    out.set(String(p.Name.SimpleName).toLowerCase(), { value: text(p.Expression), node: p });
  }
  return out;
}

/** A `union isfuzzy=true` operator. */
export function isFuzzyUnion(node: any): boolean {
  return (
    kindName(node) === 'UnionOperator' && parameters(node).get('isfuzzy')?.value.toLowerCase() === 'true'
  );
}

export function columnIndex(schema: Column[], name: string): number {
  return schema.findIndex((c) => c.name === name);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

/**
 * The lower-case name a call is executed under. A deprecated alias Kusto still accepts (`makeset`,
 * `parsejson`, `argmax`, `count(predicate)`) is marked obsolete in Kusto.Language with the function
 * that replaced it, and runs as that function.
 */
export function calledName(node: any): string {
  const symbol = node.ReferencedSymbol;
  const alternative = node.ReferencedSignature?.Alternative ?? symbol?.Alternative;
  if (typeof alternative === 'string' && IDENTIFIER.test(alternative)) return alternative.toLowerCase();
  return String(symbol?.Name ?? node.Name?.SimpleName ?? '').toLowerCase();
}

/**
 * A call's argument nodes in parameter order. Kusto.Language's Binder matches named arguments of a
 * user function by exact name, in any order (Signature.GetParameter, an ordinal dictionary; another
 * name is KS196), but lays out a built-in function's arguments by position whatever their names
 * (Signature.AllowsNamedArguments is false for built-ins, and the name is not checked). A built-in's
 * named argument is therefore taken only where both readings agree: it sits at the position of the
 * parameter it names, ignoring case (`make_set(x, MaxSize=8)` for `maxSize`, as published rules
 * write it). Out of order or naming no parameter, the binder's positional reading and the name's
 * disagree and the service's choice is not documented, so it is refused. A slot no argument fills
 * is undefined. The first `first` slots are filled elsewhere (invoke's input table is slot 0).
 */
export function argumentSlots(node: any, ctx: LowerContext, first = 0): (any | undefined)[] {
  const args = list(node.ArgumentList?.Expressions);
  const slots: (any | undefined)[] = Array.from({ length: first });
  if (!args.some((a) => kindName(a) === 'SimpleNamedExpression')) return [...slots, ...args];
  const signature = node.ReferencedSignature;
  const names = toArray(signature?.Parameters).map((p: any) => String(p.Name));
  const byName = signature?.AllowsNamedArguments === true;
  args.forEach((arg, k) => {
    const i = k + first;
    if (kindName(arg) !== 'SimpleNamedExpression') {
      slots[i] = arg;
      return;
    }
    const name = String(arg.Name.SimpleName);
    const at = byName ? names.indexOf(name) : i < names.length && sameName(names[i], name) ? i : -1;
    if (at < 0)
      throw unsupported(
        arg,
        ctx,
        `argument '${name}'`,
        byName
          ? `argument '${name}' names no parameter of the function`
          : `argument '${name}': Kusto.Language binds a built-in function's arguments by position, and ` +
              `'${name}' is not the name of parameter ${i + 1} (${names[i] ?? 'none'}); pass it in its position`,
      );
    slots[at] = arg.Expression;
  });
  return slots;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The argument nodes of a built-in call, in parameter order; a skipped optional parameter is refused. */
export function argumentNodes(node: any, ctx: LowerContext): any[] {
  const slots = argumentSlots(node, ctx);
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] === undefined) throw unsupported(node, ctx, 'a call that skips an optional argument');
  }
  return slots;
}
