import fc from 'fast-check';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// Pairs of formulations the Kusto documentation defines to give the same answer over table T, and the
// random rows of T they are compared on (differential.test.ts). Each pair names the page that makes
// the two sides equivalent; where the rows of one side are in an undefined order (Kusto defines no
// order after summarize, distinct or a join), rows are compared as a multiset.

export const columns: Table['columns'] = [
  { name: 'n', type: 'long' },
  { name: 's', type: 'string' },
  { name: 'r', type: 'real' },
  { name: 't', type: 'datetime' },
  { name: 'd', type: 'dynamic' },
  { name: 'b', type: 'bool' },
];
export const catalog = catalogOf([{ name: 'T', columns }]);
const MINUTE = 600_000_000n;
const DAY0 = NOW - 12n * 60n * MINUTE; // 2026-01-10 00:00

export const row = fc.tuple(
  fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(2 ** 40, -(2 ** 33) - 1)), {
    nil: null,
  }),
  fc.constantFrom('a', 'b', 'A b', '', 'x-y', 'ab', 'B', 'a.b', ' a ', 'a_b', 'Ab1', 'É b', 'ß', 'İ'),
  fc.option(
    fc.constantFrom(-2.5, -1, -0.5, -0, 0, 0.1, 0.25, 1, 1.5, 3, 1e20, Number.NaN, Number.POSITIVE_INFINITY),
    { nil: null },
  ),
  fc.option(
    fc.oneof(
      fc.integer({ min: -1440, max: 2880 }).map((m) => DAY0 + BigInt(m) * MINUTE),
      // 2016, a fractional tick, 1962 and the year 3: bins and calendar parts must floor, not truncate.
      fc.constantFrom(
        DAY0 - 3_000_000_000_000_000n,
        DAY0 + 123_456_789n,
        DAY0 - 20_000_000_000_000_000n,
        1_000_000_000_000_000n,
      ),
    ),
    { nil: null },
  ),
  fc.constantFrom<Value>(
    null,
    [],
    [1, 2],
    [3],
    ['a', 'b'],
    { k: 'v' },
    3,
    [1.5, null],
    { k: { j: 2 } },
    'text',
    [[1]],
  ),
  fc.option(fc.boolean(), { nil: null }),
);

export type Order = 'multiset' | 'sequence';
export interface Pair {
  /** What makes the two sides equivalent, with the page that says so. */
  why: string;
  a: string;
  b: string;
  order?: Order;
}

