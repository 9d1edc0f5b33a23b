import { BRANCH_VALUE, checkSeriesCall, decimalFromText, INT_PARAMETER } from '../functions/index.js';
import { positioned } from '../plan/errors.js';
import { notSupported } from '../plan/refusals.js';
import {
  type AggregateCall,
  type Column,
  isBranchCondition,
  type Plan,
  type ScalarExpr,
  type WindowFunction,
} from '../plan/types.js';
import { correctedGlobalState } from '../syntax/corrections.js';
import { bridge, kqlTypeOf, kusto, toArray } from '../syntax/index.js';
import {
  DynReal,
  type Json,
  type KqlType,
  parseDateTime,
  parseGuid,
  parseReal,
  parseTimespan,
  setOwn,
  TICKS_PER_DAY,
  type Value,
  valueToDynamic,
} from '../values/index.js';
import { compressionRoundTrip } from './compression.js';
import {
  argumentNodes,
  argumentSlots,
  calledName,
  columnIndex,
  isFuzzyUnion,
  kindName,
  type LowerContext,
  list,
  type RowContext,
  Scope,
  spanOf,
  text,
  typeOf,
  unsupported,
} from './context.js';
import { isMakeGraph, lowerMakeGraph } from './graph.js';
import { checkWindowInput, serializationOf } from './serialized.js';
import { knownSchema, lowerTabular } from './tabular.js';
import { keepWideLongs } from './wideLong.js';

/** Replaces aggregate calls inside summarize/make-series expressions with references to their results. */
export type AggregateHook = (node: any, ctx: LowerContext) => ScalarExpr;

const WINDOW_FUNCTIONS = new Set<string>([
  'prev',
  'next',
  'row_number',
  'row_cumsum',
  'row_rank_dense',
  'row_rank_min',
  'row_window_session',
]);

// Calls lowerCall turns into their own expressions instead of a function-library call.
const SPECIAL_CALLS = [
  'map',
  'all',
  'any',
  'inner_nodes',
  'node_degree_in',
  'node_degree_out',
  'column_ifexists',
  'bag_pack_columns',
  'pack_all',
  'ingestion_time',
  'assert',
];

/**
 * Function names lowerCall answers without the function library (window functions and the special
 * calls above), for the refusal list: every other function is answered by the library or refused.
 */
export const CALLS_LOWERED_BY_NAME: ReadonlySet<string> = new Set([...WINDOW_FUNCTIONS, ...SPECIAL_CALLS]);

let aggregateSymbols: Set<unknown> | undefined;

export function isAggregateCall(node: any): boolean {
  if (kindName(node) !== 'FunctionCallExpression') return false;
  // The binder's aggregates, including the symbols corrections.ts replaced.
  aggregateSymbols ??= new Set([
    ...toArray(kusto().Aggregates.All),
    ...toArray(correctedGlobalState().Aggregates),
  ]);
  return aggregateSymbols.has(node.ReferencedSymbol);
}

export function literal(value: Value, type: KqlType): ScalarExpr {
  return { kind: 'literal', value, type };
}

/**
 * Lowers a scalar expression. Its type must be the one Kusto.Language bound to the node, where the
 * binder gives one: a lowered expression of another type would compute a value Kusto does not.
 */
export function lowerScalar(
  node: any,
  row: RowContext,
  ctx: LowerContext,
  aggregate?: AggregateHook,
): ScalarExpr {
  const expr = lowerScalarNode(node, row, ctx, aggregate);
  const bound = kqlTypeOf(node.ResultType);
  if (bound && bound !== expr.type) {
    throw unsupported(
      node,
      ctx,
      kindName(node),
      `the engine types '${text(node)}' as ${expr.type} where Kusto types it ${bound}; refusing rather than answering differently`,
    );
  }
  return expr;
}

