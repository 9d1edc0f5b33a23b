import { createHash } from 'node:crypto';
import { splitDateTime } from '../values/datetime.js';
import {
  convertInQuery,
  EvaluationError,
  type Json,
  type KqlType,
  setOwn,
  UnsupportedError,
  type Value,
} from '../values/index.js';
import { mapCase } from './caseMapping.js';
import { num } from './math.js';
import { compileRegex, groupIndex, regexMatches } from './regex.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';
import { onBothReadings } from './unicodePositions.js';

/** A function of string arguments (non-strings are converted with tostring()). */
function strings(f: (...s: string[]) => Value): ScalarImpl {
  return (args, types) => f(...args.map((a, i) => text(a, types[i])));
}

/**
 * substring(source, startingIndex[, length]) (https://learn.microsoft.com/kusto/query/substring-function):
 * a negative start counts from the end (substring("123456", -2, 2) == "56"), and a length past the
 * end stops at the end ("continues to the end of the string or length characters"). A start past the
 * end gives "": Microsoft's Snowflake parser reads tolong(substring(DTime, 24, 3)) of a DELETED_ON
 * that is mostly empty. The page says nothing of a negative start before the beginning (clamped to 0,
 * or the characters before it counted against length?) or a negative length: refused.
 */
const substring: ScalarImpl = ([s, start, length], types) => {
  const begin = num(start);
  const count = length === undefined ? undefined : num(length);
  if (begin === null || count === null) return '';
  return onBothReadings('substring()', [text(s, types[0])], ([source]) => {
    const from = begin < 0 ? source.length + begin : begin;
    if (from > source.length) return '';
    if (from < 0 || (count !== undefined && count < 0))
      throw new UnsupportedError(
        'substring() with a start before the string or a negative length',
        `substring() from ${begin}${count === undefined ? '' : ` for ${count}`} of a string of ${source.length}: the substring page covers a start inside the string and a non-negative length only; refusing rather than guessing`,
      );
    return source.substr(from, count ?? source.length);
  });
};

/**
 * An empty delimiter is not on the split page: .NET's String.Split ignores an empty separator (one
 * part, the whole string) while JavaScript splits into UTF-16 units; refused.
 */
const split: ScalarImpl = ([s, delimiter, index, indexed], types) => {
  const separator = text(delimiter, types[1]);
  if (separator === '')
    throw new UnsupportedError(
      'split() with an empty delimiter',
      'split() with an empty delimiter: the split page does not cover it, and .NET keeps the whole string where splitting into characters gives one part per character; refusing rather than guessing',
    );
  const parts = text(s, types[0]).split(separator);
  if (index === undefined) return parts;
  const i = num(index);
  // The page: "the returned string array contains the requested substring at the index if it
  // exists" -- it prints only an index that exists, and says nothing of a null or negative one (an
  // empty array, a null, or counting from the end as array_slice does are all readings).
  // Read through `[k]` (lower/scalar.ts elementOfSplit), [] and null give the same null element.
  if (indexed === true && i !== null && i >= parts.length) return [];
  if (i === null || i < 0 || i >= parts.length)
    throw new UnsupportedError(
      'split() with a requestedIndex outside the parts',
      `split() with requestedIndex ${i === null ? 'null' : i} over ${parts.length} part(s): the split page prints only an index that exists, not whether a missing one gives [] or null (or counts from the end); refusing rather than guessing`,
    );
  return [parts[i]];
};

const replaceString: ScalarImpl = strings((s, lookup, rewrite) =>
  lookup === '' ? s : s.split(lookup).join(rewrite),
);

/** Kusto rewrite patterns refer to groups as \1..\9 (and \0); `$` has no special meaning. */
function expandRewrite(rewrite: string, groups: (string | null)[]): string {
  return rewrite.replace(/\\(\d)/g, (_whole, d: string) => groups[Number(d)] ?? '');
}