// A pair per documented equivalence; `T | <a>` and `T | <b>` must agree on every input.
export const pairs: Pair[] = [
  // top operator page: "top 5 by name" is "sort by name desc | take 5", nulls last by default for both.
  {
    why: 'top-operator',
    a: 'top 3 by n | project n',
    b: 'sort by n | take 3 | project n',
    order: 'sequence',
  },
  {
    why: 'top-operator',
    a: 'top 4 by r asc | project r',
    b: 'sort by r asc | take 4 | project r',
    order: 'sequence',
  },
  {
    why: 'top-operator',
    a: 'top 2 by t desc nulls first | project t',
    b: 'sort by t desc nulls first | take 2 | project t',
    order: 'sequence',
  },
  // distinct page: distinct is summarize by the same columns.
  { why: 'distinct-operator', a: 'distinct s, n', b: 'summarize by s, n' },
  { why: 'distinct-operator', a: 'distinct b, t', b: 'summarize by b, t' },
  // sum-aggregation: a sum over a union is the sum of the legs' sums (nulls ignored, null-values page).
  {
    why: 'sum-aggregation / union-operator',
    a: 'where n > 0 | union (T | where not(n > 0) or isnull(n)) | summarize x = sum(n), c = count() by s',
    b: 'where n > 0 | summarize x = sum(n), c = count() by s | union (T | where not(n > 0) or isnull(n) | summarize x = sum(n), c = count() by s) | summarize x = sum(x), c = sum(c) by s',
  },
  {
    why: 'sum-aggregation / union-operator',
    a: 'union T | summarize x = sum(n)',
    b: 'summarize x = sum(n) | extend x = x * 2',
  },
  // mv-expand page: each element of the array becomes a row; make_list gathers them back (in order).
  // Only arrays without nested arrays: make_list concatenates array values (geo_h3cell_rings page).
  {
    why: 'mv-expand-operator / make-list-aggregation',
    a: 'serialize i = row_number() | where array_length(d) > 0 and tostring(d) !contains "null" and countof(tostring(d), "[") == 1 | mv-expand e = d | summarize l = make_list(e) by i',
    b: 'serialize i = row_number() | where array_length(d) > 0 and tostring(d) !contains "null" and countof(tostring(d), "[") == 1 | project i, l = d',
  },
  // in operator page: `in` is an or of equalities (case-sensitive); null-values page: in behaves like
  // a logical OR of equality comparisons.
  { why: 'in-operator', a: "extend x = s in ('a', 'B')", b: "extend x = s == 'a' or s == 'B'" },
  { why: 'in-operator', a: "extend x = s in~ ('a', 'B')", b: "extend x = s =~ 'a' or s =~ 'B'" },
  { why: 'in-operator', a: "extend x = s !in ('a', 'B')", b: "extend x = s != 'a' and s != 'B'" },
  { why: 'in-operator', a: 'where n in (1, -2, 3)', b: 'where n == 1 or n == -2 or n == 3' },
  { why: 'in-operator', a: 'where n !in (1, -2)', b: 'where n != 1 and n != -2' },
  // has_any page: true if the string has any of the terms.
  { why: 'has-any-operator', a: "extend x = s has_any ('a', 'b')", b: "extend x = s has 'a' or s has 'b'" },
  { why: 'has-all-operator', a: "extend x = s has_all ('a', 'b')", b: "extend x = s has 'a' and s has 'b'" },
  // between page: the range is inclusive on both ends.
  { why: 'between-operator', a: 'where n between (-1 .. 2)', b: 'where n >= -1 and n <= 2' },
  { why: 'between-operator', a: 'where r between (-0.5 .. 1.5)', b: 'where r >= -0.5 and r <= 1.5' },
  {
    why: 'between-operator',
    a: 'where t between (datetime(2026-01-10) .. 6h)',
    b: 'where t >= datetime(2026-01-10) and t <= datetime(2026-01-10 06:00)',
  },
  { why: 'not-between-operator', a: 'where n !between (-1 .. 2)', b: 'where n < -1 or n > 2' },
  // iff and case pages: the then value when the predicate is true, else the else value.
  {
    why: 'iff-function / case-function',
    a: "extend x = iff(n > 0, s, 'z')",
    b: "extend x = case(n > 0, s, 'z')",
  },
  {
    why: 'case-function',
    a: "extend x = case(n > 2, 'big', n > 0, 'small', 'none')",
    b: "extend x = iff(n > 2, 'big', iff(n > 0, 'small', 'none'))",
  },
  { why: 'iff-function', a: 'extend x = iff(b, r, -r)', b: 'extend x = case(b, r, -r)' },
  // coalesce page: the first non-null value.
  { why: 'coalesce-function', a: 'extend x = coalesce(n, 0)', b: 'extend x = iff(isnull(n), 0, n)' },
  // String operators against their regex equivalents (startswith/endswith/contains are case-insensitive,
  // the *_cs forms case-sensitive: string-operators page).
  { why: 'startswith-operator', a: "extend x = s startswith 'a'", b: "extend x = s matches regex '(?i)^a'" },
  { why: 'endswith-operator', a: "extend x = s endswith 'b'", b: "extend x = s matches regex '(?i)b$'" },
  { why: 'contains-cs-operator', a: "extend x = s contains_cs 'b'", b: "extend x = s matches regex 'b'" },
  { why: 'contains-operator', a: "extend x = s contains '-'", b: "extend x = s matches regex '-'" },
  { why: 'equals-tilde', a: "extend x = s =~ 'a b'", b: "extend x = tolower(s) == 'a b'" },
  {
    why: 'replace-string / replace-regex',
    a: "extend x = replace_string(s, '.', '_')",
    b: "extend x = replace_regex(s, @'\\.', '_')",
  },
  {
    why: 'split / extract',
    a: "extend x = tostring(split(s, '-')[0])",
    b: "extend x = extract('^([^-]*)', 1, s)",
  },
  { why: 'isempty-function', a: 'extend x = isempty(s)', b: 'extend x = strlen(s) == 0' },
  { why: 'strcat-function / tostring', a: 'extend x = strcat(n)', b: 'extend x = tostring(n)' },
  { why: 'strcat-function / tostring', a: 'extend x = strcat(t)', b: 'extend x = tostring(t)' },
  { why: 'strcat-function / tostring', a: 'extend x = strcat(r, s)', b: 'extend x = strcat(tostring(r), s)' },
  // bin page: bin(value, size) rounds down to a multiple of size (floor is bin); ceiling rounds up.
  {
    why: 'bin-function / ceiling-function',
    a: 'extend x = bin(n, 2)',
    b: 'extend x = tolong(-ceiling(-n / 2.0)) * 2',
  },
  {
    why: 'bin-function / ceiling-function',
    a: 'extend x = bin(r, 0.5)',
    b: 'extend x = -ceiling(-r * 2) / 2',
  },
  { why: 'bin-function / startofday', a: 'extend x = bin(t, 1d)', b: 'extend x = startofday(t)' },
  {
    why: 'bin-function',
    a: 'extend x = bin(t, 1h)',
    b: 'extend x = datetime_add("hour", hourofday(t), startofday(t))',
  },
  // datetime_part page: each part against its own function.
  { why: 'datetime-part-function', a: "extend x = datetime_part('year', t)", b: 'extend x = getyear(t)' },
  { why: 'datetime-part-function', a: "extend x = datetime_part('month', t)", b: 'extend x = getmonth(t)' },
  { why: 'datetime-part-function', a: "extend x = datetime_part('day', t)", b: 'extend x = dayofmonth(t)' },
  { why: 'datetime-part-function', a: "extend x = datetime_part('hour', t)", b: 'extend x = hourofday(t)' },
  {
    why: 'datetime-part-function',
    a: "extend x = datetime_part('dayOfYear', t)",
    b: 'extend x = dayofyear(t)',
  },
  {
    why: 'datetime-part-function',
    a: "extend x = datetime_part('week_of_year', t)",
    b: 'extend x = week_of_year(t)',
  },
  { why: 'datetime-add-function', a: "extend x = datetime_add('minute', 90, t)", b: 'extend x = t + 90m' },
  {
    why: 'format-datetime-function',
    a: "extend x = format_datetime(t, 'yyyy-MM-dd')",
    b: 'extend x = substring(tostring(t), 0, 10)',
  },
  // arg_max page: the row of the group's maximum; top 1 by the same key per group has that key.
  {
    why: 'arg-max-aggregation',
    a: 'summarize arg_max(n, *) by s | project s, n',
    b: 'summarize n = max(n) by s',
  },
  {
    why: 'arg-max-aggregation',
    a: 'summarize arg_min(t, r) by s | project s, t',
    b: 'summarize t = min(t) by s',
  },
  {
    why: 'arg-max-aggregation / top-operator',
    a: 'summarize arg_max(n, *) by s | project s, n',
    b: 'partition hint.strategy=native by s (top 1 by n | project s, n)',
  },
  // join page: an inner join with a distinct right side is a filter on its keys; leftsemi/leftanti
  // keep or drop the left rows that match.
  {
    why: 'join-operator / in-operator',
    a: "join kind=inner (datatable(s:string)['a', 'B', 'q']) on s | project-away s1",
    b: "where s in ('a', 'B', 'q')",
  },
  {
    why: 'join-operator / in-operator',
    a: "join kind=leftsemi (datatable(s:string)['a', 'B']) on s",
    b: "where s in ('a', 'B')",
  },
  {
    why: 'join-operator / in-operator',
    a: "join kind=leftanti (datatable(s:string)['a', 'B']) on s",
    b: "where s !in ('a', 'B')",
  },
  {
    why: 'lookup-operator',
    a: "lookup kind=inner (datatable(s:string, w:long)['a', 1, 'B', 2]) on s",
    b: "join kind=inner (datatable(s:string, w:long)['a', 1, 'B', 2]) on s | project-away s1",
  },
  // count and countif pages.
  {
    why: 'countif-aggregation',
    a: 'summarize x = countif(n > 0) by s',
    b: 'summarize x = sum(iff(n > 0, 1, 0)) by s',
  },
  { why: 'count-operator', a: 'where b | count', b: 'summarize Count = countif(b)' },
  {
    why: 'dcount-aggregation',
    a: 'summarize x = dcount(n)',
    b: 'where isnotnull(n) | distinct n | count | project x = Count',
  },
  { why: 'make-set-aggregation', a: 'summarize x = array_length(make_set(n))', b: 'summarize x = dcount(n)' },
  {
    why: 'sumif-aggregation',
    a: 'summarize x = sumif(r, b) by s',
    b: 'summarize x = sum(iff(b, r, real(0))) by s',
  },
  // not(): a predicate and its negation split the rows that are not null (null-values page).
  { why: 'not-function', a: 'where not(n > 1)', b: 'where n <= 1' },
  { why: 'not-function', a: 'where not(s has "b")', b: 'where s !has "b"' },
  { why: 'not-function', a: 'where b | union (T | where not(b)), (T | where isnull(b))', b: 'where true' },
  { why: 'not-function', a: 'where not(b)', b: 'where b == false' },
  { why: 'isnull-function', a: 'extend x = isnull(n)', b: 'extend x = not(isnotnull(n))' },
  { why: 'isnotempty-function', a: 'extend x = isnotempty(s)', b: "extend x = s != ''" },
  // Term operators against regex term boundaries (has page: a term is a run of alphanumeric characters).
  {
    why: 'has-cs-operator',
    a: "extend x = s has_cs 'b'",
    b: "extend x = s matches regex '(^|[^A-Za-z0-9])b($|[^A-Za-z0-9])'",
  },
  {
    why: 'has-operator',
    a: "extend x = s has 'b'",
    b: "extend x = s matches regex '(?i)(^|[^a-z0-9])b($|[^a-z0-9])'",
  },
  {
    why: 'hasprefix-operator',
    a: "extend x = s hasprefix 'a'",
    b: "extend x = s matches regex '(?i)(^|[^a-z0-9])a'",
  },
  {
    why: 'hassuffix-operator',
    a: "extend x = s hassuffix 'b'",
    b: "extend x = s matches regex '(?i)b($|[^a-z0-9])'",
  },
  { why: 'indexof-function', a: "extend x = indexof(s, 'b') >= 0", b: "extend x = s contains_cs 'b'" },
  { why: 'countof-function', a: "extend x = countof(s, 'a')", b: "extend x = countof(s, 'a', 'regex')" },
  {
    why: 'strcat-delim-function',
    a: "extend x = strcat_delim('-', s, n)",
    b: "extend x = strcat(s, '-', n)",
  },
  { why: 'strrep-function', a: 'extend x = strrep(s, 2)', b: 'extend x = strcat(s, s)' },
  { why: 'substring-function', a: 'extend x = substring(s, 0, 1)', b: "extend x = extract('^(.)', 1, s)" },
  { why: 'substring-function', a: 'extend x = substring(s, 1)', b: "extend x = extract('^.(.*)$', 1, s)" },
  {
    why: 'strlen-function',
    a: 'extend x = strlen(s)',
    b: 'extend x = array_length(unicode_codepoints_from_string(s))',
  },
  {
    why: 'trim-function',
    a: "extend x = trim(@'[ .]', s)",
    b: "extend x = trim_start(@'[ .]', trim_end(@'[ .]', s))",
  },
  {
    why: 'base64 round trip',
    a: 'extend x = base64_decode_tostring(base64_encode_tostring(s))',
    b: 'extend x = s',
  },
  { why: 'url round trip', a: 'extend x = url_decode(url_encode(s))', b: 'extend x = s' },
  {
    why: 'unicode round trip',
    a: 'extend x = unicode_codepoints_to_string(unicode_codepoints_from_string(s))',
    b: 'extend x = s',
  },
  { why: 'strcat-array / split', a: "extend x = strcat_array(split(s, '-'), '-')", b: 'extend x = s' },
  // Conversions round trip through their string forms.
  { why: 'todatetime round trip', a: 'extend x = todatetime(tostring(t))', b: 'extend x = t' },
  {
    why: 'totimespan round trip',
    a: 'extend x = totimespan(tostring(t - datetime(2026-01-10)))',
    b: 'extend x = t - datetime(2026-01-10)',
  },
  { why: 'toreal round trip', a: 'extend x = toreal(tostring(r))', b: 'extend x = r' },
  { why: 'tolong round trip', a: 'extend x = tolong(tostring(n))', b: 'extend x = n' },
  { why: 'bag-pack-function', a: "extend x = tolong(bag_pack('k', n).k)", b: 'extend x = n' },
  // Arithmetic identities.
  { why: 'modulo / bin', a: 'where n % 2 == 0', b: 'where bin(n, 2) == n' },
  { why: 'abs-function', a: 'extend x = abs(n)', b: 'extend x = iff(n < 0, -n, n)' },
  {
    why: 'pow-function',
    a: 'where abs(n) < 1000 | extend x = pow(n, 2)',
    b: 'where abs(n) < 1000 | extend x = toreal(n * n)',
  },
  {
    why: 'sqrt-function',
    a: 'where not(isnan(r)) | extend x = sqrt(r * r)',
    b: 'where not(isnan(r)) | extend x = abs(r)',
  },
  // Date parts against calendar arithmetic.
  {
    why: 'datetime-diff-function',
    a: "extend x = datetime_diff('day', t, datetime(2026-01-10))",
    b: 'extend x = tolong((startofday(t) - datetime(2026-01-10)) / 1d)',
  },
  {
    why: 'datetime-diff-function',
    a: "extend x = datetime_diff('hour', t, datetime(2026-01-10))",
    b: 'extend x = tolong((bin(t, 1h) - datetime(2026-01-10)) / 1h)',
  },
  { why: 'dayofweek-function', a: 'extend x = dayofweek(t)', b: 'extend x = startofday(t) - startofweek(t)' },
  {
    why: 'startofmonth-function',
    a: 'extend x = startofmonth(t)',
    b: 'extend x = make_datetime(getyear(t), getmonth(t), 1)',
  },
  { why: 'endofday-function', a: 'extend x = endofday(t)', b: 'extend x = startofday(t) + 1d - 1tick' },
  {
    why: 'bin-at-function',
    a: 'extend x = bin_at(t, 1h, datetime(2026-01-10 00:30))',
    b: 'extend x = bin(t - 30m, 1h) + 30m',
  },
  { why: 'bin-at-function', a: 'extend x = bin_at(n, 2, 1)', b: 'extend x = bin(n - 1, 2) + 1' },
  // Conditional aggregates against a where before the plain aggregate.
  { why: 'avgif-aggregation', a: 'summarize x = avgif(r, b)', b: 'where b | summarize x = avg(r)' },
  {
    why: 'minif-aggregation',
    a: 'summarize x = minif(t, b), y = maxif(n, b)',
    b: 'where b | summarize x = min(t), y = max(n)',
  },
  {
    why: 'make-list-if-aggregation',
    a: 'summarize x = make_list_if(n, b)',
    b: 'where b | summarize x = make_list(n)',
  },
  {
    why: 'make-set-if-aggregation',
    a: 'summarize x = array_sort_asc(make_set_if(s, b))',
    b: 'where b | summarize x = array_sort_asc(make_set(s))',
  },
  { why: 'dcountif-aggregation', a: 'summarize x = dcountif(n, b)', b: 'where b | summarize x = dcount(n)' },
  {
    why: 'count-distinct-aggregation',
    a: 'summarize x = count_distinct(n) by s',
    b: 'summarize x = dcount(n) by s',
  },
  {
    why: 'count-distinctif-aggregation',
    a: 'summarize x = count_distinctif(n, b)',
    b: 'where b | summarize x = count_distinct(n)',
  },
  {
    why: 'percentile-aggregation',
    a: 'summarize x = percentile(n, 100), y = percentile(n, 0) by s',
    b: 'summarize x = max(n), y = min(n) by s',
  },
  {
    why: 'stdev-aggregation',
    a: 'where isfinite(r) | summarize x = stdev(r)',
    b: 'where isfinite(r) | summarize x = sqrt(variance(r))',
  },
  {
    why: 'make-series-operator',
    a: 'make-series c = count() default = 0 on t from datetime(2026-01-09) to datetime(2026-01-13) step 6h | mv-expand c to typeof(long), t to typeof(datetime) | where c > 0 | project t, c',
    b: 'where t >= datetime(2026-01-09) and t < datetime(2026-01-13) | summarize c = count() by t = bin_at(t, 6h, datetime(2026-01-09))',
  },
  // Window functions over a serialized order.
  {
    why: 'row-cumsum-function',
    a: 'serialize x = row_cumsum(1)',
    b: 'serialize x = row_number()',
    order: 'sequence',
  },
  {
    why: 'sort-operator',
    a: 'sort by n asc nulls last | project n',
    b: 'sort by -n desc nulls last | project n',
    order: 'sequence',
  },
  // Dynamic arrays.
  {
    why: 'array-index',
    a: 'where array_length(d) > 0 | extend x = tostring(d[-1])',
    b: 'where array_length(d) > 0 | extend x = tostring(d[array_length(d) - 1])',
  },
  {
    why: 'array-reverse-function',
    a: 'where array_length(d) >= 0 | extend x = array_reverse(array_reverse(d))',
    b: 'where array_length(d) >= 0 | extend x = d',
  },
  {
    why: 'array-sort-functions',
    a: 'where array_length(d) >= 0 | extend x = array_sort_asc(d, true)',
    b: 'where array_length(d) >= 0 | extend x = array_reverse(array_sort_desc(d, false))',
  },
  {
    why: 'array-concat-function',
    a: 'where array_length(d) >= 0 | extend x = array_length(array_concat(d, d))',
    b: 'where array_length(d) >= 0 | extend x = 2 * array_length(d)',
  },
  // Sort, top and min/max share one order (sort-operator: ascending and descending are mirror images).
  {
    why: 'sort-operator',
    a: 'distinct s | sort by s asc | extend i = row_number() | sort by i desc | project s',
    b: 'distinct s | sort by s desc | project s',
    order: 'sequence',
  },
  {
    why: 'top-operator / sort-operator',
    a: 'top 3 by s asc | project s',
    b: 'sort by s asc | take 3 | project s',
    order: 'sequence',
  },
  // summarize without by answers one row over an empty input; by a constant key it answers none, as top does.
  {
    why: 'min-aggregation / top-operator',
    a: 'summarize m = min(s) by k = 1 | project m',
    b: 'top 1 by s asc | project m = s',
  },
  {
    why: 'max-aggregation / top-operator',
    a: 'where isnotnull(t) | summarize m = max(t) by k = 1 | project m',
    b: 'where isnotnull(t) | top 1 by t desc | project m = t',
  },
  {
    why: 'arg-min-aggregation',
    a: 'summarize arg_min(s, n) by b | project b, s',
    b: 'summarize s = min(s) by b',
  },
  // Case-insensitive operators against their lower-cased case-sensitive forms, on ASCII text only:
  // "Case-insensitive operators are currently supported only for ASCII-text" (string operators page).
  {
    why: 'contains / contains_cs',
    a: "where isascii(s) | extend x = s contains 'AB'",
    b: "where isascii(s) | extend x = tolower(s) contains_cs 'ab'",
  },
  {
    why: 'startswith / startswith_cs',
    a: "where isascii(s) | extend x = s startswith 'a'",
    b: "where isascii(s) | extend x = tolower(s) startswith_cs 'a'",
  },
  // mv-expand makes a row per element, in order, with its index (mv-expand page).
  {
    why: 'mv-expand-operator / array-length',
    a: 'serialize i = row_number() | where array_length(d) > 0 | mv-expand e = d | summarize c = count() by i',
    b: 'serialize i = row_number() | where array_length(d) > 0 | project i, c = array_length(d)',
  },
  {
    why: 'mv-expand-operator with_itemindex',
    a: 'serialize i = row_number() | where array_length(d) > 0 | mv-expand with_itemindex = k e = d | where k == 0 | project i, e = tostring(e)',
    b: 'serialize i = row_number() | where array_length(d) > 0 | project i, e = tostring(d[0])',
  },
  { why: 'dynamic member access', a: 'extend x = tostring(d.k)', b: "extend x = tostring(d['k'])" },
  {
    why: 'parse-json-function / tostring',
    a: 'where isnotnull(d) | extend x = parse_json(tostring(d))',
    b: 'where isnotnull(d) | extend x = d',
  },
  {
    why: 'array-slice-function',
    a: 'where array_length(d) > 0 | extend x = array_slice(d, 0, 0)',
    b: 'where array_length(d) > 0 | extend x = pack_array(d[0])',
  },
  {
    why: 'set-has-element-function / array-index-of',
    a: 'where array_length(d) >= 0 | extend x = set_has_element(d, 1)',
    b: 'where array_length(d) >= 0 | extend x = array_index_of(d, 1) >= 0',
  },
  // parse: simple mode matches the pattern's literals in order, a column taking the text up to the next
  // literal; no match leaves every column empty (parse-operator page).
  {
    why: 'parse-operator / extract-function',
    a: "parse s with p1 '-' p2 | project s, p1, p2",
    b: "project s, p1 = extract('^(.*?)-', 1, s), p2 = extract('^.*?-(.*)$', 1, s)",
  },
  {
    why: 'parse-operator / extract-function',
    a: "parse s with * '.' p2 | project s, p2",
    b: "project s, p2 = extract(@'\\.(.*)$', 1, s)",
  },
  {
    why: 'parse-where-operator',
    a: "parse-where s with p1 '-' p2 | project s, p1, p2",
    b: "where s contains '-' | parse s with p1 '-' p2 | project s, p1, p2",
  },
  // parse-kv: the listed keys' values; leading and trailing white space is ignored (parse-kv page).
  {
    why: 'parse-kv-operator',
    a: "extend kv = strcat('ka=', n, ';kb=', s) | parse-kv kv as (ka:long, kb:string) with (pair_delimiter=';', kv_delimiter='=') | project ka, kb",
    b: "project ka = n, kb = trim(' ', s)",
  },
  {
    why: 'parse-operator kind=regex / extract-function',
    a: "parse kind=regex s with p1 '-' p2 | project s, p1, p2",
    b: "project s, p1 = extract('^(.*)-', 1, s), p2 = extract('^.*-(.*)$', 1, s)",
  },
  // A full outer join is the left outer join plus the right rows without a match (join page).
  {
    why: 'join-operator fullouter',
    a: "join kind=fullouter (datatable(s:string, w:long)['a', 1, 'B', 2, 'zz', 3]) on s | project s, s1, w",
    b: "join kind=leftouter (datatable(s:string, w:long)['a', 1, 'B', 2, 'zz', 3]) on s | project s, s1, w | union (datatable(s:string, w:long)['a', 1, 'B', 2, 'zz', 3] | join kind=leftanti (T) on s | project s1 = s, w)",
  },
  {
    why: 'make-series-operator by / summarize-operator',
    a: 'make-series c = count() default = 0 on t from datetime(2026-01-09) to datetime(2026-01-13) step 6h by s | mv-expand c to typeof(long), t to typeof(datetime) | where c > 0 | project s, t, c',
    b: 'where t >= datetime(2026-01-09) and t < datetime(2026-01-13) | summarize c = count() by s, t = bin_at(t, 6h, datetime(2026-01-09))',
  },
  {
    why: 'project-operator / extend-operator',
    a: 'extend x = n * 2, y = strlen(s) | project x, y',
    b: 'project x = n * 2, y = strlen(s)',
  },
];

