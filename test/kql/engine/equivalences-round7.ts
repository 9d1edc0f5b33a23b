import fc from 'fast-check';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import type { Pair } from './equivalences.js';

// Round 7 of the documented equivalences (differential.test.ts, issue 11 session 11), over table W:
// text with non-ASCII letters, surrogate pairs and combining marks, number text in forms no page prints,
// reals at halfway points, datetimes at month ends and year boundaries, timespans, and dynamic scalars of
// every kind. Each pair states the page that makes its two sides equal; a side the engine refuses on an
// input (a dynamic string against a number, a clamped month) is not compared, two answers must agree.

export const columns: Table['columns'] = [
  { name: 'n', type: 'long' },
  { name: 's', type: 'string' },
  { name: 'r', type: 'real' },
  { name: 't', type: 'datetime' },
  { name: 'x', type: 'string' },
  { name: 'd', type: 'dynamic' },
  { name: 'ts', type: 'timespan' },
];
export const catalog = catalogOf([{ name: 'W', columns }]);

const TICKS_PER_DAY = 864_000_000_000n;
const EPOCH = 621_355_968_000_000_000n; // 1970-01-01 in ticks
const day = (y: number, m: number, d: number) =>
  EPOCH + BigInt(Date.UTC(y, m - 1, d) / 86_400_000) * TICKS_PER_DAY;

