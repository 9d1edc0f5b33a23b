import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { columnarTable, runQuery, type Table, type Value } from '../../../src/kql/index.js';
import { expectColumnarAgreesWithRows, NOW } from './helpers.js';

// A columnar table (dictionary-encoded strings and dynamic values, numbers in a Float64Array with
// null flags) must answer every query exactly as the same rows held as row arrays.

const columns: Table['columns'] = [
  { name: 't', type: 'datetime' },
  { name: 's', type: 'string' },
  { name: 'n', type: 'long' },
  { name: 'r', type: 'real' },
  { name: 'b', type: 'bool' },
  { name: 'd', type: 'dynamic' },
  { name: 'g', type: 'guid' },
  { name: 'span', type: 'timespan' },
];
const catalog = catalogOf([{ name: 'T', columns }]);

const row = fc.tuple(
  fc.option(fc.bigInt({ min: NOW - 10_000_000_000n, max: NOW }), { nil: null }),
  fc.constantFrom('a', 'b', '', 'A b'),
  fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
  fc.option(fc.constantFrom(0.5, -1, Number.NaN, 2), { nil: null }),
  fc.option(fc.boolean(), { nil: null }),
  fc.constantFrom<Value>(null, { k: 'v' }, [1, 2], 'text', 3, '{"k":"v"}'),
  fc.option(fc.constantFrom('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'), {
    nil: null,
  }),
  fc.option(fc.bigInt({ min: -100n, max: 100n }), { nil: null }),
);

const queries = [
  'T',
  'T | where n > 0 and b | project s, r, d',
  'T | summarize c = count(), x = dcount(s), m = max(r), any = take_any(g) by b, bin(t, 1s)',
  'T | extend k = tostring(d.k) | summarize make_list(n) by k',
  // Keys and dcount over dictionary-encoded columns (guid with nulls, string) use the codes.
  'T | summarize c = count(), x = dcount(g), y = dcountif(g, n > 0), z = dcount(s) by g, s',
  'T | where n != 0 | distinct s, g',
  'T | join kind=inner (T | project s, n2 = n) on s | count',
  // Self-joins key on the codes of the dictionary both sides share (null guids never match).
  'T | join kind=leftouter (T | where n > 0 | project g, s, n2 = n) on g, s | project s, g, n2',
  'T | where b | join kind=rightanti (T | order by n | project s, g) on s',
  'T | order by n asc nulls first, r desc | take 5',
  'T | summarize arg_max(t, *) by s',
  'T | where t >= datetime(2026-01-10T11:59:59Z) and t < datetime(2026-01-10T12:00:01Z) | make-series count() on t from datetime(2026-01-10T11:59:59Z) to datetime(2026-01-10T12:00:01Z) step 100ms by s',
];

describe('columnar tables', () => {
  it('answer as the same rows held as row arrays', () => {
    expectColumnarAgreesWithRows(catalog, columns, row, queries, 25);
  }, 300_000); // Minutes on the shared 2-core machine; nothing is asserted about time.

  it('grows past its first allocation and keeps nulls that come late', () => {
    const rows: Value[][] = Array.from({ length: 5000 }, (_, i) => [
      null,
      `u${i % 7}`,
      i % 3000 === 2999 ? null : i,
      null,
      i % 2 === 0,
      null,
      null,
      null,
    ]);
    const asColumns = new Map([['T', columnarTable(columns, rows)]]);
    const result = runQuery('T | summarize c = count(), nulls = countif(isnull(n)), total = sum(n) by b', {
      catalog,
      tables: asColumns,
      now: NOW,
    });
    const sum = (even: boolean) =>
      rows.filter((r) => (r[4] as boolean) === even).reduce((a, r) => a + ((r[2] as number | null) ?? 0), 0);
    expect(result.rows).toEqual([
      [true, 2500, 0, sum(true)],
      [false, 2500, 1, sum(false)],
    ]);
  });
});
