import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCatalog } from '../../src/kql/catalog.js';

const root = join(import.meta.dirname, '..', '..');
/** The repository's own catalog, plus a Basic-plan custom table for the tier restrictions. */
export const catalog = loadCatalog(root);
catalog.tables.set('AppTraces_CL', {
  name: 'AppTraces_CL',
  plan: 'Basic',
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'Host', type: 'string' },
    { name: 'Message', type: 'string' },
    { name: 'UserPrincipalName', type: 'string' },
  ],
});

const dir = mkdtempSync(join(tmpdir(), 'sk-summary-'));
let counter = 0;

/** A valid hourly summary rule over SigninLogs to vary per test. */
export function baseSummary(): Record<string, any> {
  return {
    name: 'SigninFailuresHourly',
    description: 'Failed sign-ins per user, hourly.',
    ruleType: 'User',
    ruleDefinition: {
      query: 'SigninLogs\n| where ResultType != "0"\n| summarize Failures = count() by UserPrincipalName\n',
      binSize: 60,
      destinationTable: 'SigninFailures_CL',
    },
  };
}

/** Writes a summary rule (object or YAML text) under a fresh `summary/` folder; returns its path. */
export function writeSummary(rule: Record<string, unknown> | string, name = 'rule.yaml'): string {
  const folder = join(dir, String(counter++), 'summary');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, name);
  writeFileSync(path, typeof rule === 'string' ? rule : stringify(rule));
  return path;
}
