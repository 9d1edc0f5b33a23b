/** Regex helpers over strings: regex_quote() and indexof_regex(). */
import { UnsupportedError } from '../values/index.js';
import { num } from './math.js';
import { compileRegex, regexMatches } from './regex.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';
import { onBothReadings } from './unicodePositions.js';

// Characters both RE2's QuoteMeta and .NET's Regex.Escape put a backslash before; the page
// (https://learn.microsoft.com/kusto/query/regex-quote-function) shows `(`, `$`, `.`, `^`, `)`.
const ESCAPED_BY_BOTH = new Set(['\\', '*', '+', '?', '|', '{', '[', '(', ')', '^', '$', '.', '#', ' ']);
const WORD = /[A-Za-z0-9_]/;

/**
 * regex_quote(s): every regex character escaped. Which library's escaping Kusto uses is not said,
 * and the two candidates differ on other punctuation (`-`, `]`, `}`, `/`, ...) and on control
 * characters, so a string holding one of those is refused.
 */
const regexQuote: ScalarImpl = ([v], [t]) => {
  let out = '';
  for (const c of text(v, t)) {
    if (WORD.test(c) || c.charCodeAt(0) >= 0x80) out += c;
    else if (ESCAPED_BY_BOTH.has(c)) out += `\\${c}`;
    else
      throw new UnsupportedError(
        'regex_quote()',
        `regex_quote() of '${c}' is not supported: how Kusto escapes it is not documented`,
      );
  }
  return out;
};

/**
 * indexof_regex(s, regex [, start [, length [, occurrence]]]): the index of the occurrence-th
 * non-overlapping match inside [start, start + length), -1 when there is none, null for a
 * negative start or occurrence or a length below -1
 * (https://learn.microsoft.com/kusto/query/indexof-regex-function). An occurrence of 0 is not
 * described: refused.
 */
const indexOfRegex: ScalarImpl = ([s, pattern, start, length, occurrence], types) => {
  const source = text(s, types[0]);
  const from = start === undefined ? 0 : num(start);
  const len = length === undefined ? -1 : num(length);
  const n = occurrence === undefined ? 1 : num(occurrence);
  if (from === null || len === null || n === null || from < 0 || n < 0 || len < -1) return null;
  if (n === 0) throw new UnsupportedError('indexof_regex() with occurrence 0');
  return onBothReadings('indexof_regex()', [source, text(pattern, types[1])], ([chars, regex]) => {
    const end = len === -1 ? chars.length : Math.min(chars.length, from + len);
    if (from > end) return -1;
    let k = 0;
    for (const m of regexMatches(compileRegex(regex), chars.slice(from, end)))
      if (++k === n) return from + m.start;
    return -1;
  });
};

export const regexTextFunctions: FunctionTable = { regex_quote: regexQuote, indexof_regex: indexOfRegex };