function lowerScalarNode(
  node: any,
  row: RowContext,
  ctx: LowerContext,
  aggregate?: AggregateHook,
): ScalarExpr {
  const recurse = (n: any) => lowerScalar(n, row, ctx, aggregate);
  const kind = kindName(node);
  switch (kind) {
    case 'ParenthesizedExpression':
      return recurse(node.Expression);
    case 'NameReference':
      return lowerName(node, row, ctx);
    case 'BracketedExpression':
      return recurse(node.Expression);
    case 'PathExpression': {
      const step = row.stateColumns?.get(String(node.Expression.SimpleName));
      if (step && kindName(node.Expression) === 'NameReference') {
        const index = step(selectorName(node.Selector));
        return { kind: 'column', index, type: row.schema[index].type };
      }
      return {
        kind: 'element',
        target: recurse(node.Expression),
        // `d.[k]` (parse-urlquery page) selects by the bracketed expression's value, like `d[k]`.
        key:
          kindName(node.Selector) === 'BracketedExpression'
            ? recurse(node.Selector.Expression)
            : literal(selectorName(node.Selector), 'string'),
        type: 'dynamic',
      };
    }
    case 'ElementExpression': {
      // `array_sort_asc(a, b)[1]` (array-sort-asc page): an index into a multi-valued call's tuple
      // selects that component.
      const tuple = lowerTupleCall(node.Expression, row, ctx);
      if (tuple) return tupleComponent(node, tuple, ctx);
      return {
        kind: 'element',
        target: elementOfSplit(recurse(node.Expression)),
        // The selector `[k]` is typed as the element it selects; the key is the bracketed expression.
        key: recurse(
          kindName(node.Selector) === 'BracketedExpression' ? node.Selector.Expression : node.Selector,
        ),
        type: 'dynamic',
      };
    }
    case 'PrefixUnaryExpression':
      return unaryCall(node, kind, [recurse(node.Expression)], ctx);
    case 'UnaryMinusExpression':
    case 'UnaryPlusExpression':
      return unaryCall(node, kind, [recurse(node.Expression)], ctx);
    case 'FunctionCallExpression':
      return lowerCall(node, row, ctx, aggregate);
    case 'ToScalarExpression':
      // toscalar() of a scalar (`toscalar(2)`, the toscalar page's range example) is that scalar.
      if (!node.Expression.ResultType?.Columns) return recurse(node.Expression);
      return {
        kind: 'subquery',
        plan: knownSchema(lowerTabular(node.Expression, ctx), 'toscalar'),
        type: typeOf(node, ctx),
      };
    case 'BetweenExpression':
    case 'NotBetweenExpression':
      return call(
        node,
        'binary',
        kind,
        [recurse(node.Left), recurse(node.Right.First), recurse(node.Right.Second)],
        ctx,
      );
    case 'StarExpression':
      throw unsupported(node, ctx, '*');
    case 'TypeOfLiteralExpression':
      // extract(..., typeof(T)) and friends: the binder already made T the call's result type.
      return literal(typeOfLiteral(node, ctx), 'string');
  }
  if (node.Left && node.Right && kind.endsWith('Expression')) {
    const right = node.Right;
    const args =
      kindName(right) === 'ExpressionList'
        ? list(right.Expressions).map((item) => listItem(item, row, ctx, aggregate))
        : [recurse(right)];
    return call(node, 'binary', kind, [recurse(node.Left), ...args], ctx);
  }
  if (node.IsLiteral || kind === 'DynamicExpression') return lowerLiteral(node, ctx);
  throw unsupported(node, ctx);
}

function unaryCall(node: any, kind: string, args: ScalarExpr[], ctx: LowerContext): ScalarExpr {
  return call(node, 'unary', kind, args, ctx);
}

function call(
  node: any,
  callee: 'function' | 'binary' | 'unary',
  name: string,
  args: ScalarExpr[],
  ctx: LowerContext,
): ScalarExpr {
  return keepWideLongs({
    kind: 'call',
    callee,
    name,
    args,
    type: typeOf(node, ctx),
    span: spanOf(node, ctx),
  });
}

/** An `in (...)` / `has_any (...)` list element; a tabular one contributes its first column's values. */
function listItem(node: any, row: RowContext, ctx: LowerContext, aggregate?: AggregateHook): ScalarExpr {
  if (node.ResultType?.Columns) {
    const plan = knownSchema(lowerTabular(node, ctx), 'a list subquery');
    return {
      kind: 'subquery',
      plan: {
        op: 'aggregate',
        input: plan,
        keys: [],
        aggregates: [columnList(plan, node, ctx)],
        schema: [{ name: 'values', type: 'dynamic' }],
      },
      type: 'dynamic',
    };
  }
  return lowerScalar(node, row, ctx, aggregate);
}

function columnList(plan: Plan, node: any, ctx: LowerContext): AggregateCall {
  return {
    fn: 'make_list',
    args: [{ kind: 'column', index: 0, type: plan.schema[0]?.type ?? 'dynamic' }],
    outputs: [{ name: 'values', type: 'dynamic' }],
    span: spanOf(node, ctx),
  };
}

function selectorName(selector: any): string {
  return String(selector.SimpleName ?? text(selector));
}

function lowerName(node: any, row: RowContext, ctx: LowerContext): ScalarExpr {
  const symbol = node.ReferencedSymbol;
  const name: string = node.SimpleName;
  const symbolKind = symbol ? String(symbol.Kind) : '';
  const typeName = symbol?.constructor?.$$name ?? '';
  if (typeName.endsWith('ColumnSymbol') || symbolKind === 'Column') {
    const index = columnIndex(row.schema, symbol?.Name ?? name);
    if (index >= 0) return { kind: 'column', index, type: row.schema[index].type };
  }
  const binding = ctx.scope.get(name);
  if (binding?.kind === 'scalar') return binding.expr;
  if (typeName.endsWith('FunctionSymbol')) return lowerCall(node, row, ctx);
  if (!symbol && inFuzzyUnionLeg(node))
    throw unsupported(
      node,
      ctx,
      `reference to '${name}'`,
      `reference to '${name}': no column '${name}' is known in this union leg's input, and ` +
        "isfuzzy=true only applies to resolving the union's sources (union operator), so Kusto fails " +
        'such a query unless the input has the column',
    );
  throw unsupported(node, ctx, `reference to '${name}'`);
}

/**
 * True inside a leg of `union isfuzzy=true`, where Kusto.Language leaves a name the leg's table lacks
 * unresolved instead of reporting it. The union page: "isfuzzy=true only applies to the union sources
 * resolution phase. Once the set of source tables is determined, possible additional query failures
 * won't be suppressed."
 */
function inFuzzyUnionLeg(node: any): boolean {
  for (let parent = node.Parent; parent; parent = parent.Parent) if (isFuzzyUnion(parent)) return true;
  return false;
}

