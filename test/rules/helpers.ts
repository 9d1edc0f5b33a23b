import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../src/diagnostics.js';
import type { Catalog } from '../../src/kql/catalog.js';
import { loadMitre } from '../../src/rules/mitre.js';
import { validateFiles } from '../../src/rules/validate/index.js';
import { testCatalog } from '../support/catalog.js';

export const fixtures = join(import.meta.dirname, 'fixtures');

export const mitre = loadMitre(join(fixtures, 'mitre', 'attack-enterprise.json'));

export const catalog: Catalog = testCatalog({
  SigninLogs: {
    TimeGenerated: 'datetime',
    UserPrincipalName: 'string',
    IPAddress: 'string',
    ResultType: 'string',
    AppDisplayName: 'string',
    LocationDetails: 'dynamic',
  },
});
catalog.functions.set('BrokenParser', {
  name: 'BrokenParser',
  parameters: [],
  body: 'SigninLogs | extend Country = tostring(NoSuchColumn)',
});

const dir = mkdtempSync(join(tmpdir(), 'sk-rules-'));
let counter = 0;

/** Writes `text` (a string or lines joined with \n) to a fresh temp file and returns its path. */
export function writeTemp(text: string | string[] | Buffer, name = `rule-${++counter}.yaml`): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Array.isArray(text) ? text.join('\n') : text);
  return path;
}

export function validate(text: string | string[], name?: string): Diagnostic[] {
  return validateFiles([writeTemp(text, name)], { catalog, mitre, compareWithGit: false }).diagnostics;
}

/** The diagnostics with `code`, as `line:column` strings, for exact position assertions. */
export function positions(diagnostics: Diagnostic[], code: string): string[] {
  return diagnostics.filter((d) => d.code === code).map((d) => `${d.line}:${d.column}`);
}

/**
 * A Low-severity hourly Scheduled rule in the Azure-Sentinel YAML shape: the fields tests vary
 * (id, name, description), then `rest` (query, mappings...), one field per line.
 */
export function scheduledRule(
  rule: { id: string; name: string; description: string },
  rest: string[],
): string {
  return [
    `id: ${rule.id}`,
    `name: ${rule.name}`,
    `description: ${rule.description}`,
    'severity: Low',
    'kind: Scheduled',
    'queryFrequency: 1h',
    'queryPeriod: 1h',
    'triggerOperator: gt',
    'triggerThreshold: 0',
    ...rest,
  ].join('\n');
}

/** A valid Scheduled rule, one field per line so tests can count line numbers. */
export const goodRule = [
  'id: 6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e5f', // 1
  'name: Password spray from one IP', // 2
  'description: Many accounts fail to sign in from one address.', // 3
  'severity: Medium', // 4
  'kind: Scheduled', // 5
  'queryFrequency: 1h', // 6
  'queryPeriod: 1h', // 7
  'triggerOperator: gt', // 8
  'triggerThreshold: 0', // 9
  'tactics:', // 10
  '  - CredentialAccess', // 11
  'relevantTechniques:', // 12
  '  - T1110.003', // 13
  'query: |', // 14
  '  SigninLogs', // 15
  "  | where ResultType == '50126'", // 16
  '  | summarize Users = dcount(UserPrincipalName), Apps = make_set(AppDisplayName) by IPAddress', // 17
  'entityMappings:', // 18
  '  - entityType: IP', // 19
  '    fieldMappings:', // 20
  '      - identifier: Address', // 21
  '        columnName: IPAddress', // 22
  'customDetails:', // 23
  '  FailedUsers: Users', // 24
  'alertDetailsOverride:', // 25
  '  alertDisplayNameFormat: Password spray from {{IPAddress}}', // 26
  'version: 1.0.0', // 27
];

/** goodRule with the lines from `from` (1-based) to `to` replaced by `lines`. */
export function withLines(from: number, to: number, ...lines: string[]): string[] {
  return [...goodRule.slice(0, from - 1), ...lines, ...goodRule.slice(to)];
}
