import type { Pair } from './equivalences.js';

// Round 6 of the documented equivalences (differential.test.ts, issue 11 session 10), over table T
// of round 1 (long n with 2^40 and nulls, strings with non-ASCII letters, reals with NaN/∞/-0/1e20,
// datetimes back to the year 3, dynamic values of every kind, nullable bools). Each pair states the page
// that makes its two sides equal; where a page covers only ASCII text or non-null values, a `where`
// keeps the rows it covers.
export { catalog, columns, row } from './equivalences.js';

const ascii = "isascii(s) and s !contains '_'";

export const pairs: Pair[] = [
  // in-operator page: `in` is a logical OR of equality comparisons, `!in` the AND of inequalities.
  {
    why: 'in-operator / or',
    a: 'where n in (1, -2, 3) | project n',
    b: 'where n == 1 or n == -2 or n == 3 | project n',
  },
  {
    why: '!in-operator / and',
    a: 'where n !in (1, -2) | project n',
    b: 'where n != 1 and n != -2 | project n',
  },
  {
    why: 'in~ / =~ or',
    a: "where s in~ ('a', 'ab') | project s",
    b: "where s =~ 'a' or s =~ 'ab' | project s",
  },
  {
    why: '!in~ / !~ and',
    a: "where s !in~ ('a', 'b') | project s",
    b: "where s !~ 'a' and s !~ 'b' | project s",
  },
  // has_any / has_all pages: any / all of the terms.
  { why: 'has_any / has or', a: "extend x = s has_any ('a', 'b')", b: "extend x = s has 'a' or s has 'b'" },
  { why: 'has_all / has and', a: "extend x = s has_all ('a', 'b')", b: "extend x = s has 'a' and s has 'b'" },
  // string operators page: the negated operators are the negations of their positive forms.
  { why: '!has / not has', a: "extend x = s !has 'b'", b: "extend x = not(s has 'b')" },
  { why: '!contains / not contains', a: "extend x = s !contains 'b'", b: "extend x = not(s contains 'b')" },
  {
    why: '!startswith / not startswith',
    a: "extend x = s !startswith 'a'",
    b: "extend x = not(s startswith 'a')",
  },
  {
    why: '!endswith_cs / not endswith_cs',
    a: "extend x = s !endswith_cs 'b'",
    b: "extend x = not(s endswith_cs 'b')",
  },
  // string operators page: has matches whole terms (runs of ASCII alphanumerics) case-insensitively.
  {
    why: 'has / word-bounded regex (ASCII)',
    a: `where ${ascii} | extend x = s has 'b'`,
    b: `where ${ascii} | extend x = s matches regex @'(?i)(^|[^0-9a-z])b($|[^0-9a-z])'`,
  },
  {
    why: 'contains / indexof of the lower-cased text (ASCII)',
    a: `where ${ascii} | extend x = s contains 'B'`,
    b: `where ${ascii} | extend x = indexof(tolower(s), 'b') >= 0`,
  },
  { why: 'contains_cs / indexof', a: "extend x = s contains_cs 'b'", b: "extend x = indexof(s, 'b') >= 0" },
  { why: 'startswith_cs / regex', a: "extend x = s startswith_cs 'a'", b: "extend x = s matches regex '^a'" },
  {
    why: 'endswith (ASCII) / regex',
    a: `where ${ascii} | extend x = s endswith 'B'`,
    b: `where ${ascii} | extend x = s matches regex '(?i)b$'`,
  },
  {
    why: '=~ / tolower == (ASCII)',
    a: `where ${ascii} | extend x = s =~ 'AB'`,
    b: `where ${ascii} | extend x = tolower(s) == 'ab'`,
  },
  // replace_string / replace_regex / split pages: a literal without regex characters replaces alike.
  {
    why: 'replace_string / replace_regex',
    a: "extend x = replace_string(s, 'a', 'X')",
    b: "extend x = replace_regex(s, 'a', 'X')",
  },
  {
    why: 'replace_string / split + strcat_array',
    a: "extend x = replace_string(s, 'b', '--')",
    b: "extend x = strcat_array(split(s, 'b'), '--')",
  },
  {
    why: 'countof / split',
    a: "extend x = countof(s, 'a')",
    b: "extend x = array_length(split(s, 'a')) - 1",
  },
  {
    why: 'countof / countof regex',
    a: "extend x = countof(s, 'b')",
    b: "extend x = countof(s, 'b', 'regex')",
  },
  {
    why: 'trim / trim_start + trim_end',
    a: "extend x = trim(' ', s)",
    b: "extend x = trim_start(' ', trim_end(' ', s))",
  },
  {
    why: 'trim_start / replace_regex',
    a: "extend x = trim_start(@'[ a]', s)",
    b: "extend x = replace_regex(s, @'^[ a]+', '')",
  },
  {
    why: 'strlen / code points',
    a: 'extend x = strlen(s)',
    b: 'extend x = array_length(unicode_codepoints_from_string(s))',
  },
  { why: 'substring / extract', a: 'extend x = substring(s, 0, 1)', b: "extend x = extract('^(.)', 1, s)" },
  {
    why: 'substring from 1 / extract',
    a: 'where strlen(s) > 0 | extend x = substring(s, 1)',
    b: "where strlen(s) > 0 | extend x = extract('^.(.*)$', 1, s)",
  },
  // parse page: a simple-mode pattern is a regex with a lazy capture per column and the last one to the end.
  {
    why: 'parse / extract',
    a: "where s contains '-' or s contains '.' | parse kind=regex s with p1 @'[-.]' p2 | project s, p1, p2",
    b: "where s contains '-' or s contains '.' | project s, p1 = extract(@'^(.*?)[-.](.*)$', 1, s), p2 = extract(@'^(.*?)[-.](.*)$', 2, s)",
  },
  {
    why: 'parse (simple) / extract',
    a: "where s contains ' ' | parse s with p1 ' ' p2 | project s, p1, p2",
    b: "where s contains ' ' | project s, p1 = extract('^(.*?) (.*)$', 1, s), p2 = extract('^(.*?) (.*)$', 2, s)",
  },
  // tostring / strcat pages: strcat of one argument is its text.
  { why: 'tostring / strcat of a long', a: 'extend x = tostring(n)', b: 'extend x = strcat(n)' },
  { why: 'tostring / strcat of a real', a: 'extend x = tostring(r)', b: "extend x = strcat('', r)" },
  { why: 'tostring / strcat of a datetime', a: 'extend x = tostring(t)', b: 'extend x = strcat(t)' },
  { why: 'tostring / strcat of a dynamic', a: 'extend x = tostring(d)', b: 'extend x = strcat(d)' },
  { why: 'tostring / strcat of a bool', a: 'extend x = tostring(b)', b: 'extend x = strcat(b, "")' },
  {
    why: 'tostring / strcat of a timespan',
    a: 'extend x = tostring(t - datetime(2026-01-10))',
    b: 'extend x = strcat(t - datetime(2026-01-10))',
  },
  // floor page: floor() is an alias of bin().
  { why: 'bin / floor (long)', a: 'extend x = bin(n, 3)', b: 'extend x = floor(n, 3)' },
  { why: 'bin / floor (real)', a: 'extend x = bin(r, 0.25)', b: 'extend x = floor(r, 0.25)' },
  { why: 'bin / floor (datetime)', a: 'extend x = bin(t, 1d)', b: 'extend x = floor(t, 1d)' },
  // numerical operators page: 0 <= N % D < abs(D), so N - N % D is bin(N, D) for D > 0.
  {
    why: 'bin / modulo',
    a: 'where abs(n) < 1000 | extend x = bin(n, 3)',
    b: 'where abs(n) < 1000 | extend x = n - n % 3',
  },
  { why: 'startofday / bin 1d', a: 'extend x = startofday(t)', b: 'extend x = bin(t, 1d)' },
  {
    why: 'endofday / startofday + 1d - 1 tick',
    a: 'where getyear(t) < 9999 | extend x = endofday(t)',
    b: 'where getyear(t) < 9999 | extend x = startofday(t) + 1d - 1tick',
  },
  {
    why: 'datetime_add hour / + timespan',
    a: "extend x = datetime_add('hour', 5, t)",
    b: 'extend x = t + 5h',
  },
  {
    why: 'datetime_add minute / + timespan',
    a: "where isnotnull(n) and abs(n) < 1000 | extend x = datetime_add('minute', n, t)",
    b: 'where isnotnull(n) and abs(n) < 1000 | extend x = t + n * 1m',
  },
  {
    why: 'datetime_diff minute / floored ticks',
    a: "extend x = datetime_diff('minute', t, datetime(2026-01-10))",
    b: 'extend x = tolong((bin(t, 1m) - datetime(2026-01-10)) / 1m)',
  },
  {
    why: 'datetime_diff second / floored ticks',
    a: "extend x = datetime_diff('second', t, datetime(2026-01-10 00:00:00.5))",
    b: 'extend x = tolong((bin(t, 1s) - datetime(2026-01-10)) / 1s)',
  },
  {
    why: 'hourofday / datetime_part',
    a: 'extend x = hourofday(t)',
    b: "extend x = datetime_part('hour', t)",
  },
  {
    why: 'hourofday / ticks since startofday',
    a: 'extend x = hourofday(t)',
    b: 'extend x = tolong(bin(t - startofday(t), 1h) / 1h)',
  },
  {
    why: 'dayofweek / since startofweek',
    a: 'extend x = dayofweek(t)',
    b: 'extend x = bin(t - startofweek(t), 1d)',
  },
  { why: 'getmonth / datetime_part', a: 'extend x = getmonth(t)', b: "extend x = datetime_part('month', t)" },
  {
    why: 'dayofmonth / datetime_part',
    a: 'extend x = dayofmonth(t)',
    b: "extend x = datetime_part('day', t)",
  },
  { why: 'getyear / datetime_part', a: 'extend x = getyear(t)', b: "extend x = datetime_part('year', t)" },
  {
    why: 'unixtime_seconds_todatetime / epoch arithmetic',
    a: 'where abs(n) < 1000 | extend x = unixtime_seconds_todatetime(n)',
    b: 'where abs(n) < 1000 | extend x = datetime(1970-01-01) + n * 1s',
  },
  // null-values, isempty, isnull, coalesce pages.
  { why: 'isempty / isnull (long)', a: 'extend x = isempty(n)', b: 'extend x = isnull(n)' },
  { why: 'isnotempty / isnotnull (real)', a: 'extend x = isnotempty(r)', b: 'extend x = isnotnull(r)' },
  { why: 'isempty / strlen 0 (string)', a: 'extend x = isempty(s)', b: 'extend x = strlen(s) == 0' },
  { why: "isempty / == ''", a: 'extend x = isempty(s)', b: "extend x = s == ''" },
  { why: 'coalesce / iff isnull', a: 'extend x = coalesce(n, 0)', b: 'extend x = iff(isnull(n), 0, n)' },
  {
    why: 'coalesce / iff isempty (string)',
    a: "extend x = coalesce(s, 'z')",
    b: "extend x = iff(isempty(s), 'z', s)",
  },
  {
    why: 'coalesce of three / nested',
    a: 'extend x = coalesce(r, todouble(n), 1.5)',
    b: 'extend x = coalesce(coalesce(r, todouble(n)), 1.5)',
  },
  {
    why: 'isfinite / not inf or nan',
    a: 'where isnotnull(r) | extend x = isfinite(r)',
    b: 'where isnotnull(r) | extend x = not(isinf(r) or isnan(r))',
  },
  // between page: a between (lo .. hi) is lo <= a and a <= hi.
  {
    why: 'between / >= and <=',
    a: 'where n between (-2 .. 3) | project n',
    b: 'where n >= -2 and n <= 3 | project n',
  },
  {
    why: '!between / < or >',
    a: 'where n !between (-2 .. 3) | project n',
    b: 'where n < -2 or n > 3 | project n',
  },
  {
    why: 'between datetime / >= and <=',
    a: 'where t between (datetime(2026-01-09) .. datetime(2026-01-10 06:00)) | project t',
    b: 'where t >= datetime(2026-01-09) and t <= datetime(2026-01-10 06:00) | project t',
  },
  // iff / case pages: a condition that is not true (false or null) takes the else branch.
  { why: 'iff / case', a: "extend x = iff(b, 'y', 'n')", b: "extend x = case(b, 'y', 'n')" },
  { why: 'iff / iif', a: 'extend x = iff(n > 0, r, -1.0)', b: 'extend x = iif(n > 0, r, -1.0)' },
  // summarize page: an aggregate's argument may be any expression; extend first is the same.
  {
    why: 'extend + summarize / summarize of an expression',
    a: 'extend x = strlen(s) | summarize m = max(x), z = sum(x) by b',
    b: 'summarize m = max(strlen(s)), z = sum(strlen(s)) by b',
  },
  {
    why: 'extend + summarize by / summarize by an expression',
    a: 'extend k = n % 2 | summarize c = count() by k',
    b: 'summarize c = count() by k = n % 2',
  },
  { why: 'count / sum of 1', a: 'summarize c = count() by b', b: 'summarize c = sum(1) by b' },
  {
    why: 'min / negated max',
    a: 'where isnotnull(n) | summarize m = min(n) by s',
    b: 'where isnotnull(n) | summarize m = -max(-n) by s',
  },
  {
    why: 'avg / sum over count',
    a: 'where isnotnull(n) | summarize a = avg(n) by s',
    b: 'where isnotnull(n) | summarize a = todouble(sum(n)) / count() by s',
  },
  {
    why: 'make_list skips nulls / countif isnotnull',
    a: 'summarize x = array_length(make_list(n)) by s',
    b: 'summarize x = countif(isnotnull(n)) by s',
  },
  {
    why: 'make_list_with_nulls / count',
    a: 'summarize x = array_length(make_list_with_nulls(n)) by s',
    b: 'summarize x = count() by s',
  },
  // arg_max page: the row with the maximum; joined back to the max it is the same key.
  {
    why: 'arg_max / max + join',
    a: 'where isnotnull(n) | summarize arg_max(n, *) by s | project s, n',
    b: 'where isnotnull(n) | summarize n = max(n) by s | join kind=inner (T | where isnotnull(n)) on s, n | distinct s, n',
  },
  // top page: top N by x is sort by x | take N (nulls last in both).
  {
    why: 'top desc / sort take',
    a: 'top 3 by t desc | project t',
    b: 'sort by t desc | take 3 | project t',
    order: 'sequence',
  },
  {
    why: 'top asc nulls first / sort take',
    a: 'top 2 by r asc nulls first | project r',
    b: 'order by r asc nulls first | take 2 | project r',
    order: 'sequence',
  },
  // project-rename page: renames in place.
  { why: 'project-rename / project', a: 'project-rename x = s | project n, x', b: 'project n, x = s' },
  // mv-apply page: the subquery runs over each row's expanded array.
  {
    why: 'mv-expand + summarize / mv-apply',
    a: 'serialize i = row_number() | where array_length(d) > 0 | mv-expand e = d | summarize c = count() by i',
    b: 'serialize i = row_number() | where array_length(d) > 0 | mv-apply e = d on (summarize c = count()) | project i, c',
  },
  // abs / sign pages.
  {
    why: 'abs / iff',
    a: 'where isfinite(r) | extend x = abs(r) + 0.0',
    b: 'where isfinite(r) | extend x = iff(r < 0, -r, r) + 0.0',
  },
  {
    why: 'ceiling / negated floor',
    a: 'where isfinite(r) | extend x = ceiling(r) + 0.0',
    b: 'where isfinite(r) | extend x = -bin(-r, 1) + 0.0',
  },
  { why: 'todouble / * 1.0', a: 'extend x = todouble(n)', b: 'extend x = n * 1.0' },
  // Round trips through text (tostring, toreal, todatetime, tolong pages).
  {
    why: 'toreal of tostring / the real',
    a: 'where isfinite(r) | extend x = toreal(tostring(r)) + 0.0',
    b: 'where isfinite(r) | extend x = r + 0.0',
  },
  { why: 'tolong of tostring / the long', a: 'extend x = tolong(tostring(n))', b: 'extend x = n' },
  {
    why: 'todatetime of tostring / the datetime',
    a: 'extend x = todatetime(tostring(t))',
    b: 'extend x = t',
  },
  {
    why: 'todatetime of format_datetime / the datetime',
    a: "extend x = todatetime(format_datetime(t, 'yyyy-MM-dd HH:mm:ss.fffffff'))",
    b: 'extend x = t',
  },
  // extract page: the typed form is the conversion of the text capture.
  {
    why: 'typed extract / tolong of extract',
    a: "extend x = extract(@'(d+)', 1, strcat(s, n), typeof(long))",
    b: "extend x = tolong(extract(@'(d+)', 1, strcat(s, n)))",
  },
  // has prefix/suffix: a term starting / ending with the text (string operators page), ASCII.
  {
    why: 'hasprefix / regex (ASCII)',
    a: `where ${ascii} | extend x = s hasprefix 'a'`,
    b: `where ${ascii} | extend x = s matches regex @'(?i)(^|[^0-9a-z])a'`,
  },
  {
    why: 'hassuffix / regex (ASCII)',
    a: `where ${ascii} | extend x = s hassuffix 'b'`,
    b: `where ${ascii} | extend x = s matches regex @'(?i)b($|[^0-9a-z])'`,
  },
  {
    why: 'has_cs / regex (ASCII)',
    a: `where ${ascii} | extend x = s has_cs 'B'`,
    b: `where ${ascii} | extend x = s matches regex @'(^|[^0-9a-zA-Z])B($|[^0-9a-zA-Z])'`,
  },
  // startof / endof pages: the last tick of the period that starts there.
  {
    why: 'endofmonth / next startofmonth - 1 tick',
    a: 'where getyear(t) < 9999 | extend x = endofmonth(t)',
    b: 'where getyear(t) < 9999 | extend x = startofmonth(t, 1) - 1tick',
  },
  {
    why: 'endofweek / startofweek + 7d - 1 tick',
    a: 'where getyear(t) < 9999 | extend x = endofweek(t)',
    b: 'where getyear(t) < 9999 | extend x = startofweek(t) + 7d - 1tick',
  },
  {
    why: 'endofyear / next startofyear - 1 tick',
    a: 'where getyear(t) < 9999 | extend x = endofyear(t)',
    b: 'where getyear(t) < 9999 | extend x = startofyear(t, 1) - 1tick',
  },
  {
    why: 'dayofyear / days since startofyear',
    a: 'extend x = dayofyear(t)',
    b: 'extend x = tolong((startofday(t) - startofyear(t)) / 1d) + 1',
  },
  {
    why: 'datetime_part minute / ticks since the hour',
    a: "extend x = datetime_part('minute', t)",
    b: 'extend x = tolong(bin(t - bin(t, 1h), 1m) / 1m)',
  },
  {
    why: 'startofmonth / make_datetime',
    a: 'extend x = startofmonth(t)',
    b: 'extend x = make_datetime(getyear(t), getmonth(t), 1)',
  },
  { why: 'getmonth / monthofyear', a: 'extend x = getmonth(t)', b: 'extend x = monthofyear(t)' },
  // null-values page: an empty string is the string's null; isnotempty is not(isempty).
  { why: "isnotempty / != ''", a: 'where isnotempty(s) | project s', b: "where s != '' | project s" },
  {
    why: 'isnotempty / not isempty (dynamic)',
    a: 'extend x = isnotempty(d)',
    b: 'extend x = not(isempty(d))',
  },
  { why: 'distinct / summarize by (long)', a: 'distinct n', b: 'summarize by n' },
  {
    why: 'count_distinct / distinct + count',
    a: 'summarize c = count_distinct(s)',
    b: 'distinct s | summarize c = count()',
  },
  { why: 'where false union / identity', a: 'union (T | where false) | project n, s', b: 'project n, s' },
  {
    why: 'array_length of make_set / dcount by group',
    a: 'summarize x = array_length(make_set(s)) by b',
    b: 'summarize x = count_distinct(s) by b',
  },
  {
    why: 'sumif / sum of iff',
    a: 'summarize x = sumif(n, b) by s',
    b: 'summarize x = sum(iff(b, n, long(null))) by s',
  },
  {
    why: 'countif / sum of iff 1 0',
    a: 'summarize x = countif(n > 0) by s',
    b: 'summarize x = sum(iff(n > 0, 1, 0)) by s',
  },
  {
    why: 'strcat_array of split / the string',
    a: "extend x = strcat_array(split(s, ' '), ' ')",
    b: 'extend x = s',
  },
  {
    why: 'indexof / strlen of the prefix',
    a: "where s contains_cs 'b' | extend x = indexof(s, 'b')",
    b: "where s contains_cs 'b' | extend x = strlen(extract('^(.*?)b', 1, s))",
  },
];
