import { type FunctionSchema, PARSER_STUB_FILE } from '../catalog.js';
import { UnsupportedError } from '../plan/errors.js';
import { refusalReason } from '../plan/refusals.js';
import type {
  AggregateCall,
  Column,
  JoinKind,
  NamedExpr,
  Plan,
  ScalarExpr,
  SortKey,
  Span,
} from '../plan/types.js';
import { watchlistNamed } from '../solution-watchlists.js';
import { bridge, kqlTypeOf, quoteName } from '../syntax/index.js';
import { coerce, type KqlType, type Value, valueToDynamic } from '../values/index.js';
import { isActivityPlugin, lowerActivity } from './activity.js';
import { lowerAggregates, lowerMakeSeries, lowerTopNested } from './aggregate.js';
import { tablesOnlyReads } from './body-reads.js';
import {
  argumentSlots,
  type BodyParameters,
  boundSchema,
  columnIndex,
  isFuzzyUnion,
  kindName,
  type LowerContext,
  list,
  operatorName,
  parameters,
  type RowContext,
  Scope,
  spanOf,
  text,
  typeOf,
  unsupported,
} from './context.js';
import { lowerDcountIntersect } from './dcount-intersect.js';
import { lowerMvApply, lowerMvExpand, lowerParse, lowerParseKv } from './expand.js';
import { lowerExternalData } from './external.js';
import { consumesGraph, lowerGraphConsumer } from './graph.js';
import { observedColumns, unobservedAfter, unobservedBeyond, unobservedFromSource } from './liveness.js';
import { lowerNarrow } from './narrow.js';
import { lowerBodyBesideDeclaration, lowerCallBesideDeclaration } from './parser-body.js';
import { bindPattern, lowerPatternInvocation } from './pattern.js';
import { lowerPivot } from './pivot.js';
import { lowerIpv4Lookup, lowerRollingPercentile, lowerSchemaMerge } from './plugins.js';
import { lowerRender } from './render.js';
import { lowerRowsNear } from './rows-near.js';
import {
  type Deletion,
  openOperator,
  rebindEdited,
  requireRuntimeSchema,
  resolvedOperator,
} from './runtime-schema.js';
import {
  bindCallArguments,
  bindStatement,
  literal,
  lowerBody,
  lowerLiteral,
  lowerScalar,
  lowerTupleCall,
} from './scalar.js';
import { lowerPartition, lowerScan } from './scan.js';
import { lowerSequenceDetect } from './sequence-detect.js';
import { inputSerialization } from './serialized.js';
import { columnMapLosses } from './union-binder-losses.js';
import { innerUnionBound } from './union-inner.js';
import { wildcardLegs } from './union-wildcard.js';
import { checkStageSchema, schemaDifference } from './verify.js';

/** Operators that do not read columns, so they may follow a bag_unpack whose columns depend on the data. */
const UNPACK_FOLLOWERS = new Set(['TakeOperator', 'CountOperator']);

export function project(input: Plan, columns: NamedExpr[]): Plan {
  return { op: 'project', input, columns, schema: columns.map((c) => ({ name: c.name, type: c.expr.type })) };
}

export function columnRef(schema: Column[], index: number): ScalarExpr {
  return { kind: 'column', index, type: schema[index].type };
}

/** Lowers a tabular expression (a pipeline, a table reference, a datatable, ...). */
export function lowerTabular(node: any, ctx: LowerContext): Plan {
  const kind = kindName(node);
  switch (kind) {
    case 'PipeExpression': {
      const plan = consumesGraph(node.Operator)
        ? lowerGraphConsumer(node, ctx)
        : lowerOperator(node.Operator, lowerTabular(node.Expression, ctx), ctx);
      checkStageSchema(plan, node, ctx);
      return plan;
    }
    case 'ParenthesizedExpression':
      return lowerTabular(node.Expression, ctx);
    case 'MaterializeExpression': {
      const input = lowerTabular(node.Expression, ctx);
      return input.op === 'shared' ? input : { op: 'shared', input, schema: input.schema };
    }
    case 'NameReference':
      return lowerTableName(node, ctx);
    case 'FunctionCallExpression':
      return lowerTableCall(node, ctx);
    case 'DataTableExpression':
      return lowerDataTable(node, ctx);
    case 'ExternalDataExpression':
      return lowerExternalData(node, ctx);
    case 'PrintOperator':
    case 'UnionOperator':
    case 'RangeOperator':
      return lowerOperator(node, undefined, ctx);
    case 'ToTableExpression':
      return lowerTabular(node.Expression, ctx);
    case 'PathExpression': {
      const pattern = lowerPatternInvocation(node, ctx);
      if (pattern) return pattern;
      break;
    }
  }
  // Inside mv-apply the subquery starts with an operator that reads the expanded row.
  if (ctx.applyInput && kind.endsWith('Operator')) return lowerOperator(node, ctx.applyInput, ctx);
  // An operator that starts a query (search, find) is named as written, for its refusal reason.
  throw unsupported(node, ctx, kind.endsWith('Operator') ? operatorName(node) : undefined);
}

/** Tabular functions lowered here (table()); the others of Kusto.Language are refused. */
export const TABLE_CALLS: ReadonlySet<string> = new Set(['table']);

function lowerTableName(node: any, ctx: LowerContext): Plan {
  const name: string = node.SimpleName;
  const binding = ctx.scope.get(name);
  if (binding?.kind === 'table') return binding.plan;
  const symbolType = bridge().getTypeName(node.ReferencedSymbol ?? {}) as string;
  if (symbolType.endsWith('TableSymbol') && ctx.catalog.tables.has(name)) return tableScan(name, node, ctx);
  if (symbolType.endsWith('FunctionSymbol')) return lowerTableCall(node, ctx);
  throw unsupported(node, ctx, `table '${name}'`);
}

function lowerTableCall(node: any, ctx: LowerContext): Plan {
  const pattern = lowerPatternInvocation(node, ctx);
  if (pattern) return pattern;
  const name = String(node.ReferencedSymbol?.Name ?? '');
  if (name === '_GetWatchlist') {
    const [aliasArg] = list(node.ArgumentList?.Expressions);
    const alias = aliasArg ? lowerScalar(aliasArg, { schema: [] }, ctx) : undefined;
    if (alias?.kind !== 'literal' || typeof alias.value !== 'string') {
      throw unsupported(node, ctx, '_GetWatchlist with a non-literal alias');
    }
    const watchlist = watchlistNamed(ctx.catalog, alias.value);
    if (!watchlist)
      throw unsupported(
        node,
        ctx,
        `watchlist '${alias.value}'`,
        `no watchlist with alias '${alias.value}' in kql/watchlists`,
      );
    return { op: 'watchlist', alias: alias.value, schema: boundSchema(node) };
  }
  if (TABLE_CALLS.has(name)) return lowerTableFunction(node, ctx);
  refuseUnrunnable(node, node, ctx);
  const builtin = ctx.catalog.functions.has(name) ? undefined : ctx.catalog.builtinFunctions?.get(name);
  const raw = builtin?.published && name === '_ASIM_GetWatchlistRaw' && rawWatchlistRefusal(node, ctx);
  if (raw)
    return {
      op: 'parser-output',
      name,
      span: spanOf(node, ctx),
      schema: boundSchema(node),
      bodyRefused: raw,
    };
  if (builtin) return lowerBuiltinParser(builtin, node, ctx);
  return lowerFunctionBody(node, node, ctx, `${name}()`);
}

/**
 * A parser the workspace has: its published body where the catalog holds one, kept behind the rows
 * a test gives under the parser's own name. A body construct the engine refuses leaves the call
 * known by its columns only, refused once the data has rows, with the body's reason.
 */
