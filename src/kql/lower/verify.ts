import { UnsupportedError } from '../plan/errors.js';
import type { Column, Plan, Span } from '../plan/types.js';
import { isScanWithoutMatchId, resultSchema } from '../syntax/index.js';
import { boundSchema, type LowerContext, uniqueColumnNames, unsupported } from './context.js';

/**
 * The plan's output columns (names, order, types) must be the ones Kusto.Language computes for the
 * query: the two are derived independently (the binder from its symbol tables, the plan from our
 * lowering), so a difference is a bug in one of them and the answer would not be Kusto's. The
 * query is refused instead of answered.
 */
export function checkResultSchema(plan: Plan, code: any): void {
  const expected = resultSchema(code);
  // An open result (after bag_unpack without an output schema) has columns only the data decides;
  // the binder lists just the ones the query names, so there is no full schema to compare with.
  if (!expected || code.ResultType?.IsOpen) return;
  const mismatch = schemaDifference(plan.schema, uniqueColumnNames(expected));
  if (mismatch) throw new UnsupportedError('result schema', wholeQuery(code), mismatch);
}

/** A description of the first difference between two column lists, or undefined when they agree. */
export function schemaDifference(actual: readonly Column[], expected: readonly Column[]): string | undefined {
  const show = (columns: readonly Column[]) => `(${columns.map((c) => `${c.name}:${c.type}`).join(', ')})`;
  const same =
    actual.length === expected.length &&
    actual.every((c, i) => c.name === expected[i].name && c.type === expected[i].type);
  if (same) return undefined;
  return `the engine's result schema ${show(actual)} differs from Kusto's ${show(expected)}; refusing rather than answering differently`;
}

function wholeQuery(code: any): Span {
  return { start: 0, length: String(code.Text ?? '').length };
}

/**
 * The same check at every stage of a pipeline: an operator whose columns differ from the ones the
 * binder gives its pipe would compute values Kusto does not, even when a later operator drops the
 * column and the query's final schema agrees. Open results (bag_unpack without an output schema) and
 * stages resolved at run time have no full bound schema to compare with.
 */
export function checkStageSchema(plan: Plan, node: any, ctx: LowerContext): void {
  const repeated = repeatedName(plan.schema);
  // The pipe's operator is where the columns come from; the refusal points at it.
  const operator = node.Operator ?? node;
  if (repeated) throw unsupported(operator, ctx, 'result schema', repeated);
  const result = node.ResultType;
  if (!result?.Columns || result.IsOpen || plan.op === 'runtime-schema') return;
  const expected = boundSchema(node);
  // Kusto.Language 12.4.1 gives scan a match_id column without with_match_id (see resultSchema),
  // which the plan carries only before other operators (lower/scan.ts).
  if (
    isScanWithoutMatchId(node.Operator) &&
    expected.at(-1)?.name === 'match_id' &&
    plan.schema.at(-1)?.name !== 'match_id'
  )
    expected.pop();
  const mismatch = schemaDifference(plan.schema, expected);
  if (mismatch) throw unsupported(operator, ctx, 'result schema', mismatch);
}

/**
 * A Kusto table never holds two columns of one name; a plan that would is a lowering bug, refused.
 * (Kusto.Language's own repeated names, parse into an existing column, are renamed by boundSchema.)
 */
function repeatedName(schema: readonly Column[]): string | undefined {
  const seen = new Set<string>();
  for (const { name } of schema) {
    if (seen.has(name))
      return `two columns would be named '${name}'; Kusto results never repeat a column name and the page does not say which one Kusto keeps; refusing rather than answering differently`;
    seen.add(name);
  }
  return undefined;
}
