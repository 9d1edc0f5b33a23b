import { UnsupportedError } from '../plan/errors.js';
import type { Column, Plan, Span } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { type Frame, frameToRows } from './frame.js';

/**
 * Runs an operator whose columns come from the data, then the query bound again with the columns it
 * found (lower/runtime-schema.ts). Several plans stand for column orders the docs leave open: their
 * answers must agree, else the query is refused.
 */
export function executeRuntimeSchema(
  plan: Extract<Plan, { op: 'runtime-schema' }>,
  run: (p: Plan) => Frame,
): Frame {
  const probe = run(plan.probe);
  const { plans, inQuery } = plan.resume({ schema: probe.schema, rows: frameToRows(probe) });
  let frames: Frame[];
  try {
    frames = plans.map(run);
  } catch (error) {
    throw inQuery(error);
  }
  const [first, ...others] = frames;
  const answer = { schema: first.schema, rows: frameToRows(first) };
  for (const other of others)
    if (!sameAnswers(answer, { schema: other.schema, rows: frameToRows(other) }))
      throw orderDependent(plan.span);
  return first;
}

/** True when the plans' answers (columns and rows) are the same. */
function sameAnswers(
  a: { schema: Column[]; rows: Value[][] },
  b: { schema: Column[]; rows: Value[][] },
): boolean {
  const text = (rows: Value[][]) => JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  return JSON.stringify(a.schema) === JSON.stringify(b.schema) && text(a.rows) === text(b.rows);
}

/** The refusal when the answer depends on the pivot column order no page settles. */
function orderDependent(span: Span): UnsupportedError {
  return new UnsupportedError(
    'pivot column order',
    span,
    "the query's answer depends on the order of pivot's data-dependent columns, which the pivot page " +
      'does not document (its examples print neither sorted nor a stated order); project the columns by name',
  );
}
