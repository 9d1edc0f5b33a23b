import {
  DynReal,
  type Json,
  type KqlType,
  parseDateTime,
  parseGuid,
  parseTimespan,
  refuseDashedYearLast,
  UnsupportedError,
  type Value,
} from '../values/index.js';
import { realDecimalOrder } from './decimal.js';

/** A comparable form: number, bigint (datetime/timespan ticks), string, boolean, or JSON text. */
type Key = number | bigint | string | boolean;

/** Unwraps a dynamic scalar towards the type of the other operand (Kusto converts dynamic implicitly). */
function dynamicKey(v: Json, other: KqlType): Key | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    if (other === 'datetime') {
      const ticks = parseDateTime(v);
      if (ticks === null) refuseDashedYearLast(v, 'a dynamic string compared with a datetime');
      return ticks;
    }
    if (other === 'timespan') return parseTimespan(v);
    if (other === 'guid') return parseGuid(v);
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  // A whole real compares as its number: dynamic(1.0) == 1, as 1.0 == 1.
  if (v instanceof DynReal) return v.value;
  return JSON.stringify(v);
}

function key(v: Value, t: KqlType, other: KqlType): Key | null {
  if (v === null) return null;
  if (t === 'dynamic' && typeof v !== 'bigint') return dynamicKey(v, other);
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

/** -1/0/1 ordering of two values, or null when either is null or they are not comparable. */
export function compareValues(a: Value, ta: KqlType, b: Value, tb: KqlType): number | null {
  const x = key(a, ta, tb);
  const y = key(b, tb, ta);
  if (x === null || y === null) return null;
  if (typeof x === 'number' && typeof y === 'number') {
    if (ta === 'decimal' && tb !== 'decimal') return decimalOrder(y, x, tb, -1);
    if (tb === 'decimal' && ta !== 'decimal') return decimalOrder(x, y, ta, 1);
    if (Number.isNaN(x) || Number.isNaN(y)) return null;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x !== typeof y) {
    // bool vs number inside dynamic: Kusto compares numerically.
    if (typeof x === 'boolean' && typeof y === 'number') return compareValues(x ? 1 : 0, 'long', y, 'long');
    if (typeof x === 'number' && typeof y === 'boolean') return compareValues(x, 'long', y ? 1 : 0, 'long');
    return null;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A number of another type against a decimal (`sign` 1 when the number is the left operand): the order
 * when every reading of the comparison gives it (realDecimalOrder), else a refusal naming the values.
 */
function decimalOrder(other: number, decimal: number, otherType: KqlType, sign: 1 | -1): number {
  const order = realDecimalOrder(other, decimal);
  if (order === undefined)
    throw new UnsupportedError(
      `comparison of a ${otherType} with a decimal`,
      `comparison of the ${otherType} ${other} with the decimal ${decimal}: whether Kusto reads the decimal as a real or the ${otherType} as a decimal (and with how many digits) is not documented, and the readings differ${Number.isFinite(other) ? '' : ' (a decimal has no NaN or infinity)'}`,
    );
  return order * sign;
}

/**
 * Kusto `==`: two nulls give null, a null and a non-null give false (null-values doc).
 * Values of types that cannot be compared are unequal.
 */
export function equalValues(a: Value, ta: KqlType, b: Value, tb: KqlType): boolean | null {
  const x = key(a, ta, tb);
  const y = key(b, tb, ta);
  if (x === null && y === null) return null;
  if (x === null || y === null) return false;
  return compareValues(a, ta, b, tb) === 0;
}
