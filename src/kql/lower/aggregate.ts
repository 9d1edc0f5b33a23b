import type { AggregateCall, Column, NamedExpr, Plan, ScalarExpr, Span } from '../plan/types.js';
import { kusto } from '../syntax/kusto.js';
import {
  argumentNodes,
  boundSchema,
  calledName,
  columnIndex,
  kindName,
  type LowerContext,
  list,
  parameters,
  spanOf,
  typeOf,
  unsupported,
} from './context.js';
import { unobservedBeyond } from './liveness.js';
import { isAggregateCall, lowerScalar } from './scalar.js';
import { columnRef, project } from './tabular.js';

function itemValue(item: any, ctx: LowerContext): any {
  const kind = kindName(item);
  if (kind === 'SimpleNamedExpression') return item.Expression;
  if (kind === 'CompoundNamedExpression') throw unsupported(item, ctx, '(a, b) = ... tuple assignment');
  return item;
}

/**
 * The input column an argument or group key stands for, as Kusto.Language's binder decides it
 * (Binder.GetResultColumn of the expression under any `name =`): a column reference, or a conversion
 * of a column to its own type (`tostring(s)` of a string `s`). Anything else stands for no column.
 */
function resultColumnName(expr: any): string | undefined {
  const binder = kusto().Binding.Binder;
  const column = binder.GetResultColumn(binder.GetUnderlyingExpression(expr));
  return column ? String(column.Name) : undefined;
}

/** The input columns the group keys stand for, which a `*` argument leaves out. */
function byColumns(byItems: any[]): Set<string> {
  const names = new Set<string>();
  for (const item of byItems) {
    const name = resultColumnName(item);
    if (name !== undefined) names.add(name);
  }
  return names;
}

/**
 * One aggregate call. arg_max/arg_min return the arguments' values at the extreme row, take_any
 * those of one row; percentiles() returns one column per percentage. A `*` argument stands for the
 * input columns "barring the group-by columns" (take-any-aggregation-function page), which
 * Kusto.Language reads as the columns the group keys stand for (resultColumnName: `by d = b` leaves
 * out `b`, `by tostring(b)` of a dynamic `b` keeps it) and those earlier arguments already return.
 * arg_max/arg_min with a `*` also drop an explicit later argument that is one of those columns
 * (Aggregates.CanAddArgMinMaxResultColumn); summarize checks the resulting width against the binder's.
 */
export function aggregateCall(
  node: any,
  input: Plan,
  keyColumns: Set<string>,
  ctx: LowerContext,
): AggregateCall {
  const fn = calledName(node);
  const span = spanOf(node, ctx);
  if (fn === 'arg_max' || fn === 'arg_min' || fn === 'take_any') {
    // Every argument is a value to return, so `name = expr` names that output column (the binder's
    // name, taken by summarize) rather than a parameter: the arguments are read as written.
    const argNodes = list(node.ArgumentList?.Expressions);
    const star = argNodes.some((a) => kindName(a) === 'StarExpression');
    const repeated = new Set(fn === 'take_any' ? keyColumns : []);
    const args: ScalarExpr[] = [];
    argNodes.forEach((arg, i) => {
      if (kindName(arg) === 'StarExpression') {
        input.schema.forEach((c, index) => {
          if (keyColumns.has(c.name) || repeated.has(c.name)) return;
          repeated.add(c.name);
          args.push(columnRef(input.schema, index));
        });
        return;
      }
      const column = resultColumnName(arg);
      if (column !== undefined) {
        const dropped =
          fn !== 'take_any' && i > 0 && star && (keyColumns.has(column) || repeated.has(column));
        if (dropped) return;
        repeated.add(column);
      }
      args.push(lowerScalar(itemValue(arg, ctx), input, ctx));
    });
    return { fn, args, outputs: args.map((a) => ({ name: '', type: a.type })), span };
  }
  const args = argumentNodes(node, ctx).map((a) => lowerScalar(a, input, ctx));
  if (fn === 'percentiles' || fn === 'percentilesw') {
    // Kusto binds percentiles() as a tuple; each column has the type of the values, like percentile().
    const percentages = args.slice(fn === 'percentiles' ? 1 : 2);
    return { fn, args, outputs: percentages.map(() => ({ name: '', type: args[0].type })), span };
  }
  return { fn, args, outputs: [{ name: '', type: typeOf(node, ctx) }], span };
}

