import type { Plan, ScalarExpr, Span } from '../plan/types.js';
import type { Frame } from './frame.js';
import { TICK_VECTOR_BASE, tickVector } from './tick-vectors.js';
import { TICK_COMPARISONS } from './ticks.js';

type JoinPlan = Extract<Plan, { op: 'join' }>;
type Side = 'left' | 'right';

/** Whether the pair of left row l and right row r is kept. */
export type PairTest = (l: number, r: number) => boolean;

/**
 * A window on one right-side column that every kept pair lies in: a pair (l, r) passes the test
 * only if low(l) <= values[r] <= high(l) (a bound may be infinite). It is a necessary condition, not
 * the test: the join still tests each pair in the window, and uses the window only to skip the
 * right rows outside it (band-join.ts).
 */
export interface PairBand {
  values: Float64Array;
  low: (l: number) => number;
  high: (l: number) => number;
}

/**
 * The part of a `where` right after an inner join that the join can decide on each matched pair
 * while it probes: the conjuncts (top-level `and` terms) that only compare datetimes and timespans
 * of the two sides, constants and their sums and differences, as a time window between a failure
 * and a later success does. Pairs the window drops are never stored or copied, and the comparison
 * is on doubles instead of bigint ticks per pair (a join of events per user makes pairs that grow
 * with the square of the events per user, so that per-pair work decides the join's cost).
 * `rest` is the predicate still to evaluate on the kept pairs (undefined: none).
 *
 * Exactness: datetimes become doubles as ticks after TICK_VECTOR_BASE, timespans as ticks (a
 * table's tick vectors, tick-vectors.ts), and the test is used only when every value and every sum
 * or difference the predicate can form (interval bounds over each side's values) is an integer of
 * magnitude at most 2^53 - 1, so the doubles compare as the bigints would, and no datetime sum
 * leaves the datetime range (where the operator gives null). A null in a column the test reads leaves the predicate to the general
 * operators, as do the other join kinds (an outer join's unmatched rows are filtered with nulls).
 */
export function pairFilter(
  plan: JoinPlan,
  predicate: ScalarExpr,
  left: Frame,
  right: Frame,
): { keep: PairTest; band?: PairBand; rest?: ScalarExpr } | undefined {
  if ((plan.kind !== 'inner' && plan.kind !== 'innerunique') || left.length === 0 || right.length === 0) {
    return undefined;
  }
  const compiler = new PairCompiler(plan, { left, right });
  const fused: PairTest[] = [];
  const bounds: Bound[] = [];
  const rest: ScalarExpr[] = [];
  for (const term of conjuncts(predicate)) {
    const test = compiler.test(term);
    if (test) {
      fused.push(test);
      bounds.push(...compiler.bounds(term));
    } else rest.push(term);
  }
  if (fused.length === 0) return undefined;
  const keep = fused.reduce((a, b) => (l, r) => a(l, r) && b(l, r));
  const band = bandOf(bounds);
  if (rest.length === 0) return { keep, band };
  // More than one term is left only of an `and` call.
  return {
    keep,
    band,
    rest: predicate.kind === 'call' ? rest.reduce((a, b) => and(a, b, predicate.span)) : rest[0],
  };
}

/** One side of a window on a right-side column: values[r] >= at(l) ('low') or <= at(l) ('high'). */
interface Bound {
  values: Float64Array;
  side: 'low' | 'high';
  at: (l: number) => number;
}

/**
 * The window of the right-side column with the most bounds (a column bounded on both sides first):
 * the tightest of its lower bounds and of its upper bounds.
 */
function bandOf(bounds: Bound[]): PairBand | undefined {
  const columns = [...new Set(bounds.map((b) => b.values))];
  const of = (values: Float64Array, side: Bound['side']) =>
    bounds.filter((b) => b.values === values && b.side === side).map((b) => b.at);
  const both = columns.find((v) => of(v, 'low').length > 0 && of(v, 'high').length > 0);
  const values = both ?? columns[0];
  if (!values) return undefined;
  const tightest = (ats: ((l: number) => number)[], pick: (a: number, b: number) => number, none: number) =>
    ats.length === 0 ? () => none : ats.reduce((a, b) => (l) => pick(a(l), b(l)));
  return {
    values,
    low: tightest(of(values, 'low'), Math.max, Number.NEGATIVE_INFINITY),
    high: tightest(of(values, 'high'), Math.min, Number.POSITIVE_INFINITY),
  };
}

/** The terms of a top-level `and` chain: a row passes a `where` exactly when every term is true. */
function conjuncts(expr: ScalarExpr): ScalarExpr[] {
  return expr.kind === 'call' && expr.callee === 'binary' && expr.name === 'AndExpression'
    ? expr.args.flatMap(conjuncts)
    : [expr];
}

