import type { Plan } from '../plan/types.js';
import {
  boundSchema,
  columnIndex,
  kindName,
  type LowerContext,
  list,
  spanOf,
  unsupported,
} from './context.js';
import { lowerScalar } from './scalar.js';

/**
 * `T | evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey [, return_unmatched])`: a lookup join
 * whose key matches when the source address is in the lookup row's IP-prefix range; the schema is
 * T's columns then the lookup table's, as for the lookup operator
 * (https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin). The ExtraKey arguments the current
 * page adds do not bind in Kusto.Language 12.4.1.
 */
export function lowerIpv4Lookup(
  node: any,
  input: Plan,
  ctx: LowerContext,
  lowerTable: (node: any) => Plan,
): Plan {
  const call = node.FunctionCall;
  // Positional keys, then return_unmatched positionally or by name (the plugin symbol places it
  // after a repeatable extra-key parameter, so slots by signature position do not line up).
  const args = list(call.ArgumentList?.Expressions);
  const named = args.filter((a) => kindName(a) === 'SimpleNamedExpression');
  const positional = args.filter((a) => kindName(a) !== 'SimpleNamedExpression');
  if (positional.length > 4 || named.some((a) => String(a.Name.SimpleName) !== 'return_unmatched'))
    throw unsupported(call, ctx, 'ipv4_lookup with extra keys');
  const [tableArg, sourceArg, lookupArg] = positional;
  const unmatchedArg = named[0]?.Expression ?? positional[3];
  const lookup = lowerTable(tableArg);
  const sourceKey = keyColumn(sourceArg, input, ctx);
  const lookupKey = keyColumn(lookupArg, lookup, ctx);
  let unmatched = false;
  if (unmatchedArg) {
    const value = lowerScalar(unmatchedArg, { schema: [] }, ctx);
    if (value.kind !== 'literal' || typeof value.value !== 'boolean')
      throw unsupported(unmatchedArg, ctx, 'ipv4_lookup with a non-constant return_unmatched');
    unmatched = value.value;
  }
  const bound = boundSchema(node);
  const columns = [...input.schema, ...lookup.schema];
  if (bound.length !== columns.length) throw unsupported(node, ctx, 'ipv4_lookup output columns');
  return {
    op: 'ipv4-lookup',
    input,
    lookup,
    sourceKey,
    lookupKey,
    unmatched,
    span: spanOf(node, ctx),
    schema: bound.map((c, i) => ({ name: c.name, type: columns[i].type })),
  };
}

function keyColumn(node: any, plan: Plan, ctx: LowerContext): number {
  const index = kindName(node) === 'NameReference' ? columnIndex(plan.schema, String(node.SimpleName)) : -1;
  if (index < 0 || plan.schema[index].type !== 'string')
    throw unsupported(node, ctx, 'ipv4_lookup key', 'ipv4_lookup keys must be string columns of their table');
  return index;
}

/**
 * `evaluate rolling_percentile(ValueColumn, Percentile, IndexColumn, BinSize, BinsPerWindow [, dims])`
 * (https://learn.microsoft.com/kusto/query/rolling-percentile-plugin): a row per bin and dims with the
 * percentile of the values in the BinsPerWindow bins ending at that bin. The percentile is the engine's
 * nearest rank, as percentile() (the page's examples are nearest ranks).
 */
export function lowerRollingPercentile(node: any, input: Plan, ctx: LowerContext): Plan {
  const [value, percent, index, binSize, window, ...dims] = list(node.FunctionCall.ArgumentList?.Expressions);
  if (!window) throw unsupported(node, ctx, 'rolling_percentile with fewer than five arguments');
  const constant = (arg: any, what: string) => {
    const lowered = lowerScalar(arg, { schema: [] }, ctx);
    if (lowered.kind !== 'literal' || lowered.value === null)
      throw unsupported(arg, ctx, `rolling_percentile with a non-constant ${what}`);
    return lowered;
  };
  const size = constant(binSize, 'bin size');
  const bins = Number(constant(window, 'window').value);
  if (!Number.isInteger(bins) || bins < 1) throw unsupported(window, ctx, 'rolling_percentile window');
  const indexExpr = lowerScalar(index, input, ctx);
  const valueExpr = lowerScalar(value, input, ctx);
  const span = spanOf(node, ctx);
  const schema = boundSchema(node);
  return {
    op: 'rolling-percentile',
    input,
    bin: {
      kind: 'call',
      callee: 'function',
      name: 'bin',
      args: [indexExpr, size],
      type: indexExpr.type,
      span,
    },
    binSize: size.value,
    window: bins,
    dims: dims.map((d: any) => lowerScalar(d, input, ctx)),
    percentile: {
      fn: 'percentile',
      args: [valueExpr, constant(percent, 'percentile')],
      outputs: [{ name: schema.at(-1)?.name ?? '', type: schema.at(-1)?.type ?? valueExpr.type }],
      span,
    },
    span,
    schema,
  };
}

const SCHEMA_COLUMNS = ['ColumnName', 'ColumnOrdinal', 'DataType', 'ColumnType'] as const;

/**
 * `T | evaluate schema_merge([PreserveOrder])` over getschema rows
 * (https://learn.microsoft.com/kusto/query/schema-merge-plugin). The page's merge of conflicting
 * orders (a column moved to the end with ordinal -1 and an ERROR type, or reordered without
 * PreserveOrder) and its "reduce data types to common ones" are not defined beyond its examples, so
 * only inputs whose schemas agree (each a prefix of the merged list, one type per column) are run
 * (execute/schema-merge.ts); PreserveOrder then changes nothing.
 */
export function lowerSchemaMerge(node: any, input: Plan, ctx: LowerContext): Plan {
  const columns = SCHEMA_COLUMNS.map((name) => columnIndex(input.schema, name));
  if (columns.some((c) => c < 0))
    throw unsupported(
      node,
      ctx,
      'evaluate schema_merge',
      `evaluate schema_merge: its input needs getschema's columns (${SCHEMA_COLUMNS.join(', ')})`,
    );
  return {
    op: 'schema-merge',
    input,
    columns: columns as [number, number, number, number],
    span: spanOf(node, ctx),
    schema: boundSchema(node),
  };
}