/**
 * summarize: group keys first, then each aggregate's columns, named as Kusto.Language binds them.
 * Expressions over aggregates (`round(avg(x), 2)`) aggregate into hidden columns and project after.
 */
export function lowerAggregates(node: any, input: Plan, ctx: LowerContext): Plan {
  const byItems = node.ByClause ? list(node.ByClause.Expressions) : [];
  const bound = boundSchema(node);
  const keys: NamedExpr[] = byItems.map((item, i) => ({
    name: bound[i]?.name ?? `Column${i}`,
    expr: lowerScalar(itemValue(item, ctx), input, ctx),
    span: spanOf(item, ctx),
  }));
  const keyColumns = byColumns(byItems);
  const aggregates: AggregateCall[] = [];
  const post: NamedExpr[] = keys.map((k, i) => ({
    name: k.name,
    expr: { kind: 'column', index: i, type: k.expr.type },
  }));
  let columns = keys.length;
  let boundAt = keys.length;
  let computed = false;
  const add = (call: AggregateCall): ScalarExpr[] => {
    aggregates.push(call);
    return call.outputs.map((o) => ({ kind: 'column', index: columns++, type: o.type }) as ScalarExpr);
  };
  const keyRow = { schema: keys.map((k) => ({ name: k.name, type: k.expr.type })) };
  for (const item of list(node.Aggregates)) {
    const tuple = kindName(item) === 'CompoundNamedExpression';
    const value = tuple ? item.Expression : itemValue(item, ctx);
    if (tuple && !isAggregateCall(value)) throw unsupported(item, ctx, '(a, b) = ... tuple assignment');
    if (isAggregateCall(value)) {
      const call = aggregateCall(value, input, keyColumns, ctx);
      // `(a, b) = arg_min(x, y)` gives the aggregate's columns the listed names in order, as for an
      // expression of several columns in extend ("Expression's output columns is given the specified
      // names", https://learn.microsoft.com/kusto/query/extend-operator); Kusto.Language binds these
      // names. A list of another length is refused rather than guessed.
      if (tuple && list(item.Names?.Names).length !== call.outputs.length)
        throw unsupported(item, ctx, '(a, b) = ... tuple assignment of another width');
      call.outputs.forEach((o) => {
        o.name = bound[boundAt++]?.name ?? '';
      });
      if (ARBITRARY_ROW.has(call.fn) || TIED_ROW.has(call.fn))
        call.observed = observedOutputs(node, call, ctx);
      for (const [i, expr] of add(call).entries()) post.push({ name: call.outputs[i].name, expr });
      continue;
    }
    computed = true;
    const expr = lowerScalar(value, keyRow, ctx, (aggNode) => {
      const call = aggregateCall(aggNode, input, keyColumns, ctx);
      call.outputs.forEach((o, i) => {
        o.name = `__aggregate${aggregates.length}_${i}`;
      });
      const refs = add(call);
      if (refs.length !== 1) throw unsupported(aggNode, ctx, `${call.fn}() inside an expression`);
      return refs[0];
    });
    post.push({ name: bound[boundAt++]?.name ?? '', expr });
  }
  if (post.length !== bound.length)
    throw unsupported(
      node,
      ctx,
      'summarize',
      `summarize output columns differ from Kusto's (${bound.length} expected, ${post.length} lowered)`,
    );
  const schema: Column[] = [...keyRow.schema, ...aggregates.flatMap((a) => a.outputs)];
  const aggregate: Plan = { op: 'aggregate', input, keys, aggregates, schema };
  return computed ? project(aggregate, post) : aggregate;
}

