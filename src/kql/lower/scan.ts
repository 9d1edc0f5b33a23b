import type { Column, Plan, ScalarExpr } from '../plan/types.js';
import { isScanWithoutMatchId, kusto } from '../syntax/index.js';
import { coerce } from '../values/index.js';
import {
  boundSchema,
  kindName,
  type LowerContext,
  list,
  type RowContext,
  spanOf,
  text,
  unsupported,
} from './context.js';
import { lowerScalar } from './scalar.js';
import { lowerTabular } from './tabular.js';
import { schemaDifference } from './verify.js';

// Names no query can write: the declared columns of the state records, so that an unqualified
// reference to a declared column inside a step (whose value the page does not define) is refused.
const stateName = (step: number, name: string) => `\u0000${step}.${name}`;

function usesWindowOrRow(expr: ScalarExpr): boolean {
  if (expr.kind === 'window' || expr.kind === 'row-bag' || expr.kind === 'ingestion-time') return true;
  if (expr.kind === 'call') return expr.args.some(usesWindowOrRow);
  if (expr.kind === 'element') return usesWindowOrRow(expr.target) || usesWindowOrRow(expr.key);
  if (expr.kind === 'component') return usesWindowOrRow(expr.target);
  return false;
}

/**
 * The scan operator (https://learn.microsoft.com/kusto/query/scan-operator): `with_match_id`, `declare`
 * with constant defaults, and steps with `output=all|none`. Refused: `output=last` (its "series of
 * repeating matches" is not defined precisely), a reference to a later step's state, an unqualified
 * declared column inside a step, and window functions or pack_all() inside a step.
 */
export function lowerScan(node: any, input: Plan, ctx: LowerContext): Plan {
  const bound = boundSchema(node);
  const width = input.schema.length;
  const matchId = !isScanWithoutMatchId(node);
  // Kusto.Language 12.4.1 adds match_id without with_match_id (see resultSchema); the page's
  // examples do not have it. Operators after such a scan would be bound to the extra column.
  const ends = node.Parent?.Parent?.Kind === kusto().Syntax.SyntaxKind.ExpressionStatement;
  if (!matchId && !ends)
    throw unsupported(
      node,
      ctx,
      'scan without with_match_id before other operators',
      'scan without with_match_id is only run as the last operator of the query: Kusto.Language 12.4.1 binds an extra match_id column that the scan page does not have',
    );
  const schema = matchId ? bound : bound.slice(0, -1);
  const declaredColumns = schema.slice(width, schema.length - (matchId ? 1 : 0));
  if (node.OrderByClause || node.PartitionByClause)
    throw unsupported(node, ctx, 'scan with order by or partition by');
  const declaredNodes = node.DeclareClause ? list(node.DeclareClause.Declarations) : [];
  const declared = declaredColumns.map((column, k) => {
    const defaultNode = declaredNodes[k]?.DefaultValue?.Value;
    if (!defaultNode) return { type: column.type, default: column.type === 'string' ? '' : null };
    // The binder leaves a declare default untyped; a number, string or bool literal is read as the column's type.
    const raw = defaultNode.LiteralValue;
    // Bridge.NET longs are System.Int64 objects, doubles boxed System.Double values ({ $boxed, v }).
    const literal = raw?.$boxed ? raw.v : typeof raw?.toNumber === 'function' ? raw.toNumber() : raw;
    if (!['number', 'string', 'boolean'].includes(typeof literal))
      throw unsupported(defaultNode, ctx, 'scan declare default other than a number, string or bool literal');
    return { type: column.type, default: coerce(literal, column.type) };
  });
  const recordColumns: Column[] = [...input.schema, ...declaredColumns];
  const stepNodes = list(node.Steps);
  const stepNames = stepNodes.map((s: any) => String(s.Name.SimpleName));
  // The frame a step reads: the record's input columns, then each step's record in the state.
  const rowSchema: Column[] = [
    ...input.schema,
    ...stepNames.flatMap((_, j) => recordColumns.map((c) => ({ name: stateName(j, c.name), type: c.type }))),
  ];
  const steps = stepNodes.map((stepNode: any, k: number) => {
    const paths = new Map<string, (column: string) => number>();
    stepNames.forEach((name, j) => {
      paths.set(name, (column) => {
        if (j > k)
          throw unsupported(stepNode, ctx, `scan step '${stepNames[k]}' reading the later step '${name}'`);
        const c = recordColumns.findIndex((r) => r.name === column);
        if (c < 0) throw unsupported(stepNode, ctx, `scan reference ${name}.${column}`);
        return width + j * recordColumns.length + c;
      });
    });
    const row: RowContext = { schema: rowSchema, stateColumns: paths };
    if (stepNode.OptionalKeyword) throw unsupported(stepNode, ctx, 'scan optional step');
    const outputText = String(stepNode.ScanStepOutput?.OutputKind?.Text ?? 'all').toLowerCase();
    if (outputText !== 'all' && outputText !== 'none')
      throw unsupported(stepNode.ScanStepOutput, ctx, `scan step output=${outputText}`);
    const condition = lowerScalar(stepNode.Condition, row, ctx);
    const assignments = list(stepNode.ComputationClause?.Assignments).map((assignment: any) => {
      const name = String(assignment.Name.SimpleName);
      const column = declaredColumns.findIndex((c) => c.name === name);
      if (column < 0) throw unsupported(assignment, ctx, `scan assignment to '${name}'`);
      return { column, expr: lowerScalar(assignment.Expression, row, ctx) };
    });
    for (const expr of [condition, ...assignments.map((a) => a.expr)])
      if (usesWindowOrRow(expr))
        throw unsupported(stepNode, ctx, 'window functions or pack_all() inside a scan step');
    return { output: outputText as 'all' | 'none', condition, assignments };
  });
  return { op: 'scan-steps', input, declared, steps, matchId, schema };
}

/**
 * `T | partition [hint.strategy=...] by Column (Subquery)`: the subquery runs over each key's rows and
 * the results are unioned (https://learn.microsoft.com/kusto/query/partition-operator). The legacy
 * form with its own source (`{ ... }`) is refused; the legacy strategy's 64-partition limit is kept.
 */
export function lowerPartition(node: any, input: Plan, ctx: LowerContext): Plan {
  if (kindName(node.Operand) !== 'PartitionSubquery')
    throw unsupported(node.Operand, ctx, 'partition with a subquery that has its own source');
  const strategy = list(node.Parameters)
    .filter((p: any) => String(p.Name?.SimpleName ?? '').toLowerCase() === 'hint.strategy')
    .map((p: any) => String(p.Expression?.LiteralValue ?? text(p.Expression)).toLowerCase())[0];
  const key = lowerScalar(node.ByExpression, input, ctx);
  const applyInput: Plan = { op: 'apply-input', schema: input.schema };
  const subquery = lowerTabular(node.Operand.Subquery, { ...ctx, applyInput });
  const schema = boundSchema(node);
  const difference = schemaDifference(subquery.schema, schema);
  if (difference) throw unsupported(node, ctx, 'partition', difference);
  return {
    op: 'partition',
    input,
    key,
    subquery,
    legacy: strategy === undefined || strategy === 'legacy',
    span: spanOf(node, ctx),
    schema,
  };
}
