import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { planQuery, runPlan, type Table, UnsupportedError } from '../../../src/kql/index.js';
import { analyze, kusto, toArray } from '../../../src/kql/syntax/index.js';
import type { KqlType } from '../../../src/kql/values/index.js';
import { fits } from '../functions/fits.js';
import { expectKustoSchema, NOW } from './helpers.js';

// The schema-equality check per value, for tabular operators and aggregates (issue 11, round 6):
// every aggregate Kusto.Language knows, over columns of the types its signatures take, in summarize
// (with and without by) and make-series, and the operators whose output types come from their input
// (mv-expand, join kinds, lookup, top-nested, partition, union, summarize by bin...) over a table
// holding every scalar type with nulls and extremes, must answer Kusto.Language's schema and values a
// column of that type can hold, or refuse. RESULT_DRAWS raises the draws per aggregate signature.

const T = `datatable(k:long, b:bool, i:int, l:long, r:real, m:decimal, s:string, t:datetime, ts:timespan, g:guid, d:dynamic)[
  1, true, int(2), 2, 2.5, decimal(2.5), "a", datetime(2026-01-10 12:30:00), 1h, guid(74be27de-1e4e-49d9-b579-fe0b331d3642), dynamic([1, "x", null]),
  1, false, int(-2147483648), 3000000000, -1.5, decimal(-1.25), "", datetime(1970-01-01), -90m, guid(null), dynamic({"a": 1, "b": [2]}),
  2, bool(null), int(null), long(null), real(null), decimal(null), "b", datetime(null), timespan(null), guid(00000000-0000-0000-0000-000000000000), dynamic(null),
  2, true, int(0), -3, real(nan), decimal(0), "1", datetime(2026-01-11), 3tick, guid(74be27de-1e4e-49d9-b579-fe0b331d3642), dynamic(1.5),
  3, false, int(7), 0, 1e300, decimal(7), "a,b", datetime(2026-01-10 12:30:00), 0s, guid(null), dynamic([])
]`;
const COLUMN: Record<KqlType, string> = {
  bool: 'b',
  int: 'i',
  long: 'l',
  real: 'r',
  decimal: 'm',
  string: 's',
  datetime: 't',
  timespan: 'ts',
  guid: 'g',
  dynamic: 'd',
};
const LITERAL: Partial<Record<KqlType, string[]>> = {
  bool: ['true', 'false'],
  int: ['int(1)', 'int(3)'],
  long: ['1', '50', '2'],
  real: ['0.5', '50.0', '99.0'],
  string: ['"a"', '""'],
  timespan: ['1h'],
  datetime: ['datetime(2026-01-10)'],
  dynamic: ['dynamic([50, 90])'],
};
const TYPES = Object.keys(COLUMN) as KqlType[];

const OPERATORS = [
  'mv-expand d',
  'mv-expand with_itemindex=ix d',
  'mv-expand kind=array d',
  'mv-expand d to typeof(long)',
  'mv-expand d to typeof(string)',
  'mv-expand x = d, y = pack_array(l, s)',
  'mv-apply e = d on (summarize c = count(), s2 = make_list(e))',
  'top-nested 2 of s by c = count(), top-nested 1 of k by sum(l)',
  'top-nested 2 of s with others = "other" by r2 = max(l)',
  'top-nested of b by avg(r)',
  'partition hint.strategy=native by k (top 1 by l)',
  'partition by k (summarize n = count(), x = max(t))',
  'summarize count() by bin(t, 1d)',
  'summarize count() by bin(r, 0.5)',
  'summarize count() by bin(ts, 1h)',
  'summarize count() by bin(i, 2)',
  'summarize arg_max(l, *) by k',
  'summarize arg_min(t, s, d) by k',
  'summarize make_bag(d), make_set(s), make_list(i) by k',
  'summarize take_any(*) by k',
  'summarize by b, i, g',
  'distinct m, s, g',
  'make-series c = count() default = 0 on t from datetime(2026-01-10) to datetime(2026-01-12) step 1d by k',
  'make-series x = sum(i), y = avg(r), z = max(ts) on t from datetime(2026-01-10) to datetime(2026-01-12) step 1d',
  'make-series x = max(m) default = decimal(1) on t from datetime(2026-01-10) to datetime(2026-01-12) step 12h by s',
  'union (datatable(k:long, x:int)[1, int(5)])',
  'union kind=inner (datatable(k:int, s:string)[int(1), "z"])',
  'join kind=leftouter (datatable(k:long, i:string)[1, "x"]) on k',
  'lookup (datatable(k:long, w:real)[2, 0.5]) on k',
  'lookup kind=inner (datatable(k:long, w:real)[2, 0.5]) on k',
  'as X | join (X | project k, i2 = i) on k',
  'serialize n = row_number()',
  'serialize | extend p = prev(ts), nx = next(d), c = row_cumsum(k)',
  'sort by g desc, s asc, t desc',
  'top 3 by m desc nulls first',
  'getschema',
  'count',
  'project-rename x = i | project-reorder s',
  'project k, s, i, ts | evaluate narrow()',
  'project k, d | evaluate bag_unpack(d)',
  'parse s with x:long "," y:string',
  'extend (a, c) = split(s, ",")',
  'summarize x = make_list(r), y = make_set(m), z = make_list_with_nulls(ts) by k | mv-expand x, y, z',
  'summarize x = make_list(r) by k | mv-expand x to typeof(real)',
  'summarize x = make_bag(pack(s, r)) by k | evaluate bag_unpack(x) : (k:long, a:real)',
  'project k, s, l | evaluate pivot(s, sum(l))',
  'project k, t, l | evaluate rolling_percentile(l, 50, t, 1d, 2, k)',
  'project t, k | evaluate activity_counts_metrics(k, t, datetime(2026-01-10), datetime(2026-01-12), 1d)',
  'project t, k | evaluate sliding_window_counts(k, t, datetime(2026-01-10), datetime(2026-01-12), 2d, 1d)',
  'project t, k, s | evaluate dcount_intersect(k, s)',
  'project ip = "10.0.0.1", k | evaluate ipv4_lookup(datatable(net:string, n:long)["10.0.0.0/8", 1], ip, net)',
  'project k, d | evaluate schema_merge()',
  'summarize c = count(), r2 = avg(r) by k | extend w = c * r2',
  'extend x = iff(k > 1, d, dynamic(null)) | mv-expand x',
  'extend x = case(k == 1, i, k == 2, l, m) | project x',
  'extend x = coalesce(i, l), y = coalesce(r, m), z = coalesce(ts, 0s) | project x, y, z',
  'extend x = max_of(i, l, int(1)), y = min_of(r, m), z = max_of(t, datetime(2026-01-11))',
  'summarize x = sum(i), y = sum(m), z = sum(ts), w = avg(i), v = avg(m) by k',
  'summarize x = percentile(l, 50), y = percentiles(r, 25, 75), z = stdev(i), v = variance(m) by k',
  'summarize x = dcount(s), y = count_distinct(g), z = hll(t) by k',
  'summarize x = arg_max(ts, i, m, g), y = min(g), z = max(s) by k',
];
const JOIN_KINDS = [
  'inner',
  'innerunique',
  'leftouter',
  'rightouter',
  'fullouter',
  'leftsemi',
  'leftanti',
  'rightsemi',
  'rightanti',
];

