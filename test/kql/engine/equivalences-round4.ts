import fc from 'fast-check';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import type { Pair } from './equivalences.js';
import { NOW } from './helpers.js';

// Round 4 of the documented equivalences (differential.test.ts), over the column types the earlier
// rounds leave out: int (with its 32-bit extremes) beside long, timespan (with odd tick counts and
// negative spans), guid, and rewrites of whole pipelines (a predicate through extend/project, a
// semi join against `in` of a subquery, a union of a table with itself, let-bound subqueries).

export const columns: Table['columns'] = [
  { name: 'i', type: 'int' },
  { name: 'l', type: 'long' },
  { name: 'ts', type: 'timespan' },
  { name: 'g', type: 'guid' },
  { name: 's', type: 'string' },
  { name: 'r', type: 'real' },
  { name: 't', type: 'datetime' },
  { name: 'd', type: 'dynamic' },
];
export const catalog = catalogOf([{ name: 'U', columns }]);
const TICKS_PER_MINUTE = 600_000_000n;
const DAY0 = NOW - 12n * 60n * TICKS_PER_MINUTE; // 2026-01-10 00:00

export const row = fc.tuple(
  fc.option(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))), {
    nil: null,
  }),
  fc.option(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 40, 2 ** 31)), { nil: null }),
  fc.option(
    fc.oneof(
      fc.integer({ min: -180, max: 180 }).map((m) => BigInt(m) * TICKS_PER_MINUTE),
      // One, three and five ticks (halves round), a negative odd span, a century.
      fc.constantFrom(1n, 3n, 5n, -5n, 36_500n * 1440n * TICKS_PER_MINUTE),
    ),
    { nil: null },
  ),
  fc.option(
    fc.constantFrom(
      '74be27de-1e4e-49d9-b579-fe0b331d3642',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-0000-4000-8000-0000000000aa',
    ),
    { nil: null },
  ),
  fc.constantFrom('a', 'b', 'B', 'ab', '', 'a b'),
  fc.option(fc.constantFrom(-1.5, 0, 0.5, 2, 2147483648.5, Number.NaN), { nil: null }),
  fc.option(
    fc.oneof(
      fc.integer({ min: -1440, max: 2880 }).map((m) => DAY0 + BigInt(m) * TICKS_PER_MINUTE),
      fc.constantFrom(DAY0 + 123_456_789n, 1_000_000_000_000_000n),
    ),
    { nil: null },
  ),
  fc.constantFrom<Value>(null, [], [1, 2], [3, null], ['a', 2], { k: 1 }, 7, [2, 2, 1]),
);

const rowId = 'serialize rid = row_number()';

