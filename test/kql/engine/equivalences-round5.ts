import fc from 'fast-check';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import type { Pair } from './equivalences.js';
import { NOW } from './helpers.js';

// Round 5 of the documented equivalences (differential.test.ts, issue 11 session 9): tabular
// operators against each other — join kinds, summarize, make-series, mv-expand, top-nested and
// partition — over table V: a non-null group key k, a string, a nullable long and real, datetimes
// within a day of 2026-01-10 (some null), and dynamic arrays, bags and scalars.

export const columns: Table['columns'] = [
  { name: 'k', type: 'long' },
  { name: 's', type: 'string' },
  { name: 'l', type: 'long' },
  { name: 'r', type: 'real' },
  { name: 't', type: 'datetime' },
  { name: 'd', type: 'dynamic' },
];
export const catalog = catalogOf([{ name: 'V', columns }]);
const TICKS_PER_HOUR = 36_000_000_000n;
const DAY0 = NOW - 12n * TICKS_PER_HOUR; // 2026-01-10 00:00

export const row = fc.tuple(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom('a', 'b', 'ab', ''),
  fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
  fc.option(fc.constantFrom(-1.5, 0, 0.5, 2), { nil: null }),
  fc.option(
    fc.integer({ min: -24, max: 47 }).map((h) => DAY0 + BigInt(h) * TICKS_PER_HOUR),
    { nil: null },
  ),
  fc.constantFrom<Value>(null, [], [1, 2], [3, null], ['a', 2], { k: 1, j: 'x' }, 7, [2, 2, 1]),
);

const series = 'on t from datetime(2026-01-08) to datetime(2026-01-13) step 1d';