function and(a: ScalarExpr, b: ScalarExpr, span: Span): ScalarExpr {
  return { kind: 'call', callee: 'binary', name: 'AndExpression', args: [a, b], type: 'bool', span };
}

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_TICKS = BigInt(SAFE);

/** A tick-valued operand: its value for a pair, and bounds of that value over all pairs. */
interface Ticks {
  type: 'datetime' | 'timespan';
  at: (l: number, r: number) => number;
  low: number;
  high: number;
  /** The sides whose rows the value reads (none: a constant). */
  reads: ReadonlySet<Side>;
  /** When the value is one side's column plus a constant: that column's ticks and the constant. */
  column?: { side: Side; values: Float64Array; offset: number };
}

const NONE: ReadonlySet<Side> = new Set();

/** A column's ticks per row of its side, and their bounds. */
interface View {
  values: Float64Array;
  low: number;
  high: number;
}

class PairCompiler {
  private readonly views = new Map<string, View | undefined>();

  constructor(
    private readonly plan: JoinPlan,
    private readonly frames: Record<Side, Frame>,
  ) {}

  test(expr: ScalarExpr): PairTest | undefined {
    if (expr.kind !== 'call') return undefined;
    if (expr.callee === 'function' && expr.name === 'not' && expr.args.length === 1) {
      const inner = this.test(expr.args[0]);
      return inner && ((l, r) => !inner(l, r));
    }
    if (expr.callee !== 'binary') return undefined;
    if ((expr.name === 'AndExpression' || expr.name === 'OrExpression') && expr.args.length === 2) {
      const a = this.test(expr.args[0]);
      const b = this.test(expr.args[1]);
      if (!a || !b) return undefined;
      return expr.name === 'AndExpression' ? (l, r) => a(l, r) && b(l, r) : (l, r) => a(l, r) || b(l, r);
    }
    const compare = TICK_COMPARISONS[expr.name];
    if (compare && expr.args.length === 2) {
      const a = this.ticks(expr.args[0]);
      const b = this.ticks(expr.args[1]);
      if (!a || !b || a.type !== b.type) return undefined;
      const [x, y] = [a.at, b.at];
      return (l, r) => compare(x(l, r), y(l, r));
    }
    if (
      (expr.name === 'BetweenExpression' || expr.name === 'NotBetweenExpression') &&
      expr.args.length === 3
    ) {
      const [value, low, given] = expr.args.map((a) => this.ticks(a));
      if (!value || !low || !given || value.type !== low.type) return undefined;
      // `datetime between (start .. 1h)`: a timespan upper bound counts from the lower bound (ticks.ts).
      const high = value.type === 'datetime' && given.type === 'timespan' ? this.sum(low, given, 1) : given;
      if (!high || high.type !== value.type) return undefined;
      const [v, lo, hi] = [value.at, low.at, high.at];
      const inside: PairTest = (l, r) => {
        const x = v(l, r);
        return x >= lo(l, r) && x <= hi(l, r);
      };
      return expr.name === 'BetweenExpression' ? inside : (l, r) => !inside(l, r);
    }
    return undefined;
  }