function lowerCall(node: any, row: RowContext, ctx: LowerContext, aggregate?: AggregateHook): ScalarExpr {
  const name = calledName(node);
  if (isAggregateCall(node)) {
    if (!aggregate)
      throw unsupported(node, ctx, `${name}()`, `aggregate ${name}() is only allowed in summarize`);
    return aggregate(node, ctx);
  }
  const expansion = node.GetExpansion?.();
  if (expansion) return lowerExpansion(node, expansion, row, ctx, aggregate);
  if ((name === 'map' || name === 'all' || name === 'any') && row.graphElements)
    return row.graphElements(node, name);
  if ((name === 'node_degree_in' || name === 'node_degree_out') && row.graphDegree)
    return row.graphDegree(node, name === 'node_degree_in' ? 'in' : 'out');
  if (name === 'column_ifexists') return lowerColumnIfExists(node, row, ctx, aggregate);
  const sameColumn = convertedColumnIfExists(node, name, row, ctx);
  if (sameColumn) return sameColumn;
  if (name === 'bag_pack_columns') return lowerBagPackColumns(node, row, ctx, aggregate);
  if (name === 'assert') return lowerAssert(node, row, ctx, aggregate);
  const roundTrip = compressionRoundTrip(node, ctx, (a) => lowerScalar(a, row, ctx, aggregate));
  if (roundTrip) return roundTrip;
  const args = readsWholeRow(node, name)
    ? wholeRow(node, row, ctx)
    : argumentNodes(node, ctx).map((a) => lowerScalar(a, row, ctx, aggregate));
  if (WINDOW_FUNCTIONS.has(name)) {
    checkWindowInput(node, name, ctx);
    return {
      kind: 'window',
      name: name as WindowFunction,
      args,
      type: typeOf(node, ctx),
      span: spanOf(node, ctx),
    };
  }
  if (name === 'pack_all') {
    // pack_all(ignore_null_empty): a constant flag (https://learn.microsoft.com/kusto/query/pack-all-function).
    const [flag] = args;
    if (flag && (flag.kind !== 'literal' || typeof flag.value !== 'boolean'))
      throw unsupported(node, ctx, 'pack_all() with a non-constant ignore_null_empty');
    return {
      kind: 'row-bag',
      type: 'dynamic',
      ignoreNullEmpty: flag?.value === true,
      width: row.packed?.width ?? row.schema.length,
      span: spanOf(node, ctx),
    };
  }
  if (name === 'bin_auto') return lowerBinAuto(node, args[0], ctx);
  if (name === 'ingestion_time') return { kind: 'ingestion-time', type: 'datetime', span: spanOf(node, ctx) };
  if (name === 'iff' || name === 'iif' || name === 'case') return branchCall(node, name, args, ctx);
  if (COMMON_TYPE_CALLS.has(name)) return call(node, 'function', name, toCommonType(node, args, ctx), ctx);
  return call(node, 'function', name, args, ctx);
}

/**
 * bin_auto(value): "the nearest multiple of query_bin_auto_size below value, shifted so that
 * query_bin_auto_at will be translated into itself", the fixed point 0 by default
 * (https://learn.microsoft.com/kusto/query/bin-auto-function): bin_at(value, size, at), or bin(value,
 * size) without `at`. Refused without the size, with a size or fixed point of another kind than the
 * value, and for a datetime without a fixed point when the size does not divide a day: whether the 0
 * of a datetime is 0001-01-01 (bin's origin) or 1970-01-01 is not said, and only bins that divide a
 * day fall alike from both.
 */
function lowerBinAuto(node: any, value: ScalarExpr, ctx: LowerContext): ScalarExpr {
  const size = ctx.options?.get('query_bin_auto_size');
  const at = ctx.options?.get('query_bin_auto_at');
  if (!size) throw unsupported(node, ctx, 'bin_auto()', notSupported('bin_auto()'));
  const temporal = value.type === 'datetime' || value.type === 'timespan';
  const numeric = (t: KqlType) => t === 'int' || t === 'long' || t === 'real';
  const sizeFits = temporal ? size.type === 'timespan' : numeric(value.type) && numeric(size.type);
  const atFits = !at || (temporal ? at.type === value.type : numeric(at.type));
  const dayDivides =
    size.kind === 'literal' &&
    typeof size.value === 'bigint' &&
    size.value > 0n &&
    TICKS_PER_DAY % size.value === 0n;
  if (!sizeFits || !atFits || (value.type === 'datetime' && !at && !dayDivides))
    throw unsupported(
      node,
      ctx,
      'bin_auto()',
      `bin_auto() of a ${value.type} with query_bin_auto_size of type ${size.type}${at ? ` and query_bin_auto_at of type ${at.type}` : ' and no query_bin_auto_at'} is not supported by the embedded KQL engine: its page does not define it`,
    );
  return at
    ? call(node, 'function', 'bin_at', [value, size, at], ctx)
    : call(node, 'function', 'bin', [value, size], ctx);
}

// Calls whose value is one of their arguments, typed by Kusto.Language with the arguments' common
// numeric type (int < long < real < decimal; other mixes are KS232 errors).
const COMMON_TYPE_CALLS = new Set(['coalesce', 'max_of', 'min_of']);

/**
 * The arguments of coalesce()/max_of()/min_of() in the call's type: an int or long argument of a long
 * or real call is the same number (widened), and a number of a decimal call (`coalesce(r, m)`) goes
 * through todecimal(), which answers only values every conversion gives alike (a NaN, a real past 15
 * digits or past SqlDecimal's 38 is refused): the engine put the real itself, NaN or 1e300, into the
 * decimal column.
 */
