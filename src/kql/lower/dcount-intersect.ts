// The dcount_intersect plugin (https://learn.microsoft.com/kusto/query/dcount-intersect-plugin).
import type { Plan, ScalarExpr } from '../plan/types.js';
import {
  boundSchema,
  columnIndex,
  kindName,
  type LowerContext,
  list,
  spanOf,
  unsupported,
} from './context.js';
import { columnRef, project } from './tabular.js';

/**
 * `T | evaluate dcount_intersect(hll_1, hll_2, ...)`: T's columns, then s0 .. s(n-1), the distinct
 * counts of S1, S1 ∩ S2, ..., S1 ∩ ... ∩ Sn. A projection over the sketch columns, read through the
 * internal $hll_intersect(h1, ..., hk) (functions/hllSketch.ts), so lower/sketches.ts sees them read
 * only by an hll reader.
 */
export function lowerDcountIntersect(node: any, input: Plan, ctx: LowerContext): Plan {
  const args = list(node.FunctionCall.ArgumentList?.Expressions);
  if (args.length < 2 || args.length > 16)
    throw unsupported(node, ctx, 'dcount_intersect with fewer than 2 or more than 16 hll values');
  const sketches: ScalarExpr[] = args.map((arg) => {
    const index = kindName(arg) === 'NameReference' ? columnIndex(input.schema, String(arg.SimpleName)) : -1;
    if (index < 0)
      throw unsupported(arg, ctx, 'dcount_intersect of an expression (only hll columns are run)');
    return columnRef(input.schema, index);
  });
  const schema = boundSchema(node);
  const expected = [...input.schema.map((c) => c.name), ...sketches.map((_, k) => `s${k}`)];
  if (schema.length !== expected.length || schema.some((c, i) => c.name !== expected[i]))
    throw unsupported(node, ctx, 'dcount_intersect output columns');
  const span = spanOf(node, ctx);
  return project(input, [
    ...input.schema.map((c, i) => ({ name: c.name, expr: columnRef(input.schema, i) })),
    ...sketches.map((_, k) => ({
      name: `s${k}`,
      expr: {
        kind: 'call',
        callee: 'function',
        name: '$hll_intersect',
        args: sketches.slice(0, k + 1),
        type: 'long',
        span,
      } satisfies ScalarExpr,
    })),
  ]);
}
