import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import { TICKS_PER_MINUTE } from '../../../src/kql/values/index.js';
import { NOW, run } from './helpers.js';

// Summarize groups rows on dense ids (src/kql/execute/group.ts): bin() of a datetime is keyed by a
// bin number computed on doubles, key tuples are combined pairwise through a table or a Map, and
// count/dcount/arg_max run over typed arrays. These compare the answers with a reference computed
// here with exact bigint arithmetic and plain Maps, in the order of each group's first row.

const HOUR = 60n * TICKS_PER_MINUTE;

const floorDiv = (a: bigint, b: bigint) => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

/** Options for run(): table T with these columns and rows. */
function table(columns: Table['columns'], rows: Value[][]) {
  return { catalog: catalogOf([{ name: 'T', columns }]), tables: new Map([['T', { columns, rows }]]) };
}

/** Groups in order of first appearance, with the rows of each. */
function reference<K>(rows: Value[][], key: (row: Value[]) => K): { key: K; rows: Value[][] }[] {
  const groups = new Map<string, { key: K; rows: Value[][] }>();
  for (const row of rows) {
    const k = key(row);
    const text = JSON.stringify(k, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const group = groups.get(text) ?? { key: k, rows: [] };
    groups.set(text, group);
    group.rows.push(row);
  }
  return [...groups.values()];
}

// 1970-01-01 in ticks (719,162 days after 0001-01-01).
const UNIX_EPOCH = 621_355_968_000_000_000n;

describe('summarize by bin() of a datetime', () => {
  const sizes = [5n * TICKS_PER_MINUTE, HOUR, 24n * HOUR, 7n * 24n * HOUR, 131_072n, 131_073n, 7n];
  // Times at and around bin edges (where the double is not exact), and anywhere in a year.
  const edge = fc
    .tuple(
      fc.constantFrom(...sizes),
      fc.integer({ min: -20_000, max: 20_000 }),
      fc.integer({ min: -5000, max: 5000 }),
    )
    .map(([size, bins, offset]) => floorDiv(NOW, size) * size + BigInt(bins) * size + BigInt(offset));
  const anywhere = fc.bigInt({ min: NOW - 365n * 24n * HOUR, max: NOW + 365n * 24n * HOUR });
  const time = fc.option(fc.oneof(edge, anywhere), { nil: null, freq: 10 });

  it('puts every row in the bin exact arithmetic gives, for datetimes and timespans', () => {
    fc.assert(
      fc.property(
        fc.array(time, { minLength: 1, maxLength: 200 }),
        fc.constantFrom(...sizes),
        (times, size) => {
          const data = table(
            [
              { name: 't', type: 'datetime' },
              { name: 'd', type: 'timespan' },
            ],
            times.map((t) => [t, t === null ? null : t - NOW]),
          );
          const literal = `${size}tick`;
          for (const [column, shift] of [
            ['t', 0n],
            ['d', NOW],
          ] as const) {
            const query = `T | summarize n = count() by b = bin(${column}, ${literal})`;
            // A datetime size that bins differently from 0001-01-01 and from 1970-01-01 is refused
            // (wrong-answer-hunt-9.yaml); the fast path must refuse it too, at the first non-null row.
            if (column === 't' && UNIX_EPOCH % size !== 0n && times.some((t) => t !== null)) {
              expect(() => run(query, data)).toThrow(/bin\(\) of a datetime with this bin size/);
              continue;
            }
            const result = run(query, data);
            const expected = reference(
              times.map((t) => [t]),
              ([t]) => (t === null ? null : floorDiv((t as bigint) - shift, size) * size),
            ).map((g) => [g.key, g.rows.length]);
            expect(result.rows).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps small bin sizes and floor() exact', () => {
    const times = [NOW, NOW + 1n, NOW + 9n, NOW + 10n, NOW - 1n, null];
    const data = table(
      [{ name: 't', type: 'datetime' }],
      times.map((t) => [t]),
    );
    for (const fn of ['bin', 'floor']) {
      const result = run(`T | summarize n = count() by b = ${fn}(t, 10tick)`, data);
      const expected = reference(
        times.map((t) => [t]),
        ([t]) => (t === null ? null : floorDiv(t as bigint, 10n) * 10n),
      ).map((g) => [g.key, g.rows.length]);
      expect(result.rows).toEqual(expected);
    }
  });
});

describe('summarize by several keys', () => {
  it('numbers key tuples in order of first appearance, through the pair table and the pair Map', () => {
    // 997 x 1000 possible pairs over 3,000 rows take the Map; 3 x 4 over 3,000 the direct table.
    for (const [a, b] of [
      [997, 1000],
      [3, 4],
    ]) {
      const rows: Value[][] = Array.from({ length: 3000 }, (_, i) => [i % a, `k${(i * 7) % b}`, i]);
      const data = table(
        [
          { name: 'a', type: 'long' },
          { name: 'b', type: 'string' },
          { name: 'i', type: 'long' },
        ],
        rows,
      );
      const result = run('T | summarize n = count(), s = sum(i) by a, b', data);
      const expected = reference(rows, ([x, y]) => [x, y]).map((g) => [
        ...g.key,
        g.rows.length,
        g.rows.reduce((n, r) => n + (r[2] as number), 0),
      ]);
      expect(result.rows).toEqual(expected);
    }
  });

  it('distinct keeps the first row of each distinct tuple', () => {
    const rows: Value[][] = [
      [1, 'x'],
      [2, 'y'],
      [1, 'x'],
      [null, 'x'],
      [null, 'x'],
      [2, 'x'],
    ];
    const data = table(
      [
        { name: 'a', type: 'long' },
        { name: 'b', type: 'string' },
      ],
      rows,
    );
    expect(run('T | distinct a, b', data).rows).toEqual([
      [1, 'x'],
      [2, 'y'],
      [null, 'x'],
      [2, 'x'],
    ]);
  });
});

describe('grouped aggregates', () => {
  const row = fc.tuple(
    fc.constantFrom('u1', 'u2', 'u3', ''),
    fc.option(fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3'), { nil: null }),
    fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  );

  it('count, countif, dcount, dcountif, arg_max and arg_min agree with a per-group reference', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 0, maxLength: 60 }), (tuples) => {
        const rows: Value[][] = tuples.map(([u, ip, n], i) => [u, ip === null ? '' : ip, n, i]);
        const data = table(
          [
            { name: 'u', type: 'string' },
            { name: 'ip', type: 'string' },
            { name: 'n', type: 'long' },
            { name: 'i', type: 'long' },
          ],
          rows,
        );
        const query = `T | summarize c = count(), ci = countif(n > 2), d = dcount(ip), di = dcountif(ip, n > 2),
               arg_max(n, i), arg_min(n, ip) by u`;
        const groups = reference(rows, ([u]) => u);
        // Rows tied at a group's maximum (minimum) that differ in the returned column: which one is
        // "a row in the group that maximizes" is open (arg-max page), so the query is refused.
        const tiedApart = (members: Value[][], pick: (values: number[]) => number, column: number) => {
          const withN = members.filter((r) => r[2] !== null);
          if (withN.length === 0) return false;
          const best = pick(withN.map((r) => r[2] as number));
          return new Set(withN.filter((r) => r[2] === best).map((r) => r[column])).size > 1;
        };
        if (
          groups.some(
            ({ rows: members }) =>
              tiedApart(members, (v) => Math.max(...v), 3) || tiedApart(members, (v) => Math.min(...v), 1),
          )
        ) {
          expect(() => run(query, data)).toThrow('which of several tied rows is not said');
          return;
        }
        const result = run(query, data);
        const expected = groups.map(({ key, rows: members }) => {
          const withN = members.filter((r) => r[2] !== null);
          const best = (sign: number) =>
            withN.reduce<Value[] | undefined>(
              (b, r) => (b === undefined || sign * ((r[2] as number) - (b[2] as number)) > 0 ? r : b),
              undefined,
            );
          // A group whose n is null on every row keeps its first row (arg-max-aggregation-function page).
          const max = best(1) ?? members[0];
          const min = best(-1) ?? members[0];
          return [
            key,
            members.length,
            members.filter((r) => (r[2] as number) > 2).length,
            // dcount skips nulls only: '' is a value of a string column.
            new Set(members.map((r) => r[1])).size,
            new Set(members.filter((r) => (r[2] as number) > 2).map((r) => r[1])).size,
            max?.[2] ?? null,
            max?.[3] ?? null,
            min?.[2] ?? null,
            min?.[1] ?? '',
          ];
        });
        expect(result.rows).toEqual(expected);
      }),
      { numRuns: 80 },
    );
  });

  it('summarize without by over no rows still returns one row', () => {
    const data = table([{ name: 'n', type: 'long' }], []);
    expect(run('T | summarize count(), dcount(n), arg_max(n, n)', data).rows).toEqual([[0, 0, null, null]]);
  });

  it('arg_max(*) reads only the winning rows of the columns later operators use', () => {
    const rows: Value[][] = [
      ['a', 1, 'first'],
      ['a', 3, 'second'],
      ['b', 2, 'third'],
      ['a', 3, 'second'],
    ];
    const data = table(
      [
        { name: 'k', type: 'string' },
        { name: 'n', type: 'long' },
        { name: 'x', type: 'string' },
      ],
      rows,
    );
    expect(run('T | summarize arg_max(n, *) by k | project k, n, x', data).rows).toEqual([
      ['a', 3, 'second'],
      ['b', 2, 'third'],
    ]);
    // Tied rows that differ in a column read later: which one is returned is open (arg-max page).
    const tied = table(
      [
        { name: 'k', type: 'string' },
        { name: 'n', type: 'long' },
        { name: 'x', type: 'string' },
      ],
      [...rows, ['a', 3, 'another tied row']],
    );
    expect(() => run('T | summarize arg_max(n, *) by k | project k, n, x', tied)).toThrow("differ in 'x'");
    expect(run('T | summarize arg_max(n, *) by k | project k, n', tied).rows).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });
});

describe('make-series over the grouping', () => {
  it('fills each group series from its own rows, defaults elsewhere, groups in first-row order', () => {
    const start = NOW - 3n * HOUR;
    const rows: Value[][] = [
      [start + 10n, 'b', 1],
      [start + HOUR + 5n, 'a', 2],
      [start + HOUR + 6n, 'b', 3],
      [start - 1n, 'a', 4],
      [start + 2n * HOUR, 'b', 5],
      [null, 'a', 6],
    ];
    const data = table(
      [
        { name: 't', type: 'datetime' },
        { name: 'k', type: 'string' },
        { name: 'v', type: 'long' },
      ],
      rows,
    );
    const result = run(
      `T | make-series n = count(), s = sum(v) default = 7 on t from datetime(2026-01-10T09:00:00Z) to datetime(2026-01-10T12:00:00Z) step 1h by k`,
      data,
    );
    expect(result.rows.map((r) => r.slice(0, 3))).toEqual([
      ['b', [1, 1, 1], [1, 3, 5]],
      ['a', [0, 1, 0], [7, 2, 7]],
    ]);
    const empty = run(
      `T | where v > 100 | make-series n = count() on t from datetime(2026-01-10T09:00:00Z) to datetime(2026-01-10T12:00:00Z) step 1h`,
      data,
    );
    expect(empty.rows).toEqual([]);
  });
  it('places datetimes in bins by exact ticks: a tick before from is out, bins start at from', () => {
    // Ticks of 2026 are above 2^53: as doubles, from - 1 tick and from + 1 tick round together.
    const from = NOW - 3n * HOUR + 1n;
    const data = table(
      [{ name: 't', type: 'datetime' }],
      [[from], [from - 1n], [from + HOUR - 1n], [from + HOUR]],
    );
    const result = run(
      'T | make-series n = count() on t from datetime(2026-01-10T09:00:00.0000001Z) to datetime(2026-01-10T11:00:00Z) step 1h',
      data,
    );
    expect(result.rows).toEqual([
      [
        [2, 1],
        ['2026-01-10T09:00:00.0000001Z', '2026-01-10T10:00:00.0000001Z'],
      ],
    ]);
  });
});
