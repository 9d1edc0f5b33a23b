import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadCatalog } from '../src/kql/catalog.js';
import { planQuery } from '../src/kql/index.js';
const catalog = loadCatalog('/tmp/empty-root');
for (const f of process.argv.slice(2)) {
  const q = (parse(readFileSync(f, 'utf8')) as any).query;
  try { planQuery(q, catalog); console.log('OK', f); } catch (e: any) {
    const d = e.diagnostics?.[0]; console.log(f, '\n ', e.message.slice(0, 400), d ? '\n  >> ' + q.slice(d.start, d.start + Math.min(d.length, 200)) : '');
  }
}
