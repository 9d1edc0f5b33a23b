import type {
  Column,
  MvExpandItem,
  ParseKvMode,
  ParsePart,
  Plan,
  SameAs,
  ScalarExpr,
} from '../plan/types.js';
import { kusto } from '../syntax/index.js';
import {
  boundSchema,
  columnIndex,
  kindName,
  type LowerContext,
  list,
  operatorName,
  parameters,
  spanOf,
  typeOf,
  uniqueColumnNames,
  unsupported,
} from './context.js';
import { unobservedAfter, unobservedBeyond } from './liveness.js';
import { lowerScalar, typeOfLiteral } from './scalar.js';
import { columnRef, lowerTabular, project } from './tabular.js';

/**
 * The column an unnamed mv-expand item fills: the name Kusto gives the expression in a projection
 * (`parse_json(s)` is `s`), else the next column the binder added that no item has taken.
 */
function unnamedItemName(exprNode: any, node: any, input: Plan, taken: Set<string>): string | undefined {
  const resultName = String(kusto().KustoFacts.GetExpressionResultName(exprNode, '') ?? '');
  if (resultName) return resultName;
  return boundSchema(node)
    .map((c) => c.name)
    .find((name) => columnIndex(input.schema, name) < 0 && !taken.has(name));
}

function expandItems(node: any, input: Plan, ctx: LowerContext): MvExpandItem[] {
  const taken = new Set<string>();
  return list(node.Expressions).map((item: any) => {
    const valueNode = item.Expression;
    const named = kindName(valueNode) === 'SimpleNamedExpression';
    const exprNode = named ? valueNode.Expression : valueNode;
    const name = named ? String(valueNode.Name.SimpleName) : unnamedItemName(exprNode, node, input, taken);
    if (!name) throw unsupported(valueNode, ctx, 'mv-expand of an unnamed expression');
    taken.add(name);
    const typeNode = item.ToTypeOf?.TypeOf;
    const type = typeNode ? typeOfLiteral(typeNode, ctx) : 'dynamic';
    const existing = columnIndex(input.schema, name);
    return {
      name,
      expr: lowerScalar(exprNode, input, ctx),
      type,
      replaces: existing >= 0 ? existing : undefined,
      span: spanOf(typeNode ?? valueNode, ctx),
    };
  });
}

function rowLimit(node: any, ctx: LowerContext): number | undefined {
  if (!node.RowLimitClause) return undefined;
  const limit = lowerScalar(node.RowLimitClause.RowLimit, { schema: [] }, ctx);
  if (limit.kind !== 'literal' || typeof limit.value !== 'number')
    throw unsupported(node.RowLimitClause, ctx, 'mv-expand limit');
  return limit.value;
}

function expandSchema(input: Plan, items: MvExpandItem[], itemIndex?: string): Column[] {
  const schema = input.schema.map((c, i) => {
    const replaced = items.find((item) => item.replaces === i);
    return replaced ? { name: c.name, type: replaced.type } : c;
  });
  for (const item of items)
    if (item.replaces === undefined) schema.push({ name: item.name, type: item.type });
  if (itemIndex) schema.push({ name: itemIndex, type: 'long' });
  return schema;
}

export function lowerMvExpand(node: any, input: Plan, ctx: LowerContext): Plan {
  const params = parameters(node);
  const bagExpansion =
    (params.get('bagexpansion') ?? params.get('kind'))?.value.toLowerCase() === 'array' ? 'array' : 'bag';
  const itemIndex = params.get('with_itemindex')?.value;
  const items = expandItems(node, input, ctx);
  const schema = expandSchema(input, items, itemIndex);
  checkSchema(node, schema, ctx);
  return { op: 'mv-expand', input, items, bagExpansion, limit: rowLimit(node, ctx), itemIndex, schema };
}

function checkSchema(node: any, schema: Column[], ctx: LowerContext, why?: string): void {
  const bound = boundSchema(node);
  if (bound.length !== schema.length || bound.some((c, i) => c.name !== schema[i].name)) {
    throw unsupported(
      node,
      ctx,
      kindName(node),
      why ?? `${kindName(node)} output differs from Kusto's column list`,
    );
  }
}

/**
 * mv-apply: the subquery runs over each record's subtable, which holds the record's columns that
 * are not expanded, then the expanded values (then the `with_itemindex` column, "appended to the
 * input as part of the array-expansion phase"), at most `limit` rows; the output is those other
 * columns followed by the subquery's columns they do not already name
 * (https://learn.microsoft.com/kusto/query/mv-apply-operator; the order is Kusto.Language's).
 */
