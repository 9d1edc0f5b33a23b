import { dateToTicks, formatDateTime, formatDateTimeFull, parseDateTime } from './datetime.js';
import { UnsupportedError } from './errors.js';
import { readJsonData } from './json-text.js';
import { formatTimespan, isTimespanUnit, parseTimespan } from './timespan.js';
import { DynReal, type Json, JsonWhole, type KqlType, realInDynamic, setOwn, type Value } from './types.js';
import { refuseWideDecimal, WideDecimal } from './wideDecimal.js';

const GUID = /^[{(]?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})[})]?$/i;
const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const LONG_MAX = 2 ** 63;

/** Canonical lower-case `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, or null. */
export function parseGuid(text: string): string | null {
  const m = GUID.exec(text.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() : null;
}

/** Parses a real the way Kusto's toreal() does, including `nan`, `inf` and `-inf`. */
export function parseReal(text: string): number | null {
  const s = text.trim();
  if (REAL.test(s)) return Number(s);
  switch (s.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return null;
  }
}

/** Truncates toward zero into the integer range of the type; null when it does not fit. */
export function toInteger(n: number, type: 'int' | 'long'): number | null {
  if (!Number.isFinite(n)) return null;
  const t = Math.trunc(n);
  if (type === 'int' && (t < INT32_MIN || t > INT32_MAX)) return null;
  return t === 0 ? 0 : t;
}

/**
 * .NET's shortest round-trip double format, which Kusto's tostring() uses: plain notation for
 * decimal exponents -4..14, otherwise `1E+20` / `1E-05` (two-digit minimum exponent). The shortest
 * digits, not .NET Framework's 15 or 17: the geo_geohash_to_central_point page's strcat of a
 * coordinate prints 32.15620994567871.
 */
export function formatReal(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (n === 0) return '0';
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e >= 15 || e < -4) {
    return `${mantissa.toUpperCase()}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

/**
 * A real negative zero (round(-0.4), ceiling(-0.5), -0.0 * 1 in .NET as in JavaScript) is written
 * `-0` by .NET Core's formatting and `0` by .NET Framework's; no page prints one. Refused as text.
 */
function refuseNegativeZero(n: number): void {
  if (Object.is(n, -0))
    throw new UnsupportedError(
      'a negative zero converted to text',
      'a real negative zero converted to text: .NET Core writes -0, .NET Framework 0, and no page prints one; refusing rather than guessing',
    );
}

/** The significant digits of the shortest text that reads back as n (finite, non-zero). */
function shortestDigits(n: number): string {
  return n.toExponential().split('e')[0].replace(/[-.]/g, '');
}

/** n's 17 significant digits, correctly rounded, without trailing zeros (.NET's "R"/G17 digits). */
function roundTripDigits(n: number): string {
  return n.toExponential(16).split('e')[0].replace(/[-.]/g, '').replace(/0+$/, '');
}

/**
 * A number inside a dynamic as Kusto's JSON text writes it. A fraction is a real: .NET's format
 * (`1E+20`, `1.5E-05`, not JavaScript's `1e-7`). Where the shortest digits number 16, the pages
 * disagree: inside arrays and bags they print 17 (geo_s2cell_to_polygon's -74.030012249838478,
 * series_stats_dynamic's 28.503633853548269), a value converted alone the shortest (formatReal), so
 * such a value is refused. A whole real (boxed, DynReal) keeps a fraction: the series_fill_const
 * page prints the constant 0.0 as `0.0` inside the array, series_fill_linear's `[0.0,0.0,0.0,0.0]`;
 * from 1e15 .NET's real text has an exponent already (`1E+15`). A plain whole number is a long
 * below 1e15, written as its digits. From 1e15 a plain number may be a real the engine computed
 * without boxing (most series results) written `1E+15`: refused up to the largest long, beyond
 * which the number can only be a real. JSON text's `2.0` (a JsonWhole) is written as a plain one.
 */
function dynamicNumberText(v: number | DynReal): string {
  // JSON text's `118.0` prints as the parse_json page prints it: `118` (JsonWhole).
  if (v instanceof JsonWhole) return dynamicNumberText(v.value);
  if (v instanceof DynReal) {
    refuseNegativeZero(v.value);
    const text = formatReal(v.value);
    return /^-?\d+$/.test(text) ? `${text}.0` : text;
  }
  const n = v;
  refuseNegativeZero(n);
  if (Number.isInteger(n)) {
    if (Math.abs(n) < 1e15) return String(n);
    if (Math.abs(n) > LONG_MAX) return formatReal(n);
    throw new UnsupportedError(
      'a number inside a dynamic converted to text',
      `the whole number ${n} inside a dynamic is written as its digits if Kusto holds it as a long and as ${formatReal(n)} if as a real; the engine does not keep which, so it refuses rather than guess`,
    );
  }
  const shortest = shortestDigits(n);
  if (shortest.length > 15 && shortest !== roundTripDigits(n))
    throw new UnsupportedError(
      'a real inside a dynamic converted to text',
      `the real ${formatReal(n)} inside a dynamic: the pages print such a value with 17 digits inside arrays and bags, the shortest round-trip digits (${shortest.length}) when converted alone; refusing rather than guessing which the array's text uses`,
    );
  return formatReal(n);
}

