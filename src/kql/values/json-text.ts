/**
 * The JSON reader for text that becomes a KQL dynamic value (parse_json/todynamic, extract_json,
 * string cells of dynamic columns). Node's JSON.parse gives neither a reviver nor anyone else the
 * source text of a number, so `2` and `2.0` would be one number and an integer beyond 2^53 would be
 * rounded silently; this reader sees each token:
 * - an integer token is a long, a plain number (`-0` is the long 0); beyond 2^53 it is refused, as
 *   the engine holds longs as doubles;
 * - a token with a fraction or an exponent is a real: a plain number when it has a fraction left,
 *   a JsonWhole when its value is whole (`118.0`, `1e3`; see types.ts for why it is not a DynReal);
 *   beyond the double range it is refused (no page says what Kusto makes of `1e400`);
 * - a bag holding one key twice is refused: the dynamic page says a bag maps *unique* strings to
 *   values, and no page says which value Kusto keeps (JSON.parse keeps the last);
 * - nesting deeper than MAX_DEPTH is refused rather than risking the stack.
 * What it accepts is strict JSON (RFC 8259), exactly what JSON.parse accepted before it: the
 * parse_json page makes text that "isn't a properly formatted JSON string" the string itself, and
 * says no more about which texts are. A refusal is raised only for text that is valid JSON
 * throughout, so invalid text still becomes a string, whatever it holds.
 */
import { UnsupportedError } from './errors.js';
import { type Json, JsonWhole, setOwn } from './types.js';

/** Deeper nesting is refused (Kusto's own limit is not documented). */
export const MAX_DEPTH = 1000;

// Module state of the one parse under way (the reader never re-enters itself).
let src = '';
let at = 0;
type Problem = (construct: string) => UnsupportedError;
let problem: Problem | undefined;

/** Thrown (never escapes readJsonText) when the text is not JSON. */
const NOT_JSON = new Error('not JSON');
/** Thrown (never escapes readJsonText) past MAX_DEPTH. */
const TOO_DEEP = new Error('too deep');

/**
 * The dynamic value of a JSON text, or undefined when the text is not JSON. `construct` names the
 * caller in a refusal (`parse_json()`, `extract_json()`, a dynamic column's text, …).
 */
export function readJsonText(text: string, construct: string): Json | undefined {
  src = text;
  at = 0;
  problem = undefined;
  let value: Json;
  try {
    value = readValue(0);
    skipSpace();
    if (at !== text.length) return undefined;
  } catch (error) {
    if (error === NOT_JSON) return undefined;
    if (error !== TOO_DEEP) throw error;
    // Too deep to read here; JSON.parse (not recursive in V8) says whether it is JSON at all.
    try {
      JSON.parse(text);
    } catch {
      return undefined;
    }
    throw tooDeep();
  } finally {
    src = '';
  }
  // Set by the readers called above (TypeScript cannot see that and narrows it to undefined).
  const refusal = problem as Problem | undefined;
  if (refusal) throw refusal(construct);
  return value;
}

function skipSpace(): void {
  let c = src.charCodeAt(at);
  // JSON's whitespace: space, tab, line feed, carriage return.
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = src.charCodeAt(++at);
}

function readValue(depth: number): Json {
  skipSpace();
  const c = src.charCodeAt(at);
  switch (c) {
    case 0x7b: // {
      return readBag(depth + 1);
    case 0x5b: // [
      return readArray(depth + 1);
    case 0x22: // "
      return readString();
    case 0x74: // t
      return readWord('true', true);
    case 0x66: // f
      return readWord('false', false);
    case 0x6e: // n
      return readWord('null', null);
    default:
      if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return readNumber();
      throw NOT_JSON;
  }
}

function readWord<T extends Json>(word: string, value: T): T {
  if (!src.startsWith(word, at)) throw NOT_JSON;
  at += word.length;
  return value;
}

function tooDeep(): UnsupportedError {
  return new UnsupportedError(
    'JSON text nested too deeply',
    `JSON text nested deeper than ${MAX_DEPTH} levels: Kusto's limit is not documented; refusing rather than guessing`,
  );
}

function readBag(depth: number): Json {
  if (depth > MAX_DEPTH) throw TOO_DEEP;
  at++;
  const bag: Record<string, Json> = {};
  skipSpace();
  if (src.charCodeAt(at) === 0x7d) {
    at++;
    return bag;
  }
  for (;;) {
    skipSpace();
    if (src.charCodeAt(at) !== 0x22) throw NOT_JSON;
    const key = readKey();
    skipSpace();
    if (src.charCodeAt(at) !== 0x3a) throw NOT_JSON;
    at++;
    const value = readValue(depth);
    // A prototype member (toString, __proto__) is not undefined either: hasOwn decides.
    if (bag[key] !== undefined && Object.hasOwn(bag, key)) duplicateKey(key);
    else if (key === '__proto__') setOwn(bag, key, value);
    else bag[key] = value;
    skipSpace();
    const c = src.charCodeAt(at++);
    if (c === 0x2c) continue;
    if (c === 0x7d) return bag;
    throw NOT_JSON;
  }
}

function duplicateKey(key: string): void {
  problem ??= (construct) =>
    new UnsupportedError(
      `${construct} of JSON text with a repeated key`,
      `${construct}: the JSON object holds the key ${JSON.stringify(key)} twice; a property bag maps unique keys (dynamic data type page) and which value Kusto keeps is not documented; refusing rather than guessing`,
    );
}

function readArray(depth: number): Json {
  if (depth > MAX_DEPTH) throw TOO_DEEP;
  at++;
  const array: Json[] = [];
  skipSpace();
  if (src.charCodeAt(at) === 0x5d) {
    at++;
    return array;
  }
  for (;;) {
    array.push(readValue(depth));
    skipSpace();
    const c = src.charCodeAt(at++);
    if (c === 0x2c) continue;
    if (c === 0x5d) return array;
    throw NOT_JSON;
  }
}