export function lowerMvApply(node: any, input: Plan, ctx: LowerContext): Plan {
  const params = parameters(node);
  const itemIndex = params.get('with_itemindex')?.value;
  if (node.ContextIdClause || [...params.keys()].some((name) => name !== 'with_itemindex'))
    throw unsupported(node, ctx, 'mv-apply with parameters');
  const items = expandItems(node, input, ctx);
  const passThrough = input.schema.map((_, i) => i).filter((i) => !items.some((item) => item.replaces === i));
  const kept = passThrough.map((i) => input.schema[i]);
  const applySchema = [...kept, ...items.map((item) => ({ name: item.name, type: item.type }))];
  if (itemIndex) applySchema.push({ name: itemIndex, type: 'long' });
  // The subquery sees an item named like a record column in that column's place, as mv-expand
  // puts it (Kusto.Language's row scope for the subquery); the subtable is built in applySchema's
  // order, so a projection reorders it.
  const rowScope = expandSchema(input, items, itemIndex);
  const applyInput: Plan = items.some((item) => item.replaces !== undefined)
    ? project(
        { op: 'apply-input', schema: applySchema },
        rowScope.map((c) => ({
          name: c.name,
          expr: columnRef(applySchema, columnIndex(applySchema, c.name)),
        })),
      )
    : { op: 'apply-input', schema: applySchema };
  const plan = lowerTabular(node.Subquery.Expression, { ...ctx, applyInput });
  // A record column the subquery assigns and still returns has two values for one output column.
  // One it assigns but no longer returns (mv-apply page: `mv-expand kind=array Pack | ... |
  // summarize`) leaves the record's value, as the page prints. An item named like a record column
  // that the subquery drops is still bound in the output (Kusto.Language; an unnamed item, the
  // column itself, is not: "the input column is removed"), with no documented value. Such a column
  // is carried as null when nothing downstream reads it (liveness.ts): its value then cannot matter.
  // One that is read is carried as a value refused when a row reaches it: over no rows (an empty
  // table) the answer is the same whatever the value would be.
  const undocumented = [
    ...assignedNames(node.Subquery)
      .filter((name) => columnIndex(kept, name) >= 0 && columnIndex(plan.schema, name) >= 0)
      .map((name) => ({
        name,
        why: `mv-apply: the subquery assigns '${name}', a column of the record; which value the output keeps is not documented`,
      })),
    ...items
      .filter(
        (item) =>
          item.replaces !== undefined &&
          columnIndex(plan.schema, item.name) < 0 &&
          columnIndex(boundSchema(node), item.name) >= 0,
      )
      .map((item) => ({
        name: item.name,
        why: `mv-apply: the item '${item.name}' replaces a column of the record and the subquery drops it; which value the output keeps is not documented`,
      })),
  ];
  const span = spanOf(node.Subquery, ctx);
  const carriedValue = (name: string, type: Column['type']): ScalarExpr | undefined => {
    const entry = undocumented.find((u) => u.name === name);
    if (!entry) return undefined;
    if (unobservedAfter(node, name, { resultKept: ctx.resultKept }))
      return { kind: 'literal', value: null, type };
    return { kind: 'undocumented', construct: 'mv-apply', reason: entry.why, type, span };
  };
  const appended = plan.schema.map((_, i) => i).filter((i) => columnIndex(kept, plan.schema[i].name) < 0);
  const schema = [...kept, ...appended.map((i) => plan.schema[i])];
  const applied: Plan = {
    op: 'mv-apply',
    input,
    items,
    limit: rowLimit(node, ctx),
    itemIndex,
    subquery: { plan, applySchema, appended },
    passThrough,
    schema,
  };
  // An item named like another record column (`mv-apply p = props on (...)` after an earlier `p`)
  // is that column, now holding the element; Kusto.Language binds it in the column's place, where
  // an unnamed item (`mv-apply b on ...`) moves to the end. Same columns, so order them its way.
  // A dropped item column (above) has no value of its own: it is carried as carriedValue says.
  const bound = boundSchema(node);
  const dropped = (name: string) =>
    undocumented.some((u) => u.name === name) && columnIndex(schema, name) < 0;
  if (
    items.some((item) => item.replaces !== undefined) &&
    bound.every((c) => columnIndex(schema, c.name) >= 0 || dropped(c.name)) &&
    schema.every((c) => columnIndex(bound, c.name) >= 0)
  ) {
    const reordered = project(
      applied,
      bound.map(({ name, type }) => {
        const at = columnIndex(schema, name);
        return { name, expr: (at < 0 && carriedValue(name, type)) || columnRef(schema, at) };
      }),
    );
    checkSchema(node, reordered.schema, ctx);
    return withUndocumented(reordered, (name, type) =>
      dropped(name) ? undefined : carriedValue(name, type),
    );
  }
  checkSchema(node, schema, ctx);
  return withUndocumented(applied, carriedValue);
}

