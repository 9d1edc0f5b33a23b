import fc from 'fast-check';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import type { Pair } from './equivalences.js';
import { NOW } from './helpers.js';

// Round 3 of the documented equivalences (differential.test.ts), over what recent sessions added:
// decimal arithmetic, the hll family, union wildcards, series_fit_poly, erf/erfc,
// run-time schemas (bag_unpack, pivot), datetimes held as typed ticks (the columnar layout), and
// and/or of null operands in predicate positions. Table R's b holds property bags with a key `a`
// of several kinds (or none), d small decimals, t datetimes with fractional ticks and far dates.

export const columns: Table['columns'] = [
  { name: 'n', type: 'long' },
  { name: 'k', type: 'string' },
  { name: 'v', type: 'real' },
  { name: 'd', type: 'decimal' },
  { name: 't', type: 'datetime' },
  { name: 'b', type: 'dynamic' },
];
export const catalog = catalogOf([{ name: 'R', columns }]);
const MINUTE = 600_000_000n;
const DAY0 = NOW - 12n * 60n * MINUTE; // 2026-01-10 00:00

export const row = fc.tuple(
  fc.option(fc.integer({ min: -3, max: 5 }), { nil: null }),
  fc.constantFrom('a', 'b', 'c'),
  fc.option(fc.constantFrom(-2.5, -1, 0, 0.25, 0.5, 1.5, 3, 7.75, Number.NaN), { nil: null }),
  fc.option(fc.constantFrom(0.1, 0.2, 1.5, -2.25, 3.3, 0, 10), { nil: null }),
  fc.option(
    fc.oneof(
      fc.integer({ min: -1440, max: 2880 }).map((m) => DAY0 + BigInt(m) * MINUTE),
      fc.constantFrom(DAY0 + 123_456_789n, DAY0 - 20_000_000_000_000_000n, 1_000_000_000_000_000n),
    ),
    { nil: null },
  ),
  fc.constantFrom<Value>(
    { a: 1 },
    { a: 'x', c: 2 },
    { c: true },
    {},
    { a: null },
    { a: [1, 2] },
    { a: 2.5 },
    null,
  ),
);

const rowId = 'serialize i = row_number()';

