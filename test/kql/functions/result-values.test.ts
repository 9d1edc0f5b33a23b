import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { planQuery, runPlan, type Table, UnsupportedError } from '../../../src/kql/index.js';
import { analyze, kusto, toArray } from '../../../src/kql/syntax/index.js';
import type { KqlType } from '../../../src/kql/values/index.js';
import { fits } from './fits.js';

// The schema-equality check per value: every scalar function Kusto.Language knows, called with
// argument types drawn from its signatures (dynamic, decimal, int, timespan, guid... mixed), must
// answer a value of the type the binder gives the call, or refuse. A call's type is the binder's by
// construction (lower/scalar.ts), so a function whose implementation returns another kind of value
// (a number in a string column, a tick count inside a dynamic, 2147483648 in an int column) puts a
// value in its column that Kusto never could. Found this way: iff()/case() branches of another type,
// -int(-2147483648), series_fill_const without its constant, make_datetime/make_timespan/format_ipv4
// failing on shapes the binder accepts. A longer hunt runs the same scan with more draws a signature
// (RESULT_DRAWS=40).

const TYPES: KqlType[] = [
  'bool',
  'int',
  'long',
  'real',
  'decimal',
  'string',
  'datetime',
  'timespan',
  'guid',
  'dynamic',
];
const VALUES: Record<KqlType, string[]> = {
  bool: ['true', 'false', 'bool(null)'],
  int: ['int(2)', 'int(0)', 'int(-3)', 'int(null)', 'int(-2147483648)'],
  long: ['2', '0', '-3', 'long(null)', '3000000000'],
  real: ['2.5', '0.0', '-1.5', 'real(null)', 'real(nan)', '1e300'],
  decimal: ['decimal(2.5)', 'decimal(0)', 'decimal(-1.25)', 'decimal(null)'],
  string: ['"abc"', '""', '"1"', '"2026-01-10"', '"a,b"'],
  datetime: ['datetime(2026-01-10 12:30:00)', 'datetime(1970-01-01)', 'datetime(null)'],
  timespan: ['1h', '0s', '-90m', 'timespan(null)', '3tick'],
  guid: ['guid(74be27de-1e4e-49d9-b579-fe0b331d3642)', 'guid(null)'],
  dynamic: [
    'dynamic([1,2])',
    'dynamic({"a":1})',
    'dynamic(1)',
    'dynamic("a")',
    'dynamic(null)',
    'dynamic(1.5)',
    'dynamic([1.5,"x",null])',
  ],
};
// Functions whose value is not a function of the arguments (clock, randomness, the row, the cluster).
const SKIPPED = new Set([
  'rand',
  'new_guid',
  'now',
  'ago',
  'current_cluster_endpoint',
  'current_database',
  'current_principal',
  'current_principal_details',
  'current_principal_is_member_of',
  'extent_id',
  'extent_tags',
  'ingestion_time',
  'cursor_after',
  'cursor_before_or_at',
  'cursor_current',
  'estimate_data_size',
  'row_number',
  'row_cumsum',
  'prev',
  'next',
  'row_rank_dense',
  'row_rank_min',
  'row_window_session',
  'toscalar',
  'materialize',
  'table',
  'cluster',
  'database',
  'external_table',
  'materialized_view',
  'stored_query_result',
  'geo_info_from_ip_address',
  'assert',
]);

/** A small deterministic generator, so a failure names a query that reproduces. */
function generator(seed: number) {
  let state = seed;
  return <T>(xs: readonly T[]): T => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return xs[Math.floor((state / 2147483648) * xs.length)];
  };
}

/** `print x = f(...)` calls over generated argument types, for every scalar function signature. */
function calls(drawsPerSignature: number): string[] {
  const K = kusto();
  const kinds = K.Symbols.ParameterTypeKind;
  const pick = generator(11);
  const queries = new Set<string>();
  for (const fn of toArray(K.Functions.All)) {
    if (SKIPPED.has(fn.Name) || fn.Name.startsWith('$') || fn.Name.startsWith('__')) continue;
    for (const signature of toArray(fn.Signatures)) {
      if (signature.IsHidden) continue;
      const parameters = toArray(signature.Parameters);
      if (parameters.some((p: any) => [kinds.Tabular, kinds.Database, kinds.Cluster].includes(p.TypeKind)))
        continue;
      const required = parameters.filter((p: any) => p.MinOccurring > 0);
      for (const shape of [required, parameters]) {
        if (shape.length > 5) continue;
        const candidates = shape.map((p: any) =>
          (p.TypeKind === kinds.Declared ? toArray(p.DeclaredTypes).map((t: any) => t.Name) : TYPES).filter(
            (t: string) => (TYPES as string[]).includes(t),
          ),
        );
        if (candidates.some((c: string[]) => c.length === 0)) continue;
        for (let k = 0; k < drawsPerSignature; k++) {
          const args = candidates.map((c: KqlType[]) => pick(VALUES[pick(c)]));
          queries.add(`print x = ${fn.Name}(${args.join(', ')})`);
        }
      }
    }
  }
  return [...queries];
}

function answer(query: string): Table | undefined {
  const catalog = emptyCatalog();
  if (analyze(query, catalog).diagnostics.some((d) => d.severity === 'error')) return undefined;
  try {
    return runPlan(planQuery(query, catalog), { catalog, tables: new Map(), now: 639_000_000_000_000_000n });
  } catch (error) {
    if (error instanceof UnsupportedError) return undefined;
    // An error that is neither Kusto's (the query's own, e.g. an assert) nor a refusal is a crash.
    throw new Error(`${query}: ${(error as Error).message}`);
  }
}

describe("every function's values fit the type Kusto.Language gives its call", () => {
  it('answers a value of the bound type, or refuses', { timeout: 600_000 }, () => {
    const misfits: string[] = [];
    let answered = 0;
    for (const query of calls(Number(process.env.RESULT_DRAWS ?? 2))) {
      const table = answer(query);
      if (!table) continue;
      answered++;
      table.columns.forEach((column, c) => {
        for (const row of table.rows as unknown[][])
          if (!fits(row[c], column.type))
            misfits.push(
              `${query}: ${typeof row[c] === 'bigint' ? `${row[c]}n` : JSON.stringify(row[c])} in ${column.type}`,
            );
      });
    }
    expect(misfits).toEqual([]);
    expect(answered).toBeGreaterThan(300);
  });

  it.each([
    'print x = iff(true, dynamic({"a":1}).a, "")',
    'print x = case(false, 2, dynamic(1.5))',
    'print x = iff(true, 2d, 0.5)',
    'print x = -int(-2147483648)',
    'print x = series_fill_const(dynamic([1, null]))',
    'print x = make_datetime(7)',
  ])('refuses what it put in a column of another type: %s', (query) => {
    expect(answer(query)).toBeUndefined();
  });
});