  private ticks(expr: ScalarExpr): Ticks | undefined {
    if (expr.type !== 'datetime' && expr.type !== 'timespan') return undefined;
    const type = expr.type;
    switch (expr.kind) {
      case 'literal': {
        if (typeof expr.value !== 'bigint') return undefined;
        const x = this.number(expr.value, type);
        return x === undefined ? undefined : { type, at: () => x, low: x, high: x, reads: NONE };
      }
      case 'column': {
        const [side, c] = this.plan.output[expr.index];
        const view = this.view(side, c, type);
        if (!view) return undefined;
        const { values } = view;
        const at = side === 'left' ? (l: number) => values[l] : (_: number, r: number) => values[r];
        const column = { side, values, offset: 0 };
        return { type, at, low: view.low, high: view.high, reads: new Set([side]), column };
      }
      case 'call': {
        if (expr.callee !== 'binary' || expr.args.length !== 2) return undefined;
        const sign = expr.name === 'AddExpression' ? 1 : expr.name === 'SubtractExpression' ? -1 : undefined;
        const a = sign && this.ticks(expr.args[0]);
        const b = a && this.ticks(expr.args[1]);
        const sum = sign && a && b && this.sum(a, b, sign);
        return sum?.type === type ? sum : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * a + b (sign 1) or a - b (sign -1) with the operand types the arithmetic operators accept on
   * ticks; undefined when a bound could leave the exact range, or a datetime the datetime range.
   */
  private sum(a: Ticks, b: Ticks, sign: 1 | -1): Ticks | undefined {
    const type =
      sign === 1
        ? a.type === 'timespan' && b.type === 'timespan'
          ? 'timespan'
          : a.type !== b.type
            ? 'datetime'
            : undefined
        : a.type === b.type
          ? 'timespan'
          : a.type === 'datetime'
            ? 'datetime'
            : undefined;
    if (!type) return undefined;
    const low = sign === 1 ? a.low + b.low : a.low - b.high;
    const high = sign === 1 ? a.high + b.high : a.high - b.low;
    // Within these bounds a datetime is between 1991 and 2048 (TICK_VECTOR_BASE), inside the datetime range.
    if (!(low >= -SAFE && high <= SAFE)) return undefined;
    const [x, y] = [a.at, b.at];
    const reads = new Set([...a.reads, ...b.reads]);
    // column + constant, constant + column, column - constant: still that column shifted.
    const shifted =
      a.column && b.reads.size === 0
        ? { ...a.column, offset: a.column.offset + sign * b.low }
        : b.column && a.reads.size === 0 && sign === 1
          ? { ...b.column, offset: b.column.offset + a.low }
          : undefined;
    const column = shifted && Math.abs(shifted.offset) <= SAFE ? shifted : undefined;
    const at: Ticks['at'] = sign === 1 ? (l, r) => x(l, r) + y(l, r) : (l, r) => x(l, r) - y(l, r);
    return { type, at, low, high, reads, column };
  }

  /**
   * The windows on right-side columns that a fused term implies for every pair it keeps: from its
   * comparisons (those of an `and`, and the two of a `between`) of a right-side column plus a
   * constant with a value of the left row alone. A bound is an exact double (checked as sums are),
   * so the window never drops a pair the term keeps.
   */
  bounds(expr: ScalarExpr): Bound[] {
    if (expr.kind !== 'call' || expr.callee !== 'binary') return [];
    if (expr.name === 'AndExpression' && expr.args.length === 2) {
      return [...this.bounds(expr.args[0]), ...this.bounds(expr.args[1])];
    }
    const operands = expr.args.map((a) => this.ticks(a));
    if (operands.some((o) => !o)) return [];
    const [a, b, c] = operands as Ticks[];
    switch (expr.name) {
      case 'LessThanExpression':
      case 'LessThanOrEqualExpression':
        return this.ordered(a, b);
      case 'GreaterThanExpression':
      case 'GreaterThanOrEqualExpression':
        return this.ordered(b, a);
      case 'EqualExpression':
        return [...this.ordered(a, b), ...this.ordered(b, a)];
      case 'BetweenExpression': {
        if (!c) return [];
        const high = a.type === 'datetime' && c.type === 'timespan' ? this.sum(b, c, 1) : c;
        return high ? [...this.ordered(b, a), ...this.ordered(a, high)] : [];
      }
      default:
        return [];
    }
  }

  /** The bound that `small <= big` sets on a right-side column on one side, the other read from the left row. */
  private ordered(small: Ticks, big: Ticks): Bound[] {
    const bound = (column: Ticks, other: Ticks, side: Bound['side']): Bound[] => {
      if (column.column?.side !== 'right' || other.reads.has('right')) return [];
      const { values, offset } = column.column;
      // values[r] + offset vs other: values[r] vs other - offset, exact when its range is.
      if (!(other.low - offset >= -SAFE && other.high - offset <= SAFE)) return [];
      const at = other.at;
      return [{ values, side, at: (l) => at(l, 0) - offset }];
    };
    return [...bound(small, big, 'high'), ...bound(big, small, 'low')];
  }

  /** Ticks as an exact double (datetimes after TICK_VECTOR_BASE), or undefined. */
  private number(ticks: bigint, type: 'datetime' | 'timespan'): number | undefined {
    const x = ticks - (type === 'datetime' ? TICK_VECTOR_BASE : 0n);
    return x >= -SAFE_TICKS && x <= SAFE_TICKS ? Number(x) : undefined;
  }

  /** The ticks of every row of a side's column, or undefined when one is null or not exact. */
  private view(side: Side, c: number, type: 'datetime' | 'timespan'): View | undefined {
    const key = `${side} ${c}`;
    if (!this.views.has(key)) {
      const frame = this.frames[side];
      const values = frame.ticks?.(c) ?? tickVector(frame.columns[c], type);
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      if (values) {
        for (let i = 0; i < values.length; i++) {
          const x = values[i];
          if (x < low) low = x;
          if (x > high) high = x;
        }
      }
      this.views.set(key, values && { values, low, high });
    }
    return this.views.get(key);
  }
}
