import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { planQuery, runPlan, type Table, type Value } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// narrow (narrow page; execute/narrow.ts) turns each row into one (Row, Column, Value) row per column.
// For string and long columns, whose text is tostring()'s, the same rows come from numbering the rows,
// packing each column's name and text, and expanding the packs: the two formulations must agree.

const catalog = catalogOf([
  {
    name: 'T',
    columns: [
      { name: 'Name', type: 'string' },
      { name: 'Count', type: 'long' },
      { name: 'Label', type: 'string' },
    ],
  },
]);

const rows = fc.array(
  fc.tuple(
    fc.string({ maxLength: 6 }),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.constantFrom('', 'x', 'True'),
  ),
  { maxLength: 30 },
);

function answer(query: string, data: Value[][]): Value[][] {
  const table: Table = { columns: catalog.tables.get('T')?.columns ?? [], rows: data };
  return runPlan(planQuery(query, catalog), { catalog, tables: new Map([['T', table]]), now: NOW }).rows;
}

describe('evaluate narrow', () => {
  it('agrees with row numbers, packed column texts and mv-expand', () => {
    fc.assert(
      fc.property(rows, (data) => {
        const narrow = answer('T | evaluate narrow()', data);
        const expanded = answer(
          `T | serialize Row = row_number() - 1
             | project Row, p = pack_array(pack("c", "Name", "v", Name), pack("c", "Count", "v", tostring(Count)), pack("c", "Label", "v", Label))
             | mv-expand p
             | project Row, Column = tostring(p.c), Value = tostring(p.v)`,
          data,
        );
        expect(narrow).toEqual(expanded);
      }),
      { numRuns: 40 },
    );
  });
});
