import type { Plan, ScalarExpr, Span } from '../plan/types.js';

/**
 * Where `ingestion_time()` may be read. Kusto keeps each record's ingestion time in the hidden
 * `$IngestionTime` column of its table, and the function "must be used in the context of a table
 * or a materialized view. Otherwise, this function produces null values."
 * (https://learn.microsoft.com/kusto/query/ingestion-time-function,
 * https://learn.microsoft.com/kusto/management/ingestion-time-policy)
 *
 * The docs do not say what becomes of the hidden column after an operator that builds new rows
 * (summarize, join, mv-expand, a project that drops columns...), so a call whose rows have passed
 * through one is refused at its position, when a row evaluates it, instead of answered with a guess;
 * rows that never reach it (an empty table, a parser's body over a table without data, rows a
 * filter before it drops) leave the answer the same whatever the call would read, so those are
 * answered, as column_ifexists of a column of another type is (lower/scalar.ts). Rows that come
 * straight from a table through operators that keep each record whole (where, extend, sort, take,
 * top, union, let) read their table's ingestion time; rows that never came from a table (datatable,
 * print, range, externaldata) read null, as documented.
 */
type Lineage = { kind: 'table' } | { kind: 'none' } | { kind: 'lost'; operator: string };

export function checkIngestionTime(plan: Plan): void {
  visitPlans(plan, (node) => {
    const expressions = ownExpressions(node);
    if (!ingestionCall(expressions)) return;
    const inputs = planInputs(node);
    const lineage: Lineage =
      inputs.length === 1
        ? lineageOf(inputs[0])
        : { kind: 'lost', operator: OPERATOR_NAMES[node.op] ?? node.op };
    if (lineage.kind !== 'lost') return;
    const reason = `ingestion_time() after ${lineage.operator}: Kusto defines it on a table's own records, and what it reads once the rows are rebuilt is not documented; call it earlier (extend IngestionTime = ingestion_time()) and use that column`;
    deferRefusal(node, reason);
  });
}

/**
 * Replaces each ingestion_time() call among the expressions of `value` (a plan node: its own, not
 * those of the plans it reads or nests) by a value refused when a row evaluates it. The replacement
 * is written into the holder (a fresh object), so an expression object another node also holds
 * keeps its own reading there.
 */
function deferRefusal(value: unknown, reason: string, seen = new Set<object>()): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  // The node's own expressions only: not its schema, nor the plans it reads or nests.
  const node = !Array.isArray(value) && isPlan(value);
  if (node && seen.size > 1) return;
  const holder = value as Record<string, unknown>;
  for (const key of Object.keys(holder)) {
    if (node && key === 'schema') continue;
    const child = holder[key];
    if (child && typeof child === 'object' && (child as ScalarExpr).kind === 'ingestion-time') {
      const { span } = child as Extract<ScalarExpr, { kind: 'ingestion-time' }>;
      const refused: ScalarExpr = {
        kind: 'undocumented',
        construct: 'ingestion_time()',
        reason,
        type: 'datetime',
        span,
      };
      holder[key] = refused;
    } else deferRefusal(child, reason, seen);
  }
}

function lineageOf(plan: Plan): Lineage {
  switch (plan.op) {
    case 'scan':
      return { kind: 'table' };
    case 'values':
      return plan.builtBy ? { kind: 'lost', operator: plan.builtBy } : { kind: 'none' };
    case 'range':
    case 'external':
      return { kind: 'none' };
    case 'filter':
    case 'sort':
    case 'limit':
    case 'top':
    case 'shared':
      return lineageOf(plan.input);
    case 'project':
      return keepsEveryColumn(plan)
        ? lineageOf(plan.input)
        : { kind: 'lost', operator: 'a project that drops columns' };
    case 'union': {
      const legs = plan.inputs.map(lineageOf);
      const lost = legs.find((l) => l.kind === 'lost');
      if (lost) return lost;
      return legs.some((l) => l.kind === 'table') ? { kind: 'table' } : { kind: 'none' };
    }
    default:
      return { kind: 'lost', operator: OPERATOR_NAMES[plan.op] ?? plan.op };
  }
}

/** The operators a user writes for each plan node that rebuilds rows, for messages. */
const OPERATOR_NAMES: Partial<Record<Plan['op'], string>> = {
  aggregate: 'summarize (or distinct, count)',
  join: 'join (or lookup)',
  watchlist: '_GetWatchlist()',
  'bag-unpack': 'evaluate bag_unpack',
  'apply-input': 'mv-apply (or partition)',
};

/** extend, project-rename and project-reorder keep the record: every input column is still there. */
function keepsEveryColumn(plan: Extract<Plan, { op: 'project' }>): boolean {
  const kept = new Set<number>();
  for (const { expr } of plan.columns) if (expr.kind === 'column') kept.add(expr.index);
  return plan.input.schema.every((_, i) => kept.has(i));
}

export function isPlan(value: object): value is Plan {
  return (
    typeof (value as { op?: unknown }).op === 'string' &&
    Array.isArray((value as { schema?: unknown }).schema)
  );
}

/** The plans a node reads rows from (its operands), not the plans nested in its expressions. */
export function planInputs(node: Plan): Plan[] {
  const inputs: Plan[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'subquery') continue;
    if (Array.isArray(value))
      for (const v of value) if (v && typeof v === 'object' && isPlan(v)) inputs.push(v);
    if (value && typeof value === 'object' && !Array.isArray(value) && isPlan(value)) inputs.push(value);
  }
  return inputs;
}

/** Every plan in the tree, including those inside expressions (toscalar) and mv-apply subqueries. */
export function visitPlans(plan: Plan, visit: (node: Plan) => void): void {
  const seen = new Set<object>();
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (!Array.isArray(value) && isPlan(value)) visit(value);
    for (const v of Array.isArray(value) ? value : Object.values(value)) walk(v);
  };
  walk(plan);
}

/** The scalar expressions a node evaluates over its own input rows (not those of nested plans). */
function ownExpressions(node: Plan): unknown[] {
  return Object.entries(node)
    .filter(([key]) => key !== 'schema')
    .map(([, value]) => value)
    .filter((value) => !(value && typeof value === 'object' && !Array.isArray(value) && isPlan(value)));
}

/** The span of the first ingestion_time() call among `values`, without entering nested plans. */
function ingestionCall(values: unknown[]): Span | undefined {
  const seen = new Set<object>();
  const find = (value: unknown): Span | undefined => {
    if (!value || typeof value !== 'object' || seen.has(value)) return undefined;
    seen.add(value);
    if (!Array.isArray(value) && isPlan(value)) return undefined;
    if ((value as ScalarExpr).kind === 'ingestion-time') return (value as { span: Span }).span;
    for (const v of Array.isArray(value) ? value : Object.values(value)) {
      const span = find(v);
      if (span) return span;
    }
    return undefined;
  };
  return find(values);
}
