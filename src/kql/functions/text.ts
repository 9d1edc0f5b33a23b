import { type KqlType, kqlString, type Value } from '../values/index.js';
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
 * "Case-insensitive operators are currently supported only for ASCII-text" (string operators doc).
 */
export function foldAscii(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (!/[^\x00-\x7f]/.test(s)) return s.toLowerCase();
  return s.replace(ASCII_UPPER, (c) => c.toLowerCase());
}

// "Each string value is broken into maximal sequences of ASCII alphanumeric characters" (string operators doc).
const TERM_CHAR = /[A-Za-z0-9]/;

export function isTermChar(c: string | undefined): boolean {
  return c !== undefined && TERM_CHAR.test(c);
}

export type TermMode = 'term' | 'prefix' | 'suffix';

/**
 * Term matching of has / hasprefix / hassuffix. A term is a maximal run of ASCII alphanumerics;
 * the needle matches where it is not glued to more alphanumerics on the checked side(s). A needle
 * that itself starts or ends with a separator (".com", "foo-") only needs the boundary on its
 * alphanumeric ends, which is how Kusto's phrase matching over terms behaves.
 */
export function matchesTerm(
  haystack: string,
  needle: string,
  mode: TermMode,
  caseSensitive: boolean,
): boolean {
  if (needle.length === 0) return true;
  const h = caseSensitive ? haystack : foldAscii(haystack);
  const n = caseSensitive ? needle : foldAscii(needle);
  const needStart = mode !== 'suffix' && isTermChar(n[0]);
  const needEnd = mode !== 'prefix' && isTermChar(n[n.length - 1]);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    const end = i + n.length;
    if (needStart && isTermChar(h[i - 1])) continue;
    if (needEnd && isTermChar(h[end])) continue;
    return true;
  }
  return false;
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
): (haystack: string) => boolean {
  if (needle.length === 0) return () => true;
  if (!PRINTABLE_ASCII.test(needle)) {
    const folded = caseSensitive ? needle : foldAscii(needle);
    return (haystack) => matchesTerm(haystack, folded, mode, caseSensitive);
  }
  const start = mode !== 'suffix' && isTermChar(needle[0]) ? '(?<![A-Za-z0-9])' : '';
  const end = mode !== 'prefix' && isTermChar(needle[needle.length - 1]) ? '(?![A-Za-z0-9])' : '';
  const re = new RegExp(start + needle.replace(REGEX_SPECIAL, '\\$&') + end, caseSensitive ? '' : 'i');
  return (haystack) => re.test(haystack);
}
