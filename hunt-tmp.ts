import fc from 'fast-check';
import { columnarTable, planQuery, runPlan, tableToRecords, type Value, KqlError, UnsupportedError } from './src/kql/index.js';
import { catalog, columns, pairs, row } from './test/kql/engine/equivalences-series.js';
import { NOW } from './test/kql/engine/helpers.js';

const prefixes = [
  'where n > -3', 'where isnotnull(t)', "where s != 'ab'", 'sort by t asc | take 8', 'union S', 'extend n = n * 2',
  'extend s = toupper(s)', 'extend t = t + 90m', 'extend v = v * 3', 'serialize',
  "join kind=inner (S | distinct s | project s) on s | project-away s1",
  'summarize arg_max(t, *) by s', 'summarize take_any(n, v, t, x, y) by s',
  'lookup (S | summarize n9 = count() by s) on s | project-away n9',
  'as X | where n < 4', 'extend x = y', 'extend x = series_add(x, 1)', 'extend y = array_reverse(x)',
  'extend x = pack_array(n, v)', 'extend x = dynamic([])', 'extend t = datetime(null)', 'extend t = datetime(2016-01-01)',
  'top 6 by n asc', 'distinct n, s, v, t | extend x = dynamic([1, null, 2]), y = dynamic([3])',
  'project n, s, v, t, x, y', 'extend n = long(null)', 'extend v = real(nan)', 'extend s = strcat(s, s)',
  'mv-expand x | extend x = pack_array(x, x)', 'extend x = series_fill_const(x, 2)',
];
const seed = Number(process.env.SEED ?? 1);
const rng = fc.sample(fc.tuple(fc.array(fc.constantFrom(...prefixes), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: pairs.length - 1 }), fc.array(fc.array(row, { maxLength: 10 }), { minLength: 6, maxLength: 6 })), { seed, numRuns: Number(process.env.N ?? 300) });
let compared = 0, skipped = 0, found = 0;
const seen = new Set<string>();
for (const [prefix, pi, datas] of rng) {
  const pair = pairs[pi];
  if (/\bS\b/.test(pair.a + pair.b)) { skipped++; continue; }
  const [qa, qb] = [pair.a, pair.b].map((t) => ['S', ...prefix, t].join(' | '));
  let pa, pb;
  try { pa = planQuery(qa, catalog); pb = planQuery(qb, catalog); } catch (e) { skipped++; continue; }
  for (const tuples of datas) {
    const rows = tuples.map((t) => [...t] as Value[]);
    for (const columnar of [false, true]) {
      const table = columnar ? columnarTable(columns, rows) : { columns, rows };
      const options = { catalog, tables: new Map([['S', table]]), now: NOW };
      let ta, tb;
      try { ta = runPlan(pa, options); tb = runPlan(pb, options); } catch (e) { if (e instanceof KqlError || e instanceof UnsupportedError) continue; console.log('CRASH', qa, '|||', qb, (e as Error).message); continue; }
      const order = pair.order ?? 'multiset';
      const fa = tableToRecords(ta).map((r) => JSON.stringify(r)); const fb = tableToRecords(tb).map((r) => JSON.stringify(r));
      if (order === 'multiset') { fa.sort(); fb.sort(); }
      compared++;
      if (JSON.stringify(fa) !== JSON.stringify(fb)) {
        const key = prefix.join('|') + pair.a;
        if (seen.has(key)) continue; seen.add(key); found++;
        console.log('DIFF', JSON.stringify(rows, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
        console.log('  A', qa, '\n   ', fa.join(' '));
        console.log('  B', qb, '\n   ', fb.join(' '));
      }
    }
  }
}
console.log({ compared, skipped, found });