/**
 * A dynamic value's text: a string as it is, a real alone as a real's text (the shortest
 * round-trip digits: the geo_geohash_to_central_point page's strcat of a coordinate prints
 * 32.15620994567871; dynamic_to_json's page: a scalar's text is tostring() of it, so a whole real
 * alone is `2`, not `2.0`), anything else as JSON with Kusto's number text.
 */
export function dynamicText(v: Json): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && !Number.isInteger(v)) return formatReal(v);
  if (v instanceof DynReal && !(v instanceof JsonWhole)) {
    refuseNegativeZero(v.value);
    return formatReal(v.value);
  }
  return jsonText(v);
}

function jsonText(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || v instanceof DynReal) return dynamicNumberText(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
    .join(',')}}`;
}

/**
 * A value's text as Kusto converts it to string: `tostring()` and the implicit conversion of a
 * string function's arguments (`strcat`, `hash_*`, `reverse`...). A datetime always carries seven
 * fractional digits there (`2020-01-01T00:00:00.0000000Z`), measured against the service (issue 11).
 */
export function kqlString(v: Value, type: KqlType): string {
  if (v === null) return '';
  if (type === 'datetime' && typeof v === 'bigint') return formatDateTimeFull(v);
  if (type === 'dynamic') return dynamicText(v as Json);
  if (type === 'real') refuseNegativeZero(v as number);
  return valueToString(v, type);
}

/** A value's display text, as in query results (datetimes without trailing zero fractions); '' for null. */
export function valueToString(v: Value, type: KqlType): string {
  if (v === null) return '';
  switch (type) {
    case 'datetime':
      return formatDateTime(v as bigint);
    case 'timespan':
      return formatTimespan(v as bigint);
    case 'real':
      return formatReal(v as number);
    case 'decimal':
      return v instanceof WideDecimal ? v.digits.toString() : formatReal(v as number);
    case 'dynamic':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

/**
 * The texts of the non-finite reals. A dynamic holds them only as strings (valueToDynamic refuses a
 * real NaN or infinity); whether a cast to real reads such a text as the number is not documented.
 */
export const NON_FINITE_TEXT: ReadonlySet<string> = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * A value as it is stored inside a `dynamic`: datetimes and timespans become their strings, a
 * datetime with seven fractional digits as Kusto prints it inside arrays and bags (the make-series
 * page's axis `"2017-01-01T00:00:00.0000000Z"`, percentile_tdigest's `["2007-12-20T11:30:00.0000000Z"]`).
 */
export function valueToDynamic(v: Value, type: KqlType): Json {
  if (v === null) return null;
  // A dynamic number would lose its digits (values/wideDecimal.ts).
  if (v instanceof WideDecimal) refuseWideDecimal('a dynamic value');
  if (type === 'datetime') return formatDateTimeFull(v as bigint);
  if (type === 'timespan') return formatTimespan(v as bigint);
  // Text would make gettype() say string and arithmetic on the element null; whether Kusto keeps a
  // real NaN/infinity inside a dynamic, or how it prints one, is not documented (series_* refuse it too).
  if (type === 'real') {
    if (!Number.isFinite(v as number))
      throw new UnsupportedError(
        'a NaN or infinite real inside a dynamic value',
        `a NaN or infinite real (${formatReal(v as number)}) put inside a dynamic value: whether Kusto keeps it as a real, and how it prints it, is not documented`,
      );
    return realInDynamic(v as number);
  }
  return v as Json;
}

/** Writes a boxed real apart from the long of the same value (the holder still has the box). */
function markReals(this: Record<string, unknown>, key: string, value: unknown): unknown {
  return this[key] instanceof DynReal ? `\u0000real ${value}` : value;
}

/**
 * A text equal for two dynamic values exactly when they are the same value, kind included
 * (dynamic(1) and dynamic(1.0) differ), for stores that keep one copy per distinct value.
 */
export function dynamicIdentity(v: Json): string {
  // The plain text first (native, fast); only a value that held a box is written again marked.
  const before = DynReal.written;
  const text = JSON.stringify(v);
  return DynReal.written === before ? text : JSON.stringify(v, markReals);
}

/**
 * Refuses treating `a` and `b` as one element when they are equal by value but differ in kind (1 and
 * 1.0, as elements or nested): no page says whether Kusto's sets (make_set, set_union, …) hold a long
 * and a real of the same value as one element. Cheap for scalars of one kind, the common case.
 */
export function refuseMixedNumberKinds(a: Json, b: Json, construct: string): void {
  if ((typeof a !== 'object' || a === null) && (typeof b !== 'object' || b === null)) return;
  if (dynamicIdentity(a) === dynamicIdentity(b)) return;
  throw new UnsupportedError(
    'a long and a real of the same value in one set',
    `${construct}: whether a long and a real of the same value (${JSON.stringify(a)}) are one element is not documented`,
  );
}

/**
 * A dynamic value as plain JSON data (boxed reals as numbers), for results leaving the engine: a
 * worker's reply is structured-cloned, which would turn a DynReal into a bag. Unchanged values are
 * returned as they are, so a result without whole reals is not copied.
 */
export function plainJson(v: Json): Json {
  if (v instanceof DynReal) return v.value;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: Json[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = plainJson(v[i]);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  let bag: Record<string, Json> | undefined;
  for (const k of Object.keys(v)) {
    const x = plainJson(v[k]);
    if (x !== v[k]) {
      bag ??= { ...v };
      setOwn(bag, k, x);
    }
  }
  return bag ?? v;
}

/**
 * JSON output like ADX: a datetime column as ISO text without trailing zero fractions (inside a
 * dynamic it keeps seven digits, see valueToDynamic), timespans `[-][d.]hh:mm:ss[.fffffff]`,
 * NaN/Infinity as strings.
 */
export function toJson(v: Value, type: KqlType): unknown {
  if (type === 'datetime' && v !== null) return formatDateTime(v as bigint);
  if (type === 'real' && typeof v === 'number' && !Number.isFinite(v)) return formatReal(v);
  // A JSON number would lose a wide decimal's digits (and a worker's structured clone its class).
  if (v instanceof WideDecimal) return v.digits.toString();
  if (type === 'real' || type === 'decimal') return v;
  return plainJson(valueToDynamic(v, type));
}

function isJsonLike(text: string): boolean {
  const s = text.trim();
  return (s.startsWith('{') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'));
}

function toJsonValue(input: unknown): Json {
  if (input === undefined || input === null) return null;
  if (input instanceof DynReal) return input;
  if (typeof input === 'bigint') return Number(input);
  if (input instanceof Date) return input.toISOString();
  if (Array.isArray(input)) return input.map(toJsonValue);
  if (typeof input === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(input)) setOwn(out, k, toJsonValue(v));
    return out;
  }
  if (typeof input === 'number' && !Number.isFinite(input)) return null;
  return input as Json;
}

/**
 * Input value (JSON, CSV cell, YAML scalar) -> engine value of the column type. Invalid input is
 * null, as in Kusto ingestion; strings are '' instead. For dynamic columns, strings holding a JSON
 * object or array are parsed (CSV cells and Logs Ingestion payloads carry them as text); other
 * strings stay strings.
 */
export function coerce(input: unknown, type: KqlType): Value {
  if (input === undefined || input === null) return type === 'string' ? '' : null;
  // JSON text's whole real (`2.0`, from readJsonText) in a typed column: its number.
  if (input instanceof DynReal && type !== 'dynamic') return coerce(input.value, type);
  switch (type) {
    case 'string':
      if (typeof input === 'string') return input;
      if (input instanceof Date) return formatDateTime(dateToTicks(input));
      if (typeof input === 'object') return JSON.stringify(toJsonValue(input));
      return String(input);
    case 'bool':
      if (typeof input === 'boolean') return input;
      if (typeof input === 'number') return Number.isNaN(input) ? null : input !== 0;
      if (typeof input === 'string') return parseBool(input);
      return null;
    case 'int':
    case 'long': {
      const n = typeof input === 'string' ? parseNumberText(input) : numeric(input);
      return n === null ? null : toInteger(n, type);
    }
    case 'real':
    case 'decimal':
      return typeof input === 'string' ? parseReal(input) : numeric(input);
    case 'datetime':
      if (typeof input === 'bigint') return input;
      if (input instanceof Date) return Number.isNaN(input.getTime()) ? null : dateToTicks(input);
      return typeof input === 'string' ? parseDateTime(input) : null;
    case 'timespan':
      if (typeof input === 'bigint') return input;
      return typeof input === 'string' ? parseTimespan(input) : null;
    case 'guid':
      return typeof input === 'string' ? parseGuid(input) : null;
    case 'dynamic':
      if (typeof input === 'string' && isJsonLike(input)) return readJsonData(input) ?? input;
      return toJsonValue(input);
  }
}

/**
 * A number converted to int outside the 32-bit range: toint's page makes an unsuccessful conversion
 * null, but a .NET cast of a long to int wraps around (3000000000 would be -1294967296), and no page
 * says which an out-of-range value is (toint page); refused rather than answered null.
 */
export function refuseOutOfIntRange(n: number, construct: string): void {
  if (Number.isFinite(n) && toInteger(n, 'int') === null)
    throw new UnsupportedError(
      `${construct} of a value outside the int range`,
      `${construct} of ${n}: outside the 32-bit range, Kusto gives null (an unsuccessful conversion, toint page) or a wrapped-around int (a .NET cast); no page says which, so the engine refuses rather than guess`,
    );
}

// A dashed date with the year last, "12-02-2022": the todatetime page prints
// `todatetime('12-02-2022') == datetime('12-02-2022')` as true, so Kusto parses it (not null), but
// neither it nor the datetime page says whether it is month- or day-first
// (https://learn.microsoft.com/kusto/query/todatetime-function).
const DASHED_YEAR_LAST = /^\s*\d{1,2}-\d{1,2}-\d{4}(?:[\sT]|$)/;

/** A text the engine's datetime parser rejects but Kusto is shown to parse: refused, not null. */
export function refuseDashedYearLast(text: string, construct: string): void {
  if (DASHED_YEAR_LAST.test(text))
    throw new UnsupportedError(
      `${construct} of a dashed date with the year last`,
      `${construct} of '${text}': Kusto parses a dashed date with the year last (the todatetime page), but no page says whether it is month- or day-first; refusing rather than answering null`,
    );
}

/**
 * Number text whose conversion a page prints: integer text (the toint page's `toint("123")`, the
 * parse page's `Duration:long` captures) and decimal text (the toreal page's `toreal("123.4")`, the
 * extract page's `typeof(real)` example giving 45.6), with a minus sign as a negative literal has.
 */
const DOCUMENTED_NUMBER_TEXT = /^-?\d+(?:\.\d+)?$/;
const DOCUMENTED_INTEGER_TEXT = /^-?\d+$/;

/**
 * Text a number reader takes but no page prints a conversion of (`"1e3"`, `" 12"`, `"+5"`, `"NaN"`,
 * and a fraction converted to int or long): .NET's parsers read some of these, other readers give
 * null, and the engine answered 1000, 12, 5, NaN and a truncation. Text that is no number stays null.
 */
export function refuseUndocumentedNumberText(text: string, type: KqlType, construct: string): void {
  const integer = type === 'int' || type === 'long';
  if (!integer && type !== 'real' && type !== 'decimal') return;
  if ((integer ? DOCUMENTED_INTEGER_TEXT : DOCUMENTED_NUMBER_TEXT).test(text)) return;
  const n = integer ? parseNumberText(text) : parseReal(text);
  if (n === null) return;
  throw new UnsupportedError(
    `${construct} of number text in an undocumented form`,
    `${construct} of the text ${JSON.stringify(text)}: the pages print conversions of plain ${integer ? 'integer' : 'decimal'} text only, and none says whether this text converts (to ${integer ? Math.trunc(n) : n}) or gives null; capture only the digits (a tighter pattern), or trim() and convert with ${integer ? 'tolong(toreal(...))' : 'toreal()'} after checking the text`,
  );
}

/**
 * Text converted to a timespan in a form the totimespan page does not print
 * (https://learn.microsoft.com/kusto/query/totimespan-function prints only "0.00:01:00", the
 * `[d.]hh:mm[:ss[.fffffff]]` form that .NET's TimeSpan.Parse and the timespan literal both read): a
 * literal's unit form ("2h", "1.5d": the literal reads it, TimeSpan.Parse fails), a bare number ("10":
 * ten days for both, the engine answered null; "1.5": a day and a half for the literal, null for
 * TimeSpan.Parse) and a fraction past 7 digits (ticks have 7; TimeSpan.Parse fails, the engine cut it)
 * are refused. Other text answers as before.
 */
const TIMESPAN_UNIT_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$/i;
const LONG_FRACTION = /^\s*[+-]?(?:\d+\.)?\d{1,2}:\d{1,2}:\d{1,2}\.\d{8,}\s*$/;

export function refuseUndocumentedTimespanText(text: string, construct: string): void {
  const unit = TIMESPAN_UNIT_TEXT.exec(text)?.[1];
  const numberOrUnit = unit !== undefined && (unit === '' || isTimespanUnit(unit));
  if (!numberOrUnit && !LONG_FRACTION.test(text)) return;
  throw new UnsupportedError(
    `${construct} of timespan text in an undocumented form`,
    `${construct} of the text ${JSON.stringify(text)}: the totimespan page prints only the d.hh:mm:ss form ` +
      '("0.00:01:00"); whether this text reads as a timespan literal, as .NET\'s TimeSpan.Parse (which ' +
      'takes no unit letters, reads a bare number as days and at most 7 fraction digits) or not at all is ' +
      'not documented; write the text as [d.]hh:mm:ss, or convert the number with a unit (toreal(x) * 1h)',
  );
}

/**
 * coerce() where a query converts a value (typed captures, casts): an out-of-range int, number text in
 * a form no page prints and a dashed year-last date are refused.
 */
export function convertInQuery(input: unknown, type: KqlType, construct: string): Value {
  if (typeof input === 'string') refuseUndocumentedNumberText(input, type, construct);
  if (typeof input === 'string' && type === 'timespan') refuseUndocumentedTimespanText(input, construct);
  if (type === 'int' && input !== null && input !== undefined) {
    const n = typeof input === 'string' ? parseNumberText(input) : numeric(input);
    if (n !== null) refuseOutOfIntRange(n, construct);
  }
  const value = coerce(input, type);
  if (type === 'datetime' && value === null && typeof input === 'string')
    refuseDashedYearLast(input, construct);
  return value;
}

export function parseBool(text: string): boolean | null {
  const s = text.trim().toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return null;
}

function numeric(input: unknown): number | null {
  if (typeof input === 'number') return input;
  if (input instanceof DynReal) return input.value;
  if (typeof input === 'bigint') return Number(input);
  if (typeof input === 'boolean') return input ? 1 : 0;
  return null;
}

/** Integer text, or real text truncated (as tolong("1.5") == 1 in Kusto). */
function parseNumberText(text: string): number | null {
  const s = text.trim();
  if (INTEGER.test(s)) return Number(s);
  return parseReal(s);
}
