// Key/value extraction for the parse-kv operator, in the three modes its page documents
// (https://learn.microsoft.com/kusto/query/parse-kv-operator): specified delimiters (with quotes,
// escapes and greedy values), no delimiters (any non-alphanumeric character delimits), and regex.
// Keys and values are trimmed and the first appearance of a key wins, as the page's notes say.

import { compileRegex, regexMatches } from '../functions/regex.js';
import { UnsupportedError } from '../plan/errors.js';
import type { ParseKvMode, Span } from '../plan/types.js';

/** Reads a quoted text starting at `at` (an opening quote); undefined when `at` opens no quote. */
function readQuoted(
  text: string,
  at: number,
  quotes: readonly (readonly [string, string])[],
  escapes: readonly string[],
): { value: string; end: number } | undefined {
  const quote = quotes.find(([open]) => text[at] === open);
  if (!quote) return undefined;
  let value = '';
  let i = at + 1;
  while (i < text.length && text[i] !== quote[1]) {
    if (escapes.includes(text[i]) && i + 1 < text.length) i++;
    value += text[i++];
  }
  return { value, end: Math.min(i + 1, text.length) };
}

function delimited(text: string, mode: Extract<ParseKvMode, { kind: 'delimited' }>): Map<string, string> {
  const found = new Map<string, string>();
  const { pair, kv, quotes, escapes } = mode;
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' && pair !== ' ') i++;
    // The key: quoted, or up to the key/value delimiter (a pair delimiter first means no value).
    let key: string;
    const quotedKey = readQuoted(text, i, quotes, escapes);
    if (quotedKey) {
      key = quotedKey.value;
      i = quotedKey.end;
    } else {
      const kvAt = text.indexOf(kv, i);
      const pairAt = text.indexOf(pair, i);
      if (kvAt < 0) break;
      if (pairAt >= 0 && pairAt < kvAt) {
        i = pairAt + pair.length;
        continue;
      }
      key = text.slice(i, kvAt);
      i = kvAt;
    }
    const afterKey = text.indexOf(kv, i);
    const nextPair = text.indexOf(pair, i);
    if (afterKey < 0 || (nextPair >= 0 && nextPair < afterKey) || text.slice(i, afterKey).trim() !== '') {
      if (nextPair < 0) break;
      i = nextPair + pair.length;
      continue;
    }
    i = afterKey + kv.length;
    while (text[i] === ' ' && pair !== ' ') i++;
    let value: string;
    const quotedValue = readQuoted(text, i, quotes, escapes);
    if (quotedValue) {
      value = quotedValue.value;
      const next = text.indexOf(pair, quotedValue.end);
      i = next < 0 ? text.length : next + pair.length;
    } else {
      let end = text.indexOf(pair, i);
      if (mode.greedy && end >= 0) {
        // Greedy: the value runs to the next key, i.e. the last pair delimiter before the next
        // key/value delimiter (or to the end of the text).
        const nextKv = text.indexOf(kv, end);
        end = nextKv < 0 ? -1 : text.lastIndexOf(pair, nextKv);
      }
      value = end < 0 ? text.slice(i) : text.slice(i, end);
      i = end < 0 ? text.length : end + pair.length;
    }
    const name = key.trim();
    if (!found.has(name)) found.set(name, quotedValue ? value : value.trim());
  }
  return found;
}

const ALPHANUMERIC = /[\p{L}\p{N}]/u;
// The page's "non-alphanumeric" does not say whether it means ASCII (the string operators page's term
// rule said ASCII in 2020, not in 2023; .NET's char.IsLetterOrDigit takes no marks): over a text with
// a non-ASCII character the three readings must find the same keys and values, else it is refused.
const READINGS = [/[A-Za-z0-9]/, ALPHANUMERIC, /[\p{L}\p{N}\p{M}]/u];
// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
const NON_ASCII = /[^\x00-\x7f]/;

const entriesText = (m: Map<string, string>) => JSON.stringify([...m]);

function undelimited(
  text: string,
  mode: Extract<ParseKvMode, { kind: 'undelimited' }>,
  alphanumeric = ALPHANUMERIC,
): Map<string, string> {
  // Tokens are maximal alphanumeric runs or quoted texts; every other character delimits. A listed
  // key's value is the token after it.
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const quoted = readQuoted(text, i, mode.quotes, mode.escapes);
    if (quoted) {
      tokens.push(quoted.value);
      i = quoted.end;
    } else if (alphanumeric.test(text[i])) {
      let end = i;
      while (end < text.length && alphanumeric.test(text[end])) end++;
      tokens.push(text.slice(i, end));
      i = end;
    } else i++;
  }
  const found = new Map<string, string>();
  for (let k = 0; k + 1 < tokens.length; k++) {
    if (!mode.keys.includes(tokens[k]) || found.has(tokens[k])) continue;
    found.set(tokens[k], tokens[k + 1]);
    k++;
  }
  return found;
}

function byRegex(text: string, pattern: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of regexMatches(compileRegex(pattern), text)) {
    const key = (m.groups[1] ?? '').trim();
    if (!found.has(key)) found.set(key, (m.groups[2] ?? '').trim());
  }
  return found;
}

/** The keys found in `text` and their value texts; `span` positions a refusal. */
export function extractKeyValues(text: string, mode: ParseKvMode, span?: Span): Map<string, string> {
  if (mode.kind === 'delimited') return delimited(text, mode);
  if (mode.kind === 'undelimited') {
    if (!NON_ASCII.test(text)) return undelimited(text, mode);
    const [first, ...others] = READINGS.map((r) => undelimited(text, mode, r));
    if (others.some((m) => entriesText(m) !== entriesText(first)))
      throw new UnsupportedError(
        'parse-kv without delimiters over non-ASCII text',
        span ?? { start: 0, length: 0 },
        `parse-kv without delimiters over ${JSON.stringify(text.slice(0, 40))}: the keys or values depend on ` +
          'whether a non-ASCII letter, digit or mark counts as alphanumeric, which the parse-kv page does not ' +
          'say; name the delimiters (pair_delimiter, kv_delimiter) to say which is meant',
      );
    return first;
  }
  return byRegex(text, mode.pattern);
}
