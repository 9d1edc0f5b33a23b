import fc from 'fast-check';
import { describe, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import type { Table, Value } from '../../../src/kql/index.js';
import { expectColumnarAgreesWithRows } from './helpers.js';

// A where that reads one dictionary-encoded column is evaluated once per distinct value (issue
// #15, dictionary-filter.ts); it must keep exactly the rows, in order, that the same where keeps
// over the same rows held as row arrays (evaluated row by row).

const columns: Table['columns'] = [
  { name: 's', type: 'string' },
  { name: 'g', type: 'guid' },
  { name: 'd', type: 'dynamic' },
  { name: 'n', type: 'long' },
];
const catalog = catalogOf([{ name: 'T', columns }]);
const row = fc.tuple(
  fc.constantFrom('', 'a', 'A b', 'azure portal', '50126', '0'),
  fc.option(fc.constantFrom('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002'), {
    nil: null,
  }),
  fc.constantFrom<Value>(null, { k: 'v' }, { k: 'w' }, [1, 2], 'text', 3),
  fc.option(fc.integer({ min: -2, max: 2 }), { nil: null }),
);

const queries = [
  'T | where s != "0"',
  'T | where s in ("50126", "a")',
  'T | where s has "azure"',
  'T | where isempty(s)',
  'T | where s == "a" or strlen(s) > 3',
  'T | where isnull(g)',
  'T | where g == guid(00000000-0000-0000-0000-000000000002)',
  'T | where tostring(d.k) == "v"',
  'T | where isnull(d)',
  // Over a selection of the table (the codes are gathered), and after a join (no dictionary there).
  'T | where n > 0 | where s !has "b"',
  'T | order by n desc | where s startswith "a"',
  'T | join kind=inner (T | project s, n2 = n) on s | where s1 != "a"',
  // Predicates that read two columns, or the row's position, stay row by row.
  'T | where s == "a" and n > 0',
  'T | serialize | where s == "a" or row_number() == 1',
];

describe('a where over one dictionary-encoded column', () => {
  it('keeps the rows a row-by-row where keeps', () => {
    expectColumnarAgreesWithRows(catalog, columns, row, queries, 40);
  });
});
