import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadCatalog } from '../../src/kql/catalog.js';
import { planQuery, runQuery } from '../../src/kql/index.js';
import { analyze, resultSchema } from '../../src/kql/syntax/index.js';
import { kqlTypes } from '../../src/kql/values/types.js';
import { runRuleTests, totals } from '../../src/rules/testing/index.js';

// Checks over the shipped detection content (kql/): the files are well-formed, every query binds
// against the table schemas, and every rule carries tests that pass on the embedded engine.

const root = join(import.meta.dirname, '..', '..');
const kql = join(root, 'kql');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path, suffix) : [path];
    })
    .filter((path) => path.endsWith(suffix))
    .sort();
}

type Doc = Record<string, any>;

function readYaml(path: string): Doc {
  const doc = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${relative(root, path)}: ${doc.errors[0].message}`);
  return doc.toJS() as Doc;
}

const rel = (path: string) => relative(root, path);
const yamlFiles = filesUnder(kql, '.yaml');
const ruleFiles = filesUnder(join(kql, 'rules'), '.yaml').filter((f) => !f.endsWith('.test.yaml'));
const testFiles = filesUnder(join(kql, 'rules'), '.test.yaml');
const huntingFiles = filesUnder(join(kql, 'hunting'), '.yaml');
const parserFiles = filesUnder(join(kql, 'parsers'), '.yaml');
const watchlistFiles = filesUnder(join(kql, 'watchlists'), '.yaml');

describe('table schemas', () => {
  const catalog = loadCatalog(root);
  const contentTables = [
    'SigninLogs',
    'AADNonInteractiveUserSignInLogs',
    'AuditLogs',
    'SecurityEvent',
    'Syslog',
    'CommonSecurityLog',
    'AzureActivity',
    'OfficeActivity',
    'DeviceProcessEvents',
    'DeviceNetworkEvents',
    'DeviceLogonEvents',
    'ThreatIntelIndicators',
    'ThreatIntelligenceIndicator',
    'SecurityAlert',
    'SecurityIncident',
    'Watchlist',
  ];

  it.each(contentTables)('%s, which the content is written against, is a well-formed log table', (name) => {
    const schema = catalog.tables.get(name);
    expect(schema?.name).toBe(name);
    expect(typeof schema?.description).toBe('string');
    const names = schema?.columns.map((c) => c.name) ?? [];
    expect(new Set(names).size).toBe(names.length);
    for (const column of schema?.columns ?? []) expect(kqlTypes).toContain(column.type);
    const typeOf = (column: string) => schema?.columns.find((c) => c.name === column)?.type;
    // Every Log Analytics table carries these standard columns.
    expect(typeOf('TimeGenerated')).toBe('datetime');
    expect(typeOf('TenantId')).toBe('string');
    expect(typeOf('Type')).toBe('string');
  });

  it('keep the types Sentinel queries depend on', () => {
    const column = (table: string, name: string) =>
      catalog.tables.get(table)?.columns.find((c) => c.name === name)?.type;
    // SigninLogs holds objects as dynamic, the non-interactive table as JSON text; ResultType is text.
    expect(column('SigninLogs', 'LocationDetails')).toBe('dynamic');
    expect(column('SigninLogs', 'DeviceDetail')).toBe('dynamic');
    expect(column('SigninLogs', 'Status')).toBe('dynamic');
    expect(column('SigninLogs', 'ResultType')).toBe('string');
    expect(column('AADNonInteractiveUserSignInLogs', 'LocationDetails')).toBe('string');
    expect(column('SecurityEvent', 'EventID')).toBe('int');
    expect(column('ThreatIntelIndicators', 'Data')).toBe('dynamic');
  });
});

describe('content files', () => {
  it.each(yamlFiles.map((f) => [rel(f), f]))('%s parses as YAML without duplicate keys', (_, file) => {
    expect(readYaml(file)).toBeTypeOf('object');
  });

  it('loads into one catalog (schemas, connector tables, parsers, watchlists)', () => {
    const catalog = loadCatalog(root);
    expect([...catalog.functions.keys()].sort()).toEqual(parserFiles.map((f) => basename(f, '.yaml')).sort());
    expect(catalog.watchlists.size).toBe(watchlistFiles.length);
  });

  it.each(watchlistFiles.map((f) => [rel(f), f]))('%s has a search key value in every item', (_, file) => {
    const watchlist = readYaml(file);
    expect(watchlist.watchlistAlias).toBe(basename(file, '.yaml'));
    expect(watchlist.items.length).toBeGreaterThan(0);
    const columns = watchlist.columns.map((c: { name: string }) => c.name);
    for (const item of watchlist.items) {
      expect(item[watchlist.itemsSearchKey]).toBeTruthy();
      for (const key of Object.keys(item)) expect(columns).toContain(key);
    }
  });
});

describe('analytics rules', () => {
  const rules = ruleFiles.map((file) => ({ file, rule: readYaml(file) }));

  it('ship at least 14 rules, 2 of them near-real-time', () => {
    expect(rules.length).toBeGreaterThanOrEqual(14);
    expect(rules.filter(({ rule }) => rule.kind === 'NRT').length).toBeGreaterThanOrEqual(2);
  });

  it('have unique GUID ids and unique names', () => {
    const ids = rules.map(({ rule }) => String(rule.id).toLowerCase());
    for (const id of ids) expect(id).toMatch(GUID);
    expect(new Set(ids).size).toBe(ids.length);
    const names = rules.map(({ rule }) => rule.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(ruleFiles.map((f) => [rel(f)]))('%s describes triage steps and an alert budget', (file) => {
    const rule = readYaml(join(root, file));
    expect(rule.description).toContain('Triage:');
    expect(['Informational', 'Low', 'Medium', 'High']).toContain(rule.severity);
    expect(Number.isInteger(rule.maxAlertsPerDay) && rule.maxAlertsPerDay > 0).toBe(true);
    expect(rule.requiredDataConnectors.length).toBeGreaterThan(0);
  });

  it.each(ruleFiles.map((f) => [rel(f)]))('%s has a test file with a firing and a quiet case', (file) => {
    const testFile = join(root, file.replace(/\.yaml$/, '.test.yaml'));
    const { cases } = readYaml(testFile);
    expect(cases.length).toBeGreaterThanOrEqual(2);
    const alerts = cases.map((c: { expect: { alerts: number } }) => c.expect.alerts);
    expect(alerts.some((n: number) => n > 0)).toBe(true);
    expect(alerts).toContain(0);
  });

  it('have no test file without a rule', () => {
    for (const test of testFiles) expect(ruleFiles).toContain(test.replace(/\.test\.yaml$/, '.yaml'));
  });

  it('use at least one watchlist and one parser', () => {
    const catalog = loadCatalog(root);
    const queries = rules.map(({ rule }) => rule.query as string);
    expect(queries.some((q) => q.includes('_GetWatchlist('))).toBe(true);
    const parsers = [...catalog.functions.keys()];
    expect(queries.some((q) => parsers.some((p) => new RegExp(`\\b${p}\\b`).test(q)))).toBe(true);
  });
});

describe('queries bind against the catalog', () => {
  const catalog = loadCatalog(root);
  const errorsOf = (query: string) =>
    analyze(query, catalog)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.message} at "${query.slice(d.start, d.start + d.length)}"`);

  it.each([...ruleFiles, ...huntingFiles].map((f) => [rel(f)]))('%s', (file) => {
    const doc = readYaml(join(root, file));
    expect(errorsOf(doc.query)).toEqual([]);
    const columns = resultSchema(analyze(doc.query, catalog).code)?.map((c) => c.name) ?? [];
    const used = [
      ...(doc.entityMappings ?? []).flatMap((m: Doc) => m.fieldMappings.map((f: Doc) => f.columnName)),
      ...Object.values(doc.customDetails ?? {}),
      ...Object.values(doc.alertDetailsOverride ?? {}).flatMap((v) =>
        [...String(v).matchAll(PLACEHOLDER)].map((m) => m[1]),
      ),
    ];
    const columnValued = ['alertSeverityColumnName', 'alertTacticsColumnName'];
    for (const key of columnValued)
      if (doc.alertDetailsOverride?.[key]) used.push(doc.alertDetailsOverride[key]);
    expect(used.filter((c) => !columns.includes(c as string))).toEqual([]);
  });

  // The engine's schema-equality check, restated: each rule's plan has the result schema (names,
  // order, types) Kusto.Language computes, so no rule depends on a refusal or a differing answer.
  it.each(ruleFiles.map((f) => [rel(f)]))('%s plans to the result schema Kusto computes', (file) => {
    const { query } = readYaml(join(root, file));
    const columns = planQuery(query, catalog).schema;
    expect(columns).toEqual(resultSchema(analyze(query, catalog).code));
  });

  it.each(parserFiles.map((f) => [rel(f)]))('%s', (file) => {
    const parser = readYaml(join(root, file));
    // A parser body sees its parameters as variables; declare them the way the function would.
    const lets = (parser.parameters ?? [])
      .map((p: Doc) => `let ${p.name} = ${p.type}(${p.default});\n`)
      .join('');
    expect(errorsOf(lets + parser.query)).toEqual([]);
  });
});

