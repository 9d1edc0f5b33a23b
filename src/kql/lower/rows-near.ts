// `T | evaluate rows_near(Condition, NumRows [, RowsAfter])`
// (https://learn.microsoft.com/kusto/query/rows-near-plugin): "every row from the input that is
// within NumRows from a true Condition", or NumRows before / RowsAfter after it. Written as a filter
// over the serialized input: the row itself, next(Condition, k) for the rows before a match and
// prev(Condition, k) for the rows after one.
import type { Plan, ScalarExpr } from '../plan/types.js';
import { type LowerContext, list, spanOf, unsupported } from './context.js';
import { lowerScalar } from './scalar.js';

// A filter of 2 x MAX_ROWS window reads per row; a wider neighbourhood is refused rather than slow.
const MAX_ROWS = 1000;

export function lowerRowsNear(node: any, input: Plan, ctx: LowerContext): Plan {
  const [conditionArg, rowsArg, afterArg, ...rest] = list(node.FunctionCall.ArgumentList?.Expressions);
  if (!rowsArg || rest.length > 0) throw unsupported(node, ctx, 'rows_near arguments');
  const span = spanOf(node, ctx);
  const condition = lowerScalar(conditionArg, input, ctx);
  if (condition.type !== 'bool') throw unsupported(conditionArg, ctx, 'rows_near with a non-bool Condition');
  const count = (arg: any): number => {
    const value = lowerScalar(arg, { schema: [] }, ctx);
    const n = value.kind === 'literal' ? Number(value.value) : Number.NaN;
    if (!Number.isInteger(n) || n < 0 || n > MAX_ROWS)
      throw unsupported(arg, ctx, `rows_near with a row count that is not a constant in 0..${MAX_ROWS}`);
    return n;
  };
  const before = count(rowsArg);
  const after = afterArg ? count(afterArg) : before;
  const shifted = (name: 'prev' | 'next', k: number): ScalarExpr => ({
    kind: 'window',
    name,
    args: [condition, { kind: 'literal', value: k, type: 'long' }],
    type: 'bool',
    span,
  });
  const terms: ScalarExpr[] = [condition];
  for (let k = 1; k <= before; k++) terms.push(shifted('next', k));
  for (let k = 1; k <= after; k++) terms.push(shifted('prev', k));
  const predicate = terms.reduce(
    (a, b): ScalarExpr => ({
      kind: 'call',
      callee: 'binary',
      name: 'OrExpression',
      args: [a, b],
      type: 'bool',
      span,
    }),
  );
  return { op: 'filter', input, predicate, schema: input.schema };
}