function toCommonType(node: any, args: ScalarExpr[], ctx: LowerContext): ScalarExpr[] {
  const type = typeOf(node, ctx);
  return args.map((arg) => {
    if (arg.type === type) return arg;
    const widening = numericWidening(arg.type, type);
    if (widening) return conversionCall(arg, widening, type, node, ctx);
    return type === 'decimal' ? conversionCall(arg, 'todecimal', type, node, ctx) : arg;
  });
}

/**
 * iff()/iif()/case() whose branches have other types than the call (Kusto.Language types
 * `iff(c, d.a, "")` string, `iff(c, 2d, 0.0)` dynamic): each such branch goes through BRANCH_VALUE,
 * which answers the values every conversion agrees on and refuses the rest. An int or long branch of
 * a long or real call is the same number.
 */
function branchCall(node: any, name: string, args: ScalarExpr[], ctx: LowerContext): ScalarExpr {
  const type = typeOf(node, ctx);
  const branches = args.map((arg, i) => {
    if (isBranchCondition(name, i, args.length) || arg.type === type || numericWidening(arg.type, type))
      return arg;
    if (arg.kind === 'literal' && arg.value === null && type !== 'string') return { ...arg, type };
    return conversionCall(arg, BRANCH_VALUE, type, node, ctx);
  });
  return call(node, 'function', name, branches, ctx);
}

/**
 * assert(condition, message) (https://learn.microsoft.com/kusto/query/assert-function): the condition
 * "must be evaluated to constant during the query analysis phase", the message "must be a string
 * literal", and a false condition fails the query whether or not a row is read. So the condition is
 * recorded for a check before the query runs (execute/index.ts), and the call is `true`, its value
 * whenever the query gets to run. A condition that reads the row, or a message that is not a literal,
 * fails in Kusto with an error the page does not give: refused.
 */
function lowerAssert(node: any, row: RowContext, ctx: LowerContext, aggregate?: AggregateHook): ScalarExpr {
  const [conditionNode, messageNode] = argumentNodes(node, ctx);
  const condition = lowerScalar(conditionNode, row, ctx, aggregate);
  if (!isConstant(condition))
    throw unsupported(
      conditionNode,
      ctx,
      'assert() of a condition that is not a constant',
      'assert() of a condition that is not a constant is not supported by the embedded KQL engine: its page requires a constant and does not give the error Kusto raises otherwise',
    );
  if (kindName(messageNode) !== 'StringLiteralExpression')
    throw unsupported(
      messageNode,
      ctx,
      'assert() with a message that is not a string literal',
      'assert() with a message that is not a string literal is not supported by the embedded KQL engine: its page requires a literal and does not give the error Kusto raises otherwise',
    );
  const message = lowerScalar(messageNode, row, ctx, aggregate);
  if (!ctx.assertions) throw unsupported(node, ctx, 'assert() inside a published parser body');
  // The engine lowers a let value even when the query never uses it; whether the service checks an
  // assert() there is not documented.
  if (ctx.inLetValue)
    throw unsupported(
      node,
      ctx,
      'assert() in a let value',
      'assert() in a let value is not supported by the embedded KQL engine: whether Kusto checks it when the let is not used is not documented',
    );
  ctx.assertions.push({
    condition,
    message: String(message.kind === 'literal' ? message.value : ''),
    span: spanOf(node, ctx),
  });
  return literal(true, 'bool');
}

/**
 * `estimate_data_size(*)`: `*` stands for the row's columns (estimate-data-size page, "use the
 * wildcard (`*`) character"), the input's as pack_all() reads them.
 */
function readsWholeRow(node: any, name: string): boolean {
  const args = list(node.ArgumentList?.Expressions);
  return name === 'estimate_data_size' && args.length === 1 && kindName(args[0]) === 'StarExpression';
}

/**
 * The row's columns for `*`. Inside extend, whether `*` also covers the columns the same extend
 * defines is not documented (pack_all's page settles only pack_all, which reads the operator's input).
 */
function wholeRow(node: any, row: RowContext, ctx: LowerContext): ScalarExpr[] {
  if (row.packed)
    throw unsupported(
      node,
      ctx,
      'estimate_data_size(*) inside extend',
      'estimate_data_size(*) inside extend is not supported by the embedded KQL engine: whether * covers the columns the same extend defines is not documented',
    );
  return row.schema.map((c, index) => ({ kind: 'column', index, type: c.type }));
}

/** An expression of literals and function calls only: the same value for every row. */
function isConstant(expr: ScalarExpr): boolean {
  return expr.kind === 'literal' || (expr.kind === 'call' && expr.args.every(isConstant));
}

/**
 * column_ifexists(name, default): the column when the input has it, else the default
 * (https://learn.microsoft.com/kusto/query/column-ifexists-function). Kusto.Language types the call
 * by the default. An existing int or long column with a real default is the column's numbers as
 * reals: the functions library's percentiles_linear_fl page reads a long column through
 * `column_ifexists(val_col, 0.0)` and prints its values and the percentiles computed from them
 * (https://learn.microsoft.com/kusto/functions-library/percentiles-linear-fl); an int column with a
 * long default is the same numbers. Any other type mismatch (the column, converted or not, or an
 * error) is not documented and is refused, as is an existing dynamic column with a default of another
 * type: the page's note says the default is returned then, its Returns section says the column.
 */
