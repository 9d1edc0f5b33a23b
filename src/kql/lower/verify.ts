import { UnsupportedError } from '../plan/errors.js';
import type { Column, Plan, Span } from '../plan/types.js';
import { resultSchema } from '../syntax/index.js';

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
  const mismatch = schemaDifference(plan.schema, expected);
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
