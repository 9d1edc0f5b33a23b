import type { Plan, ScalarExpr } from '../plan/types.js';
import { predicateArgument } from './aggregates.js';
import { isCondition } from './scalar.js';

type ProjectPlan = Extract<Plan, { op: 'project' }>;

/** Every column, or the indices of the columns whose values are read as values. */
type Observed = Set<number> | 'all';

/**
 * The computed columns of each project (or extend) whose value is never read as a value later in
 * the plan: only tested for truth (`| where f`, an `iff`/`case` condition, an operand of `and`/`or`
 * there) or not read at all before a later project or summarize drops it. Null and false act alike
 * in such a column, so `and`/`or` in it may answer two-valued (scalar.ts compilePredicate), which
 * both documented readings of a null operand agree on. The walk follows filter, project, sort,
 * limit, top and summarize (an *if aggregate's predicate is tested too); any other operator counts every column of its input as read, so the
 * projects under it keep the refusal.
 */
export function markTruthOnly(root: Plan): { plan: Plan; truthOnly: WeakMap<ProjectPlan, Set<number>> } {
  const truthOnly = new WeakMap<ProjectPlan, Set<number>>();
  // Each node on the walk is copied, so a project also reached another way (a `let` read twice, a
  // subquery) is not marked by what this one path reads.
  const visit = (plan: Plan, observed: Observed): Plan => {
    switch (plan.op) {
      case 'filter':
        return { ...plan, input: visit(plan.input, union(observed, readsAsValue(plan.predicate, true))) };
      case 'sort':
      case 'top': {
        const keys = plan.keys.map((k) => readsAsValue(k.expr, false));
        return { ...plan, input: visit(plan.input, union(observed, ...keys)) };
      }
      case 'limit':
        return { ...plan, input: visit(plan.input, observed) };
      case 'aggregate': {
        // arg_max/arg_min/take_any with `*` read columns their arguments do not name.
        if (plan.aggregates.some((a) => a.fn.startsWith('arg_') || a.fn.startsWith('take_any'))) return plan;
        const keys = plan.keys.map((k) => readsAsValue(k.expr, false));
        const args = plan.aggregates.flatMap((a) =>
          a.args.map((arg, k) => readsAsValue(arg, k === predicateArgument(a.fn))),
        );
        return { ...plan, input: visit(plan.input, union(new Set(), ...keys, ...args)) };
      }
      case 'project': {
        const unread = new Set<number>();
        const reads = plan.columns.map(({ expr }, c) => {
          const read = observed === 'all' || observed.has(c);
          if (expr.kind === 'column') return read ? new Set([expr.index]) : new Set<number>();
          if (!read) unread.add(c);
          return readsAsValue(expr, !read);
        });
        const copy = { ...plan, input: visit(plan.input, union(new Set(), ...reads)) };
        truthOnly.set(copy, unread);
        return copy;
      }
      default:
        return plan;
    }
  };
  return { plan: visit(root, 'all'), truthOnly };
}

function union(first: Observed, ...rest: Observed[]): Observed {
  if (first === 'all' || rest.includes('all')) return 'all';
  const out = new Set(first);
  for (const set of rest as Set<number>[]) for (const c of set) out.add(c);
  return out;
}

/**
 * The columns `expr` reads as values; `tested`: `expr` is compiled by compilePredicate (only its
 * truth is used), whose `and`/`or` operands and whose column itself are tested, not read.
 */
function readsAsValue(expr: ScalarExpr, tested: boolean): Observed {
  switch (expr.kind) {
    case 'column':
      return tested ? new Set() : new Set([expr.index]);
    case 'literal':
    case 'ingestion-time':
    case 'undocumented':
      return new Set();
    case 'call': {
      const logical =
        expr.callee === 'binary' && (expr.name === 'AndExpression' || expr.name === 'OrExpression');
      return union(
        new Set(),
        ...expr.args.map((a, k) => readsAsValue(a, (tested && logical) || isCondition(expr, k))),
      );
    }
    case 'element':
      return union(readsAsValue(expr.target, false), readsAsValue(expr.key, false));
    case 'component':
      return readsAsValue(expr.target, false);
    case 'window':
      return union(new Set(), ...expr.args.map((a) => readsAsValue(a, false)));
    default:
      // row-bag reads the whole row; a subquery's own plan is not walked.
      return 'all';
  }
}
