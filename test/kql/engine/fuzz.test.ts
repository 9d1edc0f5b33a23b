import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KqlError, type Table, tableToRecords } from '../../../src/kql/index.js';
import { expectKustoSchema, run } from './helpers.js';

// Random rows and random pipelines from a small grammar: the engine must answer with the result
// schema Kusto.Language computes, or raise KqlError (binding error or a positioned refusal), never
// crash with anything else. Equivalent formulations of one query must give the same rows.
// Each run plans and binds several queries: on the shared 2-core machine this takes minutes, not
// the default test timeout (nothing is asserted about time).
const FUZZ_TIMEOUT = 300_000;

const row = fc.tuple(
  fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
  fc.constantFrom('a', 'b', 'A b', '', 'x-y'),
  fc.option(fc.double({ min: -10, max: 10, noNaN: true }), { nil: null }),
  fc.integer({ min: 0, max: 120 }),
  fc.constantFrom('dynamic(null)', 'dynamic([])', 'dynamic([1,2])', "dynamic({'k':'v'})", 'dynamic(3)'),
);

const literalOf = ([n, s, r, minutes, d]: [number | null, string, number | null, number, string]) =>
  [
    n === null ? 'long(null)' : String(n),
    `'${s}'`,
    r === null ? 'real(null)' : `real(${r})`,
    `datetime(2026-01-10 ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')})`,
    d,
  ].join(', ');

const scalar = fc.constantFrom(
  'n',
  'n + 1',
  'strlen(s)',
  'r * 2',
  "iff(s has 'b', 1, 0)",
  'tostring(d)',
  'bin(t, 15m)',
  'coalesce(n, 0)',
  // A division the engine refuses by zero, guarded by iff (which evaluates only the chosen branch).
  'iff(n == 0, long(null), 10 / n)',
  'tolower(s)',
);
const predicate = fc.constantFrom(
  'n > 0',
  "s == 'a'",
  "s has 'b'",
  'isnull(r)',
  "s contains '-'",
  't > datetime(2026-01-10 01:00)',
  'n in (1, 2, 3)',
  'not(isempty(s))',
);

const operator = fc.oneof(
  predicate.map((p) => `where ${p}`),
  scalar.map((e) => `extend e = ${e}`),
  scalar.map((e) => `summarize c = count(), m = max(n), l = make_list(s) by k = ${e}`),
  fc.constantFrom(
    'sort by n',
    'sort by s asc nulls last',
    'take 3',
    'top 2 by r',
    'distinct s',
    'count',
    'mv-expand d',
    'project s, n',
    'project-away d',
    'summarize arg_max(t, *) by s',
    'summarize dcount(s), avg(r), percentile(n, 50)',
    "parse s with x '-' y",
    'serialize | extend p = prev(n)',
    'join kind=leftouter (print s="a", z=1) on s',
    'union (print n=7)',
    'make-series c=count() on t from datetime(2026-01-10) to datetime(2026-01-10 02:00) step 30m',
    'lookup (print s="b", w=2) on s',
    'evaluate bag_unpack(d)',
  ),
);

describe('engine fuzz', () => {
  it(
    'random datatables and pipelines produce a table or a KqlError',
    () => {
      let answered = 0;
      fc.assert(
        fc.property(
          fc.array(row, { maxLength: 8 }),
          fc.array(operator, { minLength: 1, maxLength: 4 }),
          (rows, ops) => {
            const data = `datatable(n:long, s:string, r:real, t:datetime, d:dynamic)[${rows.map(literalOf).join(', ')}]`;
            const query = [data, ...ops].join(' | ');
            try {
              const table = run(query);
              answered++;
              expectKustoSchema(query, table);
              for (const r of table.rows) expect(r).toHaveLength(table.columns.length);
            } catch (error) {
              if (!(error instanceof KqlError)) throw new Error(`${query}\n${(error as Error).stack}`);
            }
          },
        ),
        { numRuns: 150 },
      );
      // Most generated pipelines are valid KQL; a generator that only produced errors would test nothing.
      expect(answered).toBeGreaterThan(75);
    },
    FUZZ_TIMEOUT,
  );
});

const datatable = (rows: Parameters<typeof literalOf>[0][]) =>
  `datatable(n:long, s:string, r:real, t:datetime, d:dynamic)[${rows.map(literalOf).join(', ')}]`;

/** Rows as a multiset: formulations may differ in row order where Kusto leaves it undefined. */
const rowSet = (table: Table) =>
  tableToRecords(table)
    .map((r) => JSON.stringify(r))
    .sort();

// Pairs of formulations Kusto defines to be equivalent (each side is appended to the same input).
const equivalent = fc.oneof(
  fc.constant(['summarize c = count()', 'count | project c = Count']),
  fc.tuple(predicate, predicate).map(([a, b]) => [`where (${a}) and (${b})`, `where ${a} | where ${b}`]),
  scalar.map((e) => [`extend e = ${e} | project s, e`, `project s, e = ${e}`]),
  // lookup is a left outer join that keeps one copy of the key (lookup operator doc).
  fc.constant([
    'join kind=leftouter (datatable(s:string, w:long)["a", 1, "b", 2]) on s | project-away s1',
    'lookup kind=leftouter (datatable(s:string, w:long)["a", 1, "b", 2]) on s',
  ]),
  fc.constant(['distinct s', 'summarize by s']),
  // A schema-less bag_unpack keeps every row and the other columns; what follows reads them through
  // the schema found at run time (runtime-schema.ts).
  scalar
    .filter((e) => !/\bd\b/.test(e))
    .map((e) => [`evaluate bag_unpack(d) | project s, e = ${e}`, `project s, e = ${e}`]),
  scalar.map((e) => [`summarize x = sum(n) by k = ${e}`, `summarize x = sumif(n, true) by k = ${e}`]),
  predicate.map((p) => [`summarize x = countif(${p})`, `where ${p} | summarize x = count()`]),
);

describe('engine differential fuzz', () => {
  it(
    "equivalent formulations give the same rows and Kusto's schema",
    () => {
      let compared = 0;
      fc.assert(
        fc.property(
          fc.array(row, { maxLength: 8 }),
          fc.array(
            predicate.map((p) => `where ${p}`),
            { maxLength: 1 },
          ),
          equivalent,
          (rows, prefix, [a, b]) => {
            const [qa, qb] = [a, b].map((tail) => [datatable(rows), ...prefix, tail].join(' | '));
            const [ta, tb] = [run(qa), run(qb)];
            expectKustoSchema(qa, ta);
            expectKustoSchema(qb, tb);
            expect(rowSet(tb), `${qa}\n${qb}`).toEqual(rowSet(ta));
            compared++;
          },
        ),
        { numRuns: 80 },
      );
      expect(compared).toBe(80);
    },
    FUZZ_TIMEOUT,
  );
});
