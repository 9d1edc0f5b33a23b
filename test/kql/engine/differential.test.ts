import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnarTable,
  type Plan,
  planQuery,
  runPlan,
  type Table,
  tableToRecords,
  UnsupportedError,
  type Value,
} from '../../../src/kql/index.js';
import type { Order, Pair } from './equivalences.js';
import * as round1 from './equivalences.js';
import * as round3 from './equivalences-round3.js';
import * as round4 from './equivalences-round4.js';
import * as round5 from './equivalences-round5.js';
import * as round6 from './equivalences-round6.js';
import * as round7 from './equivalences-round7.js';
import * as round2 from './equivalences-series.js';
import { expectKustoSchema, NOW } from './helpers.js';

// Differential fuzzing: the documented equivalences of equivalences.ts, each planned once and run
// over random rows of T (held as row arrays and as columns). A difference is a wrong answer on one
// side, found without knowing the right one.
/** The table a plan answers, or undefined when the engine refuses (a positioned UnsupportedError). */
function answer(plan: Plan, options: Parameters<typeof runPlan>[1]): Table | undefined {
  try {
    return runPlan(plan, options);
  } catch (error) {
    if (error instanceof UnsupportedError) return undefined;
    throw error;
  }
}

/** Rows as JSON lines, sorted when the order is undefined. */
function rowsOf(table: Table, order: Order): string[] {
  const lines = tableToRecords(table).map((r) => JSON.stringify(r));
  return order === 'sequence' ? lines : lines.sort();
}

interface Suite {
  table: string;
  catalog: typeof round1.catalog;
  columns: Table['columns'];
  row: fc.Arbitrary<readonly Value[]>;
  pairs: Pair[];
}
const suites: Suite[] = [
  { table: 'T', ...round1 },
  { table: 'S', ...round2 },
  { table: 'R', ...round3 },
  { table: 'U', ...round4 },
  { table: 'V', ...round5 },
  { table: 'T', ...round6 },
  { table: 'W', ...round7 },
];

for (const { table: name, catalog, columns, row, pairs } of suites) {
  // A pair the fuzzing must never skip: planning failures fail the test rather than hiding a pair.
  const planned = pairs.map((pair) => {
    const [qa, qb] = [pair.a, pair.b].map((tail) => `${name} | ${tail}`);
    const plan = (query: string): Plan => {
      try {
        return planQuery(query, catalog);
      } catch (error) {
        throw new Error(`${query}: ${(error as Error).message}`);
      }
    };
    return { pair, qa, qb, pa: plan(qa), pb: plan(qb) };
  });

  describe(`differential fuzz over ${name}: documented equivalent formulations`, () => {
    it("every pair has Kusto's schema on both sides", () => {
      for (const { qa, qb, pa, pb } of planned) {
        expectKustoSchema(qa, { columns: pa.schema, rows: [] }, catalog);
        expectKustoSchema(qb, { columns: pb.schema, rows: [] }, catalog);
      }
    });

    it.each(planned.map((p) => [`${p.pair.why}: ${p.pair.a}  ≡  ${p.pair.b}`, p] as const))(
      '%s',
      (_name, { pair, qa, qb, pa, pb }) => {
        let compared = 0;
        let informative = 0;
        fc.assert(
          fc.property(fc.array(row, { maxLength: 12 }), fc.boolean(), (tuples, columnar) => {
            const rows = tuples.map((t) => [...t] as Value[]);
            const table = columnar ? columnarTable(columns, rows) : { columns, rows };
            const options = { catalog, tables: new Map([[name, table]]), now: NOW };
            const [ta, tb] = [answer(pa, options), answer(pb, options)];
            // A refusal (a value the engine declines, e.g. tolower of a special-cased letter) is not a
            // wrong answer; two answers must agree.
            if (!ta || !tb) return;
            compared++;
            const order = pair.order ?? 'multiset';
            const [ra, rb] = [rowsOf(ta, order), rowsOf(tb, order)];
            if (ra.length > 0) informative++;
            expect(rb, `${qa}\n${qb}`).toEqual(ra);
          }),
          // DIFF_RUNS=300 with FC_SEED=<n> explores further when hunting; CI keeps the suite short.
          { numRuns: Number(process.env.DIFF_RUNS ?? 40) },
        );
        expect(compared, 'a pair refused on every input compares nothing').toBeGreaterThan(0);
        expect(informative, 'a pair answering no row on every input compares nothing').toBeGreaterThan(0);
        if (process.env.DIFF_STATS) console.log(`${compared} ${informative} ${qa}`);
      },
    );
  });
}