/** A small deterministic generator, so a failure names a query that reproduces. */
function generator(seed: number) {
  let state = seed;
  return <X>(xs: readonly X[]): X => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return xs[Math.floor((state / 2147483648) * xs.length)];
  };
}

function queries(drawsPerSignature: number): string[] {
  const K = kusto();
  const kinds = K.Symbols.ParameterTypeKind;
  const pick = generator(7);
  const found = new Set<string>(OPERATORS.map((o) => `T | ${o}`));
  for (const kind of JOIN_KINDS) {
    found.add(`T | join kind=${kind} (T | project k, s2 = s, d2 = d) on k`);
    found.add(`T | join kind=${kind} (T | where k > 1 | project k, i, t) on k`);
  }
  for (const fn of toArray(K.Aggregates.All)) {
    if (fn.Name.startsWith('$') || fn.Name.startsWith('__')) continue;
    for (const signature of toArray(fn.Signatures)) {
      if (signature.IsHidden) continue;
      const parameters = toArray(signature.Parameters);
      for (const shape of [parameters.filter((p: any) => p.MinOccurring > 0), parameters]) {
        if (shape.length > 4) continue;
        for (let n = 0; n < drawsPerSignature; n++) {
          const args: string[] = [];
          for (const p of shape) {
            const declared: KqlType[] = (
              p.TypeKind === kinds.Declared ? toArray(p.DeclaredTypes).map((t: any) => t.Name) : TYPES
            ).filter((t: string) => (TYPES as string[]).includes(t));
            if (declared.length === 0) break;
            const type = pick(declared);
            const constant = p.IsConstant || String(p.ArgumentKind).includes('Constant');
            if (constant || (p.TypeKind !== kinds.Declared && pick([0, 1, 2, 3]) === 0)) {
              const literals = LITERAL[type];
              if (!literals) break;
              args.push(pick(literals));
            } else args.push(COLUMN[type]);
          }
          if (args.length !== shape.length) continue;
          const call = `${fn.Name}(${args.join(', ')})`;
          found.add(`T | summarize x = ${call}`);
          found.add(`T | summarize x = ${call} by k`);
          found.add(
            `T | make-series x = ${call} on t from datetime(2026-01-10) to datetime(2026-01-12) step 1d by k`,
          );
        }
      }
    }
  }
  return [...found].map((q) => `let T = ${T};\n${q}`);
}

function answer(query: string): Table | undefined {
  const catalog = emptyCatalog();
  if (analyze(query, catalog).diagnostics.some((d) => d.severity === 'error')) return undefined;
  try {
    return runPlan(planQuery(query, catalog), { catalog, tables: new Map(), now: NOW });
  } catch (error) {
    if (error instanceof UnsupportedError) return undefined;
    throw new Error(`${query}: ${(error as Error).message}`);
  }
}

describe("operators' and aggregates' values fit the types Kusto.Language gives their columns", () => {
  it('answers Kusto.Language schema and values of its column types, or refuses', { timeout: 600_000 }, () => {
    const misfits: string[] = [];
    let answered = 0;
    for (const query of queries(Number(process.env.RESULT_DRAWS ?? 1))) {
      const table = answer(query);
      if (!table) continue;
      answered++;
      const shown = query.slice(query.indexOf(';\nT |') + 2);
      try {
        expectKustoSchema(query, table, emptyCatalog());
      } catch (error) {
        misfits.push(`${shown}: schema ${(error as Error).message.split('\n')[0]}`);
      }
      table.columns.forEach((column, c) => {
        for (const row of table.rows as unknown[][])
          if (!fits(row[c], column.type))
            misfits.push(
              `${shown}: ${typeof row[c] === 'bigint' ? `${row[c]}n` : JSON.stringify(row[c])} in ${column.name}:${column.type}`,
            );
      });
    }
    expect(misfits).toEqual([]);
    expect(answered).toBeGreaterThan(100);
  });
});