// Aggregates that return the values of an arbitrarily chosen row: "Arbitrarily chooses one record for
// each group" (https://learn.microsoft.com/kusto/query/take-any-aggregation-function, deprecated alias
// any()), "Arbitrarily selects one record ... for which the predicate is 'true'"
// (https://learn.microsoft.com/kusto/query/take-anyif-aggregation-function, alias anyif()).
const ARBITRARY_ROW = new Set(['take_any', 'any', 'take_anyif', 'anyif']);
// Aggregates that return "a row in the group that maximizes" (minimizes) their first argument
// (https://learn.microsoft.com/kusto/query/arg-max-aggregation-function; the deprecated aliases
// argmax()/argmin() run as these, calledName): which tied row is not said (execute/aggregates.ts
// tiedRowsDiffer).
const TIED_ROW = new Set(['arg_max', 'arg_min']);

/**
 * The outputs of a take_any/take_anyif (or arg_max/arg_min) call in the summarize `node` whose values a later operator
 * reads or the result returns. An output dropped unread (`| project Key, Count`, `| summarize count()
 * by Key`) cannot show which row was picked, so its candidates may differ (execute/aggregates.ts).
 */
function observedOutputs(node: any, call: AggregateCall, ctx: LowerContext): number[] {
  const observed: number[] = [];
  call.outputs.forEach((o, i) => {
    if (!o.name || !unobservedBeyond(node, o.name, ctx, true)) observed.push(i);
  });
  return observed;
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);

/**
 * The axis range of make-series: `from start to end step step` (end exclusive, bins from start), or
 * the alternate `in range(start, stop, step)` whose "stop value is inclusive" and whose bins are
 * made "with bin() and not bin_at()" (https://learn.microsoft.com/kusto/query/make-series-operator).
 * Without from or to, the page's "first bin that has data in each series" leaves open whether the
 * series of different groups share one axis, so that form is refused where a row reaches it
 * (`open`, checked when the operator runs): over an empty input the page prints no series whatever
 * the axis, so no row is the answer either way.
 */
function seriesRange(
  range: any,
  ctx: LowerContext,
): { start: any; end: any; step: any; inclusive: boolean; open?: Span } {
  if (kindName(range) === 'MakeSeriesInRangeClause') {
    const [start, end, step] = list(range.Arguments?.Expressions);
    if (!step) throw unsupported(range, ctx, 'make-series in range()');
    return { start, end, step, inclusive: true };
  }
  if (kindName(range) !== 'MakeSeriesFromToStepClause') throw unsupported(range, ctx, 'make-series range');
  if (!range.MakeSeriesFromClause || !range.MakeSeriesToClause)
    return {
      start: undefined,
      end: undefined,
      step: range.MakeSeriesStepClause.Expression,
      inclusive: false,
      open: spanOf(range, ctx),
    };
  return {
    start: range.MakeSeriesFromClause.Expression,
    end: range.MakeSeriesToClause.Expression,
    step: range.MakeSeriesStepClause.Expression,
    inclusive: false,
  };
}

