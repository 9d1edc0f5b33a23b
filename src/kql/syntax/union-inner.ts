/**
 * `union kind=inner`: "inner causes the result to have the subset of columns that are common to
 * all of the input tables" (https://learn.microsoft.com/kusto/query/union-operator). Kusto.Language
 * 12.4.1 binds it like kind=outer (every column of every leg), so the result schema is computed here
 * from the legs' bound columns, for the binder's consumers (resultSchema) and the lowering alike.
 */
import type { ColumnSchema } from '../catalog.js';
import { kqlTypeOf, lastStatement } from './analyze.js';
import { kusto, toArray } from './kusto.js';

const elements = (list: any): any[] => toArray(list).map((item: any) => item?.Element ?? item);

/** Whether a syntax node is a union operator with `kind=inner`. */
export function isInnerUnion(node: any): boolean {
  if (node?.Kind !== kusto().Syntax.SyntaxKind.UnionOperator) return false;
  return elements(node.Parameters).some(
    (p: any) =>
      String(p.Name?.SimpleName ?? '').toLowerCase() === 'kind' &&
      String(p.Expression?.toString() ?? '')
        .trim()
        .toLowerCase() === 'inner',
  );
}

/**
 * The columns common to every leg, in the first leg's order (the order kind=outer gives them too: a
 * column common to all legs first appears in the first). A name the legs hold with different types
 * is refused: whether kind=inner keeps it (as outer would, once per type) is not documented.
 */
export function commonColumns(
  legs: readonly (readonly ColumnSchema[])[],
): ColumnSchema[] | { refusal: string } {
  const [first, ...rest] = legs;
  const common: ColumnSchema[] = [];
  for (const column of first ?? []) {
    const matches = rest.map((leg) => leg.find((c) => c.name === column.name));
    if (matches.some((m) => m === undefined)) continue;
    if (matches.some((m) => m?.type !== column.type))
      return {
        refusal: `union kind=inner over legs holding column '${column.name}' with different types (not documented)`,
      };
    common.push(column);
  }
  return common;
}

/** The bound columns of each leg of a union (the piped input first), from Kusto.Language's types. */
function boundLegs(node: any): ColumnSchema[][] {
  const { SyntaxKind } = kusto().Syntax;
  const legs = elements(node.Expressions);
  if (node.Parent?.Kind === SyntaxKind.PipeExpression && node.Parent.Operator === node)
    legs.unshift(node.Parent.Expression);
  return legs.map((leg) =>
    toArray(leg.ResultType?.Columns).map((c: any) => ({
      name: String(c.Name),
      type: kqlTypeOf(c.Type) ?? 'dynamic',
    })),
  );
}

/**
 * The result columns of a kind=inner union: the withsource column (first, as Kusto.Language binds it)
 * then the columns common to the legs; or the reason it is refused.
 */
export function innerUnionSchema(node: any): ColumnSchema[] | { refusal: string } {
  const common = commonColumns(boundLegs(node));
  if ('refusal' in common) return common;
  const bound = toArray(node.ResultType?.Columns).map((c: any) => ({
    name: String(c.Name),
    type: kqlTypeOf(c.Type) ?? 'dynamic',
  }));
  const withSource = elements(node.Parameters).some(
    (p: any) => String(p.Name?.SimpleName ?? '').toLowerCase() === 'withsource',
  );
  return withSource ? [bound[0], ...common] : common;
}

/** The operator the query's last expression statement ends in (its outermost pipe's right side). */
export function lastOperator(root: any): any {
  const expression = lastStatement(root)?.Expression;
  return expression?.Kind === kusto().Syntax.SyntaxKind.PipeExpression ? expression.Operator : expression;
}

/** The query's result columns when it ends in a kind=inner union, which the binder gets wrong. */
export function innerUnionResult(root: any): ColumnSchema[] | undefined {
  const last = lastOperator(root);
  if (!isInnerUnion(last)) return undefined;
  const schema = innerUnionSchema(last);
  return 'refusal' in schema ? undefined : schema;
}