/**
 * A rewrite naming a group the regex lacks (`\2` with one group) is refused, matched or not: RE2's
 * GlobalReplace rejects such a rewrite before matching, the replace_regex page says nothing of it, and
 * the engine copied the `\2` into the text.
 */
function refuseMissingGroup(rewrite: string, groupCount: number): void {
  for (const m of rewrite.matchAll(/\\(\d)/g))
    if (Number(m[1]) > groupCount)
      throw new UnsupportedError(
        'replace_regex() rewrite naming a group the regex lacks',
        `replace_regex() with the rewrite ${JSON.stringify(rewrite)}: it names group ${m[1]} but the regex has ${groupCount}; the page does not say whether that fails or is copied as text; add the group or drop the reference`,
      );
}

const replaceRegex: ScalarImpl = strings((source, pattern, rewrite) => {
  const re = compileRegex(pattern);
  refuseMissingGroup(rewrite, re.groupCount());
  let out = '';
  let last = 0;
  for (const m of regexMatches(re, source)) {
    out += source.slice(last, m.start) + expandRewrite(rewrite, m.groups);
    last = m.end;
  }
  return out + source.slice(last);
});

/**
 * `replace(regex, rewrite, text)`: the deprecated alias of replace_regex takes its arguments in
 * another order (Kusto.Language's `replace` symbol: regex, rewrite, source; replace_regex: source,
 * lookup_regex, rewrite_pattern; https://learn.microsoft.com/kusto/query/replace-regex-function).
 */
const replaceDeprecated: ScalarImpl = (
  [regex, rewrite, source],
  [regexType, rewriteType, sourceType],
  ...rest
) => replaceRegex([source, regex, rewrite], [sourceType, regexType, rewriteType], ...rest);

/** The group's text converted to the requested type (extract's optional typeof() argument). */
function typedGroup(group: string | null, resultType: KqlType): Value {
  if (resultType === 'string') return group ?? '';
  return group === null ? null : convertInQuery(group, resultType, `extract() to typeof(${resultType})`);
}

const extract: ScalarImpl = ([pattern, group, source], types, resultType) => {
  const re = compileRegex(text(pattern, types[0]));
  const index = num(group);
  if (index === null || groupIndex(re, index) === undefined) return typedGroup(null, resultType);
  const m = re.matcher(text(source, types[2]));
  return typedGroup(m.find() ? m.group(index) : null, resultType);
};

const extractAll: ScalarImpl = (args, types) => {
  const [pattern, groupsArg, source] = args.length === 2 ? [args[0], null, args[1]] : args;
  const sourceType = types[args.length - 1];
  const re = compileRegex(text(pattern, types[0]));
  // The page's regex holds "between one and 16 capture groups"; without one, whether Kusto returns
  // the whole matches (as the engine did), fails or returns nothing is not documented.
  if (re.groupCount() === 0 && !Array.isArray(groupsArg))
    throw new UnsupportedError(
      'extract_all() of a regex without a capture group',
      'extract_all() of a regex without a capture group: the extract_all page takes a regex "containing ' +
        'between one and 16 capture groups" and does not say what one without them returns; put the ' +
        'pattern in parentheses to extract whole matches',
    );
  const requested: (number | string)[] = Array.isArray(groupsArg)
    ? (groupsArg as Json[]).map((g) => (typeof g === 'number' || typeof g === 'string' ? g : -1))
    : Array.from({ length: re.groupCount() }, (_, i) => i + 1);
  const indexes = requested.map((g) => {
    if (g === 0)
      throw new UnsupportedError(
        'extract_all() of capture group 0',
        'extract_all() of capture group 0: the extract_all page\'s captureGroups take "values from 1 to the ' +
          'number of capturing groups" and do not say what 0 (the whole match) returns; put the pattern in ' +
          'parentheses and name that group',
      );
    const i = groupIndex(re, g);
    if (i === undefined) throw new EvaluationError(`extract_all(): capture group '${g}' does not exist`);
    return i;
  });
  const rows: Json[] = [];
  for (const m of regexMatches(re, text(source, sourceType))) {
    const values = indexes.map((i) => m.groups[i] ?? '');
    // "If number of captureGroups is 1: The returned array has a single dimension" (extract_all page),
    // whether the groups are named by the captureGroups argument or are all of the regex's.
    rows.push(indexes.length === 1 ? values[0] : values);
  }
  return rows.length === 0 ? null : rows;
};