function lowerBuiltinParser(builtin: FunctionSchema, node: any, ctx: LowerContext): Plan {
  const name = String(node.ReferencedSymbol?.Name ?? '');
  const output: Plan = { op: 'parser-output', name, span: spanOf(node, ctx), schema: boundSchema(node) };
  if (builtin.bodyNotHeld)
    return {
      ...output,
      reads: builtin.bodyNotHeld.reads,
      bodyRefused: `its published body (${builtin.file}) is not imported`,
    };
  if (!builtin.published) return lowerCallBesideDeclaration(name, node, ctx, output.schema) ?? output;
  try {
    return { ...output, body: lowerFunctionBody(node, node, { ...ctx, inPublishedBody: name }, `${name}()`) };
  } catch (error) {
    if (!(error instanceof UnsupportedError)) throw error;
    // A parser another published body calls (a source leg of a unifying ASIM parser) whose rows can
    // only come from tables gives none while they have none, as a leg not held does; a parser the
    // query calls itself keeps its refusal once the data has any row.
    const reads = ctx.inPublishedBody ? bodyReads(node, ctx) : undefined;
    return { ...output, ...(reads ? { reads } : {}), bodyRefused: error.message };
  }
}

/**
 * `_ASIM_GetWatchlistRaw(alias)`'s published body (ASIM/lib/functions/ASIM_GetWatchlistRaw.yaml) reads
 * the raw `Watchlist` table, where Sentinel keeps every watchlist's items. The engine gives that table
 * only the rows the data gives: the project's watchlists (kql/watchlists), which `_GetWatchlist`
 * reads, are not written into it in Watchlist's raw format. So a call naming one of them, or an alias
 * not known before the rows are read, is known by its columns only (refused once the data has rows).
 */
function rawWatchlistRefusal(node: any, ctx: LowerContext): string | undefined {
  const [aliasArg] = list(node.ArgumentList?.Expressions);
  const alias = aliasArg ? lowerScalar(aliasArg, { schema: [] }, ctx) : undefined;
  if (alias?.kind !== 'literal' || typeof alias.value !== 'string')
    return 'its watchlist alias is not a constant, and the raw Watchlist table holds no project watchlist here';
  const wanted = alias.value.toLowerCase();
  const named = [...ctx.catalog.watchlists.keys(), ...(ctx.catalog.builtinWatchlists?.keys() ?? [])].some(
    (a) => a.toLowerCase() === wanted,
  );
  return named
    ? `the project's watchlist '${alias.value}' is not written to the raw Watchlist table its published body reads`
    : undefined;
}

function bodyReads(call: any, ctx: LowerContext): string[] | undefined {
  const expansion = call?.GetExpansion?.();
  return expansion ? tablesOnlyReads(expansion.Root ?? expansion, ctx.catalog) : undefined;
}

/**
 * `T | invoke f(args)`: f's body with T as its first, tabular parameter
 * (https://learn.microsoft.com/kusto/query/invoke-operator).
 */
function lowerInvoke(node: any, input: Plan, ctx: LowerContext): Plan {
  refuseUnrunnable(node.Function, node, ctx);
  return lowerFunctionBody(node.Function, node, ctx, 'invoke of a function without a body', input);
}

/** A built-in function the catalog declares for binding only (the project does not define it). */
function refuseUnrunnable(call: any, node: any, ctx: LowerContext): void {
  const name = String(call?.ReferencedSymbol?.Name ?? '');
  const builtin = ctx.catalog.functions.has(name) ? undefined : ctx.catalog.builtinFunctions?.get(name);
  if (builtin?.unrunnable)
    throw unsupported(
      node,
      ctx,
      `${name}()`,
      `${name}() is declared for binding only: ${builtin.unrunnable}`,
    );
}

/** A user function's tabular body, its parameters bound to the call's arguments (and the invoke source). */
function lowerFunctionBody(
  call: any,
  node: any,
  ctx: LowerContext,
  construct: string,
  invokeSource?: Plan,
): Plan {
  const expansion = call?.GetExpansion?.();
  if (!expansion) throw unsupported(node, ctx, construct);
  const scope = bindCallArguments(call, undefined, ctx, invokeSource);
  const root = expansion.Root ?? expansion;
  // What the body's final expression gives is what the call gives (liveness.ts unobservedBeyond).
  const bodyResult = {
    result: kindName(root) === 'FunctionBody' ? root.Expression : root,
    unobserved: (name: string) => unobservedBeyond(node, name, ctx),
  };
  // A function body's offsets are its own: run-time schemas re-bind the text being lowered, not it.
  const inner: LowerContext = { ...ctx, scope, callSite: spanOf(node, ctx), runtime: undefined, bodyResult };
  return lowerBody(root, inner, (expr, bodyCtx) => lowerTabular(expr, bodyCtx));
}

/**
 * A table of the catalog; one standing for a parser's output runs as that parser, with the
 * published body the catalog holds beside its declared columns (parser-body.ts) if any.
 */
function tableScan(name: string, node: any, ctx: LowerContext, schema = boundSchema(node)): Plan {
  if (ctx.catalog.tables.get(name)?.file === PARSER_STUB_FILE) {
    const beside = lowerBodyBesideDeclaration(name, node, ctx, schema);
    return beside ?? { op: 'parser-output', name, span: spanOf(node, ctx), schema };
  }
  return { op: 'scan', table: name, schema };
}

/** `table('name')`: the table or tabular `let` the constant name refers to (table-function doc). */
function lowerTableFunction(node: any, ctx: LowerContext): Plan {
  const [nameArg] = list(node.ArgumentList?.Expressions);
  const name = nameArg ? lowerScalar(nameArg, { schema: [] }, ctx) : undefined;
  if (name?.kind !== 'literal' || typeof name.value !== 'string')
    throw unsupported(node, ctx, 'table() with a non-constant name');
  const binding = ctx.scope.get(name.value);
  if (binding?.kind === 'table') return binding.plan;
  if (ctx.catalog.tables.has(name.value)) return tableScan(name.value, node, ctx);
  throw unsupported(node, ctx, `table '${name.value}'`);
}

function lowerDataTable(node: any, ctx: LowerContext): Plan {
  const schema: Column[] = list(node.Schema.Columns).map((c: any) => ({
    name: c.Name.SimpleName,
    type: typeOf(c.Name, ctx),
  }));
  const values = list(node.Values);
  if (values.length % Math.max(schema.length, 1) !== 0)
    throw unsupported(node, ctx, 'datatable with a partial row');
  const rows: Value[][] = [];
  let refused: { construct: string; span: Span } | undefined;
  for (let i = 0; i < values.length; i += schema.length) {
    rows.push(
      schema.map((c, j) => {
        const given = cell(values[i + j], c.type, ctx);
        if ('value' in given) return given.value;
        refused ??= given.refused;
        return null;
      }),
    );
  }
  return refused ? { op: 'values', rows, schema, refusedCell: refused } : { op: 'values', rows, schema };
}

const NUMERIC_CELL: ReadonlySet<string> = new Set(['int', 'long', 'real', 'decimal']);

/**
 * A cell of a column: a real literal in a dynamic column keeps its kind (valueToDynamic). The
 * datatable page says the n'th value "must have a type that corresponds to" its column
 * (https://learn.microsoft.com/kusto/query/datatable-operator); numbers in a column of another number
 * type are what its examples and the functions pages write, but a cell of another kind (a number in a
 * string column, text in a long column) is not described, and Kusto.Language accepts it silently:
 * refused rather than converted. ASIM's vimWebSessionPaloAltoCEF.yaml @b8e662f writes
 * `datatable(LogSeverity:string, ...)[1, "Informational", ...]`. The refusal is the table's, raised when
 * its rows are read (execute/index.ts): as the right side of a lookup no left row meets, whatever the
 * service makes of the cell the answer is none (ExecEnv.leftless), as ingestion_time() after a rebuilt
 * row is refused only where a row evaluates it (lower/ingestion.ts).
 */
function cell(
  node: any,
  type: KqlType,
  ctx: LowerContext,
): { value: Value } | { refused: { construct: string; span: Span } } {
  const value = constantValue(node, ctx);
  const given = literalType(node);
  if (
    type !== 'dynamic' &&
    given !== undefined &&
    given !== type &&
    !(NUMERIC_CELL.has(given) && NUMERIC_CELL.has(type))
  )
    return {
      refused: {
        construct: `a datatable cell of type ${given} in the ${type} column: the datatable page requires the value's type to correspond to its column and does not say what the service makes of another`,
        span: spanOf(node, ctx),
      },
    };
  if (type === 'dynamic' && typeof value === 'number' && literalType(node) === 'real')
    return { value: valueToDynamic(value, 'real') };
  return { value: coerce(value, type) };
}

