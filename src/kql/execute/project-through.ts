import type { Plan, ScalarExpr } from '../plan/types.js';

type ProjectPlan = Extract<Plan, { op: 'project' }>;

/**
 * A `where` after a `project` (or `extend`) as a predicate over the projection's input, when every
 * column it reads is passed through unchanged: `join | project a, b = x | where b > a` filters the
 * join's pairs as `join | where x > a | project a, b = x` does, so the join can absorb the filter
 * (pair-filter.ts). Undefined when the predicate reads a computed column or anything but columns,
 * literals and calls on them, or when a projected column reads its row's neighbours (prev, next,
 * row_number), whose values depend on which rows precede the filter.
 */
export function predicateThroughProject(project: ProjectPlan, predicate: ScalarExpr): ScalarExpr | undefined {
  if (project.columns.some(({ expr }) => readsNeighbours(expr))) return undefined;
  const remap = (expr: ScalarExpr): ScalarExpr | undefined => {
    switch (expr.kind) {
      case 'column': {
        const source = project.columns[expr.index]?.expr;
        return source?.kind === 'column' ? { ...expr, index: source.index } : undefined;
      }
      case 'literal':
        return expr;
      case 'call': {
        const args = expr.args.map(remap);
        return args.every((a) => a !== undefined) ? { ...expr, args: args as ScalarExpr[] } : undefined;
      }
      case 'element': {
        const target = remap(expr.target);
        const key = remap(expr.key);
        return target && key ? { ...expr, target, key } : undefined;
      }
      case 'component': {
        const target = remap(expr.target);
        return target && { ...expr, target };
      }
      default:
        return undefined;
    }
  };
  return remap(predicate);
}

/** Whether `expr` reads its row's neighbours (window functions), which a filter before it would change. */
export function readsNeighbours(expr: ScalarExpr): boolean {
  switch (expr.kind) {
    case 'window':
      return true;
    case 'call':
      return expr.args.some(readsNeighbours);
    case 'element':
      return readsNeighbours(expr.target) || readsNeighbours(expr.key);
    case 'component':
      return readsNeighbours(expr.target);
    default:
      return false;
  }
}
