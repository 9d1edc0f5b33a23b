import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { predicateThroughProject } from '../../../src/kql/execute/project-through.js';
import { columnarTable, planQuery, runPlan, type Table, type Value } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// A `where` after `join | project` (or `extend`) is taken through the projection to the join
// (issue #15), so the join tests its time window on each pair. The rows, in order, must be those the
// same `where` gives over the projected rows held as a table of their own.

const columns: Table['columns'] = [
  { name: 'A', type: 'string' },
  { name: 'T', type: 'datetime' },
  { name: 'N', type: 'long' },
];
const MINUTE = 600_000_000n;
const time = fc.integer({ min: 0, max: 18 }).map((k) => NOW - BigInt(k) * 10n * MINUTE);
const rows = fc.array(
  fc.tuple(fc.constantFrom('a', 'b'), time, fc.option(fc.integer({ min: 0, max: 3 }), { nil: null })),
  { maxLength: 30, size: 'max' },
);

const cases: [string, Table['columns'], string][] = [
  [
    'project UserA = A, FailTime = T, SuccessTime = T1, N1',
    [
      { name: 'UserA', type: 'string' },
      { name: 'FailTime', type: 'datetime' },
      { name: 'SuccessTime', type: 'datetime' },
      { name: 'N1', type: 'long' },
    ],
    'SuccessTime between (FailTime .. 1h) and N1 > 0',
  ],
  [
    'extend Gap = T1 - T',
    [
      ...columns,
      { name: 'A1', type: 'string' },
      { name: 'T1', type: 'datetime' },
      { name: 'N1', type: 'long' },
      { name: 'Gap', type: 'timespan' },
    ],
    'T1 >= T and Gap <= 30m',
  ],
  [
    'project T1, T, Late = T1 > T + 20m',
    [
      { name: 'T1', type: 'datetime' },
      { name: 'T', type: 'datetime' },
      { name: 'Late', type: 'bool' },
    ],
    'T1 < T + 1h and not(Late)',
  ],
];

describe('a where after a join and a projection', () => {
  it.each(cases)(
    '%s | where ... keeps the rows of the projected rows filtered',
    (projection, schema, where) => {
      const catalog = catalogOf([
        { name: 'L', columns },
        { name: 'R', columns },
        { name: 'P', columns: schema },
      ]);
      const answer = (
        query: string,
        tables: Map<string, Table | ReturnType<typeof columnarTable>>,
      ): Value[][] => runPlan(planQuery(query, catalog), { catalog, tables, now: NOW }).rows;
      fc.assert(
        fc.property(rows, rows, fc.constantFrom('inner', 'innerunique', 'leftouter'), (left, right, kind) => {
          // Unique left keys for innerunique: which duplicate it keeps is Kusto's choice (join-paths.test.ts).
          const unique = left.filter(
            (l, i) => kind !== 'innerunique' || left.findIndex((o) => o[0] === l[0]) === i,
          );
          const tables = new Map<string, Table | ReturnType<typeof columnarTable>>([
            ['L', columnarTable(columns, unique)],
            ['R', columnarTable(columns, right)],
          ]);
          const joined = `L | join kind=${kind} R on A | ${projection}`;
          const projected = answer(joined, tables);
          const expected = answer(
            `P | where ${where}`,
            new Map([['P', { columns: schema, rows: projected }]]),
          );
          expect(answer(`${joined} | where ${where}`, tables)).toEqual(expected);
        }),
        { numRuns: 25 },
      );
    },
  );

  it('maps the columns a predicate reads through plain column references only', () => {
    const catalog = catalogOf([
      { name: 'L', columns },
      { name: 'R', columns },
    ]);
    const through = (query: string) => {
      const plan = planQuery(query, catalog);
      if (plan.op !== 'filter' || plan.input.op !== 'project') throw new Error(`unexpected plan ${plan.op}`);
      return predicateThroughProject(plan.input, plan.predicate);
    };
    const base = 'L | join kind=inner R on A';
    expect(through(`${base} | project S = T1, F = T | where S > F`)).toMatchObject({
      args: [
        { kind: 'column', index: 4 },
        { kind: 'column', index: 1 },
      ],
    });
    expect(through(`${base} | extend G = T1 - T | where G > 1h`)).toBeUndefined();
    expect(through(`${base} | serialize | extend R = row_number() | where T1 > T`)).toBeUndefined();
  });
});