export function lowerMakeSeries(node: any, input: Plan, ctx: LowerContext): Plan {
  const bound = boundSchema(node);
  const byItems = node.ByClause ? list(node.ByClause.Expressions) : [];
  const keys: NamedExpr[] = byItems.map((item, i) => ({
    name: bound[i].name,
    expr: lowerScalar(itemValue(item, ctx), input, ctx),
  }));
  const aggregates = list(node.Aggregates).map((item: any, i: number) => {
    const exprNode = item.Expression;
    const value = itemValue(exprNode, ctx);
    if (!isAggregateCall(value))
      throw unsupported(value, ctx, 'make-series with an expression over aggregates');
    const call = aggregateCall(value, input, new Set(), ctx);
    if (call.outputs.length !== 1) throw unsupported(value, ctx, `${call.fn}() in make-series`);
    call.outputs[0].name = bound[keys.length + i].name;
    let defaultValue: unknown = null;
    if (item.DefaultExpression) {
      const d = lowerScalar(item.DefaultExpression.Expression, { schema: [] }, ctx);
      if (d.kind !== 'literal')
        throw unsupported(item.DefaultExpression, ctx, 'non-constant make-series default');
      defaultValue = d.value;
    } else if (NUMERIC.has(call.outputs[0].type)) {
      // "Default is 0" for every aggregate: avg() of an empty bin is 0 in the page's example
      // (https://learn.microsoft.com/kusto/query/make-series-operator).
      defaultValue = 0;
    }
    return { ...call, defaultValue: defaultValue as null };
  });
  const axisName = bound[bound.length - 1].name;
  const none = { schema: [] };
  const bounds = seriesRange(node.RangeClause, ctx);
  const axis = lowerScalar(node.OnClause.Expression, input, ctx);
  // A bound the query leaves out (no `from` or no `to`) is never read: `openRange` refuses first.
  const noBound: ScalarExpr = { kind: 'literal', value: null, type: axis.type };
  const plan: Plan = {
    op: 'make-series',
    input,
    keys,
    aggregates,
    axis,
    start: bounds.start ? lowerScalar(bounds.start, none, ctx) : noBound,
    end: bounds.end ? lowerScalar(bounds.end, none, ctx) : noBound,
    openRange: bounds.open,
    step: lowerScalar(bounds.step, none, ctx),
    inclusiveRange: bounds.inclusive,
    axisName,
    nonEmpty: parameters(node).get('kind')?.value.toLowerCase() === 'nonempty',
    span: spanOf(node, ctx),
    schema: bound,
  };
  if (columnIndex(bound, axisName) !== bound.length - 1) throw unsupported(node, ctx, 'make-series axis');
  return plan;
}

export function lowerTopNested(node: any, input: Plan, ctx: LowerContext): Plan {
  const bound = boundSchema(node);
  const levels = list(node.Clauses).map((clause: any, i: number) => {
    const byNode = clause.ByExpression;
    let descending = true;
    let aggNode = byNode;
    if (kindName(byNode) === 'OrderedExpression') {
      aggNode = byNode.Expression;
      const dir = byNode.Ordering?.AscOrDescKeyword;
      if (dir) descending = String(dir.toString()).trim().toLowerCase() === 'desc';
    }
    aggNode = itemValue(aggNode, ctx);
    if (!isAggregateCall(aggNode)) throw unsupported(aggNode, ctx, 'top-nested by a non-aggregate');
    const aggregate = aggregateCall(aggNode, input, new Set(), ctx);
    if (aggregate.outputs.length !== 1) throw unsupported(aggNode, ctx, `${aggregate.fn}() in top-nested`);
    aggregate.outputs[0].name = bound[2 * i + 1].name;
    const key = {
      name: bound[2 * i].name,
      expr: lowerScalar(itemValue(clause.OfExpression, ctx), input, ctx),
    };
    const othersNode = clause.WithOthersClause?.Expression;
    const others = othersNode ? lowerScalar(othersNode, { schema: [] }, ctx) : undefined;
    if (others && (others.kind !== 'literal' || others.type !== key.expr.type))
      throw unsupported(othersNode, ctx, 'top-nested with others of another type than the level');
    return {
      count: clause.Expression ? lowerScalar(clause.Expression, { schema: [] }, ctx) : undefined,
      key,
      aggregate,
      others,
      descending,
    };
  });
  if (bound.length !== levels.length * 2) throw unsupported(node, ctx, 'top-nested output columns');
  return { op: 'top-nested', input, levels, schema: bound };
}