export const pairs: Pair[] = [
  // decimal page: decimal arithmetic is exact, so doubling is adding the value to itself, and a sum
  // does not depend on how the rows are split.
  { why: 'decimal', a: 'project k, z = d * 2', b: 'project k, z = d + d' },
  { why: 'decimal', a: 'project z = d - d', b: 'project z = d * 0' },
  {
    why: 'decimal / sum-aggregation-function / union-operator',
    a: 'summarize s = sum(d) by k',
    b: 'where n > 0 | union (R | where n <= 0), (R | where isnull(n)) | summarize s = sum(d) by k',
  },
  // avg page: the sum of the non-null values over their count (decimal division is exact or refused).
  {
    why: 'decimal / avg-aggregation-function',
    a: 'where isnotnull(d) | summarize a = avg(d) by k',
    b: 'where isnotnull(d) | summarize s = sum(d), c = count() by k | project k, a = s / c',
  },
  {
    why: 'decimal / max-aggregation-function / arg-max',
    a: 'summarize m = max(d) by k',
    b: 'summarize arg_max(d, k) by k | project k, m = d',
  },
  // todecimal/toreal pages: comparing a decimal with 1 is comparing its real value with 1.
  { why: 'decimal / toreal-function', a: 'where d > todecimal(1)', b: 'where toreal(d) > 1.0' },
  // hll page: dcount_hll(hll(x)) is dcount(x)'s estimate; hll_merge of the groups' sketches is the
  // sketch of all rows (hll-merge page); hll_if is hll over the rows where the predicate holds.
  {
    why: 'hll-aggregation-function / dcount-hll-function',
    a: 'summarize c = dcount_hll(hll(n)) by k',
    b: 'summarize c = dcount(n) by k',
  },
  {
    why: 'hll-merge-aggregation-function',
    a: 'extend g = 1 | summarize h = hll(n) by k, g | summarize c = dcount_hll(hll_merge(h)) by g',
    b: 'extend g = 1 | summarize c = dcount(n) by g',
  },
  {
    why: 'hll-if-aggregation-function / dcountif-aggregation-function',
    a: 'summarize c = dcount_hll(hll_if(n, v > 0)) by k',
    b: 'summarize c = dcountif(n, v > 0) by k',
  },
  // dcount page: the accuracy level is the hll sketch's (hll page).
  {
    why: 'dcount-aggregation-function / hll-aggregation-function',
    a: 'summarize c = dcount(n, 4) by k',
    b: 'summarize c = dcount_hll(hll(n, 4)) by k',
  },
  // union page: a wildcard names every table it matches (here R alone). (kind=inner is answered only
  // as a query's last operator, which a pair's `R | …` cannot be.)
  {
    why: 'union-operator wildcard',
    a: 'union withsource = src R* | summarize c = count() by src, k',
    b: 'union withsource = src R | summarize c = count() by src, k',
  },
  // series_fit_poly page: degree 1 is a line fit; series_fit_line page gives the same line.
  {
    why: 'series-fit-poly-function / series-fit-line-function',
    a: 'where isfinite(v) | summarize y = make_list(v) by k | where array_length(y) > 1 | extend (rs, coeff, variance, rvariance, poly) = series_fit_poly(y, range(0, array_length(y) - 1, 1), 1) | project k, rs = round(rs, 9), rvariance = round(rvariance, 9)',
    b: 'where isfinite(v) | summarize y = make_list(v) by k | where array_length(y) > 1 | extend (rs, slope, variance, rvariance, interception, fit) = series_fit_line(y) | project k, rs = round(rs, 9), rvariance = round(rvariance, 9)',
  },
  // erfc page: erfc(x) = 1 - erf(x).
  {
    why: 'erfc-function / erf-function',
    a: 'project z = round(erfc(v), 12)',
    b: 'project z = round(1 - erf(v), 12)',
  },
  // bag_unpack page: a column per key, holding the key's value (empty where a bag lacks it).
  {
    why: 'bag-unpack-plugin / column-ifexists-function',
    a: `${rowId} | project i, b | evaluate bag_unpack(b) | project i, a = tostring(column_ifexists('a', dynamic(null)))`,
    b: `${rowId} | project i, a = tostring(b.a)`,
  },
  // bag_unpack page: OutputColumnPrefix is put before each key's column name.
  {
    why: 'bag-unpack-plugin OutputColumnPrefix',
    a: `${rowId} | project i, b | evaluate bag_unpack(b, 'p_') | project i, a = tostring(column_ifexists('p_a', dynamic(null)))`,
    b: `${rowId} | project i, a = tostring(b.a)`,
  },
  // pivot page: a column per value of the pivot column, holding the aggregate of its rows.
  {
    why: 'pivot-plugin / countif-aggregation-function',
    a: "extend g = 1 | evaluate pivot(k, count(), g) | project a = column_ifexists('a', long(null)) | where a > 0",
    b: "extend g = 1 | summarize a = countif(k == 'a') by g | project a | where a > 0",
  },
  {
    why: 'pivot-plugin / sumif-aggregation-function',
    a: "where isnotnull(n) | extend g = 1 | evaluate pivot(k, sum(n), g) | project a = column_ifexists('a', long(null)) | where isnotnull(a)",
    b: "where isnotnull(n) | extend g = 1 | summarize a = sumif(n, k == 'a'), m = countif(k == 'a') by g | where m > 0 | project a",
  },
  // percentiles page: percentiles() and percentiles_array() compute what percentile() does.
  {
    why: 'percentiles-aggregation-function',
    a: 'summarize p = percentile(n, 50), q = percentile(v, 90) by k',
    b: 'summarize pa = percentiles_array(n, 50), (q) = percentiles(v, 90) by k | project k, p = tolong(pa[0]), q',
  },
  // datetime_part page: the nanosecond part is the fraction of the second, in nanoseconds.
  {
    why: 'datetime-part-function',
    a: "project z = datetime_part('nanosecond', t)",
    b: 'project z = tolong((t - bin(t, 1s)) / 1tick) * 100',
  },
  // The fast path of a datetime column held as ticks (columnar layout) against the general one.
  {
    why: 'max-aggregation-function / datetime ticks',
    a: 'summarize m = max(t), l = min(t) by k',
    b: 'summarize m = max(t + 0s), l = min(t + 0s) by k',
  },
  {
    why: 'top-operator / datetime ticks',
    a: 'top 3 by t asc nulls last | project t',
    b: 'top 3 by t + 0s asc nulls last | project t',
    order: 'sequence',
  },
  // make_datetime page: a date's year, month and day give its midnight, as startofday does.
  {
    why: 'make-datetime-function / startofday-function',
    a: 'project z = make_datetime(getyear(t), getmonth(t), dayofmonth(t))',
    b: 'project z = startofday(t)',
  },
  // format_datetime page: yyyy-MM-dd is the date part of the ISO text tostring() prints.
  {
    why: 'format-datetime-function / tostring-function',
    a: "project z = format_datetime(t, 'yyyy-MM-dd HH:mm:ss')",
    b: "project z = replace_string(substring(tostring(t), 0, 19), 'T', ' ')",
  },
  // logical-operators and null-values pages: where drops a null and a false predicate alike, so
  // and/or of null operands filter the same however they are grouped.
  { why: 'logical-operators / where-operator', a: 'where n > 0 and v > 0', b: 'where n > 0 | where v > 0' },
  {
    why: 'logical-operators / where-operator',
    a: 'where n > 0 or v > 0',
    b: 'where n > 0 | union (R | where not(n > 0) or isnull(n) | where v > 0)',
  },
  {
    why: 'logical-operators / iff-function',
    a: 'extend z = iff(n > 0 and v > 0, 1, 0)',
    b: 'extend z = iff(n > 0, iff(v > 0, 1, 0), 0)',
  },
  {
    why: 'logical-operators / countif-aggregation-function',
    a: 'summarize c = countif(n > 0 and (v > 0 or d > todecimal(1))) by k',
    b: 'where n > 0 | where v > 0 or d > todecimal(1) | summarize c = count() by k | join kind=rightouter (R | distinct k) on k | project k = k1, c = coalesce(c, 0)',
  },
];
