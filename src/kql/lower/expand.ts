import type { Column, MvExpandItem, ParsePart, Plan } from '../plan/types.js';
import { kusto } from '../syntax/index.js';
import {
  boundSchema,
  columnIndex,
  kindName,
  type LowerContext,
  list,
  parameters,
  spanOf,
  typeOf,
  unsupported,
} from './context.js';
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

function checkSchema(node: any, schema: Column[], ctx: LowerContext): void {
  const bound = boundSchema(node);
  if (bound.length !== schema.length || bound.some((c, i) => c.name !== schema[i].name)) {
    throw unsupported(node, ctx, kindName(node), `${kindName(node)} output differs from Kusto's column list`);
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
  const reassigned = assignedNames(node.Subquery).find((name) => columnIndex(kept, name) >= 0);
  if (reassigned)
    throw unsupported(
      node.Subquery,
      ctx,
      'mv-apply',
      `mv-apply: the subquery assigns '${reassigned}', a column of the record; which value the output keeps is not documented`,
    );
  const applyInput: Plan = { op: 'apply-input', schema: applySchema };
  const plan = lowerTabular(node.Subquery.Expression, { ...ctx, applyInput });
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
  const bound = boundSchema(node).map((c) => c.name);
  if (
    items.some((item) => item.replaces !== undefined) &&
    bound.length === schema.length &&
    bound.every((name) => columnIndex(schema, name) >= 0)
  ) {
    const reordered = project(
      applied,
      bound.map((name) => ({ name, expr: columnRef(schema, columnIndex(schema, name)) })),
    );
    checkSchema(node, reordered.schema, ctx);
    return reordered;
  }
  checkSchema(node, schema, ctx);
  return applied;
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
  const schema = [...input.schema];
  for (const part of parts) {
    if (part.kind === 'column' && columnIndex(schema, part.name) < 0)
      schema.push({ name: part.name, type: part.type });
  }
  checkSchema(node, schema, ctx);
  return {
    op: 'parse',
    input,
    source: lowerScalar(node.Expression, input, ctx),
    mode,
    parts,
    regexFlags: flags,
    where: kindName(node) === 'ParseWhereOperator',
    span: spanOf(node, ctx),
    schema,
  };
}

export function lowerParseKv(node: any, input: Plan, ctx: LowerContext): Plan {
  const keys: Column[] = list(node.Keys.Columns).map((c: any) => ({
    name: c.Name.SimpleName,
    type: typeOf(c.Name, ctx),
  }));
  const options = new Map<string, string>();
  for (const p of list(node.WithClause?.Properties)) {
    const value = lowerScalar(p.Expression, { schema: [] }, ctx);
    if (value.kind !== 'literal') throw unsupported(p, ctx, 'parse-kv option');
    options.set(String(p.Name.SimpleName).toLowerCase(), String(value.value));
  }
  for (const name of options.keys()) {
    if (!['pair_delimiter', 'kv_delimiter', 'quote'].includes(name))
      throw unsupported(node, ctx, `parse-kv with ${name}`);
  }
  const schema = [...input.schema, ...keys];
  checkSchema(node, schema, ctx);
  return {
    op: 'parse-kv',
    input,
    source: lowerScalar(node.Expression, input, ctx),
    keys,
    pairDelimiter: options.get('pair_delimiter') ?? ' ',
    kvDelimiter: options.get('kv_delimiter') ?? '=',
    quote: [...(options.get('quote') ?? '')],
    schema,
  };
}

/**
 * partition by Column ( TransformationSubQuery ): "partitions the records of its input table into
 * multiple subtables according to values in a key column ... runs a subquery on each subtable, and
 * produces a single output table that is the union of the results of all subqueries"
 * (https://learn.microsoft.com/kusto/query/partition-operator). The strategy hints change how
 * Kusto runs it, not the result. The `{ SubQueryWithSource }` form (legacy, toscalar(Column)) is
 * refused, as is a key that is not a plain column.
 */
export function lowerPartition(node: any, input: Plan, ctx: LowerContext): Plan {
  const operand = node.Operand;
  if (kindName(operand) !== 'PartitionSubquery' || !operand.Subquery)
    throw unsupported(operand ?? node, ctx, 'partition with a subquery that has its own source');
  const keyNode = node.ByExpression;
  const key =
    kindName(keyNode) === 'NameReference' ? columnIndex(input.schema, String(keyNode.SimpleName)) : -1;
  if (key < 0) throw unsupported(keyNode ?? node, ctx, 'partition by an expression');
  if (input.schema[key].type === 'dynamic') throw unsupported(keyNode, ctx, 'partition by a dynamic column');
  const applyInput: Plan = { op: 'apply-input', schema: input.schema };
  const subquery = lowerTabular(operand.Subquery, { ...ctx, applyInput });
  const schema = boundSchema(node);
  if (schema.length !== subquery.schema.length || schema.some((c, i) => c.name !== subquery.schema[i].name))
    throw unsupported(node, ctx, 'partition', "partition output differs from Kusto's column list");
  return { op: 'partition', input, key, subquery, span: spanOf(node, ctx), schema: subquery.schema };
}
