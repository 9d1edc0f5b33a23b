import {
  DynReal,
  type Json,
  JsonWhole,
  type KqlType,
  MAX_DATETIME_TICKS,
  realInDynamic,
  UnsupportedError,
  type Value,
  withinTickRange,
} from '../values/index.js';
import { decimalArithmetic, decimalFromReal } from './decimal.js';
import type { ScalarImpl } from './types.js';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

const isInteger = (t: KqlType) => t === 'int' || t === 'long';

/**
 * A number inside a dynamic with its kind: a boxed whole real (DynReal) and a fraction are reals; a
 * plain whole number reads as a long, which refuseKindDependent checks where it matters (it may be a
 * real the engine did not box, such as a series result; JSON text's `2.0`, a JsonWhole, reads the same).
 */
function unwrapDynamic(v: Value, t: KqlType): [Value, KqlType] {
  if (t !== 'dynamic') return [v, t];
  const j = v as Json;
  if (typeof j === 'number') return [j, Number.isInteger(j) ? 'long' : 'real'];
  // JSON text's `2.0` is of no settled kind (JsonWhole): read as a plain whole number is.
  if (j instanceof JsonWhole) return [j.value, 'long'];
  if (j instanceof DynReal) return [j.value, 'real'];
  return [null, 'dynamic'];
}

/** Kusto's modulo is never negative: 0 <= N % D < abs(D), e.g. -14 % 12 == 10 (numerical operators doc). */
function floorMod<T extends number | bigint>(n: T, d: T): T {
  if (typeof n === 'bigint') {
    const ad = (d as bigint) < 0n ? -(d as bigint) : (d as bigint);
    return ((((n as bigint) % ad) + ad) % ad) as T;
  }
  const ad = Math.abs(d as number);
  const r = ((n as number) % ad) + ad;
  return (r % ad) as T;
}

function numeric(op: ArithmeticOp, a: number, b: number, integer: boolean): number | null {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      // The real page: 1.0 / 0.0 is +inf, -1.0 / 0.0 is -inf and 0.0 / 0.0 is NaN, as IEEE division gives.
      if (!integer) return a / b;
      // Integer division truncates (1 / 2 == 0, numerical-operators page).
      if (b === 0) refuseByZero(op, 'long');
      return Math.trunc(a / b);
    case '%':
      if (b === 0) refuseByZero(op, integer ? 'long' : 'real');
      return floorMod(a, b);
  }
}

/**
 * A division or modulo by zero that no page answers: the numerical-operators page gives integer
 * division's truncation and the modulo's range 0 <= N % D < abs(D) (empty for D = 0), the real page
 * only real division by 0.0. Whether the service answers null, fails the query or wraps is not
 * written, so the engine refuses (it answered null, or NaN for a real modulo).
 */
function refuseByZero(op: ArithmeticOp, type: string): never {
  const what = op === '/' ? 'division' : 'modulo';
  throw new UnsupportedError(
    `${type} ${what} by zero`,
    `${type} ${what} by zero: no Kusto page says what it answers (the real page gives only real division by 0.0: ±inf or NaN); refusing rather than guessing`,
  );
}

/**
 * timespan % timespan. The numerical-operators page makes the modulo of numbers non-negative
 * (-14 % 12 == 10) but names only int, long and real; the remainder of ticks is negative for a
 * negative dividend (-5m % 3m: -2m against 1m), so that case is refused.
 */
function timespanModulo(a: bigint, b: bigint): bigint {
  const r = a % b;
  if (r < 0n)
    throw new UnsupportedError(
      'timespan % timespan with a negative dividend',
      'timespan % timespan with a negative dividend: the numerical-operators page makes a modulo non-negative only for int, long and real, while the remainder of the ticks is negative; refusing rather than guessing',
    );
  return r;
}

function datetimeResult(t: bigint): bigint | null {
  return t >= 0n && t <= MAX_DATETIME_TICKS ? t : null;
}

/**
 * timespan scaled by a number. A product that falls between two ticks (5 ticks / 2) has no documented
 * rounding (.NET's TimeSpan.Divide rounds half to even, a cast truncates, JavaScript rounds half up), so
 * it is refused; a whole number of ticks answers.
 */
function scaleTicks(t: bigint, factor: number, divide: boolean): bigint | null {
  if (Number.isInteger(factor) && Math.abs(factor) < 2 ** 53) {
    if (!divide) return t * BigInt(factor);
    if (t % BigInt(factor) === 0n) return t / BigInt(factor);
  }
  const r = divide ? Number(t) / factor : Number(t) * factor;
  if (!Number.isFinite(r)) return null;
  if (!Number.isInteger(r) || (Math.abs(r) > 2 ** 53 && !Number.isInteger(factor)))
    throw new UnsupportedError(
      `timespan ${divide ? '/' : '*'} number`,
      `timespan ${divide ? '/' : '*'} ${factor} falls between two ticks (${r} ticks) and how Kusto rounds it is not documented; refusing rather than guessing`,
    );
  return BigInt(r);
}

/**
 * A timespan is a signed 64-bit count of ticks (timespan page: .NET's TimeSpan); a result beyond it
 * (1tick * 1e300, 36500d * 1000000) overflows, and whether Kusto answers null or fails is not
 * documented: refused (the engine answered a span of hundreds of digits).
 */
function timespanResult(t: bigint | null): bigint | null {
  if (t !== null && !withinTickRange(t))
    throw new UnsupportedError(
      'timespan overflow',
      'a timespan result beyond the 64-bit tick range, which no page answers; refusing rather than guessing',
    );
  return t;
}

function temporal(op: ArithmeticOp, a: Value, ta: KqlType, b: Value, tb: KqlType): Value {
  const result = temporalUnchecked(op, a, ta, b, tb);
  return typeof result === 'bigint' ? timespanResult(result) : result;
}

