import { UnsupportedError } from '../plan/errors.js';
import type { AggregateCall, Plan, ScalarExpr, Span } from '../plan/types.js';
import { isPlan, planInputs, visitPlans } from './ingestion.js';

/**
 * Where an hll() sketch may flow. The engine's sketch is an exact stand-in (functions/hllSketch.ts)
 * that prints nothing like Kusto's encoding, so a query is answered only when every sketch column
 * reaches dcount_hll() or hll_merge() (directly, or renamed by project/extend) and passes only
 * through operators that keep cells as they are (where, sort, take, top, union of sketch columns,
 * let). A sketch in the result, in any other expression or after any other operator is refused.
 */
const PRODUCERS = new Set(['hll', 'hll_if', 'hll_merge']);
/** Functions that read sketches into counts (dcount_intersect's columns read $hll_intersect). */
const READERS = new Set(['dcount_hll', '$hll_intersect']);

/** Sketch columns of a plan's output, by index, with the span of the call that made each. */
type Sketches = Map<number, Span>;

export function checkSketches(root: Plan): void {
  if (!makesSketches(root)) return;
  const memo = new Map<Plan, Sketches>();
  const of = (plan: Plan): Sketches => {
    let known = memo.get(plan);
    if (!known) memo.set(plan, (known = sketchesOf(plan, of)));
    return known;
  };
  visitPlans(root, (node) => {
    of(node);
  });
  const [leaked] = of(root).values();
  if (leaked) throw refusal(leaked, 'in the query result, where Kusto prints its own sketch encoding');
}

function refusal(span: Span, where: string): UnsupportedError {
  return new UnsupportedError(
    'hll()',
    span,
    `an hll() sketch ${where}: the engine's sketch is an exact stand-in read only by dcount_hll() and hll_merge()`,
  );
}

function sketchesOf(plan: Plan, of: (plan: Plan) => Sketches): Sketches {
  const out: Sketches = new Map();
  switch (plan.op) {
    case 'filter':
      clean(plan.predicate, of(plan.input), of);
      return of(plan.input);
    case 'sort':
    case 'top':
      for (const key of plan.keys) clean(key.expr, of(plan.input), of);
      return of(plan.input);
    case 'limit':
    case 'shared':
      return of(plan.input);
    case 'project': {
      const input = of(plan.input);
      plan.columns.forEach(({ expr }, i) => {
        const span = sketchSpan(expr, input);
        if (span) out.set(i, span);
        else clean(expr, input, of);
      });
      return out;
    }
    case 'aggregate': {
      const input = of(plan.input);
      for (const key of plan.keys) clean(key.expr, input, of);
      let at = plan.keys.length;
      for (const call of plan.aggregates) {
        if (PRODUCERS.has(call.fn)) {
          if (call.fn === 'hll_merge') {
            if (!sketchSpan(call.args[0], input))
              throw refusal(call.span, 'merged from a value that is not one');
          } else for (const arg of call.args) clean(arg, input, of);
          out.set(at, call.span);
        } else for (const arg of call.args) clean(arg, input, of);
        at += call.outputs.length;
      }
      return out;
    }
    case 'union': {
      const legs = plan.inputs.map(of);
      plan.schema.forEach((_, c) => {
        const spans = plan.sources.map((source, k) => (source[c] >= 0 ? legs[k].get(source[c]) : undefined));
        const made = spans.find((s) => s);
        if (!made) return;
        if (spans.some((s) => !s))
          throw refusal(made, 'in a union column whose other legs hold other values');
        out.set(c, made);
      });
      return out;
    }
  }
  for (const input of planInputs(plan)) {
    const [span] = of(input).values();
    if (span) throw refusal(span, `passed to ${plan.op}`);
  }
  const producer = aggregateCalls(plan).find((call) => PRODUCERS.has(call.fn));
  if (producer) throw refusal(producer.span, `made by ${plan.op}`);
  return out;
}

/** The span of the sketch an expression is (a sketch column, or hll_merge of sketches), if it is one. */
function sketchSpan(expr: ScalarExpr, input: Sketches): Span | undefined {
  if (expr.kind === 'column') return input.get(expr.index);
  if (expr.kind === 'call' && expr.callee === 'function' && expr.name === 'hll_merge') {
    const spans = expr.args.map((a) => sketchSpan(a, input));
    return spans.every((s) => s) ? spans[0] : undefined;
  }
  return undefined;
}

/** Refuses an expression that reads a sketch other than through dcount_hll(). */
function clean(expr: ScalarExpr, input: Sketches, of: (plan: Plan) => Sketches): void {
  switch (expr.kind) {
    case 'column': {
      const span = input.get(expr.index);
      if (span) throw refusal(span, 'read by an expression other than dcount_hll() or hll_merge()');
      return;
    }
    case 'row-bag':
      for (const [index, span] of input)
        if (index < expr.width) throw refusal(span, 'packed into a property bag');
      return;
    case 'subquery': {
      const [span] = of(expr.plan).values();
      if (span) throw refusal(span, 'read by toscalar()');
      return;
    }
    case 'call':
      if (
        expr.callee === 'function' &&
        READERS.has(expr.name) &&
        expr.args.every((arg) => sketchSpan(arg, input))
      )
        return;
      if (expr.callee === 'function' && expr.name === 'hll_merge') {
        const span = sketchSpan(expr, input);
        if (span) throw refusal(span, 'merged where a value other than a sketch is needed');
      }
      for (const arg of expr.args) clean(arg, input, of);
      return;
    case 'element':
      clean(expr.target, input, of);
      clean(expr.key, input, of);
      return;
    case 'window':
      for (const arg of expr.args) clean(arg, input, of);
      return;
    case 'component':
      clean(expr.target, input, of);
      return;
    default:
      return;
  }
}

/** The aggregate calls a node evaluates itself (make-series, top-nested, ...), not in nested plans. */
function aggregateCalls(plan: Plan): AggregateCall[] {
  const calls: AggregateCall[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (!Array.isArray(value) && isPlan(value as object)) return;
    const call = value as Partial<AggregateCall>;
    if (typeof call.fn === 'string' && Array.isArray(call.outputs)) calls.push(call as AggregateCall);
    for (const v of Array.isArray(value) ? value : Object.values(value)) walk(v);
  };
  for (const [key, value] of Object.entries(plan))
    if (key !== 'schema' && key !== 'input' && key !== 'rows') walk(value);
  return calls;
}

/** Whether any plan node calls a sketch-making aggregate (a quick test before the full check). */
function makesSketches(root: Plan): boolean {
  let found = false;
  visitPlans(root, (node) => {
    found ||= aggregateCalls(node).some((call) => PRODUCERS.has(call.fn));
  });
  return found;
}