/**
 * `plan` with each read column whose value mv-apply leaves undocumented (a record column the
 * subquery also assigns) replaced by a value refused when a row reaches it; unchanged when none is read.
 */
function withUndocumented(
  plan: Plan,
  carriedValue: (name: string, type: Column['type']) => ScalarExpr | undefined,
): Plan {
  const columns = plan.schema.map(({ name, type }, i) => {
    const value = carriedValue(name, type);
    return { name, expr: value?.kind === 'undocumented' ? value : columnRef(plan.schema, i) };
  });
  return columns.some((c) => c.expr.kind === 'undocumented') ? project(plan, columns) : plan;
}

/**
 * Names a subquery assigns (`x = ...` in extend, project, summarize, ...), at any depth, and the
 * columns an inner mv-expand expands in place (`mv-expand c`), which also give a column a new value.
 */
function assignedNames(node: any): string[] {
  const names: string[] = [];
  const visit = (n: any): void => {
    if (kindName(n) === 'SimpleNamedExpression') names.push(String(n.Name.SimpleName));
    if (kindName(n) === 'MvExpandExpression' && kindName(n.Expression) === 'NameReference')
      names.push(String(n.Expression.SimpleName));
    for (let i = 0; i < (n.ChildCount ?? 0); i++) {
      const child = n.GetChild(i);
      if (child) visit(child);
    }
  };
  visit(node);
  return names;
}