/**
 * indexof(): each further occurrence is searched again from one past the previous hit with the same
 * window length, as the docs' example indexof("abcdefgabcdefg", "cde", 1, 10, 2) == 9 shows. The page
 * gives null for a length below -1 or an occurrence below 0 (whatever the start), and offsets a
 * negative start from the end (idx5: -5 over 7 characters is 2) while also listing "start is less
 * than 0" as null: a negative start that passes the beginning is read both ways (clamped to 0, or
 * null), so it is refused, and so is an occurrence of 0, which the page does not describe (as for
 * indexof_regex).
 */
const indexOf: ScalarImpl = ([s, lookup, start, length, occurrence], types) => {
  const begin = num(start ?? 0) ?? 0;
  const len = length === undefined || length === null ? -1 : (num(length) ?? -1);
  const n = num(occurrence ?? 1) ?? 1;
  const texts = [text(s, types[0]), text(lookup, types[1])];
  if (len < -1 || n < 0) return null;
  if (n === 0) throw new UnsupportedError('indexof() with occurrence 0');
  return onBothReadings('indexof()', texts, ([source, needle]) => {
    let from = begin < 0 ? source.length + begin : begin;
    if (from < 0)
      throw new UnsupportedError(
        'indexof() with a negative start before the beginning',
        `indexof() with start ${begin} over ${source.length} character(s): the indexof page offsets a negative start from the end and also returns null when start is less than 0; refusing rather than guessing`,
      );
    if (from > source.length) return -1;
    let found = -1;
    for (let k = 0; k < n; k++) {
      const end = len < 0 ? source.length : Math.min(source.length, from + len);
      const i = source.indexOf(needle, from);
      if (i < 0 || i + needle.length > end) return -1;
      found = i;
      from = i + 1;
    }
    return found;
  });
};

const countOf: ScalarImpl = ([s, search, kind], types) => {
  const source = text(s, types[0]);
  const needle = text(search, types[1]);
  if (kind !== undefined && text(kind, types[2]) === 'regex') {
    let n = 0;
    for (const _ of regexMatches(compileRegex(needle), source)) n++;
    return n;
  }
  if (needle === '') return 0;
  // Plain matches may overlap: countof("aaaa", "aa") == 3 (countof doc).
  let n = 0;
  for (let i = source.indexOf(needle); i >= 0; i = source.indexOf(needle, i + 1)) n++;
  return n;
};

/** trim functions remove repeated matches of a regex at the start and/or end. */
function trimmer(start: boolean, end: boolean): ScalarImpl {
  return ([pattern, s], types) => {
    const p = text(pattern, types[0]);
    let out = text(s, types[1]);
    if (start) {
      const m = compileRegex(`^(?:${p})+`).matcher(out);
      if (m.find()) out = out.slice(m.end());
    }
    if (end) {
      const m = compileRegex(`(?:${p})+$`).matcher(out);
      if (m.find()) out = out.slice(0, m.start());
    }
    return out;
  };
}

const strcatDelim: ScalarImpl = ([delimiter, ...rest], [td, ...types]) =>
  rest.map((v, i) => text(v, types[i])).join(text(delimiter, td));

/**
 * strrep(value, multiplier[, delimiter]) (https://learn.microsoft.com/kusto/query/strrep-function):
 * the multiplier "Must be a value from 1 to 67108864", yet "If multiplier is more than the maximal
 * allowed value of 1024, the input string will be repeated 1024 times". Below 1 is outside the stated
 * range and 1025..67108864 is read two ways by the page, so both are refused.
 */
