import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { planQuery, runPlan, type Table, type Value } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// sequence_detect's occurrences are every pair of a first-step row and a later second-step row with
// the same dims, within both windows (sequence-detect page; execute/sequence-detect.ts). The same pairs
// come from a join of the two steps' rows on the dims, filtered on the gap: the two formulations must
// agree on any data the plugin answers.

const catalog = catalogOf([
  {
    name: 'T',
    columns: [
      { name: 'Time', type: 'datetime' },
      { name: 'Event', type: 'string' },
      { name: 'User', type: 'string' },
    ],
  },
]);
const MINUTE = 600_000_000n;

// Distinct whole minutes, so no two rows share a time; windows end on half minutes, so no gap equals one.
const rows = fc
  .uniqueArray(fc.integer({ min: 0, max: 120 }), { maxLength: 40 })
  .chain((minutes) =>
    fc.tuple(
      fc.constant(minutes),
      fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: minutes.length, maxLength: minutes.length }),
      fc.array(fc.constantFrom('u1', 'u2'), { minLength: minutes.length, maxLength: minutes.length }),
    ),
  )
  .map(([minutes, events, users]) => minutes.map((m, i) => [NOW + BigInt(m) * MINUTE, events[i], users[i]]));

function answer(query: string, data: Value[][]): string[] {
  const table: Table = { columns: catalog.tables.get('T')?.columns ?? [], rows: data };
  const result = runPlan(planQuery(query, catalog), { catalog, tables: new Map([['T', table]]), now: NOW });
  return result.rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
}

describe('sequence_detect', () => {
  it('gives the pairs a join of the two steps on the dims gives, within the smaller window', () => {
    const plugin = `T | evaluate sequence_detect(Time, 20.5m, 45.5m, a = (Event == "a"), b = (Event == "b"), User)`;
    const join = `T | where Event == "a" | project User, a_Time = Time
      | join kind=inner (T | where Event == "b" | project User, b_Time = Time) on User
      | where b_Time > a_Time and b_Time - a_Time <= 20.5m
      | project User, a_Time, b_Time, Duration = b_Time - a_Time`;
    fc.assert(
      fc.property(rows, (data) => {
        expect(answer(plugin, data)).toEqual(answer(join, data));
      }),
      { numRuns: 100 },
    );
  });
});
