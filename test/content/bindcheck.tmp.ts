import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCatalog } from '../../src/kql/catalog.js';
import { analyze, resultSchema } from '../../src/kql/syntax/index.js';
const catalog = loadCatalog('/work/main');
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
const files = [...walk('kql/rules'), ...walk('kql/hunting'), ...walk('kql/parsers')].filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'));
for (const f of files) {
  const doc = parse(readFileSync(f, 'utf8'));
  const q = doc.query;
  const { code, diagnostics } = analyze(q, catalog);
  const errs = diagnostics.filter((d) => d.severity !== 'info');
  const cols = resultSchema(code)?.map((c) => c.name) ?? [];
  const missing: string[] = [];
  for (const m of doc.entityMappings ?? []) for (const fm of m.fieldMappings) if (!cols.includes(fm.columnName)) missing.push(fm.columnName);
  for (const c of Object.values(doc.customDetails ?? {})) if (!cols.includes(c as string)) missing.push(c as string);
  const ado = doc.alertDetailsOverride ?? {};
  for (const v of [ado.alertDisplayNameFormat, ado.alertDescriptionFormat]) for (const m of String(v ?? '').matchAll(/\{\{(\w+)\}\}/g)) if (!cols.includes(m[1])) missing.push(m[1]);
  if (ado.alertSeverityColumnName && !cols.includes(ado.alertSeverityColumnName)) missing.push(ado.alertSeverityColumnName);
  console.log(errs.length || missing.length ? 'FAIL' : 'ok  ', f, errs.map((e) => `${e.severity} ${e.message} @${q.slice(e.start, e.start + e.length)}`).join(' | '), missing.length ? `missing: ${missing}` : '');
}