// The executor answers some shapes on fast paths (dictionary codes of string columns, typed tick
// vectors of datetimes, grouped ids, a join's probe testing the `where` that follows it). The same
// query with each column read through an identity expression takes the general path: both must agree.
const opaque: Record<string, string> = {
  n: '(n + 0)',
  s: "strcat(s, '')",
  t: '(t + 0s)',
  r: '(r + 0.0)',
  b: 'iff(isnull(b), bool(null), b)',
  d: 'todynamic(d)',
};
const generalPath = (template: string) => template.replace(/\{(\w)\}/g, (_, c: string) => opaque[c]);
const fastPath = (template: string) => template.replace(/\{(\w)\}/g, (_, c: string) => c);
const fastPathTemplates = [
  "where {s} == 'a'",
  "where {s} in ('a', 'B', '')",
  "where {s} != 'a' and {n} > 0",
  "where {s} !in ('a', 'x-y')",
  "where {s} has 'b'",
  "where {s} !has 'b'",
  "where {s} has_cs 'B'",
  "where {s} contains 'b'",
  "where {s} startswith 'a'",
  "where {s} =~ 'a b'",
  "where {s} in~ ('A', 'b')",
  'where isempty({s})',
  "where {s} has_any ('a', 'y')",
  'where {n} > 1',
  'where {n} == 2 or {n} == -3',
  'where {n} in (1, 2)',
  'where {n} between (-1 .. 1)',
  'where isnull({n})',
  'where {t} > datetime(2026-01-10 06:00)',
  'where {t} between (datetime(2026-01-09 12:00) .. datetime(2026-01-10 12:00))',
  'where {t} >= ago(1d)',
  'where {r} < 0.5',
  'where {b}',
  'where not({b})',
  'summarize c = count(), x = sum({n}), m = max({t}), k = dcount({s}), l = array_sort_asc(make_set({n})) by s = {s}',
  'summarize c = count() by n = {n}, s = {s}',
  'summarize c = count(), a = avg({r}) by b = {b}',
  'summarize c = count() by t = bin({t}, 1h)',
  'summarize arg_max({t}, n) by s = {s} | project s, n',
  'summarize x = countif({n} > 0), y = sumif({r}, {b}) by s = {s}',
  'summarize x = make_list({d}) by n = {n}',
  'summarize by s = {s}',
  'extend s = {s} | distinct s',
  'extend s = {s}, n = {n} | distinct s, n',
  'extend s = {s} | join kind=inner (T | extend s = {s} | project s, n2 = n) on s',
  'extend s = {s} | join kind=leftouter (T | where n > 0 | extend s = {s} | project s, n2 = n) on s',
  'extend s = {s} | join kind=rightouter (T | where n > 0 | extend s = {s} | project s, n2 = n) on s',
  'extend s = {s} | join kind=fullouter (T | where n > 0 | extend s = {s} | project s, n2 = n) on s',
  'extend s = {s} | join kind=leftanti (T | where n > 0 | extend s = {s}) on s',
  'extend s = {s} | join kind=rightsemi (T | where n > 0 | extend s = {s}) on s',
  'extend n = {n} | join kind=inner (T | extend n = {n} | project n, s2 = s) on n',
  'extend n = {n}, s = {s} | join kind=inner (T | extend n = {n}, s = {s} | project n, s, r2 = r) on n, s',
  'extend t = {t} | join kind=inner (T | extend t = {t} | project t, s2 = s) on t',
  'extend s = {s} | join kind=inner (T | extend s = {s} | project s, t2 = t) on s | where t2 between ({t} .. {t} + 6h)',
  'extend s = {s} | join kind=inner (T | extend s = {s} | project s, t2 = t, n2 = n) on s | where t2 > {t} and n2 != {n}',
  'extend s = {s} | lookup (T | where n > 0 | extend s = {s} | summarize n2 = max(n) by s) on s',
  'extend s = {s} | lookup kind=inner (T | extend s = {s} | summarize n2 = max(n) by s) on s',
  'sort by {t} desc, {s} asc, {n} desc | project t, s, n',
  'top 3 by {t} asc nulls last | project t',
  'extend k = {s} | mv-expand d | summarize c = count() by k, d = tostring(d)',
];
for (const template of fastPathTemplates) {
  const order = template.startsWith('sort') || template.startsWith('top') ? 'sequence' : 'multiset';
  pairs.push({ why: 'fast path vs general path', a: fastPath(template), b: generalPath(template), order });
}