function temporalUnchecked(op: ArithmeticOp, a: Value, ta: KqlType, b: Value, tb: KqlType): Value {
  const A = a as bigint;
  const B = b as bigint;
  if (ta === 'datetime' && tb === 'datetime') return op === '-' ? A - B : null;
  if (ta === 'datetime' && tb === 'timespan') {
    if (op === '+') return datetimeResult(A + B);
    if (op === '-') return datetimeResult(A - B);
    return null;
  }
  if (ta === 'timespan' && tb === 'datetime') return op === '+' ? datetimeResult(A + B) : null;
  if (ta === 'timespan' && tb === 'timespan') {
    switch (op) {
      case '+':
        return A + B;
      case '-':
        return A - B;
      case '/':
        if (B === 0n) refuseByZero(op, 'timespan');
        return Number(A) / Number(B);
      case '%':
        if (B === 0n) refuseByZero(op, 'timespan');
        return timespanModulo(A, B);
      default:
        return null;
    }
  }
  if (ta === 'timespan' && op === '/' && b === 0) refuseByZero(op, 'timespan');
  if (ta === 'timespan' && (op === '*' || op === '/')) return scaleTicks(A, b as number, op === '/');
  if (tb === 'timespan' && op === '*') return scaleTicks(B, a as number, false);
  return null;
}

export function arithmetic(op: ArithmeticOp): ScalarImpl {
  return (args, argTypes, resultType) => {
    const [a, ta] = unwrapDynamic(args[0], argTypes[0]);
    const [b, tb] = unwrapDynamic(args[1], argTypes[1]);
    if (a === null || b === null) return null;
    if (typeof a === 'bigint' || typeof b === 'bigint') return temporal(op, a, ta, b, tb);
    if (typeof a !== 'number' || typeof b !== 'number') return null;
    // A real operand becomes a decimal first, as todecimal() reads it: 0.1 + 0.2 (0.30000000000000004)
    // + decimal(0) is 0.3 by .NET's 15-digit conversion and 0.30000000000000004 by an exact one, and
    // no page says which, so such a real is refused (decimalFromReal).
    if (resultType === 'decimal')
      return decimalArithmetic(
        op,
        ta === 'real' ? decimalFromReal(a) : a,
        tb === 'real' ? decimalFromReal(b) : b,
      );
    if (resultType === 'dynamic') {
      // Both operands dynamic: the result has the operands' kind, a real keeping it when whole.
      const integer = isInteger(ta) && isInteger(tb);
      const result = numeric(op, a, b, integer);
      if (integer) refuseKindDependent(op, a, b, result, false);
      return integer || result === null ? result : realInDynamic(result);
    }
    const integer = isInteger(resultType);
    const result = numeric(op, a, b, integer);
    if (integer && (argTypes[0] === 'dynamic' || argTypes[1] === 'dynamic'))
      refuseKindDependent(op, a, b, result, ta === 'real' || tb === 'real');
    return result;
  };
}

/**
 * An operand from a dynamic, in arithmetic computed as integers (Kusto.Language types `dynamic / long`
 * long, and a whole number inside a dynamic reads as a long). A plain whole number held in a dynamic
 * is a long (`parse_json('1')`, `dynamic(4)`) or a real the engine did not box (`parse_json('{"a":2.0}')`,
 * a series result; the dynamic page says Kusto tells them apart); a real the query put there is
 * boxed (DynReal) and known to be one. A fraction (`dynamic(1.5) / 2`, `dynamic(1.0) / 2` typed
 * long) has no documented integer result at all. Where reading the operands as reals gives another
 * value (`1 / 2` is 0, `1.0 / 2` is 0.5; by zero null against ∞/NaN), or the integer result would
 * hold a fraction, the answer is refused rather than guessed.
 */
function refuseKindDependent(
  op: ArithmeticOp,
  a: number,
  b: number,
  result: number | null,
  realOperand: boolean,
): void {
  const asReal = numeric(op, a, b, false);
  const same = result === asReal || (result === null && asReal === null);
  if (same && (result === null || Number.isInteger(result))) return;
  if (realOperand)
    throw new UnsupportedError(
      `${op} with an operand from a dynamic value`,
      `${a} ${op} ${b} with an operand from a dynamic value, a real: the value is ${asReal} and Kusto.Language types the result long; what the service gives for a fraction typed long is not documented; refusing rather than guessing`,
    );
  throw new UnsupportedError(
    `${op} with an operand from a dynamic value`,
    `${a} ${op} ${b} with an operand from a dynamic value, computed as integers: Kusto keeps a dynamic's longs and reals apart and the engine holds both as one number (${result} as longs, ${asReal} as reals), and what an integer result of a fraction is, is not documented; refusing rather than guessing`,
  );
}

/**
 * Unary minus. A real keeps IEEE's signed zero (-(0.0) is -0.0, so 1.0 / -(0.0) is -inf as the real
 * page's division by zero gives); an integer zero stays 0. Kusto.Language types `-i` of an int as
 * int, and -(-2147483648) has no int value (a .NET int wraps to itself, a long would not): refused.
 */
export const negate: ScalarImpl = ([v], [t], resultType) => {
  const [a, ta] = unwrapDynamic(v, t);
  if (typeof a === 'bigint') return timespanResult(-a);
  if (typeof a !== 'number') return null;
  if (resultType === 'int' && a === -(2 ** 31))
    throw new UnsupportedError(
      'int negation',
      '-(-2147483648) as an int has no int value and no page says whether it wraps, widens or fails; refusing rather than guessing',
    );
  const negated = a === 0 && ta !== 'real' ? 0 : -a;
  return t === 'dynamic' && ta === 'real' ? realInDynamic(negated) : negated;
};