export const pairs: Pair[] = [
  // numerical-operators page: an int or long operand makes integer arithmetic of type long, so an int
  // column behaves as its long value (no 32-bit wrap-around: int + int is long).
  { why: 'numerical-operators int/long', a: 'project x = i + l', b: 'project x = tolong(i) + l' },
  { why: 'numerical-operators int/long', a: 'project x = i * 3', b: 'project x = tolong(i) * 3' },
  { why: 'numerical-operators int/long', a: 'project x = i - 1', b: 'project x = tolong(i) - 1' },
  { why: 'numerical-operators int/long', a: 'project x = i / 2', b: 'project x = tolong(i) / 2' },
  { why: 'numerical-operators int/long', a: 'project x = i % 3', b: 'project x = tolong(i) % 3' },
  { why: 'numerical-operators int/real', a: 'project x = i * 0.5', b: 'project x = toreal(i) * 0.5' },
  { why: 'numerical-operators', a: 'project x = i + l', b: 'project x = l + i' },
  { why: 'numerical-operators', a: 'where i > 1.5', b: 'where toreal(i) > 1.5' },
  { why: 'numerical-operators', a: 'where i == l', b: 'where tolong(i) == l' },
  { why: 'numerical-operators', a: 'where r > i', b: 'where r > toreal(i)' },
  // in-operator page: in is an or of equalities, for int columns and long lists alike.
  {
    why: 'in-operator int',
    a: 'where i in (1, -2, 2147483647)',
    b: 'where i == 1 or i == -2 or i == 2147483647',
  },
  { why: 'in-operator int', a: 'where i !in (1, -2)', b: 'where i != 1 and i != -2' },
  { why: 'in-operator long/int', a: 'where l in (int(1), int(3))', b: 'where l == 1 or l == 3' },
  // between page, timespans: inclusive at both ends.
  { why: 'between-operator timespan', a: 'where ts between (0s .. 1h)', b: 'where ts >= 0s and ts <= 1h' },
  { why: 'between-operator int', a: 'where i between (-1 .. 2)', b: 'where i >= -1 and i <= 2' },
  // abs / coalesce / iff pages over int.
  {
    why: 'coalesce-function int',
    a: 'project x = coalesce(i, int(0))',
    b: 'project x = iff(isnull(i), int(0), i)',
  },
  {
    why: 'max-of-function',
    a: 'where isnotnull(i) and isnotnull(l) | project x = max_of(i, l)',
    b: 'where isnotnull(i) and isnotnull(l) | project x = iff(tolong(i) > l, tolong(i), l)',
  },
  {
    why: 'min-of-function',
    a: 'where isnotnull(i) and isnotnull(l) | project x = min_of(l, i)',
    b: 'where isnotnull(i) and isnotnull(l) | project x = iff(tolong(i) < l, tolong(i), l)',
  },
  // Conversions round trip through text (tostring / toint / toguid / totimespan pages).
  { why: 'toint round trip', a: 'project x = toint(tostring(i))', b: 'project x = i' },
  { why: 'toguid round trip', a: 'project x = toguid(tostring(g))', b: 'project x = g' },
  { why: 'totimespan round trip', a: 'project x = totimespan(tostring(ts))', b: 'project x = ts' },
  {
    why: 'strcat-function / tostring',
    a: 'project x = strcat(i, g, ts)',
    b: 'project x = strcat(tostring(i), tostring(g), tostring(ts))',
  },
  // guid equality (guid page) against the text of the same guid.
  {
    why: 'guid equality / tostring',
    a: 'where g == guid(74be27de-1e4e-49d9-b579-fe0b331d3642)',
    b: "where tostring(g) == '74be27de-1e4e-49d9-b579-fe0b331d3642'",
  },
  { why: 'distinct-operator guid', a: 'distinct g, i', b: 'summarize by g, i' },
  // timespan arithmetic (timespan page): a span is a count of ticks.
  { why: 'timespan arithmetic', a: 'project x = ts * 2', b: 'project x = ts + ts' },
  { why: 'timespan arithmetic', a: 'project x = ts / 1tick', b: 'project x = toreal(tolong(ts / 1tick))' },
  { why: 'timespan arithmetic', a: 'where ts > 1h', b: 'where ts / 1h > 1' },
  { why: 'timespan arithmetic', a: 'project x = -ts', b: 'project x = 0s - ts' },
  { why: 'timespan arithmetic', a: 'project x = ts / 2', b: 'project x = ts * 0.5' },
  {
    why: 'bin-function timespan',
    a: 'where ts >= 0s | project x = bin(ts, 1h)',
    b: 'where ts >= 0s | project x = ts - ts % 1h',
  },
  { why: 'datetime arithmetic', a: 'project x = t + ts', b: 'project x = ts + t' },
  {
    why: 'datetime arithmetic',
    a: 'project x = (t + ts) - t',
    b: 'project x = iff(isnull(t), timespan(null), ts)',
  },
  // top / sort pages over int and timespan keys.
  {
    why: 'top-operator int',
    a: 'top 3 by i | project i',
    b: 'sort by i desc | take 3 | project i',
    order: 'sequence',
  },
  {
    why: 'top-operator timespan',
    a: 'top 3 by ts asc | project ts',
    b: 'sort by ts asc | take 3 | project ts',
    order: 'sequence',
  },
  {
    why: 'sort-operator int',
    a: 'sort by i asc | project i',
    b: 'sort by tolong(i) asc | project i',
    order: 'sequence',
  },
  // A predicate over a computed column, or before the extend that computes it (where/extend pages).
  {
    why: 'extend-operator / where-operator',
    a: 'extend y = i * 2 | where y > 3',
    b: 'where i * 2 > 3 | extend y = i * 2',
  },
  {
    why: 'extend-operator / where-operator',
    a: 'extend y = strlen(s) | where y > 1 | project-away y',
    b: 'where strlen(s) > 1',
  },
  {
    why: 'project-operator / where-operator',
    a: 'project x = i, s | where x > 0',
    b: 'where i > 0 | project x = i, s',
  },
  { why: 'project-rename-operator', a: 'project-rename x = i | project x, s', b: 'project x = i, s' },
  { why: 'project-away-operator', a: 'project-away d, t, r, g', b: 'project i, l, ts, s' },
  { why: 'project-reorder-operator', a: 'project-reorder s, i | project s, i, l', b: 'project s, i, l' },
  // count page: count is summarize count(); union page: a table with itself counts twice.
  { why: 'count-operator', a: 'count', b: 'summarize Count = count()' },
  {
    why: 'countif-aggregation / count-operator',
    a: 'summarize c = countif(ts > 1h)',
    b: 'where ts > 1h | count | project c = Count',
  },
  { why: 'union-operator / count-operator', a: 'union U | count', b: 'count | extend Count = Count * 2' },
  {
    why: 'union-operator / summarize',
    a: 'union U | summarize c = count(), x = sum(i) by s',
    b: 'summarize c = count() * 2, x = sum(i) * 2 by s',
  },
  // let statement page: a let-bound tabular expression is the expression.
  {
    why: 'let-statement',
    a: 'where l > 0 | as X | union (X | where i > 0)',
    b: 'where l > 0 | union (U | where l > 0 and i > 0)',
  },
  // join page: leftsemi/leftanti keep the left rows that have / lack a match; in-operator page: in of a
  // subquery tests membership in its first column.
  {
    why: 'join-operator leftsemi / in-operator subquery',
    a: 'join kind=leftsemi (U | where l > 0) on s',
    b: 'where s in ((U | where l > 0 | project s))',
  },
  {
    why: 'join-operator leftanti / in-operator subquery',
    a: 'join kind=leftanti (U | where l > 0) on s',
    b: 'where s !in ((U | where l > 0 | project s))',
  },
  {
    why: 'join-operator inner / leftsemi',
    a: 'join kind=inner (U | where l > 0 | distinct s) on s | project-away s1',
    b: 'join kind=leftsemi (U | where l > 0) on s',
  },
  // lookup page: lookup is a left outer join that keeps the left key column only.
  {
    why: 'lookup-operator / join-operator leftouter',
    a: 'lookup (U | summarize m = max(ts), c = count() by s) on s',
    b: 'join kind=leftouter (U | summarize m = max(ts), c = count() by s) on s | project-away s1',
  },
  // arg_max page / top page per group.
  {
    why: 'arg-max-aggregation / partition top',
    a: 'where isnotnull(ts) | summarize arg_max(ts, i) by s | project s, ts',
    b: 'where isnotnull(ts) | partition hint.strategy=native by s (top 1 by ts | project s, ts)',
  },
  {
    why: 'arg-min-aggregation int',
    a: 'summarize arg_min(i, *) by s | project s, i',
    b: 'summarize i = min(i) by s',
  },
  // make_list / mv-expand pages: the non-null values of a group, expanded back.
  {
    why: 'make-list-aggregation / mv-expand-operator int',
    a: 'summarize v = make_list(i) by s | mv-expand v to typeof(int) | project s, v',
    b: 'where isnotnull(i) | project s, v = i',
  },
  {
    why: 'make-list-aggregation / mv-expand-operator timespan',
    a: 'summarize v = make_list(ts) by s | mv-expand v to typeof(timespan) | project s, v',
    b: 'where isnotnull(ts) | project s, v = ts',
  },
  {
    why: 'make-set-aggregation / distinct int',
    a: 'summarize v = make_set(i) by s | mv-expand v to typeof(int) | project s, v',
    b: 'where isnotnull(i) | distinct s, v = i',
  },
  // mv-apply page: the subquery runs over each row's expanded elements.
  {
    why: 'mv-apply-operator / mv-expand-operator',
    a: `${rowId} | mv-apply e = d to typeof(long) on (summarize m = max(e), c = count()) | project rid, m, c`,
    b: `${rowId} | mv-expand e = d to typeof(long) | summarize m = max(e), c = countif(isnotnull(e) or true) by rid | join kind=rightouter (U | ${rowId} | project rid) on rid | project rid = rid1, m, c = coalesce(c, 0)`,
  },
  // sum/avg pages over int: the sum of the non-null values, the average their mean.
  { why: 'sum-aggregation int', a: 'summarize x = sum(i) by s', b: 'summarize x = sum(tolong(i)) by s' },
  {
    why: 'avg-aggregation int',
    a: 'where isnotnull(i) | summarize x = avg(i) by s',
    b: 'where isnotnull(i) | summarize x = toreal(sum(tolong(i))) / count() by s',
  },
  {
    why: 'max-aggregation timespan',
    a: 'summarize m = max(ts) by s',
    b: 'summarize arg_max(ts, s) by s | project s, m = ts',
  },
  {
    why: 'countif-aggregation',
    a: 'summarize c = countif(i > 0) by s',
    b: 'summarize c = sum(iff(i > 0, 1, 0)) by s',
  },
  {
    why: 'dcount-aggregation guid',
    a: 'summarize c = dcount(g)',
    b: 'where isnotnull(g) | distinct g | count | project c = Count',
  },
  // summarize by bin(...) is extend then summarize by the column (summarize page).
  {
    why: 'summarize-operator bin',
    a: 'summarize c = count() by b = bin(ts, 1h)',
    b: 'extend b = bin(ts, 1h) | summarize c = count() by b',
  },
  {
    why: 'summarize-operator tostring key',
    a: 'extend k = tostring(i) | summarize c = count() by k',
    b: 'summarize c = count() by i | project k = tostring(i), c',
  },
  // case / iff pages with timespan and guid values.
  {
    why: 'iff-function / case-function',
    a: 'project x = iff(i > 0, ts, -ts)',
    b: 'project x = case(i > 0, ts, -ts)',
  },
  {
    why: 'iff-function guid',
    a: 'project x = iff(l > 0, g, guid(null))',
    b: 'project x = case(l > 0, g, guid(null))',
  },
  // Dynamic holding an int or timespan (bag_pack page): reading it back gives the value.
  { why: 'bag-pack-function int', a: "project x = toint(bag_pack('k', i).k)", b: 'project x = i' },
  { why: 'pack-array-function', a: 'project x = tolong(pack_array(l)[0])', b: 'project x = l' },
  // take page: take n answers n rows when there are that many.
  {
    why: 'take-operator / count-operator',
    a: 'take 2 | count',
    b: 'count | project Count = min_of(Count, 2)',
  },
];