export const row = fc.tuple(
  fc.option(fc.oneof(fc.integer({ min: -7, max: 7 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 2 ** 52)), {
    nil: null,
  }),
  fc.constantFrom(
    'a',
    'É',
    'é',
    'e\u0301',
    '😀',
    'a😀b',
    'ß',
    'ǅ',
    'x,y',
    ',',
    'a,,b',
    'İi',
    '日本',
    'foo.bar',
    'foo_bar',
    'Ab-12',
    '',
    ' ',
  ),
  fc.option(fc.constantFrom(-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.125, -7.5, 1e-7, 1e15, 123.456, 3, -4), {
    nil: null,
  }),
  fc.option(
    fc.oneof(
      fc.constantFrom(
        day(2020, 1, 31),
        day(2020, 2, 29),
        day(2020, 12, 31) + TICKS_PER_DAY - 1n,
        day(2021, 1, 1),
        day(2019, 2, 28),
        day(2000, 2, 29) + TICKS_PER_DAY / 2n,
        day(1999, 12, 31) + 1n,
        day(2020, 3, 1),
        day(2021, 12, 27),
      ),
      fc.integer({ min: -400, max: 400 }).map((k) => day(2020, 6, 15) + BigInt(k) * (TICKS_PER_DAY / 3n)),
    ),
    { nil: null },
  ),
  fc.constantFrom('12', '-7', '12.5', '1e3', ' 12', '+5', 'NaN', 'abc', '0x10', '', '0.25'),
  fc.constantFrom<Value>(null, 1, '1', 1.5, true, 'x', [1], { a: 1 }, 3, '3'),
  fc.option(
    fc.constantFrom(
      0n,
      1n,
      10_000_000n,
      36_000_000_000n,
      864_000_000_000n + 36_610_000_000n,
      5n * 864_000_000_000n,
    ),
    { nil: null },
  ),
);

export const pairs: Pair[] = [
  // format_datetime page: yyyy, MM, dd, HH, mm, ss, fffffff are the calendar parts that tostring()
  // of a datetime writes (ISO 8601, the datetime page).
  {
    why: 'format_datetime date / tostring prefix',
    a: "extend a = format_datetime(t, 'yyyy-MM-dd')",
    b: 'extend a = substring(tostring(t), 0, 10)',
  },
  {
    why: 'format_datetime time / tostring middle',
    a: "extend a = format_datetime(t, 'HH:mm:ss.fffffff')",
    b: 'extend a = substring(tostring(t), 11, 16)',
  },
  {
    why: 'format_datetime M, d / getmonth, dayofmonth',
    a: "extend a = format_datetime(t, 'M'), b = format_datetime(t, 'd')",
    b: 'extend a = tostring(getmonth(t)), b = tostring(dayofmonth(t))',
  },
  {
    why: 'format_datetime yy / the year modulo 100, two digits',
    a: "where isnotnull(t) | extend a = format_datetime(t, 'yy')",
    b: 'where isnotnull(t) | extend a = substring(tostring(getyear(t) % 100 + 100), 1, 2)',
  },
  {
    why: 'format_datetime h tt / the 12-hour clock from hourofday',
    a: "where isnotnull(t) | extend a = format_datetime(t, 'h tt')",
    b: "where isnotnull(t) | extend h = hourofday(t) | extend a = strcat(iff(h % 12 == 0, 12, h % 12), ' ', iff(h < 12, 'AM', 'PM')) | project-away h",
  },
  // format_timespan page: d is whole days, HH:mm:ss the time of day; tostring() writes d.hh:mm:ss.
  {
    why: 'format_timespan HH:mm:ss / tostring of the part within a day',
    a: "where ts >= 0s | extend a = format_timespan(ts, 'HH:mm:ss')",
    b: 'where ts >= 0s | extend a = substring(tostring(ts % 1d), 0, 8)',
  },
  {
    why: 'format_timespan d / whole days',
    a: "where ts >= 0s | extend a = format_timespan(ts, 'd')",
    b: 'where ts >= 0s | extend a = tostring(tolong(ts / 1d))',
  },
  // datetime_add page: period x amount added; a fixed period is a fixed timespan (timespan page).
  { why: 'datetime_add day / + 1d', a: "extend a = datetime_add('day', 3, t)", b: 'extend a = t + 3d' },
  { why: 'datetime_add week / + 7d', a: "extend a = datetime_add('week', -2, t)", b: 'extend a = t - 14d' },
  { why: 'datetime_add hour / + 1h', a: "extend a = datetime_add('hour', 25, t)", b: 'extend a = t + 25h' },
  // datetime_add of months: the month of the result is the month plus the amount (where it answers).
  {
    why: 'datetime_add month / getmonth arithmetic',
    a: "where isnotnull(t) | extend a = getmonth(datetime_add('month', 1, t))",
    b: 'where isnotnull(t) | extend a = getmonth(t) % 12 + 1',
  },
  {
    why: 'datetime_add month onto the first / startofmonth offset',
    a: "extend a = datetime_add('month', n, startofmonth(t))",
    b: 'extend a = startofmonth(t, n)',
  },
  // endofmonth / startofmonth pages: the month's last tick is one tick before the next month's start.
  {
    why: 'endofmonth / startofmonth next - 1tick',
    a: 'extend a = endofmonth(t)',
    b: 'extend a = startofmonth(t, 1) - 1tick',
  },
  {
    why: 'endofyear / startofyear next - 1tick',
    a: 'extend a = endofyear(t)',
    b: 'extend a = startofyear(t, 1) - 1tick',
  },
  // getyear / dayofyear at year boundaries: the last tick of a year is in it, the next tick is not.
  {
    why: 'dayofyear / ticks since startofyear',
    a: 'extend a = dayofyear(t)',
    b: 'extend a = tolong((startofday(t) - startofyear(t)) / 1d) + 1',
  },
  // bin page: rounds down to a multiple of the bin size; floor is bin.
  {
    why: 'bin of a real / floor of the scaled value',
    a: 'extend a = bin(r, 0.5)',
    b: 'extend a = floor(r * 2, 1) / 2',
  },
  { why: 'bin of a long / floor', a: 'extend a = bin(n, 3)', b: 'extend a = floor(n, 3)' },
  // round page: round(x) is round(x, 0); a real of an exact half is refused on both sides.
  { why: 'round / round with 0 digits', a: 'extend a = round(r)', b: 'extend a = round(r, 0)' },
  // The dynamic page: a dynamic scalar compares as the value it holds; in is an or of equalities.
  { why: 'dynamic == / in', a: 'extend a = d == 1', b: 'extend a = d in (1)' },
  { why: 'dynamic == string / in', a: "extend a = d == 'x'", b: "extend a = d in ('x')" },
  {
    why: 'dynamic > / not <=',
    a: 'where isnotnull(d) | extend a = d > 2',
    b: 'where isnotnull(d) | extend a = not(d <= 2)',
  },
  { why: 'dynamic == / tolong() ==', a: 'extend a = d == 3', b: 'extend a = tolong(d) == 3' },
  // toreal page: todouble is toreal; the typed extract converts its group as toreal() does.
  { why: 'toreal / todouble', a: 'extend a = toreal(x)', b: 'extend a = todouble(x)' },
  {
    why: 'toreal / extract typeof(real) of the whole text',
    a: 'where x != "" | extend a = toreal(x)',
    b: 'where x != "" | extend a = extract("^(.*)$", 1, x, typeof(real))',
  },
  {
    why: 'tolong / extract typeof(long) of the whole text',
    a: 'where x != "" | extend a = tolong(x)',
    b: 'where x != "" | extend a = extract("^(.*)$", 1, x, typeof(long))',
  },
  // String functions: strlen counts what substring and reverse count (strlen, substring, reverse pages).
  {
    why: 'strlen / strlen of the reverse',
    a: 'extend a = strlen(s)',
    b: 'extend a = strlen(reverse(s))',
  },
  {
    why: 'substring from 0 / the string',
    a: 'extend a = substring(s, 0)',
    b: 'extend a = s',
  },
  {
    why: 'indexof / strlen of the text before the match',
    a: "where s contains ',' | extend a = indexof(s, ',')",
    b: "where s contains ',' | extend a = strlen(split(s, ',')[0])",
  },
  // split page: the parts joined by the delimiter are the string (strcat_array page).
  {
    why: 'split / strcat_array round trip',
    a: "extend a = strcat_array(split(s, ','), ',')",
    b: 'extend a = s',
  },
  // extract_all / countof pages with a regex that cannot match empty text (extract_all gives null
  // where nothing matches, so only matching text is compared).
  {
    why: 'extract_all / countof of a regex',
    a: "where s matches regex '[a-z]' | extend a = array_length(extract_all('([a-z]+)', s))",
    b: "where s matches regex '[a-z]' | extend a = countof(s, '[a-z]+', 'regex')",
  },
  {
    why: 'replace_regex / replace_string of a literal',
    a: "extend a = replace_regex(s, ',', ';')",
    b: "extend a = replace_string(s, ',', ';')",
  },
  // string operators page: has_cs of an ASCII term is a term match, has of a lower-case one also
  // matches the upper-case letters (ASCII folding only).
  {
    why: 'has / has_cs of the lower and upper forms (ASCII term)',
    a: "extend a = s has 'foo'",
    b: "extend a = s has_cs 'foo' or s has_cs 'FOO' or s has_cs 'Foo' or s has_cs 'fOO' or s has_cs 'FoO' or s has_cs 'fOo' or s has_cs 'foO' or s has_cs 'FOo'",
  },
  {
    why: '=~ / tolower == of ASCII text',
    a: "where isascii(s) | extend a = s =~ 'AB-12'",
    b: "where isascii(s) | extend a = tolower(s) == 'ab-12'",
  },
];