// A run of characters a string holds as they are (the regular expression engine scans fastest).
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters end a JSON string
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

// Keys seen before, by a hash of their length and end characters: a key taken from here is the
// string already used as a property name (V8 interned it then), which a fresh slice is not; interning
// every fresh slice again costed more than the rest of the parse of a typical row.
const KEY_SLOTS = 1024;
const keyCache: string[] = new Array(KEY_SLOTS).fill('');

function readKey(): string {
  const start = at + 1;
  PLAIN_RUN.lastIndex = start;
  PLAIN_RUN.test(src);
  const end = PLAIN_RUN.lastIndex;
  if (src.charCodeAt(end) !== 0x22) return readString();
  const length = end - start;
  const slot = (length * 31 + src.charCodeAt(start) * 7 + src.charCodeAt(end - 1)) & (KEY_SLOTS - 1);
  const cached = keyCache[slot];
  at = end + 1;
  if (cached.length === length && src.startsWith(cached, start)) return cached;
  const key = src.slice(start, end);
  keyCache[slot] = key;
  return key;
}

function readString(): string {
  const start = ++at;
  PLAIN_RUN.lastIndex = at;
  PLAIN_RUN.test(src);
  at = PLAIN_RUN.lastIndex;
  const c = src.charCodeAt(at);
  if (c === 0x22) return src.slice(start, at++);
  if (c === 0x5c) return readEscaped(start);
  // A control character is not allowed raw; NaN is the end of the text.
  throw NOT_JSON;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** The rest of a string from its first backslash on. */
function readEscaped(start: number): string {
  let out = src.slice(start, at);
  for (;;) {
    const c = src.charCodeAt(at);
    if (c === 0x22) {
      at++;
      return out;
    }
    if (c === 0x5c) {
      const e = src[at + 1];
      if (e === 'u') {
        const hex = src.slice(at + 2, at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw NOT_JSON;
        out += String.fromCharCode(Number.parseInt(hex, 16));
        at += 6;
        continue;
      }
      // Single characters: no prototype member answers for one.
      const char = e === undefined ? undefined : ESCAPES[e];
      if (char === undefined) throw NOT_JSON;
      out += char;
      at += 2;
      continue;
    }
    if (!(c >= 0x20)) throw NOT_JSON;
    PLAIN_RUN.lastIndex = at;
    PLAIN_RUN.test(src);
    out += src.slice(at, PLAIN_RUN.lastIndex);
    at = PLAIN_RUN.lastIndex;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function readNumber(): Json {
  const start = at;
  let c = src.charCodeAt(at);
  if (c === 0x2d) c = src.charCodeAt(++at);
  if (c === 0x30) c = src.charCodeAt(++at);
  else if (isDigit(c)) {
    do c = src.charCodeAt(++at);
    while (isDigit(c));
  } else throw NOT_JSON;
  const integerEnd = at;
  if (c !== 0x2e && c !== 0x65 && c !== 0x45 && integerEnd - start < 10) {
    // A short integer (the common case): its digits summed, no text cut out.
    let n = 0;
    let i = start;
    const negative = src.charCodeAt(i) === 0x2d;
    if (negative) i++;
    for (; i < integerEnd; i++) n = n * 10 + (src.charCodeAt(i) - 0x30);
    return negative && n !== 0 ? -n : n;
  }
  let real = false;
  if (c === 0x2e) {
    real = true;
    c = src.charCodeAt(++at);
    if (!isDigit(c)) throw NOT_JSON;
    do c = src.charCodeAt(++at);
    while (isDigit(c));
  }
  if (c === 0x65 || c === 0x45) {
    real = true;
    c = src.charCodeAt(++at);
    if (c === 0x2b || c === 0x2d) c = src.charCodeAt(++at);
    if (!isDigit(c)) throw NOT_JSON;
    do c = src.charCodeAt(++at);
    while (isDigit(c));
  }
  const token = src.slice(start, at);
  const n = +token;
  if (!real) {
    // Up to 15 digits every integer is exact; longer ones only up to 2^53.
    if (integerEnd - start > 15 && !Number.isSafeInteger(n)) inexactInteger(token);
    return n === 0 ? 0 : n;
  }
  if (!Number.isFinite(n)) beyondReal(token);
  return Number.isInteger(n) ? new JsonWhole(n) : n;
}

function inexactInteger(token: string): void {
  problem ??= (construct) =>
    new UnsupportedError(
      `${construct} of an integer beyond 2^53`,
      `${construct}: the JSON integer ${token} is beyond 2^53, which the engine cannot hold exactly`,
    );
}

function beyondReal(token: string): void {
  problem ??= (construct) =>
    new UnsupportedError(
      `${construct} of a number beyond the real range`,
      `${construct}: the JSON number ${token} is beyond the range of a real; what Kusto makes of it (infinity, null or an error) is not documented`,
    );
}

/**
 * JSON text arriving as data (ingested or fixture rows, a service's results, datatable's string
 * cells): read as readJsonText reads it, except where that refuses (an integer beyond 2^53, a
 * repeated key, deep nesting): then as JSON.parse reads it, as before this reader existed. Refusing
 * there would reject a row Azure accepts; the refusal belongs to the query that reads the value,
 * which the engine cannot mark yet. Undefined when the text is not JSON.
 */
export function readJsonData(text: string): Json | undefined {
  try {
    return readJsonText(text, 'JSON data');
  } catch (error) {
    if (!(error instanceof UnsupportedError)) throw error;
    try {
      return JSON.parse(text) as Json;
    } catch {
      return undefined;
    }
  }
}
