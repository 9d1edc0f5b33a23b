/** Functions over a string and a list of strings: replace_strings() and has_any_index(). */
import { type Json, UnsupportedError } from '../values/index.js';
import { hasNonAscii, matchesTermAs, text, twoReadings } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

/**
 * replace_strings(text, lookups, rewrites): matches do not overlap and an earlier lookup takes
 * precedence over a later one wherever they overlap, even a later one starting further left (the
 * page's 'This'/'is' example gives "Thwas" when 'is' comes first). So each lookup in turn claims
 * its left-to-right matches among the characters no earlier lookup claimed. A non-string lookup
 * is ignored; a match whose rewrite is not a string keeps its text
 * (https://learn.microsoft.com/kusto/query/replace-strings-function). An empty lookup is refused.
 */
const replaceStrings: ScalarImpl = ([source, lookups, rewrites], types) => {
  const s = text(source, types[0]);
  if (!Array.isArray(lookups)) return s;
  const replacements = Array.isArray(rewrites) ? (rewrites as Json[]) : [];
  const claimed = new Array<boolean>(s.length).fill(false);
  const matches: { start: number; end: number; rewrite: string }[] = [];
  (lookups as Json[]).forEach((lookup, k) => {
    if (typeof lookup !== 'string') return;
    if (lookup === '') throw new UnsupportedError('replace_strings() with an empty lookup');
    const rewrite = replacements[k];
    for (let i = s.indexOf(lookup); i >= 0; ) {
      const end = i + lookup.length;
      if (claimed.slice(i, end).some(Boolean)) {
        i = s.indexOf(lookup, i + 1);
        continue;
      }
      claimed.fill(true, i, end);
      matches.push({ start: i, end, rewrite: typeof rewrite === 'string' ? rewrite : lookup });
      i = s.indexOf(lookup, end);
    }
  });
  matches.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += s.slice(at, m.start) + m.rewrite;
    at = m.end;
  }
  return out + s.slice(at);
};

/**
 * has_any_index(source, values): the index of the first value that `source has value`, -1 when
 * none does or values is empty (https://learn.microsoft.com/kusto/query/has-any-index-function;
 * numbers are looked up as their text).
 */
const hasAnyIndex: ScalarImpl = ([source, values], types) => {
  if (!Array.isArray(values)) return -1;
  const haystack = text(source, types[0]);
  const needles = (values as Json[]).map((v) => text(v, 'dynamic'));
  const index = (unicode: boolean) =>
    needles.findIndex((n) => matchesTermAs(haystack, n, 'term', false, unicode));
  if (!hasNonAscii(haystack) && !needles.some(hasNonAscii)) return index(false);
  return twoReadings('has_any_index()', haystack, index);
};

export const multiStringFunctions: FunctionTable = {
  replace_strings: replaceStrings,
  has_any_index: hasAnyIndex,
};