/** The type of a cell's literal, under any signs. */
function literalType(node: any): string | undefined {
  const kind = kindName(node);
  if (kind === 'UnaryMinusExpression' || kind === 'UnaryPlusExpression') return literalType(node.Expression);
  return kqlTypeOf(node.ResultType);
}

/** A datatable cell: a literal, possibly negated. */
function constantValue(node: any, ctx: LowerContext): unknown {
  const kind = kindName(node);
  if (kind === 'UnaryMinusExpression' || kind === 'UnaryPlusExpression') {
    const inner = constantValue(node.Expression, ctx);
    if (kind === 'UnaryPlusExpression') return inner;
    if (typeof inner === 'number') return -inner;
    if (typeof inner === 'bigint') return -inner;
    throw unsupported(node, ctx, 'datatable cell');
  }
  const lowered = lowerLiteral(node, ctx);
  if (lowered.kind !== 'literal') throw unsupported(node, ctx, 'datatable cell');
  return lowered.value;
}

/** Output names as Kusto.Language bound them, checked against the number of columns we produce. */
export function namesFor(node: any, count: number, ctx: LowerContext): string[] {
  const bound = boundSchema(node);
  if (bound.length !== count) {
    throw unsupported(
      node,
      ctx,
      kindName(node),
      `${kindName(node)} with this column list is not supported (expected ${bound.length} columns, lowered ${count})`,
    );
  }
  return bound.map((c) => c.name);
}

function lowerOperator(node: any, input: Plan | undefined, ctx: LowerContext): Plan {
  const kind = kindName(node);
  const needInput = (): Plan => {
    if (!input) throw unsupported(node, ctx);
    return UNPACK_FOLLOWERS.has(kind) && input.op === 'bag-unpack'
      ? input
      : knownSchema(input, operatorName(node));
  };
  switch (kind) {
    case 'FilterOperator': {
      const source = needInput();
      const predicate = lowerScalar(node.Condition, source, ctx);
      const pushed = filterLeftOfInnerUnique(source, predicate);
      if (pushed) return pushed;
      return { op: 'filter', input: source, predicate, schema: source.schema };
    }
    case 'PrintOperator':
      return lowerProject(node, { op: 'values', rows: [[]], schema: [] }, ctx);
    case 'ProjectOperator':
      return lowerProject(node, needInput(), ctx);
    case 'ExtendOperator':
      return lowerExtend(node, needInput(), ctx);
    case 'ProjectAwayOperator':
    case 'ProjectKeepOperator':
    case 'ProjectReorderOperator':
      return selectByName(node, needInput(), ctx);
    case 'ProjectRenameOperator': {
      const source = needInput();
      const names = namesFor(node, source.schema.length, ctx);
      return project(
        source,
        names.map((name, i) => ({ name, expr: columnRef(source.schema, i) })),
      );
    }
    case 'SummarizeOperator':
      return lowerAggregates(node, needInput(), ctx);
    case 'CountOperator': {
      const source = needInput();
      const name = boundSchema(node)[0]?.name ?? 'Count';
      const count: AggregateCall = {
        fn: 'count',
        args: [],
        outputs: [{ name, type: 'long' }],
        span: spanOf(node, ctx),
      };
      return {
        op: 'aggregate',
        input: source,
        keys: [],
        aggregates: [count],
        schema: [{ name, type: 'long' }],
      };
    }
    case 'DistinctOperator':
      return lowerDistinct(node, needInput(), ctx);
    case 'TakeOperator': {
      const source = needInput();
      const count = lowerScalar(node.Expression, { schema: [] }, ctx);
      const span = spanOf(node, ctx);
      const observed = observedColumns(node, source.schema, ctx);
      // "top 5 by name is equivalent to the expression sort by name | take 5 both from semantic and
      // performance perspectives" (https://learn.microsoft.com/kusto/query/top-operator): a take
      // right after a sort keeps the same rows as top, ties across the cut included.
      if (source.op === 'sort')
        return {
          op: 'top',
          input: source.input,
          count,
          keys: source.keys,
          schema: source.schema,
          ties: { span, observed, operator: 'take' },
        };
      return {
        op: 'limit',
        input: source,
        count,
        schema: source.schema,
        ...(inputSerialization(node, ctx) === 'not serialized' ? { unordered: { span, observed } } : {}),
      };
    }
    case 'SortOperator': {
      const source = needInput();
      return {
        op: 'sort',
        input: source,
        keys: list(node.Expressions).map((e) => sortKey(e, source, ctx)),
        schema: source.schema,
      };
    }
    case 'TopOperator': {
      const source = needInput();
      return {
        op: 'top',
        input: source,
        count: lowerScalar(node.Expression, { schema: [] }, ctx),
        keys: [sortKey(node.ByExpression, source, ctx)],
        schema: source.schema,
        ties: {
          span: spanOf(node, ctx),
          observed: observedColumns(node, source.schema, ctx),
          operator: 'top',
        },
      };
    }
    case 'SerializeOperator': {
      const source = needInput();
      return list(node.Expressions).length > 0 ? lowerExtend(node, source, ctx) : source;
    }
    case 'AsOperator': {
      const source = needInput();
      const shared: Plan =
        source.op === 'shared' ? source : { op: 'shared', input: source, schema: source.schema };
      ctx.scope.set(node.Name.SimpleName, { kind: 'table', plan: shared });
      return shared;
    }
    case 'JoinOperator':
    case 'LookupOperator':
      return lowerJoin(node, needInput(), ctx);
    case 'UnionOperator':
      return lowerUnion(node, input, ctx);
    case 'RangeOperator': {
      const none: RowContext = { schema: [] };
      const schema = boundSchema(node);
      return {
        op: 'range',
        start: lowerScalar(node.From, none, ctx),
        stop: lowerScalar(node.To, none, ctx),
        step: lowerScalar(node.Step, none, ctx),
        schema,
        span: spanOf(node, ctx),
      };
    }
    case 'MvExpandOperator':
      return lowerMvExpand(node, needInput(), ctx);
    case 'MvApplyOperator':
      return lowerMvApply(node, needInput(), ctx);
    case 'ParseOperator':
    case 'ParseWhereOperator':
      return lowerParse(node, needInput(), ctx);
    case 'ParseKvOperator':
      return lowerParseKv(node, needInput(), ctx);
    case 'EvaluateOperator':
      return lowerEvaluate(node, needInput(), ctx);
    case 'MakeSeriesOperator':
      return lowerMakeSeries(node, needInput(), ctx);
    case 'TopNestedOperator':
      return lowerTopNested(node, needInput(), ctx);
    case 'ScanOperator':
      return lowerScan(node, needInput(), ctx);
    case 'PartitionOperator':
      return lowerPartition(node, needInput(), ctx);
    case 'GetSchemaOperator':
      return lowerGetSchema(node, needInput(), ctx);
    case 'InvokeOperator':
      return lowerInvoke(node, needInput(), ctx);
    case 'RenderOperator': {
      // render only tells the client how to chart the result; the data is the input's
      // (https://learn.microsoft.com/kusto/query/render-operator). An identity projection carries it,
      // so a shared (let, materialize) input keeps its identity and is computed once.
      const rendered = needInput();
      return {
        ...project(
          rendered,
          rendered.schema.map((c, i) => ({ name: c.name, expr: columnRef(rendered.schema, i) })),
        ),
        visualization: lowerRender(node),
      };
    }
  }
  // Named as written (`reduce`, `top-hitters`): plan/refusals.ts keeps each one's reason by that name.
  throw unsupported(node, ctx, operatorName(node));
}

// The .NET type names getschema prints, for the types its page shows
// (https://learn.microsoft.com/kusto/query/getschema-operator); other types are refused. long's is the
// scalar data types page's "Equivalent .NET type" (MicrosoftDocs/dataexplorer-docs
// data-explorer/kusto/query/scalar-data-types/index.md @06f3f90: long, System.Int64, I64), the name the
// service's getschema prints for the long columns of Defender's MiscEvents in a published schema dump.
// That page's bool entry (System.Boolean beside storage I8) is "roughly equivalent", not the printed name,
// so bool, decimal, timespan and guid stay refused.
const DOTNET_TYPES: Partial<Record<KqlType, string>> = {
  datetime: 'System.DateTime',
  int: 'System.Int32',
  long: 'System.Int64',
  string: 'System.String',
  real: 'System.Double',
  dynamic: 'System.Object',
};