export const pairs: Pair[] = [
  // join page: fullouter and leftouter rows with a match on both sides are the inner join's rows.
  {
    why: 'join-operator fullouter / inner',
    a: 'join kind=fullouter (V | where l > 0 | project k, x = r) on k | where isnotnull(k) and isnotnull(k1) | project k, s, x',
    b: 'join kind=inner (V | where l > 0 | project k, x = r) on k | project k, s, x',
  },
  {
    why: 'join-operator leftouter / inner',
    a: 'join kind=leftouter (V | where l > 0 | project k, x = r) on k | where isnotnull(k1) | project k, s, x',
    b: 'join kind=inner (V | where l > 0 | project k, x = r) on k | project k, s, x',
  },
  // join page: fullouter rows without a right match are the leftanti rows, and without a left one
  // the rightanti rows.
  {
    why: 'join-operator fullouter / leftanti',
    a: 'join kind=fullouter (V | where l > 0 | project k, x = r) on k | where isnull(k1) | project k, s',
    b: 'join kind=leftanti (V | where l > 0 | project k, x = r) on k | project k, s',
  },
  {
    why: 'join-operator rightouter / inner',
    a: 'join kind=rightouter (V | where l > 0 | project k, x = r) on k | where isnotnull(k) | project k1, s, x',
    b: 'join kind=inner (V | where l > 0 | project k, x = r) on k | project k1, s, x',
  },
  // join page: rightsemi/rightanti keep the right rows that have / lack a match on the left.
  {
    why: 'join-operator rightsemi / in-operator subquery',
    a: 'where l > 1 | join kind=rightsemi (V | where isnotnull(r)) on k',
    b: 'where isnotnull(r) | where k in ((V | where l > 1 | project k))',
  },
  {
    why: 'join-operator rightanti / in-operator subquery',
    a: 'where l > 1 | join kind=rightanti (V | where isnotnull(r)) on k',
    b: 'where isnotnull(r) | where k !in ((V | where l > 1 | project k))',
  },
  // join page: innerunique keeps one left row per key, then joins it to every right row.
  {
    why: 'join-operator innerunique / distinct + inner',
    a: 'join kind=innerunique (V | project k, x = l) on k | project k, x',
    b: 'distinct k | join kind=inner (V | project k, x = l) on k | project k, x',
  },
  // summarize page: the by columns are the group key whatever their order; distinct is summarize by.
  {
    why: 'summarize-operator by order',
    a: 'summarize c = count() by k, s',
    b: 'summarize c = count() by s, k | project k, s, c',
  },
  { why: 'summarize-operator / distinct', a: 'summarize by k, s', b: 'distinct k, s' },
  {
    why: 'summarize-operator hint.shufflekey',
    a: 'summarize hint.shufflekey = k c = count(), m = max(l) by k',
    b: 'summarize c = count(), m = max(l) by k',
  },
  {
    why: 'count-distinct-aggregation / distinct',
    a: 'summarize n = count_distinct(s) by k',
    b: 'distinct k, s | summarize n = count() by k',
  },
  {
    why: 'make-set-aggregation / count-distinct-aggregation',
    a: 'summarize v = make_set(s) by k | project k, n = array_length(v)',
    b: 'summarize n = count_distinct(s) by k',
  },
  {
    why: 'summarize-operator by a computed column',
    a: 'extend b = bin(t, 1d) | summarize c = count(), x = sum(l) by b',
    b: 'summarize c = count(), x = sum(l) by b = bin(t, 1d)',
  },
  {
    why: 'avgif-aggregation / where + avg',
    a: 'summarize x = avgif(r, l > 0) by k | where isnotnull(x) and not(isnan(x))',
    b: 'where l > 0 | summarize x = avg(r) by k | where isnotnull(x) and not(isnan(x))',
  },
  {
    why: 'minif-maxif-aggregation / where + min, max',
    a: 'summarize mn = minif(t, l > 0), mx = maxif(l, l > 0) by k | where isnotnull(mx)',
    b: 'where l > 0 | summarize mn = min(t), mx = max(l) by k',
  },
  // make-series page: each bin of the series is the aggregation over the rows of that bin (bins start
  // at from, one step wide), a bin without rows holds the default (0 unless given); mv-expand of the
  // series and its axis zips them.
  {
    why: 'make-series-operator / summarize by bin',
    a: `make-series c = count(), x = sum(l) default = 0 ${series} by k | mv-expand c to typeof(long), x to typeof(long), t to typeof(datetime) | where c > 0 | project k, t, c, x`,
    b: 'where t >= datetime(2026-01-08) and t < datetime(2026-01-13) | summarize c = count(), x = sum(l) by k, t = bin(t, 1d)',
  },
  {
    why: 'make-series-operator / summarize by bin, max',
    a: `make-series m = max(r) default = real(null) ${series} by k | mv-expand m to typeof(real), t to typeof(datetime) | where isnotnull(m) | project k, t, m`,
    b: 'where t >= datetime(2026-01-08) and t < datetime(2026-01-13) and isnotnull(r) | summarize m = max(r) by k, t = bin(t, 1d)',
  },
  // mv-expand page: with_itemindex only adds the index column.
  {
    why: 'mv-expand-operator with_itemindex',
    a: 'mv-expand with_itemindex = ix x = d | project k, s, x = tostring(x)',
    b: 'mv-expand x = d | project k, s, x = tostring(x)',
  },
  {
    why: 'mv-expand-operator with_itemindex / array_length',
    a: 'serialize rid = row_number() | extend n = array_length(d) | where n > 0 | mv-expand with_itemindex = ix x = d | summarize c = count(), top = max(ix) by rid, n | project rid, c, top',
    b: 'serialize rid = row_number() | extend n = array_length(d) | where n > 0 | project rid, c = n, top = n - 1',
  },
  // top-nested page: without a count, every value of the level, each with its aggregation.
  {
    why: 'top-nested-operator / summarize',
    a: 'top-nested of k by c = count()',
    b: 'summarize c = count() by k',
  },
  {
    why: 'top-nested-operator two levels / summarize',
    a: 'top-nested of k by c = count(), top-nested of s by x = sum(l)',
    b: 'summarize x = sum(l) by k, s | join kind=inner (V | summarize c = count() by k) on k | project k, c, s, x',
  },
  // partition page: the subquery runs over each key's rows; its results are unioned.
  {
    why: 'partition-operator / summarize by',
    a: 'partition hint.strategy=native by k (summarize c = count(), m = max(l))',
    b: 'summarize c = count(), m = max(l) by k | project c, m',
  },
  {
    why: 'partition-operator / where',
    a: 'partition hint.strategy=native by k (where l > 0)',
    b: 'where l > 0',
  },
  {
    why: 'partition-operator legacy / native',
    a: 'partition by k (summarize c = count(), x = make_set(s) | project c, n = array_length(x))',
    b: 'partition hint.strategy=native by k (summarize c = count(), x = make_set(s) | project c, n = array_length(x))',
  },
];