function lowerColumnIfExists(
  node: any,
  row: RowContext,
  ctx: LowerContext,
  aggregate?: AggregateHook,
): ScalarExpr {
  const [nameNode, fallback] = argumentNodes(node, ctx);
  const name = lowerScalar(nameNode, { schema: [] }, ctx);
  if (name.kind !== 'literal' || typeof name.value !== 'string')
    throw unsupported(node, ctx, 'column_ifexists with a non-constant column name');
  const index = columnIndex(row.schema, name.value);
  if (index < 0) return lowerScalar(fallback, row, ctx, aggregate);
  const type = row.schema[index].type;
  const bound = typeOf(node, ctx);
  const column: ScalarExpr = { kind: 'column', index, type };
  const widening = numericWidening(type, bound);
  if (widening) return conversionCall(column, widening, bound, node, ctx);
  // An existing dynamic column with a dynamic default is the column: the page's note ("If the column
  // data type is dynamic, then it returns the default column") and its Returns ("If columnName
  // exists, then returns the column") disagree, and the functions library's entropy_fl page settles
  // this case: it reads a dynamic column through column_ifexists(val_col, dynamic(null)) and prints
  // the entropy of its arrays (https://learn.microsoft.com/kusto/functions-library/entropy-fl).
  if (type === 'dynamic' && bound === 'dynamic') return column;
  // Open only for the value: refused when a row reaches it, so rows that never do (an empty table,
  // a parser's view over a table without data) are answered.
  if (type === 'dynamic' || type !== bound)
    return {
      kind: 'undocumented',
      construct: 'column_ifexists',
      reason:
        type === 'dynamic'
          ? `column_ifexists of the existing dynamic column '${name.value}': the page's note says the default is returned, its Returns section says the column; refusing rather than choosing`
          : `column_ifexists of the existing ${type} column '${name.value}' with a ${bound} default: Kusto types the call ${bound}, and what the service returns for a column of another type is not documented`,
      type: bound,
      span: spanOf(node, ctx),
    };
  return column;
}

/** The conversion functions whose input, when it is the string form of a value of their type, gives that value back. */
const LOSSLESS_FROM_STRING: Readonly<Record<string, KqlType>> = {
  todatetime: 'datetime',
  totimespan: 'timespan',
  tolong: 'long',
  toint: 'int',
  tobool: 'bool',
  toguid: 'guid',
};

/**
 * `todatetime(column_ifexists('c', ''))` where `c` is an existing datetime column (and alike for the
 * types of LOSSLESS_FROM_STRING): whether the service returns the column as it is or converted to
 * the call's string type (which `lowerColumnIfExists` cannot tell, so refuses), the conversion gives
 * the column's value back, since these types' string forms convert back exactly (tostring of a
 * datetime keeps all 7 fractional digits). So the whole call is the column. Published parsers write
 * `EventStartTime = todatetime(column_ifexists("start", ""))` over a column a typed parse-kv made.
 *
 * Likewise `toint(column_ifexists('c', int(null)))` over an existing long column `c`: whether the
 * service returns the long column or its values as ints, a value within int range is the same
 * number, so toint gives it back; toint of a long outside int range is refused (toIntegerFn), and a
 * null stays null either way. So the call is `toint(c)`. ASIM's Zscaler ZIA web-session parser
 * (vimWebSessionzScalerZIA.yaml @bd3bf57) reads CommonSecurityLog.FieldDeviceCustomNumber1 (long)
 * this way.
 */
function convertedColumnIfExists(
  node: any,
  name: string,
  row: RowContext,
  ctx: LowerContext,
): ScalarExpr | undefined {
  const target = LOSSLESS_FROM_STRING[name];
  const args = target ? argumentNodes(node, ctx) : [];
  if (args.length !== 1 || kindName(args[0]) !== 'FunctionCallExpression') return undefined;
  if (calledName(args[0]) !== 'column_ifexists') return undefined;
  const bound = typeOf(args[0], ctx);
  const integerOfText = integerDefault(name, bound);
  if (bound !== 'string' && !(name === 'toint' && bound === 'int') && !integerOfText) return undefined;
  const [nameNode] = argumentNodes(args[0], ctx);
  const column = nameNode ? lowerScalar(nameNode, { schema: [] }, ctx) : undefined;
  if (column?.kind !== 'literal' || typeof column.value !== 'string') return undefined;
  const index = columnIndex(row.schema, column.value);
  if (index < 0) return undefined;
  const type = row.schema[index].type;
  if (integerOfText && type === 'string')
    return conversionCall({ kind: 'column', index, type }, name, target, node, ctx);
  if (bound === 'int')
    return type === 'long'
      ? conversionCall({ kind: 'column', index, type }, 'toint', 'int', node, ctx)
      : undefined;
  if (type !== target) return undefined;
  return { kind: 'column', index, type: target };
}

/**
 * `toint(column_ifexists('c', 0))` (a long default; or an int one) and `tolong(column_ifexists('c',
 * 0))` over an existing string column: the column_ifexists page says the call returns "the column it
 * refers to" (the text), Kusto.Language types it by the default (a number). Read as the text, the
 * call is toint(c); read as the text converted to the default's type, it is toint(tolong(c)). The
 * engine's toint and tolong read text alike (integer text converts, other numeric text is refused,
 * text that is no number is null) and toint refuses a long outside int range, so both readings give
 * the same answer wherever the engine answers. tolong over an int default is left out: there the
 * int step would refuse text a direct tolong converts. ASIM's `_ASIM_ResolveNetworkProtocol`
 * (ASIM/lib/functions/ASIM_ResolveNetworkProtocol.yaml @c93fd15) reads CommonSecurityLog's string
 * Protocol this way for the FortiGate and other CEF legs.
 */