/** getschema: a row per input column (name, 0-based ordinal, .NET type, Kusto type). */
function lowerGetSchema(node: any, input: Plan, ctx: LowerContext): Plan {
  const rows = knownSchema(input, 'getschema').schema.map((c, i) => {
    const dotnet = DOTNET_TYPES[c.type];
    if (!dotnet)
      throw unsupported(
        node,
        ctx,
        `getschema of a ${c.type} column`,
        `getschema of a ${c.type} column: its page does not show the .NET type name printed for ${c.type}`,
      );
    return [c.name, i, dotnet, c.type];
  });
  return { op: 'values', rows, schema: boundSchema(node) };
}

/** The expression with each column reference renumbered, or undefined if it reads anything else but constants. */
function renumbered(expr: ScalarExpr, map: (index: number) => number | undefined): ScalarExpr | undefined {
  switch (expr.kind) {
    case 'literal':
      return expr;
    case 'column': {
      const index = map(expr.index);
      return index === undefined ? undefined : { ...expr, index };
    }
    case 'call': {
      const args = expr.args.map((a) => renumbered(a, map));
      return args.every((a) => a !== undefined) ? { ...expr, args: args as ScalarExpr[] } : undefined;
    }
    case 'element': {
      const target = renumbered(expr.target, map);
      const key = renumbered(expr.key, map);
      return target && key ? { ...expr, target, key } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A filter on left columns only after an innerunique join is applied to the left side first: "the
 * filter is propagated to the left side of the join ... the keys that apply to that filter will
 * always appear in the output" (https://learn.microsoft.com/kusto/query/join-innerunique). Filtering
 * after the deduplication instead could drop every row the page says the query returns.
 */
function filterLeftOfInnerUnique(source: Plan, predicate: ScalarExpr): Plan | undefined {
  if (source.op !== 'join' || source.kind !== 'innerunique') return undefined;
  const left = renumbered(predicate, (i) =>
    source.output[i]?.[0] === 'left' ? source.output[i][1] : undefined,
  );
  if (!left) return undefined;
  return {
    ...source,
    left: { op: 'filter', input: source.left, predicate: left, schema: source.left.schema },
  };
}

// Holds a multi-valued call's components between the call and the columns it spreads into.
const TUPLE_COLUMN = '__tuple';

/**
 * The names a tuple item spreads into: `(a, b) = f(x)` renames the first ones (`a = f(x)` the
 * first), the rest keep the names Kusto gives them.
 */
function tupleNames(item: any, columns: Column[]): string[] {
  const kind = kindName(item);
  const renamed =
    kind === 'CompoundNamedExpression'
      ? list(item.Names.Names).map((n: any) => String(n.SimpleName))
      : kind === 'SimpleNamedExpression'
        ? [String(item.Name.SimpleName)]
        : [];
  return columns.map((c, k) => renamed[k] ?? c.name);
}

/**
 * The input with one hidden column per multi-valued call after its own columns (the input's keep
 * their indexes): each call runs once per row, and the items read its components from the column.
 */
function withTupleColumns(input: Plan, tuples: ({ expr: ScalarExpr } | undefined)[]): Plan {
  if (!tuples.some(Boolean)) return input;
  return project(input, [
    ...input.schema.map((c, i) => ({ name: c.name, expr: columnRef(input.schema, i) })),
    ...tuples.flatMap((t) => (t ? [{ name: TUPLE_COLUMN, expr: t.expr }] : [])),
  ]);
}

function tupleValue(item: any): any {
  const kind = kindName(item);
  return kind === 'CompoundNamedExpression' || kind === 'SimpleNamedExpression' ? item.Expression : item;
}

/** `project` and `print`: each item is `name = expr`, a column, an expression named by Kusto, or a tuple. */
function lowerProject(node: any, input: Plan, ctx: LowerContext): Plan {
  const items = list(node.Expressions);
  const tuples = items.map((item) => lowerTupleCall(tupleValue(item), input, ctx));
  const width = items.reduce((n, _, i) => n + (tuples[i]?.columns.length ?? 1), 0);
  const names = namesFor(node, width, ctx);
  const source = withTupleColumns(input, tuples);
  let hidden = input.schema.length;
  let at = 0;
  const columns: NamedExpr[] = [];
  items.forEach((item, i) => {
    const tuple = tuples[i];
    if (!tuple) {
      const name = names[at++];
      columns.push({
        name,
        expr: unreadValue(lowerScalar(itemValue(item, ctx), input, ctx), node, name, ctx),
      });
      return;
    }
    const target = columnRef(source.schema, hidden++);
    tuple.columns.forEach((c, index) => {
      columns.push({ name: names[at++], expr: { kind: 'component', target, index, type: c.type } });
    });
  });
  return project(source, columns);
}

function itemValue(item: any, ctx: LowerContext): any {
  const kind = kindName(item);
  if (kind === 'SimpleNamedExpression') return item.Expression;
  if (kind === 'CompoundNamedExpression') throw unsupported(item, ctx, '(a, b) = ... tuple assignment');
  return item;
}

/**
 * `extend`: an existing name is replaced in place, a new one appended. Every item of one `extend` reads the operator's input row, side by side: Kusto.Language binds a
 * reference to a column an earlier item replaced to the *input* column (`extend a = toint(a), b =
 * a + 1` over a string `a` is KS106), and a column an earlier item added is not in scope (`extend y =
 * 2, z = y + 1` is KS142). So `extend a = a * 2, b = a` gives b the input's a.
 */
function lowerExtend(node: any, input: Plan, ctx: LowerContext): Plan {
  const items = list(node.Expressions);
  const finalNames = boundSchema(node).map((c) => c.name);
  const addedNames = finalNames.filter((n) => columnIndex(input.schema, n) < 0);
  const tuples = items.map((item) => lowerTupleCall(tupleValue(item), input, ctx));
  const source = withTupleColumns(input, tuples);
  const columns: NamedExpr[] = input.schema.map((c, i) => ({
    name: c.name,
    expr: columnRef(source.schema, i),
  }));
  let added = 0;
  /** Each assignment replaces the column of its name or is appended. */
  const assign = (assignment: NamedExpr) => {
    const existing = columns.findIndex((c) => c.name === assignment.name);
    if (existing >= 0) {
      columns[existing] = assignment;
      return;
    }
    columns.push(assignment);
    if (columnIndex(input.schema, assignment.name) < 0) added = addedNames.indexOf(assignment.name) + 1;
  };
  let tupleColumn = input.schema.length;
  items.forEach((item, k) => {
    const tuple = tuples[k];
    if (tuple) {
      const target = columnRef(source.schema, tupleColumn++);
      const names = tupleNames(item, tuple.columns);
      tuple.columns.forEach((c, index) => {
        assign({ name: names[index], expr: { kind: 'component', target, index, type: c.type } });
      });
      return;
    }
    const packed = { width: input.schema.length };
    const expr = lowerScalar(itemValue(item, ctx), { schema: source.schema, packed }, ctx);
    const explicit = kindName(item) === 'SimpleNamedExpression' ? String(item.Name.SimpleName) : undefined;
    // An unnamed item that lowers to a plain column (`column_ifexists("c", "")` when c exists: "a
    // reference to the column", https://learn.microsoft.com/kusto/query/column-ifexists-function)
    // keeps that column's name, as a bare column reference does.
    const reference = expr.kind === 'column' ? source.schema[expr.index].name : undefined;
    const name = explicit ?? plainColumnName(item, input) ?? reference ?? addedNames[added];
    if (name === undefined) throw unsupported(item, ctx, 'extend item');
    assign({ name, expr: unreadValue(expr, node, name, ctx) });
  });
  const extended = project(source, columns);
  namesFor(node, extended.schema.length, ctx);
  return extended;
}

/**
 * An extend or project item whose value the docs leave open (an `undocumented` part, e.g.
 * column_ifexists of an existing column of another type, refused when a row evaluates it) in a
 * column that later operators drop unread and the result does not keep (liveness.ts
 * unobservedBeyond: through the pipeline, a called function's body and a parser's kept columns):
 * its value cannot change the answer, so it is carried as null rather than refused over rows.
 */
function unreadValue(expr: ScalarExpr, node: any, name: string, ctx: LowerContext): ScalarExpr {
  if (!hasUndocumented(expr) || !unobservedBeyond(node, name, ctx, true)) return expr;
  return { kind: 'literal', value: null, type: expr.type };
}

function hasUndocumented(value: unknown, seen = new Set<object>()): boolean {
  if (!value || typeof value !== 'object' || seen.has(value)) return false;
  seen.add(value);
  if ((value as ScalarExpr).kind === 'undocumented') return true;
  return Object.values(value).some((v) => hasUndocumented(v, seen));
}

function plainColumnName(item: any, input: Plan): string | undefined {
  if (kindName(item) !== 'NameReference') return undefined;
  return columnIndex(input.schema, item.SimpleName) >= 0 ? String(item.SimpleName) : undefined;
}

/** project-away, project-keep, project-reorder: the binder resolved wildcards; keep its column list. */
function selectByName(node: any, input: Plan, ctx: LowerContext): Plan {
  const bound = boundSchema(node);
  return project(
    input,
    bound.map((c) => {
      const index = columnIndex(input.schema, c.name);
      if (index < 0) throw unsupported(node, ctx, `${kindName(node)} column '${c.name}'`);
      return { name: c.name, expr: columnRef(input.schema, index) };
    }),
  );
}

function lowerDistinct(node: any, input: Plan, ctx: LowerContext): Plan {
  const items = list(node.Expressions);
  if (items.length === 1 && kindName(items[0]) === 'StarExpression')
    return { op: 'distinct', input, schema: input.schema, span: spanOf(node, ctx) };
  const names = namesFor(node, items.length, ctx);
  const keys = items.map((item, i) => ({
    name: names[i],
    expr: lowerScalar(itemValue(item, ctx), input, ctx),
    span: spanOf(item, ctx),
  }));
  return {
    op: 'aggregate',
    input,
    keys,
    aggregates: [],
    schema: keys.map((k) => ({ name: k.name, type: k.expr.type })),
  };
}

/** `by x [asc|desc] [nulls first|last]`: descending by default; nulls last when descending, first when ascending. */
export function sortKey(node: any, input: Plan, ctx: LowerContext): SortKey {
  let exprNode = node;
  let descending = true;
  let nullsFirst: boolean | undefined;
  if (kindName(node) === 'OrderedExpression') {
    exprNode = node.Expression;
    const ordering = node.Ordering;
    if (ordering?.AscOrDescKeyword) descending = text(ordering.AscOrDescKeyword).toLowerCase() === 'desc';
    if (ordering?.NullsClause)
      nullsFirst = text(ordering.NullsClause.FirstOrLastKeyword).toLowerCase() === 'first';
  }
  return { expr: lowerScalar(exprNode, input, ctx), descending, nullsFirst: nullsFirst ?? !descending };
}

const JOIN_KINDS = new Set<JoinKind>([
  'innerunique',
  'inner',
  'leftouter',
  'rightouter',
  'fullouter',
  'leftanti',
  'rightanti',
  'leftsemi',
  'rightsemi',
]);
const JOIN_ALIASES: Record<string, JoinKind> = {
  anti: 'leftanti',
  semi: 'leftsemi',
  leftantisemi: 'leftanti',
  rightantisemi: 'rightanti',
};

function lowerJoin(node: any, left: Plan, ctx: LowerContext): Plan {
  const isLookup = kindName(node) === 'LookupOperator';
  const params = parameters(node);
  const kindText = params.get('kind')?.value.toLowerCase() ?? (isLookup ? 'leftouter' : 'innerunique');
  const kind = (JOIN_ALIASES[kindText] ?? kindText) as JoinKind;
  if (!JOIN_KINDS.has(kind) || (isLookup && kind !== 'leftouter' && kind !== 'inner')) {
    throw unsupported(node, ctx, `${isLookup ? 'lookup' : 'join'} kind=${kindText}`);
  }
  const right = knownSchema(lowerTabular(node.Expression, ctx), operatorName(node));
  const clause = isLookup ? node.LookupClause : node.ConditionClause;
  // The join page gives only `on` conditions (https://learn.microsoft.com/kusto/query/join-operator);
  // Kusto.Language also parses `join ... where <predicate>`, but no page says whether the service
  // accepts that form, so even an empty side is no ground for an answer: refused at planning.
  if (kindName(clause) !== 'JoinOnClause')
    throw unsupported(
      clause,
      ctx,
      'join ... where',
      'join ... where: the join operator page documents only `on` conditions, and no page says whether or how the service runs a `where` clause there; write the equality keys with `on` and filter after the join',
    );
  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  for (const condition of list(clause.Expressions))
    addJoinKeys(condition, left, right, leftKeys, rightKeys, ctx);
  const bound = boundSchema(node);
  const output: ['left' | 'right', number][] = [];
  // Semi and anti joins return one side's columns only; the others return left then right.
  if (kind !== 'rightanti' && kind !== 'rightsemi') {
    for (let i = 0; i < left.schema.length; i++) output.push(['left', i]);
  }
  if (kind !== 'leftanti' && kind !== 'leftsemi') {
    for (let i = 0; i < right.schema.length; i++) {
      // lookup drops the right side's key columns: they equal the left ones.
      if (!(isLookup && rightKeys.includes(i))) output.push(['right', i]);
    }
  }
  if (output.length !== bound.length) throw unsupported(node, ctx, 'join output columns');
  const schema = output.map(([side, i], k) => ({
    name: bound[k].name,
    type: (side === 'left' ? left : right).schema[i].type,
  }));
  return {
    op: 'join',
    kind: isLookup && kind === 'leftouter' ? 'leftouter' : kind,
    left,
    right,
    leftKeys,
    rightKeys,
    output,
    schema,
    span: spanOf(node, ctx),
    ...(kind === 'innerunique' && !isLookup
      ? { observedLeft: observedLeftColumns(node, output, schema, ctx) }
      : {}),
  };
}

/**
 * The left columns of an innerunique join whose values something after the join reads or returns.
 * The join-innerunique page: "The innerunique join flavor may yield two possible outputs and both
 * are correct ... the join operator randomly selected the first key ... [or] the second key"; a
 * column dropped unread (`| project Key, Value2`, `| summarize count() by Key`) cannot show which.
 */
function observedLeftColumns(
  node: any,
  output: ['left' | 'right', number][],
  schema: Column[],
  ctx: LowerContext,
): number[] {
  const observed: number[] = [];
  output.forEach(([side, i], k) => {
    if (side === 'left' && !unobservedBeyond(node, schema[k].name, ctx, true)) observed.push(i);
  });
  return observed;
}

function addJoinKeys(
  condition: any,
  left: Plan,
  right: Plan,
  leftKeys: number[],
  rightKeys: number[],
  ctx: LowerContext,
): void {
  const kind = kindName(condition);
  if (kind === 'NameReference') {
    const name = condition.SimpleName;
    const l = columnIndex(left.schema, name);
    const r = columnIndex(right.schema, name);
    if (l < 0 || r < 0) throw unsupported(condition, ctx, `join key '${name}'`);
    leftKeys.push(l);
    rightKeys.push(r);
    return;
  }
  if (kind === 'AndExpression') {
    addJoinKeys(condition.Left, left, right, leftKeys, rightKeys, ctx);
    addJoinKeys(condition.Right, left, right, leftKeys, rightKeys, ctx);
    return;
  }
  if (kind === 'EqualExpression') {
    const a = sideColumn(condition.Left, left, right, ctx);
    const b = sideColumn(condition.Right, left, right, ctx);
    if (a.side === b.side) throw unsupported(condition, ctx, 'join condition comparing one side with itself');
    const [l, r] = a.side === 'left' ? [a, b] : [b, a];
    leftKeys.push(l.index);
    rightKeys.push(r.index);
    return;
  }
  throw unsupported(
    condition,
    ctx,
    'join condition',
    'join conditions must be columns or $left.x == $right.y equalities',
  );
}

function sideColumn(
  node: any,
  left: Plan,
  right: Plan,
  ctx: LowerContext,
): { side: 'left' | 'right'; index: number } {
  if (kindName(node) === 'PathExpression') {
    const side = String(node.Expression.SimpleName ?? text(node.Expression));
    const name = String(node.Selector.SimpleName ?? text(node.Selector));
    if (side === '$left' || side === '$right') {
      const plan = side === '$left' ? left : right;
      const index = columnIndex(plan.schema, name);
      if (index >= 0) return { side: side === '$left' ? 'left' : 'right', index };
    }
  }
  throw unsupported(node, ctx, 'join key', 'join keys must be written $left.column or $right.column');
}

/** The name `T | as Name` gives a union leg, which its withsource column shows (as operator doc). */
function asName(expr: any): string | undefined {
  let node = expr;
  while (kindName(node) === 'ParenthesizedExpression') node = node.Expression;
  if (kindName(node) !== 'PipeExpression' || kindName(node.Operator) !== 'AsOperator') return undefined;
  return String(node.Operator.Name.SimpleName);
}

/**
 * True when a union leg reads from a table or function the binder could not resolve (a fuzzy
 * name, KS205; a wildcard that matches nothing). Only the leg's source counts: a column the binder leaves unresolved further
 * down follows an operator whose columns depend on the data (`evaluate pivot`, a schema-less
 * bag_unpack), which Kusto resolves when it runs; dropping that leg would lose its rows, so it is
 * lowered (and refused there) instead.
 */
function readsUnresolvedTable(node: any): boolean {
  let source = node;
  for (;;) {
    const kind = kindName(source);
    if (kind === 'ParenthesizedExpression' || kind === 'PipeExpression') source = source.Expression;
    else break;
  }
  const kind = kindName(source);
  return (kind === 'NameReference' || kind === 'FunctionCallExpression') && !source.ReferencedSymbol;
}

function lowerUnion(node: any, input: Plan | undefined, ctx: LowerContext): Plan {
  const params = parameters(node);
  const inner = params.get('kind')?.value.toLowerCase() === 'inner';
  const fuzzy = isFuzzyUnion(node);
  if (inner && fuzzy) throw unsupported(node, ctx, 'union kind=inner isfuzzy=true');
  const inputs: Plan[] = input ? [knownSchema(input, 'union')] : [];
  const piped = kindName(node.Parent) === 'PipeExpression' ? asName(node.Parent.Expression) : undefined;
  const names: string[] = input ? [piped ?? 'union_arg0'] : [];
  // The expression each input comes from (-1: the piped input); a wildcard gives several inputs.
  const exprOf: number[] = input ? [-1] : [];
  const droppedLegs: number[] = [];
  for (const [leg, expr] of list(node.Expressions).entries()) {
    // isfuzzy=true drops the legs Kusto cannot resolve (the binder's fuzzy-name warnings, a wildcard
    // matching no table); a leg that resolves but the engine refuses is refused, not dropped.
    if (fuzzy && readsUnresolvedTable(expr)) {
      droppedLegs.push(leg);
      continue;
    }
    const tables = wildcardLegs(expr, ctx, {
      table: (table, schema) => tableScan(table, expr, ctx, schema),
      view: (body) =>
        knownSchema(
          lowerBody(body, { ...ctx, scope: new Scope(ctx.scope) }, (e, bodyCtx) => lowerTabular(e, bodyCtx)),
          'union',
        ),
    });
    if (tables) {
      for (const { name, plan } of tables) {
        inputs.push(plan);
        names.push(name);
        exprOf.push(leg);
      }
      continue;
    }
    inputs.push(knownSchema(lowerTabular(expr, ctx), 'union'));
    names.push(asName(expr) ?? text(expr));
    exprOf.push(leg);
  }
  const bound = inner ? innerUnionBound(node, ctx) : boundSchema(node);
  const withSource = params.get('withsource')?.value;
  const dataColumns = withSource ? bound.slice(1) : bound;
  if (droppedLegs.length > 0) {
    // Kusto.Language bound what follows with the dropped legs' columns too: bind it again without them.
    rebindEdited(droppedLegText(node, droppedLegs), ctx);
    refuseDroppedLegColumns(node, ctx, inputs, dataColumns, droppedLegs);
  }
  const sources = inputs.map((plan) =>
    dataColumns.map((c) => {
      const exact = plan.schema.findIndex((p) => p.name === c.name && p.type === c.type);
      if (exact >= 0) return exact;
      // Same name, different types across inputs: Kusto keeps one column per type, named <name>_<type>.
      return plan.schema.findIndex((p) => `${p.name}_${p.type}` === c.name);
    }),
  );
  // A column Kusto.Language's ColumnMap loses (union-binder-losses.ts): the plan follows the binder,
  // which is right only while the query never observes that name; Kusto names its columns otherwise.
  const losses = inner ? new Map<string, Set<KqlType>>() : columnMapLosses(inputs.map((p) => p.schema));
  const observed = [...losses.keys()].filter((name) => {
    const kept = dataColumns.find((c) => c.name === name);
    return !kept || !unobservedBeyond(node, name, ctx);
  });
  if (observed.length > 0) rebindEdited(unionTypeLegs(node, inputs, exprOf, losses, observed), ctx);
  for (const [name, types] of losses) {
    const kept = dataColumns.find((c) => c.name === name);
    if (observed.includes(name))
      throw unsupported(
        node,
        ctx,
        'union of one column name with several types',
        `union: its legs give column '${name}' as ${[kept?.type, ...types].filter(Boolean).join(' and ')}; Kusto returns one column per type, suffixed ('${name}_<type>', union operator page), which Kusto.Language binds as one '${name}' column; the query reads or keeps it, so refusing rather than answering under the binder's names`,
      );
  }
  const lostByBinder = (column: Column) => losses.get(column.name)?.has(column.type) === true;
  // kind=outer returns every column of every leg; one the binder left out (Kusto.Language 12.4.1
  // binds a wildcard over `let` views without the views' columns) would be dropped silently.
  const dropped = inner
    ? -1
    : inputs.findIndex((plan, k) =>
        plan.schema.some((column, c) => !sources[k].includes(c) && !lostByBinder(column)),
      );
  if (dropped >= 0)
    throw unsupported(
      node,
      ctx,
      'union',
      `union: Kusto.Language binds the union without some columns of its leg '${names[dropped]}', which Kusto returns; refusing rather than dropping them`,
    );
  // A suffixed name that collides with a leg's own column (`x` as `x_long` beside a leg's `x_long`)
  // is de-duplicated by Kusto to `x_long1` for the suffixed column (union page); Kusto.Language
  // 12.4.1 binds the suffix to the other column, so the two would be merged or misnamed here.
  const suffixedNames = new Set(
    sources.flatMap((src, k) =>
      src.flatMap((at, c) =>
        at >= 0 && inputs[k].schema[at].name !== dataColumns[c].name ? [dataColumns[c].name] : [],
      ),
    ),
  );
  if (inputs.some((p) => p.schema.some((q) => suffixedNames.has(q.name))))
    throw unsupported(node, ctx, 'union of a type-suffixed column that collides with a column name');
  return { op: 'union', inputs, sources, withSource: withSource ? { names } : undefined, schema: bound };
}

/**
 * isfuzzy=true: "the set of union sources is reduced to the set of table references that exist"
 * (union operator page), so Azure's result has the outer-union columns of the legs that resolve
 * only. Kusto.Language still binds a dropped leg's columns (`(Missing_CL | extend b = "x")` beside a
 * leg's long `b` gives `b_string` and `b_long`, where Azure returns one long `b`); answering with its
 * columns would be a wrong answer, and the query after the union is bound against them. The query
 * is bound again without those legs (rebindEdited); in a function body's expansion, whose text is
 * not the one bound, the union is refused unless the query drops those columns unread.
 */
function refuseDroppedLegColumns(
  node: any,
  ctx: LowerContext,
  inputs: Plan[],
  bound: readonly Column[],
  droppedLegs: number[],
): void {
  const typesByName = new Map<string, Set<KqlType>>();
  for (const plan of inputs)
    for (const c of plan.schema) typesByName.set(c.name, (typesByName.get(c.name) ?? new Set()).add(c.type));
  const expected = new Set(
    [...typesByName].flatMap(([name, types]) =>
      types.size === 1 ? [`${name}:${[...types][0]}`] : [...types].map((t) => `${name}_${t}:${t}`),
    ),
  );
  const extra = bound.filter((c) => !expected.has(`${c.name}:${c.type}`)).map((c) => c.name);
  // Columns the query drops unread after the union cannot change the answer (liveness.ts).
  const source = kindName(node.Parent) === 'PipeExpression' && node.Parent.Expression === node;
  const unobserved = (name: string) =>
    source ? unobservedFromSource(node, name) : unobservedAfter(node, name, { resultKept: ctx.resultKept });
  if (extra.every(unobserved)) return;
  const legs = list(node.Expressions);
  throw unsupported(
    node,
    ctx,
    'union isfuzzy=true',
    `union isfuzzy=true drops the leg ${droppedLegs.map((k) => text(legs[k])).join(', ')} (its source does not resolve), but Kusto.Language binds the union with columns only that leg gives (${extra.filter((c) => !unobserved(c)).join(', ')}), which Azure's result lacks; inside a function body the query is not bound again without it`,
  );
}

/**
 * The text to leave out so that the union reads only the legs not `dropped`: each dropped leg before
 * the last one kept with the comma after it, and the legs after the last one kept from the comma
 * that follows it; when a piped union keeps none of its own legs, the whole `| union ...` (its
 * input is the source that resolves: `T | union isfuzzy=true Missing_CL` reads T).
 */
/**
 * Empty legs that make Kusto.Language bind a union's column the way Kusto returns it. Its ColumnMap
 * loses a type when two or more legs give a name one type and a later leg another
 * (union-binder-losses.ts), though it binds the same legs right when the second occurrence of the
 * name has the other type: the union page's "columns with the same name and different types" come
 * back one per type, `<name>_<type>`, in the order of the legs (its `x_long`, `x_int` example). So
 * right after the leg where such a name first appears, a leg with no rows is written in giving the
 * name the first of the lost types, `(datatable(name:type)[])`: it adds no row and no column name,
 * and the query is bound again (rebindEdited). Undone where the name's second occurrence comes from
 * the same expression (one wildcard) or there is no leg to write after.
 */
function unionTypeLegs(
  node: any,
  inputs: Plan[],
  exprOf: number[],
  losses: Map<string, Set<KqlType>>,
  names: string[],
): Deletion[] {
  const items = Array.from({ length: node.Expressions.Count }, (_, i) => node.Expressions.getItem(i));
  const after = new Map<number, string[]>();
  for (const name of names) {
    const having = inputs.flatMap((plan, k) => (plan.schema.some((c) => c.name === name) ? [k] : []));
    const [first, second] = having;
    const type = [...(losses.get(name) ?? [])][0];
    if (second === undefined || type === undefined || exprOf[first] === exprOf[second]) return [];
    const columns = after.get(exprOf[first]) ?? [];
    after.set(exprOf[first], [...columns, `${quoteName(name)}:${type}`]);
  }
  return [...after].map(([expr, columns]) => {
    const leg = `(datatable(${columns.join(', ')})[])`;
    if (expr >= 0) {
      const at = items[expr].Element.TextStart + items[expr].Element.Width;
      return { start: at, end: at, text: `, ${leg}` };
    }
    const at = items[0].Element.TextStart;
    return { start: at, end: at, text: `${leg}, ` };
  });
}

function droppedLegText(node: any, dropped: number[]): { start: number; end: number }[] {
  const items = Array.from({ length: node.Expressions.Count }, (_, i) => node.Expressions.getItem(i));
  const end = (n: any) => n.TextStart + n.Width;
  const kept = items.flatMap((_, i) => (dropped.includes(i) ? [] : [i]));
  if (kept.length === 0) {
    const pipe = node.Parent;
    if (kindName(pipe) !== 'PipeExpression' || pipe.Operator !== node) return [];
    return [{ start: pipe.Bar.TextStart, end: end(node) }];
  }
  const lastKept = kept[kept.length - 1];
  const before = dropped
    .filter((i) => i < lastKept)
    .map((i) => ({ start: items[i].Element.TextStart, end: end(items[i].Separator) }));
  const tail = items[lastKept].Separator;
  return lastKept < items.length - 1
    ? [...before, { start: tail.TextStart, end: end(items[items.length - 1].Element) }]
    : before;
}

const CONVERSIONS: Partial<Record<KqlType, string>> = {
  string: 'tostring',
  int: 'toint',
  long: 'tolong',
  real: 'todouble',
  decimal: 'todecimal',
  bool: 'tobool',
  datetime: 'todatetime',
  timespan: 'totimespan',
  guid: 'toguid',
};

type PluginLowerer = (node: any, input: Plan, ctx: LowerContext) => Plan;

/** The plugins the engine runs; any other is refused with its reason from plan/refusals.ts. */
const PLUGINS: Record<string, PluginLowerer> = {
  pivot: lowerPivot,
  ipv4_lookup: (node, input, ctx) =>
    lowerIpv4Lookup(node, input, ctx, (table) => knownSchema(lowerTabular(table, ctx), 'ipv4_lookup')),
  rolling_percentile: lowerRollingPercentile,
  schema_merge: lowerSchemaMerge,
  rows_near: lowerRowsNear,
  sequence_detect: lowerSequenceDetect,
  dcount_intersect: lowerDcountIntersect,
  narrow: lowerNarrow,
  bag_unpack: lowerBagUnpack,
};

/** Whether `evaluate <name>` is lowered (it may still refuse some argument shapes). */
export function isLoweredPlugin(name: string): boolean {
  return Object.hasOwn(PLUGINS, name) || isActivityPlugin(name);
}

/** `evaluate` of a supported plugin, or one whose output a run-time schema probe already found. */
function lowerEvaluate(node: any, input: Plan, ctx: LowerContext): Plan {
  const name = String(node.FunctionCall.Name?.SimpleName ?? '').toLowerCase();
  const resolved = resolvedOperator(node, ctx);
  if (resolved) {
    const mismatch = schemaDifference(resolved.schema, boundSchema(node));
    if (mismatch) throw unsupported(node, ctx, `evaluate ${name}`, mismatch);
    return resolved;
  }
  if (isActivityPlugin(name)) return lowerActivity(name, node, input, ctx);
  if (!Object.hasOwn(PLUGINS, name)) throw unsupported(node, ctx, `evaluate ${name}`);
  return PLUGINS[name](node, input, ctx);
}

/**
 * `evaluate bag_unpack(column [, prefix] [, columnsConflict] [, ignoredProperties])`
 * (https://learn.microsoft.com/kusto/query/bag-unpack-plugin; syntax/corrections.ts gives
 * Kusto.Language's symbol the last two parameters).
 */
function lowerBagUnpack(node: any, input: Plan, ctx: LowerContext): Plan {
  const call = node.FunctionCall;
  const [column, prefix, conflictArg, ignoredArg] = argumentSlots(call, ctx);
  const constant = (arg: any) => (arg ? lowerScalar(arg, { schema: [] }, ctx) : undefined);
  // columnsConflict: error (the default), replace_source or keep_source.
  const conflictValue = constant(conflictArg);
  const conflict = conflictValue?.kind === 'literal' ? String(conflictValue.value) : 'error';
  if (conflictArg && (!['error', 'replace_source', 'keep_source'].includes(conflict) || node.Schema))
    throw unsupported(conflictArg, ctx, 'bag_unpack columnsConflict');
  const ignored = ignoredProperties(ignoredArg, constant(ignoredArg), node, ctx);
  const index = kindName(column) === 'NameReference' ? columnIndex(input.schema, column.SimpleName) : -1;
  if (index < 0) throw unsupported(column, ctx, 'bag_unpack of an expression');
  const prefixValue = prefix ? lowerScalar(prefix, { schema: [] }, ctx) : literal('', 'string');
  if (prefixValue.kind !== 'literal') throw unsupported(prefix, ctx, 'bag_unpack with a non-constant prefix');
  const prefixText = String(prefixValue.value ?? '');
  if (node.Schema) return unpackToSchema(node, input, index, prefixText, ctx);
  const plan: Plan = {
    op: 'bag-unpack',
    input,
    column: index,
    prefix: prefixText,
    conflict: conflict as 'error' | 'replace_source' | 'keep_source',
    ...(ignored.length > 0 ? { ignored } : {}),
    span: spanOf(node, ctx),
    schema: [],
  };
  return openOperator(plan, node, 'bag_unpack', ctx);
}

/**
 * bag_unpack's ignoredProperties, "an optional set of bag properties to be ignored": a constant array
 * of property names. With an output schema it is refused (the page shows it without one).
 */
function ignoredProperties(arg: any, value: ScalarExpr | undefined, node: any, ctx: LowerContext): string[] {
  if (!arg) return [];
  const names = value?.kind === 'literal' ? value.value : undefined;
  if (node.Schema || !Array.isArray(names) || !names.every((n) => typeof n === 'string'))
    throw unsupported(
      arg,
      ctx,
      'bag_unpack ignoredProperties',
      'bag_unpack ignoredProperties is supported as a constant array of property names, without an output schema (the page shows no other form)',
    );
  return names as string[];
}

/**
 * `evaluate bag_unpack(d) : (*, k:type, ...)`: the declared columns are known before the data is,
 * so this is a projection: `*` keeps the other input columns, each declared one reads its slot.
 */
function unpackToSchema(node: any, input: Plan, bagIndex: number, prefix: string, ctx: LowerContext): Plan {
  const declared = new Set(list(node.Schema.Schema.Columns).map((c: any) => String(c.Name.SimpleName)));
  const bag = columnRef(input.schema, bagIndex);
  const span = spanOf(node, ctx);
  return project(
    input,
    boundSchema(node).map((c) => {
      const existing = columnIndex(input.schema, c.name);
      if (!declared.has(c.name)) {
        if (existing < 0) throw unsupported(node, ctx, `bag_unpack output column '${c.name}'`);
        return { name: c.name, expr: columnRef(input.schema, existing) };
      }
      if (existing >= 0 && existing !== bagIndex)
        throw unsupported(
          node,
          ctx,
          'bag_unpack',
          `bag_unpack: declared column '${c.name}' collides with an input column`,
        );
      const key = c.name.startsWith(prefix) ? c.name.slice(prefix.length) : c.name;
      const slot: ScalarExpr = { kind: 'element', target: bag, key: literal(key, 'string'), type: 'dynamic' };
      const conversion = CONVERSIONS[c.type];
      const expr: ScalarExpr = conversion
        ? { kind: 'call', callee: 'function', name: conversion, args: [slot], type: c.type, span }
        : slot;
      return { name: c.name, expr };
    }),
  );
}

/**
 * bag_unpack without an output schema and pivot have columns that depend on the data: an operator
 * reading them resolves them at run time (runtime-schema.ts) where the query can be bound again;
 * elsewhere (a function body, an mv-apply subquery) refuse at the operator, naming the way out.
 */
export function knownSchema(plan: Plan, consumer: string): Plan {
  // A let or materialize of an open operator: its columns are the operator's.
  if (plan.op === 'shared') knownSchema(plan.input, consumer);
  if (plan.op !== 'bag-unpack' && plan.op !== 'pivot') return plan;
  requireRuntimeSchema(plan);
  if (plan.op === 'pivot')
    throw new UnsupportedError(
      'pivot',
      plan.span,
      `evaluate pivot inside a function body or an mv-apply/partition subquery cannot be followed by ${consumer}: ` +
        'its columns depend on the data. Declare them (`evaluate pivot(...) : (...)`)',
    );
  const bag = plan.input.schema[plan.column].name;
  throw new UnsupportedError(
    'bag_unpack',
    plan.span,
    `evaluate bag_unpack(${bag}) without an output schema cannot be followed by ${consumer}: its columns ` +
      `depend on the data. Declare them (\`evaluate bag_unpack(${bag}) : (*, k:string)\`) or project the ` +
      `keys explicitly instead (\`extend k = tostring(${bag}.k)\`)`,
  );
}

/**
 * `declare query_parameters(name:type [= default], ...)`: the query runs with each parameter's
 * default (query-parameters statement doc); the engine has no way to be given other values, so a
 * parameter without a default is refused.
 */
function bindQueryParameters(statement: any, ctx: LowerContext): void {
  for (const parameter of list(statement.Parameters)) {
    const declaration = parameter.NameAndType;
    const name = String(declaration.Name.SimpleName);
    const fallback = parameter.DefaultValue?.Value;
    if (!fallback)
      throw unsupported(
        parameter,
        ctx,
        `query parameter '${name}'`,
        `query parameter '${name}' has no default value to run with`,
      );
    ctx.scope.set(name, { kind: 'scalar', expr: lowerLiteral(fallback, ctx, typeOf(declaration.Name, ctx)) });
  }
}

/**
 * The request properties a query reads from its `set` statements
 * (https://learn.microsoft.com/kusto/query/set-statement): only those the engine honours, bin_auto()'s
 * size and fixed point (https://learn.microsoft.com/kusto/query/bin-auto-function). Any other
 * property may change how Kusto runs or limits the query, so it is refused by name.
 */
const HONOURED_OPTIONS = new Set(['query_bin_auto_size', 'query_bin_auto_at']);

function lowerSetOptions(statements: any[], ctx: LowerContext): LowerContext {
  const sets = statements.filter((s) => kindName(s) === 'SetOptionStatement');
  if (sets.length === 0) return ctx;
  const options = new Map(ctx.options);
  for (const statement of sets) {
    const name = String(statement.Name?.SimpleName ?? '');
    const value = statement.ValueClause?.Expression;
    if (!HONOURED_OPTIONS.has(name) || !value)
      throw unsupported(
        statement,
        ctx,
        `set ${name}`,
        `set ${name} is not supported by the embedded KQL engine: of the request properties only query_bin_auto_size and query_bin_auto_at (read by bin_auto()) are honoured`,
      );
    options.set(name, lowerLiteral(value, ctx));
  }
  return { ...ctx, options };
}

export function statementsToPlan(
  statements: any[],
  outer: LowerContext,
  bodyParameters?: BodyParameters,
): Plan {
  // Request properties hold for the whole query whatever the statements' order.
  const ctx = lowerSetOptions(statements, outer);
  let result: Plan | undefined;
  for (const [index, statement] of statements.entries()) {
    const kind = kindName(statement);
    if (kind === 'SetOptionStatement') continue;
    // A published body's parameter `let` the call gives an argument for (lower/parser-body.ts).
    const given =
      bodyParameters && index < bodyParameters.leading && kind === 'LetStatement'
        ? bodyParameters.values.get(statement.Name.SimpleName)
        : undefined;
    if (given) {
      ctx.scope.set(statement.Name.SimpleName, { kind: 'scalar', expr: given });
      continue;
    }
    if (kind === 'ExpressionStatement') {
      const expr = statement.Expression;
      if (!expr.ResultType?.Columns) {
        // fork, facet and consume end a query in several result tables or none: refused by name.
        const last = kindName(expr) === 'PipeExpression' ? expr.Operator : undefined;
        if (last && refusalReason(operatorName(last))) throw unsupported(last, ctx, operatorName(last));
        throw unsupported(expr, ctx, 'scalar query', 'a query must end in a tabular expression');
      }
      result = lowerTabular(expr, ctx);
    } else if (kind === 'LetStatement') {
      bindStatement(statement, ctx);
    } else if (kind === 'QueryParametersStatement') {
      bindQueryParameters(statement, ctx);
    } else if (kind === 'PatternStatement') {
      bindPattern(statement, ctx);
    } else {
      throw unsupported(statement, ctx);
    }
  }
  if (!result)
    throw unsupported(
      { TextStart: 0, Width: 0, Kind: -1 },
      ctx,
      'query without a tabular expression',
      'the query has no tabular expression to run',
    );
  return result;
}
