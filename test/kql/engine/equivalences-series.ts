import fc from 'fast-check';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import type { Pair } from './equivalences.js';
import { NOW } from './helpers.js';

// Round 2 of the documented equivalences (differential.test.ts): the families round 1 left out —
// series_* functions against their mv-expand / summarize / scan building blocks, typed parse
// captures, window functions against joins on row numbers, top-nested, mv-apply, lookup, distinct
// counts, string and datetime identities. They run over table S, whose dynamic columns x and y hold
// numeric arrays (with null elements, text elements and non-array values now and then), so the
// series functions meet the inputs make-series and pack_array give them.

export const columns: Table['columns'] = [
  { name: 'n', type: 'long' },
  { name: 's', type: 'string' },
  { name: 'v', type: 'real' },
  { name: 't', type: 'datetime' },
  { name: 'x', type: 'dynamic' },
  { name: 'y', type: 'dynamic' },
];
export const catalog = catalogOf([{ name: 'S', columns }]);
const MINUTE = 600_000_000n;
const DAY0 = NOW - 12n * 60n * MINUTE; // 2026-01-10 00:00

const element = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 4 }) },
  { weight: 3, arbitrary: fc.constantFrom(0.5, -1.5, 2.25, 1e3) },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant('a') },
);
const number = fc.oneof(fc.integer({ min: -3, max: 4 }), fc.constantFrom(0.5, -1.5, 2.25, 1e3));
const series = fc.oneof(
  { weight: 4, arbitrary: fc.array(number, { minLength: 1, maxLength: 6 }) },
  { weight: 4, arbitrary: fc.array(element, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom<Value>(null, 'text', 3, { k: 1 }) },
);
// Half the rows hold two numeric series of one length, the shape element-wise functions document.
const seriesPair = fc.oneof(
  fc.tuple(series, series),
  fc
    .integer({ min: 1, max: 6 })
    .chain((length) =>
      fc.tuple(...[0, 1].map(() => fc.array(number, { minLength: length, maxLength: length }))),
    ),
);

export const row = fc
  .tuple(
    fc.option(fc.integer({ min: -4, max: 6 }), { nil: null }),
    fc.constantFrom('a', 'b', 'A b', '', 'x-y', 'a-b-c', 'ab', ' a ', 'aXa', 'É b'),
    fc.option(fc.constantFrom(-2.5, -1, 0, 0.25, 1, 1.5, 3, 7.75, Number.NaN, Number.POSITIVE_INFINITY), {
      nil: null,
    }),
    fc.option(
      fc.oneof(
        fc.integer({ min: -1440, max: 2880 }).map((m) => DAY0 + BigInt(m) * MINUTE),
        fc.constantFrom(DAY0 + 123_456_789n, DAY0 - 20_000_000_000_000_000n, 1_000_000_000_000_000n),
      ),
      { nil: null },
    ),
    seriesPair,
  )
  .map(([n, s, v, t, [x, y]]) => [n, s, v, t, x, y] as const);

// Arrays of numbers only (no null or text element): the shape the pages' examples use.
const numbersOnly = (c: string) =>
  `array_length(${c}) > 0 and tostring(${c}) !contains 'null' and tostring(${c}) !contains '"'`;
const sameLength = 'array_length(x) == array_length(y)';
const rowId = 'serialize i = row_number()';

export const pairs: Pair[] = [
  // series_add / series_subtract / series_multiply pages: the element-wise operation; mv-expand of two
  // arrays zips them, element k with element k (mv-expand page), and make_list keeps their order.
  ...[
    ['series_add', '+'],
    ['series_subtract', '-'],
    ['series_multiply', '*'],
  ].map(
    ([fn, op]): Pair => ({
      why: `series-${fn.slice(7)}-function / mv-expand-operator`,
      a: `${rowId} | where ${numbersOnly('x')} and ${numbersOnly('y')} and ${sameLength} | mv-expand a = x to typeof(real), b = y to typeof(real) | summarize z = make_list(a ${op} b) by i`,
      b: `${rowId} | where ${numbersOnly('x')} and ${numbersOnly('y')} and ${sameLength} | project i, z = ${fn}(x, y)`,
    }),
  ),
  // series_add with a number on one side: every element against the number (series-add page).
  {
    why: 'series-add-function / mv-expand-operator',
    a: `${rowId} | where ${numbersOnly('x')} | mv-expand a = x to typeof(real) | summarize z = make_list(a + 2) by i`,
    b: `${rowId} | where ${numbersOnly('x')} | project i, z = series_add(x, 2)`,
  },
  // With null and text elements and arrays of different lengths: a non-numeric or missing element
  // gives a null element (series-add page); mv-expand pads the shorter array with null and
  // make_list_with_nulls keeps the null elements in order.
  {
    why: 'series-add-function nulls / make-list-with-nulls-aggregation',
    a: `${rowId} | where array_length(x) > 0 and array_length(y) > 0 | mv-expand a = x to typeof(real), b = y to typeof(real) | summarize z = make_list_with_nulls(a + b) by i`,
    b: `${rowId} | where array_length(x) > 0 and array_length(y) > 0 | project i, z = series_add(x, y)`,
  },
  {
    why: 'series-multiply-function nulls / make-list-with-nulls-aggregation',
    a: `${rowId} | where array_length(x) > 0 | mv-expand a = x to typeof(real) | summarize z = make_list_with_nulls(a * -1.5) by i`,
    b: `${rowId} | where array_length(x) > 0 | project i, z = series_multiply(x, -1.5)`,
  },
  // series_stats page: ignore_nonfinite=true computes the statistics over the finite elements only.
  {
    why: 'series-stats-function ignore_nonfinite / summarize-operator',
    a: `${rowId} | where array_length(x) > 0 | mv-expand e = x to typeof(real) | where isfinite(e) | summarize mn = min(e), mx = max(e), av = avg(e), va = round(variance(e), 9) by i`,
    b: `${rowId} | where array_length(x) > 0 | extend (mn, mni, mx, mxi, av, sd, va) = series_stats(x, true) | where isnotnull(mn) | project i, mn, mx, av, va = round(va, 9)`,
  },
  // series_stats page: min, max, avg, stdev and variance of the series (the sample ones, as the
  // stdev/variance aggregates); min_idx/max_idx the first index of the extreme.
  {
    why: 'series-stats-function / summarize-operator',
    a: `${rowId} | where ${numbersOnly('x')} | extend (mn, mni, mx, mxi, av, sd, va) = series_stats(x) | project i, mn, mx, av, sd = round(sd, 9), va = round(va, 9)`,
    b: `${rowId} | where ${numbersOnly('x')} | mv-expand e = x to typeof(real) | summarize mn = min(e), mx = max(e), av = avg(e), sd = round(stdev(e), 9), va = round(variance(e), 9) by i`,
  },
  {
    why: 'series-stats-function / mv-expand with_itemindex',
    a: `${rowId} | where ${numbersOnly('x')} | extend (mn, mni, mx, mxi, av, sd, va) = series_stats(x) | project i, mni, mxi`,
    b: `${rowId} | where ${numbersOnly('x')} | mv-expand with_itemindex = k e = x to typeof(real) | summarize arg_min(e, k), mx = max(e) by i | join kind=inner (S | ${rowId} | mv-expand with_itemindex = k e = x to typeof(real) | summarize mxi = min(k) by i, e) on i, $left.mx == $right.e | project i, mni = k, mxi`,
  },
  {
    why: 'series-stats-dynamic-function',
    a: `${rowId} | where ${numbersOnly('x')} | extend st = series_stats_dynamic(x) | project i, mn = toreal(st.min), mx = toreal(st.max), av = toreal(st.avg)`,
    b: `${rowId} | where ${numbersOnly('x')} | extend (mn, mni, mx, mxi, av, sd, va) = series_stats(x) | project i, mn, mx, av`,
  },
  // series_fill_forward page: a missing (null) element takes the last value before it; leading nulls
  // stay. The scan page's fill-forward example computes the same over rows.
  {
    why: 'series-fill-forward-function / scan-operator',
    a: `${rowId} | where array_length(x) > 0 | project i, z = series_fill_forward(x) | mv-expand with_itemindex = k z | project i, k, z = tostring(z)`,
    b: `${rowId} | where array_length(x) > 0 | mv-expand with_itemindex = k e = x | sort by i asc, k asc | scan with_match_id = mid declare (f: dynamic, fi: long) with (step s1: true => f = iff(isnull(e) and s1.fi == i, s1.f, e), fi = i;) | project i, k, z = tostring(f)`,
  },
  {
    why: 'series-fill-backward-function / scan-operator',
    a: `${rowId} | where array_length(x) > 0 | project i, z = series_fill_backward(x) | mv-expand with_itemindex = k z | project i, k, z = tostring(z)`,
    b: `${rowId} | where array_length(x) > 0 | mv-expand with_itemindex = k e = x | sort by i asc, k desc | scan with_match_id = mid declare (f: dynamic, fi: long) with (step s1: true => f = iff(isnull(e) and s1.fi == i, s1.f, e), fi = i;) | project i, k, z = tostring(f)`,
  },
  // series_fill_forward with a placeholder: the elements equal to it are the missing ones.
  {
    why: 'series-fill-forward-function placeholder / scan-operator',
    a: `${rowId} | where array_length(x) > 0 and tostring(x) !contains '"' | project i, z = series_fill_forward(x, 0) | mv-expand with_itemindex = k z | project i, k, z = tostring(z)`,
    b: `${rowId} | where array_length(x) > 0 and tostring(x) !contains '"' | mv-expand with_itemindex = k e = x | sort by i asc, k asc | scan with_match_id = mid declare (f: dynamic, fi: long) with (step s1: true => f = iff(toreal(e) == 0 and s1.fi == i, s1.f, e), fi = i;) | project i, k, z = tostring(f)`,
  },
  // series_fill_const page: each missing (null) element becomes the constant.
  {
    why: 'series-fill-const-function / coalesce-function',
    a: `${rowId} | where array_length(x) > 0 and tostring(x) !contains '"' | project i, z = series_fill_const(x, 9)`,
    b: `${rowId} | where array_length(x) > 0 and tostring(x) !contains '"' | mv-expand e = x | summarize z = make_list(coalesce(e, dynamic(9))) by i`,
  },
  // series_sum (array_sum) and array_length against mv-expand + summarize.
  {
    why: 'series-sum-function / sum-aggregation',
    a: `${rowId} | where ${numbersOnly('x')} | project i, z = series_sum(x)`,
    b: `${rowId} | where ${numbersOnly('x')} | mv-expand e = x to typeof(real) | summarize z = sum(e) by i`,
  },
  {
    why: 'array-sum-function / series-sum-function',
    a: `where ${numbersOnly('x')} | project z = array_sum(x)`,
    b: `where ${numbersOnly('x')} | project z = series_sum(x)`,
  },
  {
    why: 'array-length-function / count-aggregation',
    a: `${rowId} | where array_length(x) > 0 | project i, z = array_length(x)`,
    b: `${rowId} | where array_length(x) > 0 | mv-expand e = x | summarize z = count() by i`,
  },
  // make-series page: each bin of the axis holds the aggregate of the rows in that bin; the default
  // fills bins without rows. With a count beside it, bins with rows are the summarize-by-bin rows.
  {
    why: 'make-series-operator / summarize-operator',
    a: 'make-series c = count(), m = max(v) default = 99, a = sum(n) on t from datetime(2026-01-09) to datetime(2026-01-13) step 6h | mv-expand c to typeof(long), m to typeof(real), a to typeof(long), t to typeof(datetime) | where c > 0 | project t, m, a',
    b: 'where t >= datetime(2026-01-09) and t < datetime(2026-01-13) | summarize m = max(v), a = sum(n) by t = bin_at(t, 6h, datetime(2026-01-09))',
  },
  {
    why: 'make-series-operator / summarize-operator',
    a: 'make-series c = count() default = 0 on t from datetime(2026-01-09) to datetime(2026-01-13) step 1d | mv-expand c to typeof(long), t to typeof(datetime)',
    b: 'where t >= datetime(2026-01-09) and t < datetime(2026-01-13) | summarize c = count() by t = bin(t, 1d) | union (S | summarize by k = 1 | join kind=inner (datatable(k:long, t:datetime)[1, datetime(2026-01-09), 1, datetime(2026-01-10), 1, datetime(2026-01-11), 1, datetime(2026-01-12)]) on k | project t, c = tolong(0)) | summarize c = sum(c) by t | project c, t',
  },
  // parse page: a typed capture is the text converted to its type.
  {
    why: 'parse-operator typed capture / tolong',
    a: "where isnotnull(n) | extend str = strcat('id=', n, '; ', s) | parse str with 'id=' p:long '; ' rest | project p, rest",
    b: 'where isnotnull(n) | project p = n, rest = s',
  },
  {
    why: 'parse-operator typed capture / toreal',
    a: "where isnotnull(v) | extend str = strcat('v=', v, ';') | parse str with 'v=' p:real ';' | project p",
    b: 'where isnotnull(v) | project p = v',
  },
  {
    why: 'parse-operator typed capture / todatetime',
    a: "where isnotnull(t) | extend str = strcat('at ', t, ' by ', s) | parse str with 'at ' p:datetime ' by ' rest | project p, rest",
    b: 'where isnotnull(t) | project p = t, rest = s',
  },
  {
    why: 'parse-operator typed capture / extract-function',
    a: "extend str = strcat('k=', n, ',') | parse str with 'k=' p:long ',' | project p",
    b: "extend str = strcat('k=', n, ',') | project p = tolong(extract(@'^k=(-?\\d+),$', 1, str))",
  },
  // parse vs split: one delimiter in the text, the two sides of it.
  {
    why: 'parse-operator / split-function',
    a: "where countof(s, '-') == 1 | parse s with p1 '-' p2 | project s, p1, p2",
    b: "where countof(s, '-') == 1 | project s, p1 = tostring(split(s, '-')[0]), p2 = tostring(split(s, '-')[1])",
  },
  // row_cumsum page: the cumulative sum over the serialized rows, restarting where restart is true;
  // scan page: the same through a step that matches every row.
  {
    why: 'row-cumsum-function / scan-operator',
    a: 'extend m = coalesce(n, 0) | serialize c = row_cumsum(m) | project c',
    b: 'extend m = coalesce(n, 0) | scan with_match_id = mid declare (c: long = 0) with (step s1: true => c = s1.c + m;) | project c',
    order: 'sequence',
  },
  {
    why: 'row-cumsum-function restart / scan-operator',
    a: "extend m = coalesce(n, 0) | serialize c = row_cumsum(m, s == 'a') | project c",
    b: "extend m = coalesce(n, 0) | scan with_match_id = mid declare (c: long = 0) with (step s1: true => c = iff(s == 'a', m, s1.c + m);) | project c",
    order: 'sequence',
  },
  // prev/next pages: the value of the row before/after in the serialized order, null at the edge;
  // the same row found by a join on row numbers.
  {
    why: 'prev-function / join-operator',
    a: `${rowId} | extend p = prev(n), q = prev(s, 2) | project i, p, q`,
    b: `${rowId} | join kind=leftouter (S | serialize j = row_number() + 1 | project j, p = n) on $left.i == $right.j | join kind=leftouter (S | serialize j = row_number() + 2 | project j, q = s) on $left.i == $right.j | project i, p, q`,
  },
  {
    why: 'next-function / join-operator',
    a: `${rowId} | extend p = next(t), q = next(v, 1, -1.0) | project i, p, q`,
    b: `${rowId} | join kind=leftouter (S | serialize j = row_number() - 1 | project j, p = t, q0 = v, h = true) on $left.i == $right.j | project i, p, q = iff(isnull(h), -1.0, q0)`,
  },
  {
    why: 'prev-function default / join-operator',
    a: `${rowId} | extend p = prev(n, 1, 7) | project i, p`,
    b: `${rowId} | join kind=leftouter (S | serialize j = row_number() + 1 | project j, p0 = n, h = true) on $left.i == $right.j | project i, p = iff(isnull(h), 7, p0)`,
  },
  // top-nested page: the top N values of the column by the aggregate; with one level it is
  // summarize + top. Ties make the chosen values undefined, so only the aggregates are compared.
  {
    why: 'top-nested-operator / top-operator',
    a: 'top-nested 2 of s by c = count() | project c',
    b: 'summarize c = count() by s | top 2 by c | project c',
  },
  {
    why: 'top-nested-operator / summarize-operator',
    a: 'top-nested of s by m = max(n) | project s, m',
    b: 'summarize m = max(n) by s',
  },
  {
    why: 'top-nested-operator two levels / summarize-operator',
    a: 'top-nested of s by c = count(), top-nested of n by m = sum(v) | project s, c, n, m',
    b: 'summarize m = sum(v) by s, n | join kind=inner (S | summarize c = count() by s) on s | project s, c, n, m',
  },
  // mv-apply page: the subquery runs over each row's expanded array; mv-expand + summarize by a row
  // id computes the same (for non-empty arrays: the subquery over no rows answers its own shape).
  {
    why: 'mv-apply-operator / mv-expand-operator',
    a: `${rowId} | where ${numbersOnly('x')} | mv-apply e = x to typeof(real) on (summarize m = max(e), c = count()) | project i, m, c`,
    b: `${rowId} | where ${numbersOnly('x')} | mv-expand e = x to typeof(real) | summarize m = max(e), c = count() by i`,
  },
  {
    why: 'mv-apply-operator / mv-expand-operator',
    a: `${rowId} | where array_length(x) > 0 | mv-apply e = x on (where isnotnull(e) | extend w = tostring(e)) | project i, w`,
    b: `${rowId} | where array_length(x) > 0 | mv-expand e = x | where isnotnull(e) | project i, w = tostring(e)`,
  },
  // lookup page: a leftouter lookup is the leftouter join without the right key column.
  {
    why: 'lookup-operator / join-operator leftouter',
    a: "lookup (datatable(s:string, w:long)['a', 1, 'x-y', 2, 'zz', 3]) on s",
    b: "join kind=leftouter (datatable(s:string, w:long)['a', 1, 'x-y', 2, 'zz', 3]) on s | project-away s1",
  },
  {
    why: 'lookup-operator / join-operator leftouter',
    a: 'lookup (S | summarize w = max(v) by n) on n',
    b: 'join kind=leftouter (S | summarize w = max(v) by n) on n | project-away n1',
  },
  // dcount is exact for few values (dcount page: error ~1% from 1,000s of values); distinct | count.
  {
    why: 'dcount-aggregation / distinct-operator',
    a: 'where isnotnull(v) | summarize x = dcount(v) by n',
    b: 'where isnotnull(v) | distinct n, v | summarize x = count() by n',
  },
  {
    why: 'dcount-aggregation / distinct-operator',
    a: 'where isnotnull(t) | summarize x = dcount(t)',
    b: 'where isnotnull(t) | distinct t | count | project x = Count',
  },
  {
    why: 'count-distinct-aggregation / distinct-operator',
    a: 'where isnotnull(n) | summarize x = count_distinct(n) by s',
    b: 'where isnotnull(n) | distinct s, n | summarize x = count() by s',
  },
  {
    why: 'dcount-aggregation / distinct-operator (empty string is a value of a string column)',
    a: 'summarize x = dcount(s) by n',
    b: 'distinct n, s | summarize x = count() by n',
  },
  {
    why: 'lookup-operator / join-operator leftouter (several matching right rows)',
    a: 'lookup (S | where isnotnull(v) | project n, w = v) on n',
    b: 'join kind=leftouter (S | where isnotnull(v) | project n, w = v) on n | project-away n1',
  },
  // mv-apply page: the subquery's top 1 row per record; arg_max page: the row of the maximum.
  {
    why: 'mv-apply-operator top / max-aggregation',
    a: `${rowId} | where ${numbersOnly('x')} | mv-apply e = x to typeof(real) on (top 1 by e) | project i, e`,
    b: `${rowId} | where ${numbersOnly('x')} | mv-expand e = x to typeof(real) | summarize e = max(e) by i`,
  },
  // row_number page: the number restarts at 1 where restart is true; row_cumsum(1) counts the same.
  {
    why: 'row-number-function restart / row-cumsum-function',
    a: "serialize | extend x = row_number(1, s == 'a') | project x",
    b: "serialize | extend x = row_cumsum(1, s == 'a') | project x",
    order: 'sequence',
  },
  {
    why: 'row-rank-dense-function / join-operator',
    a: 'where isnotnull(n) | sort by n asc | extend r = row_rank_dense(n) | project n, r',
    b: 'where isnotnull(n) | join kind=inner (S | where isnotnull(n) | distinct n | sort by n asc | extend r = row_number()) on n | project n, r',
  },
  {
    why: 'row-rank-min-function / join-operator',
    a: 'where isnotnull(n) | sort by n asc | extend r = row_rank_min(n) | project n, r',
    b: 'where isnotnull(n) | join kind=inner (S | where isnotnull(n) | sort by n asc | extend k = row_number() | summarize r = min(k) by n) on n | project n, r',
  },
  {
    why: 'startofmonth-function offset / datetime-add-function',
    a: 'where getyear(t) > 100 and isnotnull(n) | extend x = startofmonth(t, n)',
    b: "where getyear(t) > 100 and isnotnull(n) | extend x = datetime_add('month', n, startofmonth(t))",
  },
  {
    why: 'startofweek-function offset',
    a: 'where isnotnull(n) | extend x = startofweek(t, n)',
    b: 'where isnotnull(n) | extend x = startofweek(t) + n * 7d',
  },
  {
    why: 'split-function requestedIndex',
    a: "where countof(s, ' ') >= 1 | extend x = split(s, ' ', 1)",
    b: "where countof(s, ' ') >= 1 | extend x = pack_array(split(s, ' ')[1])",
  },
  {
    why: 'countof-function regex / extract-all-function',
    a: "where countof(s, '[ab]', 'regex') > 0 | extend x = countof(s, '[ab]', 'regex')",
    b: "where countof(s, '[ab]', 'regex') > 0 | extend x = array_length(extract_all('([ab])', s))",
  },
  {
    why: 'strcat-array-function / replace-string-function',
    a: "extend x = strcat_array(split(s, '-'), '')",
    b: "extend x = replace_string(s, '-', '')",
  },
  {
    why: 'reverse-function',
    a: 'extend x = reverse(reverse(s)), y = strlen(reverse(s))',
    b: 'extend x = s, y = strlen(s)',
  },
  {
    why: 'series-fill-backward-function placeholder / series-fill-forward-function',
    a: `${rowId} | where array_length(x) > 0 and tostring(x) !contains '"' | project i, z = series_fill_backward(x, 0)`,
    b: `${rowId} | where array_length(x) > 0 and tostring(x) !contains '"' | project i, z = array_reverse(series_fill_forward(array_reverse(x), 0))`,
  },
  {
    why: 'series-subtract-function / series-add-function',
    a: `${rowId} | where array_length(x) > 0 and array_length(y) > 0 | project i, z = series_subtract(x, y)`,
    b: `${rowId} | where array_length(x) > 0 and array_length(y) > 0 | project i, z = series_add(x, series_multiply(y, -1))`,
  },
  // String functions.
  {
    why: 'indexof-function / substring-function',
    a: "where s contains_cs 'b' | extend x = indexof(s, 'b')",
    b: "where s contains_cs 'b' | extend x = strlen(extract('^(.*?)b', 1, s))",
  },
  {
    why: 'indexof-function / substring-function',
    a: "where indexof(s, 'a') >= 0 | extend x = substring(s, indexof(s, 'a'), 1)",
    b: "where indexof(s, 'a') >= 0 | extend x = 'a'",
  },
  // indexof page: start, length and occurrence (its idx2..idx8 examples).
  {
    why: 'indexof-function start',
    a: "where strlen(s) > 1 | extend x = indexof(s, 'a', 1)",
    b: "where strlen(s) > 1 | extend x = iff(indexof(substring(s, 1), 'a') < 0, -1, indexof(substring(s, 1), 'a') + 1)",
  },
  {
    why: 'indexof-function length',
    a: "where strlen(s) >= 2 | extend x = indexof(s, 'b', 0, 2)",
    b: "where strlen(s) >= 2 | extend x = indexof(substring(s, 0, 2), 'b')",
  },
  {
    why: 'indexof-function occurrence',
    a: "where countof(s, 'a') >= 2 | extend x = indexof(s, 'a', 0, -1, 2)",
    b: "where countof(s, 'a') >= 2 | extend x = indexof(s, 'a', indexof(s, 'a') + 1)",
  },
  {
    why: 'strcat-array-function / strcat-function',
    a: "where isnotnull(n) | extend x = strcat_array(pack_array(s, n), '-')",
    b: "where isnotnull(n) | extend x = strcat(s, '-', n)",
  },
  {
    why: 'split-function / countof-function',
    a: "extend x = array_length(split(s, '-'))",
    b: "extend x = countof(s, '-') + 1",
  },
  {
    why: 'split-function / countof-function',
    a: "extend x = array_length(split(s, 'a'))",
    b: "extend x = countof(s, 'a') + 1",
  },
  // Datetime functions.
  { why: 'startofday-function / bin-function', a: 'extend x = startofday(t)', b: 'extend x = bin(t, 1d)' },
  {
    why: 'startofday-function offset',
    a: 'where isnotnull(n) | extend x = startofday(t, n)',
    b: 'where isnotnull(n) | extend x = startofday(t) + n * 1d',
  },
  {
    why: 'datetime-add-function / timespan arithmetic',
    a: "where isnotnull(n) | extend x = datetime_add('day', n, t)",
    b: 'where isnotnull(n) | extend x = t + n * 1d',
  },
  {
    why: 'datetime-add-function / timespan arithmetic',
    a: "where isnotnull(n) | extend x = datetime_add('week', n, t), y = datetime_add('hour', n, t)",
    b: 'where isnotnull(n) | extend x = t + n * 7d, y = t + n * 1h',
  },
  {
    why: 'startofyear-function offset / datetime-add-function',
    a: 'where getyear(t) > 100 and isnotnull(n) | extend x = startofyear(t, n)',
    b: "where getyear(t) > 100 and isnotnull(n) | extend x = datetime_add('year', n, startofyear(t))",
  },
  {
    why: 'endofmonth-function / startofmonth-function',
    a: 'extend x = endofmonth(t)',
    b: 'extend x = startofmonth(t, 1) - 1tick',
  },
  {
    why: 'endofweek-function / startofweek-function',
    a: 'extend x = endofweek(t)',
    b: 'extend x = startofweek(t) + 7d - 1tick',
  },
  { why: 'endofday-function', a: 'extend x = endofday(t)', b: 'extend x = startofday(t) + 1d - 1tick' },
  {
    why: 'endofday-function offset',
    a: 'where isnotnull(n) | extend x = endofday(t, n)',
    b: 'where isnotnull(n) | extend x = startofday(t, n + 1) - 1tick',
  },
];