function integerDefault(name: string, bound: KqlType | undefined): boolean {
  return (
    (name === 'toint' && (bound === 'int' || bound === 'long')) || (name === 'tolong' && bound === 'long')
  );
}

/**
 * bag_pack_columns(c1, c2, ...): a bag keyed by the columns' names
 * (https://learn.microsoft.com/kusto/query/bag-pack-columns-function), i.e. bag_pack("c1", c1, ...).
 */
function lowerBagPackColumns(
  node: any,
  row: RowContext,
  ctx: LowerContext,
  aggregate?: AggregateHook,
): ScalarExpr {
  const args = argumentNodes(node, ctx).flatMap((arg) => {
    if (kindName(arg) !== 'NameReference') throw unsupported(arg, ctx, 'bag_pack_columns() of an expression');
    return [literal(String(arg.SimpleName), 'string'), lowerScalar(arg, row, ctx, aggregate)];
  });
  return call(node, 'function', 'bag_pack', args, ctx);
}

/** A multi-valued call: one expression yielding all components, and each component's column. */
export interface TupleCall {
  expr: ScalarExpr;
  columns: Column[];
}

/**
 * `series_stats(x)`, `(a, b, c) = series_decompose_anomalies(x)`: Kusto.Language binds the call to
 * a tuple whose columns the operator spreads. Returns undefined for an ordinary expression.
 */
export function lowerTupleCall(node: any, row: RowContext, ctx: LowerContext): TupleCall | undefined {
  const type = node.ResultType;
  if (!type || !String(bridge().getTypeName(type)).endsWith('TupleSymbol')) return undefined;
  if (kindName(node) !== 'FunctionCallExpression') throw unsupported(node, ctx, 'tuple-valued expression');
  const name = calledName(node);
  const args = argumentNodes(node, ctx).map((a) => lowerScalar(a, row, ctx));
  const span = spanOf(node, ctx);
  try {
    checkSeriesCall(
      name,
      args.map((a) => (a.kind === 'literal' ? a.value : undefined)),
    );
  } catch (error) {
    throw positioned(error, span, name);
  }
  const columns = toArray(type.Columns).map((c: any) => ({
    name: String(c.Name),
    type: kqlTypeOf(c.Type) ?? 'dynamic',
  }));
  return { expr: { kind: 'call', callee: 'function', name, args, type: 'dynamic', span }, columns };
}

/** `f(...)[i]` of a multi-valued call: component `i`, which must be a literal index of the tuple. */
function tupleComponent(node: any, tuple: TupleCall, ctx: LowerContext): ScalarExpr {
  const selector =
    kindName(node.Selector) === 'BracketedExpression' ? node.Selector.Expression : node.Selector;
  const index = Number(text(selector));
  if (!Number.isInteger(index) || index < 0 || index >= tuple.columns.length)
    throw unsupported(node, ctx, 'an index into a multi-valued result other than a literal component number');
  return { kind: 'component', target: tuple.expr, index, type: tuple.columns[index].type };
}

/**
 * A call to a user function (`let f = (x:long) {...}`) or a parser from the catalog: Kusto.Language
 * expands the body with parameters as variables; they are bound to the lowered arguments here.
 */
export function bindCallArguments(
  node: any,
  row: RowContext | undefined,
  ctx: LowerContext,
  invokeSource?: Plan,
): Scope {
  const scope = new Scope(ctx.scope);
  const signature = node.ReferencedSignature;
  const params = toArray(signature?.Parameters);
  // `T | invoke f(a, b)`: T is f's first (tabular) parameter, so the written arguments, positional or
  // named, fill the parameters after it (a named one finds its slot in the whole parameter list).
  const args = argumentSlots(node, ctx, invokeSource ? 1 : 0);
  params.forEach((param: any, i: number) => {
    const name: string = param.Name;
    if (invokeSource && i === 0) {
      scope.set(name, { kind: 'table', plan: invokeSource });
      return;
    }
    const arg = args[i];
    if (!arg) {
      // A default value is an unbound literal from the declaration: convert it with the parameter's type.
      const fallback = param.DefaultValue;
      const type = kqlTypeOf(toArray(param.DeclaredTypes)[0]);
      if (!fallback || !type) return;
      scope.set(name, { kind: 'scalar', expr: lowerLiteral(fallback, ctx, type) });
      return;
    }
    if (arg.ResultType?.Columns && !arg.ResultType?.Name?.startsWith?.('dynamic')) {
      scope.set(name, { kind: 'table', plan: lowerTabular(arg, ctx) });
    } else {
      const expr = lowerScalar(arg, row ?? { schema: [] }, ctx);
      scope.set(name, {
        kind: 'scalar',
        expr: widened(expr, kqlTypeOf(toArray(param.DeclaredTypes)[0]), arg, ctx),
      });
    }
  });
  return scope;
}

/** A call's scalar argument as the value of a parameter declared `declared`, lowered where the call is. */
export function argumentValue(arg: any, declared: KqlType, ctx: LowerContext): ScalarExpr {
  return widened(lowerScalar(arg, { schema: [] }, ctx), declared, arg, ctx);
}

/**
 * A number passed to another numeric parameter takes the parameter's type, as Kusto.Language binds the
 * parameter (`(a:real)` called with 3 is 3.0, so `a / 2` is 1.5; a long passed to `(n:int)` is an int).
 */
function widened(expr: ScalarExpr, declared: KqlType | undefined, node: any, ctx: LowerContext): ScalarExpr {
  if (!declared) return expr;
  const to =
    numericWidening(expr.type, declared) ??
    (declared === 'int' && expr.type === 'long' ? INT_PARAMETER : undefined);
  return to ? conversionCall(expr, to, declared, node, ctx) : expr;
}

