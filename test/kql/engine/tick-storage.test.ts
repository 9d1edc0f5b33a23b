import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { selectColumnar, sliceColumnar } from '../../../src/kql/execute/columnar-select.js';
import { int64TickVector, TICK_VECTOR_BASE, tickBinNumbers } from '../../../src/kql/execute/tick-vectors.js';
import { columnarTable, type Table, type Value, vectorReader } from '../../../src/kql/index.js';
import { MAX_DATETIME_TICKS } from '../../../src/kql/values/index.js';
import { expectColumnarAgreesWithRows, NOW } from './helpers.js';

// Datetimes and timespans of a columnar table held as 64-bit ticks (issue #15), and the operators
// that read them as exact doubles instead of a bigint per row: bin() keys, arg_max/arg_min,
// make-series bins. Every answer must be the one the same rows give as row arrays (bigints read by
// the general operators), including near bin edges and for datetimes outside the doubles' exact range.

const columns: Table['columns'] = [
  { name: 't', type: 'datetime' },
  { name: 's', type: 'string' },
  { name: 'span', type: 'timespan' },
];
const catalog = catalogOf([{ name: 'T', columns }]);
const HOUR = 36_000_000_000n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MINUTE = 600_000_000n;

// Mostly times near NOW (and exactly on 5-minute edges, and one tick either side of them), sometimes
// the ends of the datetime range, which have no exact double (their columns take the general path).
const time = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: NOW - 3n * HOUR, max: NOW }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 36 }), fc.constantFrom(-1n, 0n, 1n))
      .map(([k, d]) => NOW - BigInt(k) * 5n * MINUTE + d),
  },
  { weight: 1, arbitrary: fc.constantFrom(0n, MAX_DATETIME_TICKS, 1n, MAX_DATETIME_TICKS - 1n) },
);
const span = fc.oneof(
  fc.bigInt({ min: -3n * HOUR, max: 3n * HOUR }),
  fc.constantFrom(-5n * MINUTE, 5n * MINUTE, 0n),
);
const withoutNulls = fc.tuple(time, fc.constantFrom('a', 'b', 'c'), span);
const withNulls = fc.tuple(
  fc.option(time, { nil: null, freq: 10 }),
  fc.constantFrom('a', 'b'),
  fc.option(span, { nil: null, freq: 10 }),
);

const queries = [
  'T | summarize c = count() by s, bin(t, 5m)',
  'T | summarize c = count() by bin(span, 5m), floor(t, 1h)',
  'T | summarize arg_max(t, *) by s',
  'T | summarize arg_min(t, s), arg_max(span, s) by bin(t, 1h)',
  // Rows outside the axis are filtered first: a group with none inside is refused (make-series page).
  `T | where t >= datetime(2026-01-10T09:00:00Z) and t < datetime(2026-01-10T12:00:00Z) | make-series c = count() default = 0 on t from datetime(2026-01-10T09:00:00Z) to datetime(2026-01-10T12:00:00Z) step 7m by s`,
  'T | where span >= -1h and span < 1h | make-series c = count() default = 0 on span from -1h to 1h step 7m',
  'T | join kind=inner (T | project s, t2 = t) on s | where t2 between (t .. 5m) | count',
];

describe('datetimes held as 64-bit ticks', () => {
  it('answer as the same rows held as row arrays (no nulls: the tick paths)', () => {
    expectColumnarAgreesWithRows(catalog, columns, withoutNulls, queries, 25);
  }, 300_000); // Minutes on the shared 2-core machine; nothing is asserted about time.

  it('answer as the same rows held as row arrays (nulls: the general paths)', () => {
    expectColumnarAgreesWithRows(catalog, columns, withNulls, queries, 15);
  }, 300_000);

  it('are stored 8 bytes a row, nulls flagged, and keep their values past a value that is no tick count', () => {
    const rows: Value[][] = [
      [NOW, 'a', 1n],
      [null, 'b', null],
      [MAX_DATETIME_TICKS, 'c', -1n],
    ];
    const table = columnarTable(columns, rows);
    expect(table.vectors[0].kind).toBe('ticks');
    expect(table.vectors[2].kind).toBe('ticks');
    const read = (t: typeof table, c: number) =>
      Array.from({ length: t.length }, (_, i) => vectorReader(t.vectors[c], columns[c].type)(i));
    expect(read(table, 0)).toEqual([NOW, null, MAX_DATETIME_TICKS]);
    expect(read(table, 2)).toEqual([1n, null, -1n]);
    expect(read(sliceColumnar(table, 1, 3), 0)).toEqual([null, MAX_DATETIME_TICKS]);
    expect(read(selectColumnar(table, [2, 0, 1]), 2)).toEqual([-1n, 1n, null]);
    // A bigint beyond 64 bits (no engine datetime, but a builder takes what it is given).
    const wide = columnarTable(columns, [[NOW, 'a', 2n ** 70n], ...rows]);
    expect(wide.vectors[2].kind).toBe('values');
    expect(read(wide, 2)).toEqual([2n ** 70n, 1n, null, -1n]);
  });
});

describe('tick vectors of 64-bit ticks', () => {
  it('are the exact differences from the base, or none when one is not exact', () => {
    const value = fc.oneof(
      fc.bigInt({ min: TICK_VECTOR_BASE - SAFE - 3n, max: TICK_VECTOR_BASE + SAFE + 3n }),
      fc.constantFrom(TICK_VECTOR_BASE - SAFE, TICK_VECTOR_BASE + SAFE, TICK_VECTOR_BASE - SAFE - 1n),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), fc.nat(2), (values, offset) => {
        // A view that does not start at its buffer's start, as a backtest window's slice is.
        const ticks = new BigInt64Array([...Array(offset).fill(0n), ...values]).subarray(offset);
        const exact = values.every((v) => v - TICK_VECTOR_BASE >= -SAFE && v - TICK_VECTOR_BASE <= SAFE);
        const vector = int64TickVector(ticks, 'datetime');
        if (!exact) expect(vector).toBeUndefined();
        else expect(vector && Array.from(vector, (x) => BigInt(x) + TICK_VECTOR_BASE)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it("number bins as floor(t / step), bin()'s bins", () => {
    const floorDiv = (a: bigint, b: bigint) => {
      const q = a / b;
      return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
    };
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }), { minLength: 1, maxLength: 8 }),
        fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 40n }), fc.constantFrom(5n * MINUTE, HOUR, 131_072n)),
        fc.constantFrom<'datetime' | 'timespan'>('datetime', 'timespan'),
        (xs, step, type) => {
          const base = type === 'datetime' ? TICK_VECTOR_BASE : 0n;
          // Values on and beside bin edges too.
          const values = xs.flatMap((x) => [x, floorDiv(x + base, step) * step - base]);
          const bins = tickBinNumbers(Float64Array.from(values, Number), type, step);
          const expected = values.map((x) => floorDiv(x + base, step));
          const exact = expected.every((q) => q >= -SAFE && q <= SAFE);
          // Bins numbered beyond 2^53 (a tiny step) have no exact number: no tick path then.
          if (!exact) expect(bins).toBeUndefined();
          else expect(bins && values.map((_, i) => bins(i))).toEqual(expected.map(Number));
        },
      ),
      { numRuns: 300 },
    );
  });
});