const strrep: ScalarImpl = ([v, times, delimiter], types) => {
  const n = num(times);
  if (n === null) return '';
  if (n < 1 || n > 1024)
    throw new UnsupportedError(
      'strrep() with a multiplier below 1 or above 1024',
      `strrep() with multiplier ${n}: the strrep page requires 1 to 67108864 and also says a multiplier above 1024 repeats 1024 times; refusing rather than guessing`,
    );
  const sep = delimiter === undefined ? '' : text(delimiter, types[2]);
  return Array.from({ length: Math.min(n, 1024) }, () => text(v, types[0])).join(sep);
};

function hash(algorithm: 'sha256' | 'md5' | 'sha1'): ScalarImpl {
  return ([v], [t]) => createHash(algorithm).update(text(v, t), 'utf8').digest('hex');
}

const base64Decode: ScalarImpl = ([v], [t]) => {
  const s = text(v, t);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return '';
  const bytes = Buffer.from(s, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return '';
  }
};

const QUERY_SAFE = /[A-Za-z0-9\-_.!*'()]/;

/**
 * url_encode: .NET HttpUtility.UrlEncode, as Kusto uses: lower-case %xx escapes, a space as '+'.
 * url_encode_component differs only in writing a space as '%20' (its page: "Differs from
 * url_encode by encoding spaces as '%20' and not as '+'", and it prints lower-case escapes,
 * `https%3a%2f%2fwww.bing.com%2fhello%20world`).
 */
function urlEncoder(space: string): (s: string) => string {
  return (s) => {
    let out = '';
    for (const byte of Buffer.from(s, 'utf8')) {
      const c = String.fromCharCode(byte);
      if (byte < 0x80 && QUERY_SAFE.test(c)) out += c;
      else if (c === ' ') out += space;
      else out += `%${byte.toString(16).padStart(2, '0')}`;
    }
    return out;
  };
}

/**
 * url_decode (and the values parse_url/parse_urlquery decode): `%xx` escapes as UTF-8. A '%' that
 * does not start a valid escape, or escapes that are not UTF-8, are refused: no page says whether
 * the service keeps them as text or fails. A '+' is refused too: the url_decode page points to
 * percent-encoding, where '+' is itself (RFC 3986), while url_encode writes a space as '+' (its page
 * prints `hello+world`), which form decoding reads back as a space; no page prints either reading.
 */
function urlDecode(s: string): string {
  if (s.includes('+'))
    throw new UnsupportedError(
      "url decoding of a '+'",
      `url decoding of ${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s)}: whether '+' decodes to a space (form encoding, as url_encode writes a space) or stays '+' (percent-encoding, the url_decode page's link) is not documented; replace_string(s, "+", " ") or "%2B" first says which`,
    );
  try {
    return decodeURIComponent(s);
  } catch {
    throw new UnsupportedError(
      'url_decode() of a malformed escape',
      `url decoding of ${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s)}: a '%' that is not a valid UTF-8 escape is not documented`,
    );
  }
}

/**
 * `k1=v1&k2=v2` as a bag of decoded keys and values, as parse_url and parse_urlquery give them. A
 * parameter repeated with another value (`x=1&x=2`) cannot be held by one bag (its keys are unique,
 * dynamic page), and neither page says which value is kept (the engine kept the last): refused.
 */
function queryParameters(query: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = urlDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = urlDecode(eq < 0 ? '' : pair.slice(eq + 1));
    if (Object.hasOwn(out, key) && out[key] !== value)
      throw new UnsupportedError(
        'parse_url()/parse_urlquery() of a repeated query parameter',
        `the query parameter ${JSON.stringify(key)} is given twice with different values; a property bag maps unique keys (dynamic data type page) and the parse_url/parse_urlquery pages do not say which value is kept`,
      );
    setOwn(out, key, value);
  }
  return out;
}

/**
 * parse_urlquery(query): `{"Query Parameters": {...}}`
 * (https://learn.microsoft.com/kusto/query/parse-urlquery-function); a leading `?` is not
 * described by the page, so it is refused rather than read as part of the first key.
 */