/** The conversion that widens an int or long to `to` (real, or long from int), if `to` is wider. */
function numericWidening(from: KqlType, to: KqlType): 'todouble' | 'tolong' | undefined {
  if (to === 'real' && (from === 'int' || from === 'long')) return 'todouble';
  if (to === 'long' && from === 'int') return 'tolong';
  return undefined;
}

function conversionCall(
  expr: ScalarExpr,
  name: string,
  type: KqlType,
  node: any,
  ctx: LowerContext,
): ScalarExpr {
  return { kind: 'call', callee: 'function', name, args: [expr], type, span: spanOf(node, ctx) };
}

function lowerExpansion(
  node: any,
  expansion: any,
  row: RowContext,
  ctx: LowerContext,
  aggregate?: AggregateHook,
): ScalarExpr {
  const scope = bindCallArguments(node, row, ctx);
  // A function body's offsets are its own: run-time schemas re-bind the text being lowered, not it.
  const inner: LowerContext = { ...ctx, scope, callSite: spanOf(node, ctx), runtime: undefined };
  const body = expansion.Root ?? expansion;
  try {
    return lowerBody(body, inner, (expr, bodyCtx) => lowerScalar(expr, row, bodyCtx, aggregate));
  } catch (error) {
    // Kusto.Language binds a call passing an argument of another kind than its parameter's (no
    // diagnostic: vimNetworkSessionCrowdStrikeFalconHost's `_ASIM_LookupICMPType('icmpType')` gives a
    // string to an int) and types the parameter as declared, so the body cannot be lowered with that
    // value; what the service passes then is not documented. Refused where a row evaluates the call, so
    // rows that never reach it are answered. A body that lowers (the parameter unused) is kept.
    const mistyped = mistypedArgument(node, scope);
    const bound = kqlTypeOf(node.ResultType);
    if (!mistyped || !bound) throw error;
    return {
      kind: 'undocumented',
      construct: text(node),
      reason: `${text(node)}: its parameter '${mistyped.name}' is declared ${mistyped.declared} and the call passes a ${mistyped.given}: what Kusto passes then is not documented`,
      type: bound,
      span: spanOf(node, ctx),
    };
  }
}

/**
 * A scalar parameter whose bound argument, after the numeric widenings of `widened`, has another type
 * than the parameter's declared one (a string given to an int): the body would then be lowered with a
 * value of a type Kusto.Language does not give the parameter.
 */
function mistypedArgument(
  node: any,
  scope: Scope,
): { name: string; declared: KqlType; given: KqlType } | undefined {
  for (const param of toArray(node.ReferencedSignature?.Parameters) as any[]) {
    const declared = kqlTypeOf(toArray(param.DeclaredTypes)[0]);
    const binding = scope.get(param.Name);
    if (!declared || binding?.kind !== 'scalar') continue;
    if (binding.expr.type !== declared) return { name: param.Name, declared, given: binding.expr.type };
  }
  return undefined;
}

/** A function body `{ let a = ...; expr }`: binds its lets, then lowers the final expression. */
export function lowerBody<T>(
  body: any,
  ctx: LowerContext,
  lowerResult: (expr: any, ctx: LowerContext) => T,
): T {
  let node = body;
  if (kindName(node) === 'FunctionBody') {
    for (const statement of list(node.Statements)) bindStatement(statement, ctx);
    node = node.Expression;
  }
  return lowerResult(node, ctx);
}

/** `let name = expr;` adds a binding; other statements in a body are refused. */
export function bindStatement(statement: any, ctx: LowerContext): void {
  const kind = kindName(statement);
  if (kind !== 'LetStatement') throw unsupported(statement, ctx);
  const name: string = statement.Name.SimpleName;
  const value = statement.Expression;
  const valueKind = kindName(value);
  if (valueKind === 'FunctionDeclaration') return; // calls are lowered from Kusto.Language's expansion
  // A let value is lowered here whether or not the query uses it (see lowerAssert).
  const valueCtx: LowerContext = { ...ctx, inLetValue: true };
  if (isMakeGraph(value)) {
    ctx.scope.set(name, { kind: 'graph', graph: lowerMakeGraph(value, valueCtx) });
    return;
  }
  if (value.ResultType?.Columns || valueKind === 'MaterializeExpression') {
    const plan = lowerTabular(value, valueCtx);
    ctx.scope.set(name, {
      kind: 'table',
      plan: plan.op === 'shared' ? plan : { op: 'shared', input: plan, schema: plan.schema },
      serialization: serializationOf(value, ctx),
    });
    return;
  }
  ctx.scope.set(name, { kind: 'scalar', expr: lowerScalar(value, { schema: [] }, valueCtx) });
}