describe('hunting queries', () => {
  it('ship at least 3', () => expect(huntingFiles.length).toBeGreaterThanOrEqual(3));

  it.each(huntingFiles.map((f) => [rel(f)]))('%s has the Azure-Sentinel hunting fields', (file) => {
    const hunt = readYaml(join(root, file));
    expect(hunt.id).toMatch(GUID);
    for (const field of ['name', 'description', 'query']) expect(typeof hunt[field]).toBe('string');
    expect(hunt.requiredDataConnectors.length).toBeGreaterThan(0);
    expect(hunt.tactics.length).toBeGreaterThan(0);
  });

  // The local SOC runs hunting queries on the embedded engine: every construct they use must be supported.
  it.each(huntingFiles.map((f) => [rel(f)]))('%s runs on the embedded engine', (file) => {
    const result = runQuery(readYaml(join(root, file)).query, {
      catalog: loadCatalog(root),
      tables: new Map(),
    });
    expect(result.columns.length).toBeGreaterThan(0);
    expect(result.rows).toEqual([]);
  });
});

describe('MITRE ATT&CK data', () => {
  const attack = JSON.parse(readFileSync(join(kql, 'mitre', 'attack-enterprise.json'), 'utf8'));
  const tacticNames = new Set<string>(attack.tactics.map((t: { name: string }) => t.name));
  const techniques = new Map<string, { id: string; tactics: string[] }>(
    attack.techniques.map((t: { id: string; tactics: string[] }) => [t.id, t]),
  );

  it('lists the 14 Enterprise tactics under their Sentinel (AttackTactic enum) names', () => {
    expect([...tacticNames].sort()).toEqual(
      [
        'Reconnaissance',
        'ResourceDevelopment',
        'InitialAccess',
        'Execution',
        'Persistence',
        'PrivilegeEscalation',
        'DefenseEvasion',
        'CredentialAccess',
        'Discovery',
        'LateralMovement',
        'Collection',
        'CommandAndControl',
        'Exfiltration',
        'Impact',
      ].sort(),
    );
    for (const tactic of attack.tactics) expect(tactic.id).toMatch(/^TA\d{4}$/);
  });

  it('has unique technique ids whose tactics exist, sub-techniques sharing their parent tactics', () => {
    expect(techniques.size).toBe(attack.techniques.length);
    expect([...techniques.keys()].filter((id) => !id.includes('.')).length).toBeGreaterThanOrEqual(200);
    for (const technique of techniques.values()) {
      expect(technique.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(technique.tactics.length).toBeGreaterThan(0);
      for (const tactic of technique.tactics) expect(tacticNames).toContain(tactic);
      const parent = technique.id.split('.')[0];
      if (parent !== technique.id) expect(technique.tactics).toEqual(techniques.get(parent)?.tactics);
    }
  });

  it('knows every technique the rules and hunting queries reference', () => {
    for (const file of [...ruleFiles, ...huntingFiles]) {
      for (const id of readYaml(file).relevantTechniques ?? []) {
        expect(techniques.has(id), `${rel(file)}: ${id}`).toBe(true);
      }
    }
  });
});

describe('rule tests', () => {
  it('pass on the embedded engine', () => {
    const results = runRuleTests([join(kql, 'rules')], loadCatalog(root));
    const problems = results.flatMap((r) => [
      ...r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${r.file}: ${d.message}`),
      ...r.cases
        .filter((c) => !c.passed)
        .map((c) => `${r.file}: ${c.name}: ${c.error ?? c.failures.join('; ')}`),
    ]);
    expect(problems).toEqual([]);
    const { files, cases } = totals(results);
    expect(files).toBe(testFiles.length);
    expect(cases).toBeGreaterThanOrEqual(2 * ruleFiles.length);
    // Every starter case runs again under each undocumented alternative: minutes on a shared 2-core machine.
  }, 300_000);
});
