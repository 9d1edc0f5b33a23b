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
  WideDecimal,
} from '../values/index.js';
import { realDecimalOrder } from './decimal.js';

/** A comparable form: number, bigint (datetime/timespan ticks), string, boolean, or JSON text. */
type Key = number | bigint | string | boolean;

const NUMBER_TYPES: ReadonlySet<KqlType> = new Set(['int', 'long', 'real', 'decimal']);
/** The typed sides a dynamic string is read against: text, or text parsed to the type (as JSON text is). */
const TEXT_TYPES: ReadonlySet<KqlType> = new Set(['string', 'datetime', 'timespan', 'guid']);

/** What a dynamic value holds, in the words of a refusal. */
function dynamicKind(v: Json): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || v instanceof DynReal) return 'number';
  return Array.isArray(v) ? 'array' : 'property bag';
}

/**
 * A dynamic value compared with a typed value of another kind (`d.a == 1` where d.a holds "1",
 * `d.n > 2` where it holds "3", `d.a == "1"` where it holds 1, `d.flag == 1` where it holds true):
 * the dynamic page says a dynamic holds a value of a scalar type, and a value compared with one of its
 * own kind compares as that type (`d.a == 1` holding 1, `d.s == "x"` holding "x"), but no page says
 * whether the service converts the dynamic to the other side's type (the dynamic page's note that
 * "Kusto will parse strings as strongly-typed values" reads so), the other side to dynamic, or answers
 * false/null; the engine answered false (==) and null (<, >). Refused for the row that holds one.
 */
function refuseDynamicKindMismatch(v: Json, other: KqlType): void {
  const kind = dynamicKind(v);
  if (kind === 'string' && TEXT_TYPES.has(other)) return;
  if (kind === 'number' && NUMBER_TYPES.has(other)) return;
  if (kind === 'bool' && other === 'bool') return;
  if (other === 'dynamic') return;
  throw new UnsupportedError(
    `comparison of a dynamic ${kind} with a ${other}`,
    `comparison of a dynamic value holding ${kind === 'array' ? 'an' : 'a'} ${kind} (${JSON.stringify(v)}) with a ${other}: no page says whether Kusto converts the dynamic value to ${other}, or answers false or null; convert the dynamic side first (${convertHint(other)})`,
  );
}

function convertHint(other: KqlType): string {
  if (NUMBER_TYPES.has(other)) return 'toreal(d.a) or tolong(d.a) to compare numbers';
  if (other === 'string') return 'tostring(d.a) to compare text';
  if (other === 'bool') return 'tobool(d.a)';
  return `to${other}(d.a)`;
}

/** Unwraps a dynamic scalar towards the type of the other operand (Kusto converts dynamic implicitly). */
function dynamicKey(v: Json, other: KqlType): Key | null {
  if (v === null) return null;
  refuseDynamicKindMismatch(v, other);
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
  if (isWide(a, ta) || isWide(b, tb)) return wideDecimalOrder(a, ta, b, tb);
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
 * The order of two decimals one of which a double cannot hold (values/wideDecimal.ts): exact, a JavaScript
 * bigint and number comparing by their mathematical values. Against another type it is refused: whether
 * Kusto converts the decimal to a real (losing digits) or the other side to a decimal is not documented.
 */
const isWide = (v: Value, t: KqlType) => t === 'decimal' && v instanceof WideDecimal;

function wideDecimalOrder(a: Value, ta: KqlType, b: Value, tb: KqlType): number | null {
  if (a === null || b === null) return null;
  if (ta !== 'decimal' || tb !== 'decimal')
    throw new UnsupportedError(
      `comparison of a ${ta === 'decimal' ? tb : ta} with a decimal`,
      `comparison of a ${ta === 'decimal' ? tb : ta} with a decimal of more digits than a double holds (parse_version()'s): whether Kusto reads the decimal as a real or the other side as a decimal is not documented; compare two parse_version() results`,
    );
  const x = a instanceof WideDecimal ? a.digits : (a as number);
  const y = b instanceof WideDecimal ? b.digits : (b as number);
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
  if (isWide(a, ta) || isWide(b, tb))
    return a === null || b === null ? false : wideDecimalOrder(a, ta, b, tb) === 0;
  const x = key(a, ta, tb);
  const y = key(b, tb, ta);
  if (x === null && y === null) return null;
  if (x === null || y === null) return false;
  return compareValues(a, ta, b, tb) === 0;
}