/** A dynamic literal's tree -> JSON; Kusto allows single quotes and typed literals (stored as their text). */
function jsonOf(node: any, ctx: LowerContext): Json {
  const kind = kindName(node);
  if (kind === 'JsonObjectExpression') {
    const bag: Record<string, Json> = {};
    for (const pair of list(node.Pairs)) {
      const key = String(pair.Name.ValueText ?? pair.Name.Value);
      // A property bag maps unique keys (dynamic data type page); which of a literal's repeated
      // keys Kusto keeps is not documented, as for parse_json's text (values/json-text.ts).
      if (Object.hasOwn(bag, key))
        throw unsupported(
          pair,
          ctx,
          'dynamic literal with a repeated key',
          `dynamic literal: the key ${JSON.stringify(key)} is given twice; a property bag maps unique keys (dynamic data type page) and which value Kusto keeps is not documented`,
        );
      setOwn(bag, key, jsonOf(pair.Value, ctx));
    }
    return bag;
  }
  if (kind === 'JsonArrayExpression') return list(node.Values).map((v) => jsonOf(v, ctx));
  if (kind === 'UnaryMinusExpression') {
    const inner = jsonOf(node.Expression, ctx);
    if (typeof inner === 'number') return -inner;
    if (inner instanceof DynReal) return new DynReal(-inner.value);
  }
  if (kind === 'NullLiteralExpression') return null;
  const value = lowerLiteral(node, ctx);
  if (value.kind !== 'literal') throw unsupported(node, ctx, 'dynamic literal element');
  return valueToDynamic(value.value, value.type);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function daysToTicks(days: number): bigint {
  return BigInt(Math.round(days * Number(TICKS_PER_DAY)));
}

/** `typeof(T)` with one scalar type, as in extract() and mv-expand ... to typeof(T). */
export function typeOfLiteral(node: any, ctx: LowerContext): KqlType {
  const types = list(node.Types);
  const type = types.length === 1 ? kqlTypeOf(types[0].ReferencedSymbol ?? types[0].ResultType) : undefined;
  if (!type) throw unsupported(node, ctx, `typeof(${text(node)})`);
  return type;
}

/** The text inside `type(...)`; a quoted form (`datetime("2015-01-01")`, used on the hash page) is unquoted. */
function innerText(node: any): string {
  // The literal's token alone: the node's text holds its leading trivia, such as a comment.
  const t = String(node.Token?.Text ?? text(node)).trim();
  const open = t.indexOf('(');
  const inner = open >= 0 && t.endsWith(')') ? t.slice(open + 1, -1).trim() : t;
  return /^(["'])[^"'\\]*\1$/.test(inner) ? inner.slice(1, -1) : inner;
}

const SPACED_DATE = /^\d{4}\s*-\s*\d{1,2}\s*-\s*\d{1,2}$/;

/** Literal syntax -> engine value. Text is parsed here: the Bridge build's boxed .NET values are lossy. */
export function lowerLiteral(node: any, ctx: LowerContext, declared?: KqlType): ScalarExpr {
  const kind = kindName(node);
  const type = declared ?? (kind === 'NullLiteralExpression' ? 'dynamic' : typeOf(node, ctx));
  const fail = () => unsupported(node, ctx, `literal ${text(node)}`);
  if (kind === 'StringLiteralExpression' || kind === 'CompoundStringLiteralExpression') {
    return literal(String(node.LiteralValue ?? ''), 'string');
  }
  const raw = innerText(node);
  if (raw === 'null' || kind === 'NullLiteralExpression') return literal(type === 'string' ? '' : null, type);
  switch (type) {
    case 'bool':
      return literal(raw.toLowerCase() === 'true', type);
    case 'int':
    case 'long': {
      const n = /^0x[0-9a-f]+$/i.test(raw) ? Number.parseInt(raw.slice(2), 16) : Number(raw);
      if (!Number.isFinite(n)) throw fail();
      // Beyond 2^53 a number is not exact: the digits go to a call that keeps them for an exact
      // consumer (lower/wideLong.ts) and is refused anywhere else.
      if (!Number.isSafeInteger(n) && /^(0x[0-9a-f]+|\d+)$/i.test(raw))
        return call(node, 'function', '$long_literal', [literal(raw, 'string')], ctx);
      return literal(n, type);
    }
    case 'decimal':
      try {
        return literal(decimalFromText(raw, 'decimal literal'), type);
      } catch (e) {
        throw positioned(e, spanOf(node, ctx), 'decimal');
      }
    case 'real': {
      const n = parseReal(raw);
      if (n === null) throw fail();
      return literal(n, type);
    }
    case 'datetime': {
      // The sliding_window_counts page writes `datetime(2017 - 08 - 01)` and prints 2017-08-01 for it:
      // a bare date with spaces around its dashes reads as that date.
      const t = parseDateTime(SPACED_DATE.test(raw) ? raw.replace(/\s+/g, '') : raw);
      if (t === null) throw fail();
      return literal(t, type);
    }
    case 'timespan': {
      // time(2) and timespan(1.5): a bare number counts days (timespan data type doc).
      const t = NUMBER.test(raw) ? daysToTicks(Number(raw)) : parseTimespan(raw);
      if (t === null) throw fail();
      return literal(t, type);
    }
    case 'guid': {
      const g = parseGuid(raw);
      if (g === null) throw fail();
      return literal(g, type);
    }
    case 'dynamic':
      return literal(kind === 'DynamicExpression' ? jsonOf(node.Expression, ctx) : null, type);
    default:
      throw fail();
  }
}

/**
 * `split(s, d, i)[k]` (a common rule idiom: `split(Upn, "@", 1)[0]`): with requestedIndex past the
 * parts the split page leaves [] or null open, but an element of either is null, so the call gets a
 * fourth argument, `true`, telling split() (functions/strings.ts) to answer [] there.
 */
function elementOfSplit(target: ScalarExpr): ScalarExpr {
  if (
    target.kind !== 'call' ||
    target.callee !== 'function' ||
    target.name !== 'split' ||
    target.args.length !== 3
  )
    return target;
  return { ...target, args: [...target.args, { kind: 'literal', value: true, type: 'bool' }] };
}
