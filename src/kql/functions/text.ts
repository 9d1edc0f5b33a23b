import { type KqlType, kqlString, UnsupportedError, type Value } from '../values/index.js';
import { decimalText } from './decimal.js';

/** The argument as text: strings as they are, other types via tostring() (null -> ''). */
export function text(v: Value, t: KqlType | undefined): string {
  if (typeof v === 'string') return v;
  if (t === 'decimal') return decimalText(v);
  return kqlString(v, t ?? 'dynamic');
}

const ASCII_UPPER = /[A-Z]/g;

/** Every character is ASCII (U+0000..U+007F). */
export const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);

/**
 * Kusto's case-insensitive string operators (=~, has, contains, in~, ...) fold ASCII letters only:
 * "Case-insensitive operators are currently supported only for ASCII-text" (string operators doc,
 * 2020 version). The 2023 version of the page dropped that note (and "ASCII" from the term rule
 * below), so where a non-ASCII character can change an answer both readings are computed and a
 * difference is refused (`twoReadings`).
 */
export function foldAscii(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (!/[^\x00-\x7f]/.test(s)) return s.toLowerCase();
  return s.replace(ASCII_UPPER, (c) => c.toLowerCase());
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
const NON_ASCII = /[^\x00-\x7f]/;

/** Whether a text holds a character outside ASCII, where the two readings of the page can differ. */
export const hasNonAscii = (s: string): boolean => NON_ASCII.test(s);

/**
 * The other reading of case-insensitivity: every character folded by its one-to-one (simple) case
 * mapping, as .NET's OrdinalIgnoreCase does; a character whose upper case is several characters
 * ('ß' -> 'SS') stays as it is.
 */
export function foldUnicode(s: string): string {
  if (!NON_ASCII.test(s)) return s.toUpperCase();
  let out = '';
  for (const c of s) {
    const u = c.toUpperCase();
    out += u.length === c.length ? u : c;
  }
  return out;
}

/**
 * The answer of a string test under the two readings of the string operators page: `ascii` (ASCII
 * folding and ASCII term characters, the 2020 page) and `unicode` (every letter folded, every
 * letter, digit or mark a term character, what the 2023 page's unqualified "alphanumeric" allows).
 * Equal answers are returned; a difference is refused, naming the operator and the value.
 */
export function twoReadings<T>(operator: string, haystack: string, test: (unicode: boolean) => T): T {
  const ascii = test(false);
  if (test(true) === ascii) return ascii;
  throw new UnsupportedError(
    operator,
    `${operator} over ${JSON.stringify(haystack.slice(0, 40))}: the answer depends on how a non-ASCII ` +
      'character is read — the string operators page (2020) folds case and builds terms over ASCII ' +
      'characters only, its 2023 version no longer says ASCII — so the engine refuses rather than ' +
      'guess; compare tolower() of both sides, or use a regex, to say which is meant',
  );
}

// "Each string value is broken into maximal sequences of ASCII alphanumeric characters" (string
// operators doc, 2020; the 2023 version says "alphanumeric characters").
const TERM_CHAR = /[A-Za-z0-9]/;
const UNICODE_TERM_CHAR = /[\p{L}\p{N}\p{M}]/u;

export function isTermChar(c: string | undefined): boolean {
  return c !== undefined && TERM_CHAR.test(c);
}

/** The code point ending just before UTF-16 index i (a surrogate pair read whole). */
function codePointBefore(s: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = s.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = s.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(i - 2, i);
  }
  return s[i - 1];
}

function codePointAt(s: string, i: number): string | undefined {
  const c = s.codePointAt(i);
  return c === undefined ? undefined : String.fromCodePoint(c);
}

function termCharBefore(s: string, i: number, unicode: boolean): boolean {
  const c = unicode ? codePointBefore(s, i) : s[i - 1];
  return c !== undefined && (unicode ? UNICODE_TERM_CHAR : TERM_CHAR).test(c);
}

function termCharAt(s: string, i: number, unicode: boolean): boolean {
  const c = unicode ? codePointAt(s, i) : s[i];
  return c !== undefined && (unicode ? UNICODE_TERM_CHAR : TERM_CHAR).test(c);
}

export type TermMode = 'term' | 'prefix' | 'suffix';

/**
 * Term matching of has / hasprefix / hassuffix under one reading (`unicode`: see twoReadings). A
 * term is a maximal run of alphanumerics; the needle matches where it is not glued to more
 * alphanumerics on the checked side(s). A needle that itself starts or ends with a separator
 * (".com", "foo-") only needs the boundary on its alphanumeric ends, which is how Kusto's phrase
 * matching over terms behaves.
 */
export function matchesTermAs(
  haystack: string,
  needle: string,
  mode: TermMode,
  caseSensitive: boolean,
  unicode: boolean,
): boolean {
  if (needle.length === 0) return true;
  const fold = unicode ? foldUnicode : foldAscii;
  const h = caseSensitive ? haystack : fold(haystack);
  const n = caseSensitive ? needle : fold(needle);
  const needStart = mode !== 'suffix' && termCharAt(n, 0, unicode);
  const needEnd = mode !== 'prefix' && termCharBefore(n, n.length, unicode);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    const end = i + n.length;
    if (needStart && termCharBefore(h, i, unicode)) continue;
    if (needEnd && termCharAt(h, end, unicode)) continue;
    return true;
  }
  return false;
}

/** Term matching where both texts are ASCII, or both readings agree; refused otherwise. */
export function matchesTerm(
  haystack: string,
  needle: string,
  mode: TermMode,
  caseSensitive: boolean,
  operator = 'has',
): boolean {
  if (!NON_ASCII.test(haystack) && !NON_ASCII.test(needle))
    return matchesTermAs(haystack, needle, mode, caseSensitive, false);
  return twoReadings(operator, haystack, (unicode) =>
    matchesTermAs(haystack, needle, mode, caseSensitive, unicode),
  );
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * matchesTerm() with the needle fixed, compiled once: `where Col has "x"` must not fold or
 * allocate per row. A printable-ASCII needle becomes a RegExp whose `i` flag folds ASCII letters
 * only (without the `u` flag no non-ASCII character matches an ASCII one, e.g. 'ſ' never matches
 * 's'), exactly like foldAscii; the lookarounds are the term boundaries.
 */
export function termMatcher(
  needle: string,
  mode: TermMode,
  caseSensitive: boolean,
  operator = 'has',
): (haystack: string) => boolean {
  if (needle.length === 0) return () => true;
  if (!PRINTABLE_ASCII.test(needle))
    return (haystack) => matchesTerm(haystack, needle, mode, caseSensitive, operator);
  const start = mode !== 'suffix' && isTermChar(needle[0]) ? '(?<![A-Za-z0-9])' : '';
  const end = mode !== 'prefix' && isTermChar(needle[needle.length - 1]) ? '(?![A-Za-z0-9])' : '';
  const re = new RegExp(start + needle.replace(REGEX_SPECIAL, '\\$&') + end, caseSensitive ? '' : 'i');
  // A non-ASCII haystack can read differently (twoReadings): the slow path checks both.
  return (haystack) =>
    NON_ASCII.test(haystack)
      ? matchesTerm(haystack, needle, mode, caseSensitive, operator)
      : re.test(haystack);
}
