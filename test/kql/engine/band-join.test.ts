import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { pairFilter } from '../../../src/kql/execute/pair-filter.js';
import { columnarTable, planQuery, runPlan, type Table, type Value } from '../../../src/kql/index.js';
import type { Plan } from '../../../src/kql/plan/types.js';
import { NOW } from './helpers.js';

// The join's window on a right-side column (issue #15, band-join.ts): a key's right rows sorted by
// the column and searched per left row. It only prunes; the rows, in their order, must be those of
// the same `where` evaluated after an `extend` (which the join cannot absorb). Keys have few values
// and many rows here, so that keys hold more rows than the join scans whole.

const columns: Table['columns'] = [
  { name: 'A', type: 'string' },
  { name: 'T', type: 'datetime' },
  { name: 'D', type: 'timespan' },
];
const catalog = catalogOf([
  { name: 'L', columns },
  { name: 'R', columns },
]);
const MINUTE = 600_000_000n;

// Whole multiples of 10 minutes, so that window edges (T1 == T + 1h) come up often.
const time = fc.integer({ min: 0, max: 18 }).map((k) => NOW - BigInt(k) * 10n * MINUTE);
const span = fc.integer({ min: -6, max: 6 }).map((k) => BigInt(k) * 10n * MINUTE);
const rows = fc.array(fc.tuple(fc.constantFrom('a', 'b'), time, span), {
  minLength: 10,
  maxLength: 60,
  size: 'max',
});

function answer(query: string, tables: Map<string, Table | ReturnType<typeof columnarTable>>): Value[][] {
  return runPlan(planQuery(query, catalog), { catalog, tables, now: NOW }).rows;
}

// Windows between the sides' times as detections write them (a right-side column against the left
// row), and a few a window cannot be taken from (a difference, an `or`, a negation).
const windows = [
  'T1 between (T .. 1h)',
  'T1 between (T - 30m .. T + D)',
  'T1 >= T + D1',
  'T1 > T',
  'T + 1h >= T1',
  'T1 == T + 20m',
  'T1 - 10m <= T and T1 + 10m >= T',
  '30m + T1 < T',
  'T1 >= datetime(2026-01-10 10:00)',
  'T between (T1 - 1h .. T1)',
  'T1 - T <= 1h',
  'T1 < T or T1 > T + 1h',
  'not(T1 between (T .. 1h))',
];

describe('a time window between the sides of a join', () => {
  it.each(windows)('%s keeps the rows, in order, of the same where after an extend', (window) => {
    fc.assert(
      fc.property(rows, rows, fc.boolean(), (left, right, columnarRight) => {
        const tables = new Map<string, Table | ReturnType<typeof columnarTable>>([
          ['L', columnarTable(columns, left)],
          ['R', columnarRight ? columnarTable(columns, right) : { columns, rows: right }],
        ]);
        const join = 'L | join kind=inner R on A';
        const output = 'project A, T, D, T1, D1';
        const fused = answer(`${join} | where ${window} | ${output}`, tables);
        const general = answer(`${join} | extend keep_ = ${window} | where keep_ | ${output}`, tables);
        expect(fused).toEqual(general);
      }),
      { numRuns: 30 },
    );
  });

  it('takes a window on the right-side column from comparisons with the left row', () => {
    const frame = (times: bigint[]) => ({
      schema: [
        { name: 'K', type: 'string' as const },
        { name: 'T', type: 'datetime' as const },
      ],
      columns: [times.map(() => 'k'), times],
      length: times.length,
    });
    const band = (where: string) => {
      const plan = planQuery(
        `L | project K = A, T | join kind=inner (R | project K = A, T) on K | where ${where}`,
        catalog,
      );
      if (plan.op !== 'filter' || plan.input.op !== 'join') throw new Error(`unexpected plan ${plan.op}`);
      const join: Extract<Plan, { op: 'join' }> = plan.input;
      const left = frame([NOW, NOW + 60n * MINUTE]);
      const right = frame([NOW + 59n * MINUTE, NOW + 61n * MINUTE]);
      const found = pairFilter(join, plan.predicate, left, right)?.band;
      // As offsets from the left row's time, in minutes.
      return (
        found && [0, 1].map((l) => [found.low(l), found.high(l)].map((x) => (x - found.low(0)) / 600_000_000))
      );
    };
    expect(band('T1 between (T .. 1h)')).toEqual([
      [0, 60],
      [60, 120],
    ]);
    expect(band('T1 > T and T1 <= T + 30m')).toEqual([
      [0, 30],
      [60, 90],
    ]);
    expect(band('T between (T1 - 1h .. T1)')).toEqual([
      [0, 60],
      [60, 120],
    ]);
    expect(band('T1 > T')?.map(([, high]) => high)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(band('T1 - T <= 1h')).toBeUndefined();
    expect(band('T1 < T or T1 > T + 1h')).toBeUndefined();
  });
});
