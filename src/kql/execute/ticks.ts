import type { ScalarExpr } from '../plan/types.js';
import { MAX_DATETIME_TICKS, type Value } from '../values/index.js';
import type { RowFn } from './scalar.js';

/** The comparison operators on ticks, as bigints here or as exact doubles (pair-filter.ts). */
export const TICK_COMPARISONS: Record<string, <T extends bigint | number>(a: T, b: T) => boolean> = {
  LessThanExpression: (a, b) => a < b,
  LessThanOrEqualExpression: (a, b) => a <= b,
  GreaterThanExpression: (a, b) => a > b,
  GreaterThanOrEqualExpression: (a, b) => a >= b,
  EqualExpression: (a, b) => a === b,
  NotEqualExpression: (a, b) => a !== b,
};

const isTicks = (type: string) => type === 'datetime' || type === 'timespan';

/** A datetime out of range is null (as the arithmetic operators give it). */
const datetime = (t: bigint): bigint | null => (t >= 0n && t <= MAX_DATETIME_TICKS ? t : null);

/** `+` and `-` of ticks by operand types, with the result the arithmetic operators give. */
const ARITHMETIC: Record<string, (a: bigint, b: bigint) => bigint | null> = {
  'AddExpression datetime timespan': (a, b) => datetime(a + b),
  'AddExpression timespan datetime': (a, b) => datetime(a + b),
  'AddExpression timespan timespan': (a, b) => a + b,
  'SubtractExpression datetime timespan': (a, b) => datetime(a - b),
  'SubtractExpression datetime datetime': (a, b) => a - b,
  'SubtractExpression timespan timespan': (a, b) => a - b,
};

/**
 * A comparison, `between`, `+` or `-` of datetimes and timespans, whose values are bigint ticks,
 * computed on the bigints directly: time windows compute and compare on every row (or every joined
 * pair), and the generic operators go through argument arrays and type-directed conversions for
 * each. Any other values (a null) go to the operator's own implementation (`call`), so the answers
 * are the operator's. Undefined when the call is none of these.
 */
export function compileTickCall(
  expr: Extract<ScalarExpr, { kind: 'call' }>,
  args: RowFn[],
  call: (values: Value[]) => Value,
): RowFn | undefined {
  if (expr.callee !== 'binary') return undefined;
  const types = expr.args.map((a) => a.type);
  const arithmetic = ARITHMETIC[`${expr.name} ${types.join(' ')}`];
  if (arithmetic && args.length === 2) {
    const [left, right] = args;
    return (i) => {
      const a = left(i);
      const b = right(i);
      return typeof a === 'bigint' && typeof b === 'bigint' ? arithmetic(a, b) : call([a, b]);
    };
  }
  const test = TICK_COMPARISONS[expr.name];
  if (test && args.length === 2 && isTicks(types[0]) && types[0] === types[1]) {
    const [left, right] = args;
    return (i) => {
      const a = left(i);
      const b = right(i);
      return typeof a === 'bigint' && typeof b === 'bigint' ? test(a, b) : call([a, b]);
    };
  }
  const negated = expr.name === 'NotBetweenExpression';
  if (expr.name !== 'BetweenExpression' && !negated) return undefined;
  const [tv, tlow, thigh] = types;
  // `datetime between (start .. 1d)`: a timespan upper bound is relative to the lower bound (as in the operator).
  const relative = tv === 'datetime' && tlow === 'datetime' && thigh === 'timespan';
  if (!relative && !(isTicks(tv) && tv === tlow && tv === thigh)) return undefined;
  const [value, low, high] = args;
  return (i) => {
    const v = value(i);
    const lo = low(i);
    const hi = high(i);
    if (typeof v !== 'bigint' || typeof lo !== 'bigint' || typeof hi !== 'bigint') return call([v, lo, hi]);
    return (v >= lo && v <= (relative ? lo + hi : hi)) !== negated;
  };
}
