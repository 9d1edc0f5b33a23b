/**
 * `evaluate pivot(pivotColumn [, aggregationFunction] [, column1, ...])`
 * (https://learn.microsoft.com/kusto/query/pivot-plugin): the group columns (the listed ones, by
 * default every column but the pivot column and the aggregated one), then one column per distinct
 * value of the pivot column holding the aggregate of that value's rows in the group. The value
 * columns come from the data, so the plan is an open operator (runtime-schema.ts).
 */
import type { AggregateCall, NamedExpr, Plan } from '../plan/types.js';
import { aggregateCall } from './aggregate.js';
import { argumentNodes, columnIndex, kindName, type LowerContext, spanOf, unsupported } from './context.js';
import { openOperator } from './runtime-schema.js';
import { isAggregateCall } from './scalar.js';
import { columnRef } from './tabular.js';

// The aggregates the page lists as supported (take_any also under its alias any()).
const AGGREGATES = new Set([
  'min',
  'max',
  'take_any',
  'sum',
  'dcount',
  'avg',
  'stdev',
  'variance',
  'make_list',
  'make_bag',
  'make_set',
  'count',
]);

// The page's examples print 0 for a group without rows of a value under count() (the default) and
// sum(); what the other aggregates give there is not shown, so such a cell is refused when reached.
const ZERO_FILLED = new Set(['count', 'sum']);

export function lowerPivot(node: any, input: Plan, ctx: LowerContext): Plan {
  // The page says a run-time schema that differs from the declared one is an error, yet its
  // example with a declared schema drops the undeclared states and keeps rows of zeros.
  if (node.Schema) throw unsupported(node.Schema, ctx, 'pivot with an output schema');
  const [pivotNode, ...rest] = argumentNodes(node.FunctionCall, ctx);
  const pivot =
    kindName(pivotNode) === 'NameReference' ? columnIndex(input.schema, pivotNode.SimpleName) : -1;
  if (pivot < 0) throw unsupported(pivotNode ?? node, ctx, 'pivot of an expression');
  // A value becomes a column name; how a number, a date or a null is named is not documented.
  if (input.schema[pivot].type !== 'string')
    throw unsupported(pivotNode, ctx, `pivot of a ${input.schema[pivot].type} column`);
  const aggregateNode = rest[0] && isAggregateCall(rest[0]) ? rest.shift() : undefined;
  const span = spanOf(node, ctx);
  const aggregate: AggregateCall = aggregateNode
    ? aggregateCall(aggregateNode, input, new Set(), ctx)
    : { fn: 'count', args: [], outputs: [{ name: '', type: 'long' }], span };
  if (!AGGREGATES.has(aggregate.fn) || aggregate.outputs.length !== 1)
    throw unsupported(aggregateNode, ctx, `pivot with ${aggregate.fn}()`);
  const groups =
    rest.length > 0
      ? rest.map((c) => groupColumn(c, input, ctx))
      : defaultGroups(input, pivot, aggregate, node, ctx);
  if (groups.length === 0) throw unsupported(node, ctx, 'pivot without group columns');
  if (groups.includes(pivot)) throw unsupported(node, ctx, 'pivot grouped by its pivot column');
  const keys: NamedExpr[] = [...groups, pivot].map((i) => ({
    name: input.schema[i].name,
    expr: columnRef(input.schema, i),
  }));
  const aggregated: Plan = {
    op: 'aggregate',
    input,
    keys,
    aggregates: [{ ...aggregate, outputs: [{ name: '__pivot_value', type: aggregate.outputs[0].type }] }],
    schema: [
      ...keys.map((k) => ({ name: k.name, type: k.expr.type })),
      { name: '__pivot_value', type: aggregate.outputs[0].type },
    ],
  };
  const plan: Plan = {
    op: 'pivot',
    input: aggregated,
    groupWidth: groups.length,
    fill:
      ZERO_FILLED.has(aggregate.fn) && ['long', 'int', 'real'].includes(aggregate.outputs[0].type)
        ? 'zero'
        : 'refuse',
    span,
    schema: groups.map((i) => input.schema[i]),
  };
  return openOperator(plan, node, 'pivot', ctx);
}

function groupColumn(node: any, input: Plan, ctx: LowerContext): number {
  const index = kindName(node) === 'NameReference' ? columnIndex(input.schema, node.SimpleName) : -1;
  if (index < 0) throw unsupported(node, ctx, 'pivot group by an expression');
  return index;
}

/** Every column other than the pivoted column and the aggregation column (the page's default). */
function defaultGroups(
  input: Plan,
  pivot: number,
  aggregate: AggregateCall,
  node: any,
  ctx: LowerContext,
): number[] {
  if (aggregate.args.some((a) => a.kind !== 'column'))
    throw unsupported(node, ctx, 'pivot of an aggregated expression without group columns');
  const aggregated = new Set(aggregate.args.flatMap((a) => (a.kind === 'column' ? [a.index] : [])));
  return input.schema.map((_, i) => i).filter((i) => i !== pivot && !aggregated.has(i));
}
