import type { Column, Plan, ScalarExpr } from '../plan/types.js';
import {
  isScanWithoutMatchId,
  kusto,
  referencingNodes,
  scanPhantomMatchId,
  toArray,
} from '../syntax/index.js';
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
  // Kusto.Language 12.4.1 gives a scan without with_match_id a match_id column the page's examples
  // do not have (syntax/analyze.ts). Where the scan ends the query it is left out; before other
  // operators, which are bound to it, it is computed as with_match_id would and carried while
  // nothing reads it, then left out of the result (lower/index.ts).
  const phantom = scanPhantomMatchId(node);
  const ends = node.Parent?.Parent?.Kind === kusto().Syntax.SyntaxKind.ExpressionStatement;
  if (phantom && !ends) checkPhantomUnread(node, phantom, ctx);
  const matchId = !isScanWithoutMatchId(node) || (phantom !== undefined && !ends);
  const schema = matchId || !phantom ? bound : bound.slice(0, -1);
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

// Operators after a scan that read only the columns they name: the phantom match_id passes them
// unread unless named (a reference to its symbol) or taken by a star (`*`, pack_all()).
const NAMING_OPERATORS = new Set([
  'FilterOperator',
  'ExtendOperator',
  'ProjectOperator',
  'ProjectAwayOperator',
  'ProjectRenameOperator',
  'ProjectReorderOperator',
  'ProjectKeepOperator',
  'SortOperator',
  'TopOperator',
  'TakeOperator',
  'SummarizeOperator',
  'SerializeOperator',
  'DistinctOperator',
  'CountOperator',
  'ParseOperator',
  'ParseWhereOperator',
  'MvExpandOperator',
]);

/**
 * Refuses a scan without with_match_id whose phantom match_id (syntax/analyze.ts) could change an
 * answer: read by name, taken by a star or pack_all(), passed through an operator that reads every
 * column (getschema, union, join, as...), or still present where the pipeline feeds anything but the
 * query's result (a let, a subquery, a function body), since the scan page has no such column.
 */
function checkPhantomUnread(scan: any, phantom: any, ctx: LowerContext): void {
  const refuse = (at: any, why: string) =>
    unsupported(
      at,
      ctx,
      'scan without with_match_id before other operators',
      `scan without with_match_id before other operators: ${why} (Kusto.Language binds a match_id column the scan page says this scan does not have)`,
    );
  let root = scan;
  while (root.Parent) root = root.Parent;
  const reader = referencingNodes(root).find((n: any) => n.ReferencedSymbol === phantom);
  if (reader) throw refuse(reader, `'${text(reader)}' reads it`);
  let pipe = scan.Parent;
  while (pipe.Parent?.Kind === kusto().Syntax.SyntaxKind.PipeExpression && pipe.Parent.Expression === pipe) {
    pipe = pipe.Parent;
    const operator = pipe.Operator;
    if (!NAMING_OPERATORS.has(kindName(operator)))
      throw refuse(
        operator,
        `the ${text(operator.GetFirstToken?.() ?? operator)} after it would see the column`,
      );
    const star = findNode(operator, (n) => kindName(n) === 'StarExpression' || isPackAll(n));
    if (star) throw refuse(star, `'${text(star)}' would take the column`);
  }
  const carried = toArray(pipe.ResultType?.Columns).includes(phantom);
  if (carried && pipe.Parent?.Kind !== kusto().Syntax.SyntaxKind.ExpressionStatement)
    throw refuse(pipe, 'the column would flow on beyond the pipeline (name the columns with project)');
}

function isPackAll(node: any): boolean {
  return kindName(node) === 'FunctionCallExpression' && String(node.ReferencedSymbol?.Name) === 'pack_all';
}

function findNode(node: any, test: (n: any) => boolean): any {
  if (test(node)) return node;
  for (let i = 0; i < (node.ChildCount ?? 0); i++) {
    const child = node.GetChild(i);
    const found = child && !child.IsToken ? findNode(child, test) : undefined;
    if (found) return found;
  }
  return undefined;
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