const parseUrlQuery: ScalarImpl = ([v], [t]): Json => {
  const s = text(v, t);
  if (s.startsWith('?')) throw new UnsupportedError('parse_urlquery() of a query starting with ?');
  return { 'Query Parameters': queryParameters(s) };
};

const parseUrl: ScalarImpl = ([v], [t]): Json => {
  const s = text(v, t);
  const m =
    /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?([^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(
      s,
    );
  if (!m) return {};
  const query = queryParameters(m[7] ?? '');
  return {
    Scheme: m[1],
    Host: m[4],
    Port: m[5] ?? '',
    Path: m[6],
    Username: m[2] ?? '',
    Password: m[3] ?? '',
    'Query Parameters': query,
    Fragment: m[8] ?? '',
  };
};

/** parse_path: the drive (`C:`) is the only RootPath the docs show; shares and Unix paths have none. */
const parsePath: ScalarImpl = ([v], [t]) => {
  const s = text(v, t);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(s);
  const path = scheme ? s.slice(scheme[0].length) : s;
  const lastSep = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const directoryPath = lastSep < 0 ? '' : path.slice(0, lastSep);
  const [filename, stream = ''] = path.slice(lastSep + 1).split(':');
  const dot = filename.lastIndexOf('.');
  const dirSep = Math.max(directoryPath.lastIndexOf('/'), directoryPath.lastIndexOf('\\'));
  return {
    Scheme: scheme ? scheme[1] : '',
    RootPath: /^[A-Za-z]:/.exec(path)?.[0] ?? '',
    DirectoryPath: directoryPath,
    DirectoryName: directoryPath.slice(dirSep + 1),
    Filename: filename,
    Extension: dot < 0 ? '' : filename.slice(dot + 1),
    AlternateDataStreamName: stream,
  };
};

/** The delimiters the format_datetime and format_timespan pages list ("Supported delimiters"). */
const FORMAT_DELIMITERS = new Set([' ', '/', '-', ':', ',', '.', '_', '[', ']']);

/**
 * Refuses a format holding what its page does not list: a run of one letter that is no element
 * (`ddd`, `MMM`, `yyy` in format_datetime; the engine split them into elements, "022" for `ddd`,
 * where .NET writes a day name), another letter (`T`, `Z`, `a`) or a character that is no delimiter
 * (quotes, which .NET reads as literal text and the engine copied). `elements` maps a letter to the
 * run lengths its page lists.
 */
function refuseUndocumentedFormat(fn: string, format: string, elements: Record<string, number[]>): void {
  for (let i = 0; i < format.length; ) {
    const c = format[i];
    let j = i + 1;
    while (format[j] === c) j++;
    const documented =
      FORMAT_DELIMITERS.has(c) || (Object.hasOwn(elements, c) && elements[c].includes(j - i));
    if (!documented)
      throw new UnsupportedError(
        `${fn}() with a format part its page does not list`,
        `${fn}() with the format ${JSON.stringify(format)}: ${JSON.stringify(format.slice(i, j))} is neither a format element nor a delimiter its page lists (${[...FORMAT_DELIMITERS].join('')}), and what Kusto writes for it (a .NET custom format element, the text itself, or an error) is not documented; build the text with strcat() of documented parts`,
      );
    i = j;
  }
}

const upTo = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
// https://learn.microsoft.com/kusto/query/format-datetime-function, "Supported format elements".
const DATETIME_ELEMENTS: Record<string, number[]> = {
  d: [1, 2],
  f: upTo(7),
  F: upTo(7),
  h: [1, 2],
  H: [1, 2],
  m: [1, 2],
  M: [1, 2],
  s: [1, 2],
  y: [1, 2, 4],
  t: [2],
};
// https://learn.microsoft.com/kusto/query/format-timespan-function: d-dddddddd, f/F, H/HH, m/mm, s/ss
// in its table, and h/hh in its printed example (`ddd.h:mm:ss` gives 029.9:00:05).
const TIMESPAN_ELEMENTS: Record<string, number[]> = {
  d: upTo(8),
  f: upTo(7),
  F: upTo(7),
  h: [1, 2],
  H: [1, 2],
  m: [1, 2],
  s: [1, 2],
};

/** .NET custom datetime format tokens that format_datetime documents. */
const DATETIME_TOKEN = /(d{1,2}|f{1,7}|F{1,7}|h{1,2}|H{1,2}|m{1,2}|M{1,2}|s{1,2}|y{4}|y{2}|y|tt)/g;

function formatDateTimeWith(t: bigint, format: string): string {
  refuseUndocumentedFormat('format_datetime', format, DATETIME_ELEMENTS);
  const p = splitDateTime(t);
  const fraction = String(p.fraction).padStart(7, '0');
  return format.replace(DATETIME_TOKEN, (tok) => {
    const pad = (n: number) => String(n).padStart(tok.length, '0');
    switch (tok[0]) {
      case 'd':
        return pad(p.day);
      case 'f':
        return fraction.slice(0, tok.length);
      case 'F':
        return fraction.slice(0, tok.length).replace(/0+$/, '');
      case 'h':
        return pad(p.hour % 12 === 0 ? 12 : p.hour % 12);
      case 'H':
        return pad(p.hour);
      case 'm':
        return pad(p.minute);
      case 'M':
        return pad(p.month);
      case 's':
        return pad(p.second);
      case 'y':
        return tok.length === 2
          ? String(p.year % 100).padStart(2, '0')
          : tok.length === 1
            ? String(p.year % 100)
            : pad(p.year);
      default:
        return p.hour < 12 ? 'AM' : 'PM';
    }
  });
}

const TIMESPAN_TOKEN = /(d{1,8}|f{1,7}|F{1,7}|h{1,2}|H{1,2}|m{1,2}|s{1,2})/g;

/**
 * format_timespan(): the page's elements and examples cover only non-negative spans; .NET's custom
 * TimeSpan formats, which its elements follow, write no sign (a `-` must be a literal), while the
 * engine prefixed one. A negative span is refused.
 */
function formatTimespanWith(t: bigint, format: string): string {
  if (t < 0n)
    throw new UnsupportedError(
      'format_timespan() of a negative timespan',
      'format_timespan() of a negative timespan: the page formats only non-negative spans, and .NET custom TimeSpan formats write no sign; refusing rather than guessing',
    );
  refuseUndocumentedFormat('format_timespan', format, TIMESPAN_ELEMENTS);
  const a = t;
  const days = a / 864_000_000_000n;
  const inDay = Number(a % 864_000_000_000n);
  const seconds = Math.floor(inDay / 1e7);
  const fraction = String(inDay % 1e7).padStart(7, '0');
  const body = format.replace(TIMESPAN_TOKEN, (tok) => {
    const pad = (n: number | bigint) => String(n).padStart(tok.length, '0');
    switch (tok[0]) {
      case 'd':
        return pad(days);
      case 'f':
        return fraction.slice(0, tok.length);
      case 'F':
        return fraction.slice(0, tok.length).replace(/0+$/, '');
      case 'h':
      case 'H':
        return pad(Math.floor(seconds / 3600));
      case 'm':
        return pad(Math.floor(seconds / 60) % 60);
      default:
        return pad(seconds % 60);
    }
  });
  return body;
}

const formatDatetimeFn: ScalarImpl = ([t, f], types) =>
  typeof t === 'bigint' ? formatDateTimeWith(t, text(f, types[1])) : '';
const formatTimespanFn: ScalarImpl = ([t, f], types) =>
  typeof t === 'bigint' ? formatTimespanWith(t, text(f, types[1])) : '';

/**
 * tohex(value [, minLength]): a negative number is the two's complement of its own width, 32 bits for
 * an int and 64 for a long (https://learn.microsoft.com/kusto/query/tohex-function:
 * tohex(toint(-256), 8) == 'ffffff00').
 */
const toHex: ScalarImpl = ([v, minLength], types) => {
  const n = num(v);
  if (n === null || !Number.isInteger(n)) return '';
  const hex = BigInt.asUintN(types[0] === 'int' ? 32 : 64, BigInt(n)).toString(16);
  return hex.padStart(num(minLength ?? 0) ?? 0, '0');
};

/**
 * parse_csv(text): the fields of the first record; a line feed outside quotes ends it ("only the
 * first record is taken", https://learn.microsoft.com/kusto/query/parse-csv-function). A carriage
 * return outside quotes is refused: the page does not say whether CRLF ends a record.
 */
const parseCsv: ScalarImpl = strings((s) => {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!quoted && c === '\n') break;
    if (!quoted && c === '\r')
      throw new UnsupportedError('parse_csv() of a record with a carriage return outside quotes');
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
});

const translate: ScalarImpl = strings((searchList, replacementList, source) =>
  onBothReadings('translate()', [searchList, replacementList, source], ([from, to, s]) => {
    let out = '';
    for (const c of s.split('')) {
      const i = from.indexOf(c);
      if (i < 0) out += c;
      else if (to.length > 0) out += to[Math.min(i, to.length - 1)];
    }
    return out;
  }),
);

/** "If any argument isn't a valid Unicode codepoint, the function returns null" (null strings are ''). */
const codepointsToString: ScalarImpl = (args) => {
  const points = args.flat();
  const valid = (x: unknown): x is number =>
    Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0x10ffff;
  return points.every(valid) ? fromCodePoints(points as number[]) : '';
};

export const stringFunctions: FunctionTable = {
  strcat: (args, types) => args.map((v, i) => text(v, types[i])).join(''),
  strcat_delim: strcatDelim,
  strlen: strings((s) => [...s].length),
  string_size: strings((s) => Buffer.byteLength(s, 'utf8')),
  substring,
  tolower: strings((s) => mapCase(s, false)),
  toupper: strings((s) => mapCase(s, true)),
  trim: trimmer(true, true),
  trim_start: trimmer(true, false),
  trim_end: trimmer(false, true),
  split,
  replace_string: replaceString,
  replace: replaceDeprecated,
  replace_regex: replaceRegex,
  extract,
  extract_all: extractAll,
  indexof: indexOf,
  countof: countOf,
  reverse: strings((s) => onBothReadings('reverse()', [s], ([x]) => x.split('').reverse().join(''))),
  strrep,
  strcmp: strings((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  translate,
  parse_csv: parseCsv,
  parse_url: parseUrl,
  parseurl: parseUrl,
  parse_urlquery: parseUrlQuery,
  parse_path: parsePath,
  url_encode: strings(urlEncoder('+')),
  url_encode_component: strings(urlEncoder('%20')),
  url_decode: strings(urlDecode),
  base64_encode_tostring: strings((s) => Buffer.from(s, 'utf8').toString('base64')),
  base64_decode_tostring: base64Decode,
  hash_sha256: hash('sha256'),
  hash_md5: hash('md5'),
  hash_sha1: hash('sha1'),
  format_datetime: formatDatetimeFn,
  format_timespan: formatTimespanFn,
  tohex: toHex,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  isascii: strings((s) => /^[\x00-\x7f]*$/.test(s)),
  // JS strings hold UTF-16; every string that reaches the engine decoded as valid UTF-8.
  isutf8: () => true,
  unicode_codepoints_from_string: strings((s) => [...s].map((c) => c.codePointAt(0) as number)),
  // One or more code points, each a number or a dynamic array of them
  // (https://learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function); make_string is
  // its deprecated alias.
  unicode_codepoints_to_string: codepointsToString,
  make_string: codepointsToString,
};

/**
 * String.fromCodePoint over an array of any length, in slices: spreading a large array into one
 * call passes every element as an argument and overflows the stack (RangeError) past ~120k.
 */
function fromCodePoints(points: number[]): string {
  let text = '';
  for (let i = 0; i < points.length; i += 8192) text += String.fromCodePoint(...points.slice(i, i + 8192));
  return text;
}