export function lowerParse(node: any, input: Plan, ctx: LowerContext): Plan {
  const params = parameters(node);
  const mode = (params.get('kind')?.value.toLowerCase() ?? 'simple') as 'simple' | 'relaxed' | 'regex';
  if (!['simple', 'relaxed', 'regex'].includes(mode)) throw unsupported(node, ctx, `parse kind=${mode}`);
  const flags = params.get('flags')?.value.replace(/^["']|["']$/g, '') ?? '';
  const parts: ParsePart[] = [];
  for (const pattern of list(node.Patterns)) {
    const kind = kindName(pattern);
    if (kind === 'StarExpression') parts.push({ kind: 'text', text: '*' });
    else if (kind === 'NameAndTypeDeclaration')
      parts.push({ kind: 'column', name: pattern.Name.SimpleName, type: typeOf(pattern.Name, ctx) });
    else if (kind === 'NameDeclaration')
      parts.push({ kind: 'column', name: pattern.SimpleName, type: typeOf(pattern, ctx) });
    else if (pattern.IsLiteral) parts.push({ kind: 'text', text: String(pattern.LiteralValue ?? '') });
    else throw unsupported(pattern, ctx, 'parse pattern element');
  }
  const added: Column[] = [];
  for (const part of parts) {
    if (part.kind === 'column' && columnIndex(added, part.name) < 0)
      added.push({ name: part.name, type: part.type });
  }
  const { schema, sameAs } = intoExistingColumns(node, input, added, ctx);
  // A part's capture goes to the column it names, renamed where the input already has that name.
  const renamed = new Map(added.map((c, k) => [c.name, schema[input.schema.length + k].name]));
  checkSchema(node, schema, ctx);
  return {
    op: 'parse',
    input,
    source: lowerScalar(node.Expression, input, ctx),
    mode,
    parts: parts.map((p) => (p.kind === 'column' ? { ...p, name: renamed.get(p.name) ?? p.name } : p)),
    regexFlags: flags,
    where: kindName(node) === 'ParseWhereOperator',
    span: spanOf(node, ctx),
    schema,
    sameAs,
  };
}

/**
 * The output of an operator that appends `added` to its input (parse, parse-where, parse-kv), and
 * the checks when a name is already an input column. Kusto.Language then keeps the input's column
 * under its name and the parsed one as `name1` (uniqueColumnNames); the parse operator page does not
 * say what the service does (keep both so, or replace the input's column). Both readings give the
 * same answer when the query never observes `name1` (reads it, or keeps it to the result: followed
 * through lets, union legs, which match columns by name, and a called function's or parser's body to
 * the call, liveness.ts unobservedBeyond), and where it observes `name`, the two columns
 * have one type and, row by row, one value: `sameAs` pairs (output column, input column) for the
 * executor to compare, refusing on the first row where they differ.
 */
function intoExistingColumns(
  node: any,
  input: Plan,
  added: Column[],
  ctx: LowerContext,
): { schema: Column[]; sameAs: SameAs[] } {
  const schema = uniqueColumnNames([...input.schema, ...added]);
  const sameAs: SameAs[] = [];
  added.forEach((column, k) => {
    const existing = columnIndex(input.schema, column.name);
    if (existing < 0) return;
    const at = input.schema.length + k;
    const renamed = schema[at].name;
    const why = (detail: string) =>
      `${operatorName(node)} into '${column.name}', which the input already has: Kusto.Language keeps ` +
      `the input's column and names the parsed one '${renamed}', and the parse operator page does not say ` +
      `what the service does (keep both, or replace '${column.name}'); ${detail}`;
    if (
      !unobservedAfter(node, renamed, { mergedByName: true, resultKept: ctx.resultKept }) &&
      !unobservedBeyond(node, renamed, ctx)
    )
      throw unsupported(
        node,
        ctx,
        kindName(node),
        why(`the query reads '${renamed}' or keeps it to its result`),
      );
    if (
      unobservedAfter(node, column.name, { resultKept: ctx.resultKept }) ||
      unobservedBeyond(node, column.name, ctx)
    )
      return;
    if (input.schema[existing].type !== column.type)
      throw unsupported(
        node,
        ctx,
        kindName(node),
        why(
          `the query reads '${column.name}', and the parsed ${column.type} differs from the input's ${input.schema[existing].type}`,
        ),
      );
    sameAs.push({ column: at, input: existing });
  });
  return { schema, sameAs };
}

const PARSE_KV_OPTIONS = ['pair_delimiter', 'kv_delimiter', 'quote', 'escape', 'greedy', 'regex'];

/** parse-kv in the mode its `with` options select (https://learn.microsoft.com/kusto/query/parse-kv-operator). */
export function lowerParseKv(node: any, input: Plan, ctx: LowerContext): Plan {
  const keys: Column[] = list(node.Keys.Columns).map((c: any) => ({
    name: c.Name.SimpleName,
    type: typeOf(c.Name, ctx),
  }));
  const options = new Map<string, string[]>();
  for (const p of list(node.WithClause?.Properties)) {
    const value = lowerScalar(p.Expression, { schema: [] }, ctx);
    const name = String(p.Name.SimpleName).toLowerCase();
    if (value.kind !== 'literal' || !PARSE_KV_OPTIONS.includes(name))
      throw unsupported(p, ctx, `parse-kv with ${name}`);
    options.set(name, [...(options.get(name) ?? []), String(value.value)]);
  }
  const one = (name: string) => options.get(name)?.[0];
  const quotes = (options.get('quote') ?? []).map((q): [string, string] => {
    if (q.length < 1 || q.length > 2)
      throw unsupported(node, ctx, 'parse-kv quote of other than one or two characters');
    return [q[0], q[q.length - 1]];
  });
  const escapes = options.get('escape') ?? [];
  if (escapes.some((e) => e.length !== 1))
    throw unsupported(node, ctx, 'parse-kv escape of other than one character');
  let mode: ParseKvMode;
  if (options.has('regex')) {
    if (options.size > 1) throw unsupported(node, ctx, 'parse-kv regex with other options');
    mode = { kind: 'regex', pattern: one('regex') as string };
  } else if (options.has('pair_delimiter') || options.has('kv_delimiter')) {
    const pair = one('pair_delimiter');
    const kv = one('kv_delimiter');
    if (!pair || !kv)
      throw unsupported(node, ctx, 'parse-kv with only one of pair_delimiter and kv_delimiter');
    mode = { kind: 'delimited', pair, kv, quotes, escapes, greedy: one('greedy')?.toLowerCase() === 'true' };
  } else {
    if (options.has('greedy')) throw unsupported(node, ctx, 'parse-kv greedy without delimiters');
    // Without delimiters every non-alphanumeric character delimits, so a key holding one never matches
    // as written; how Kusto treats such a key is not documented.
    const odd = keys.find((k) => !/^[\p{L}\p{N}]+$/u.test(k.name));
    if (odd) throw unsupported(node, ctx, `parse-kv without delimiters of the key '${odd.name}'`);
    mode = { kind: 'undelimited', keys: keys.map((k) => k.name), quotes, escapes };
  }
  const { schema, sameAs } = intoExistingColumns(node, input, keys, ctx);
  checkSchema(node, schema, ctx);
  return {
    op: 'parse-kv',
    input,
    source: lowerScalar(node.Expression, input, ctx),
    keys,
    mode,
    span: spanOf(node, ctx),
    schema,
    sameAs,
  };
}
