import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentKindOf, validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';

const root = join(import.meta.dirname, '..', '..');

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-content-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('validate kql/ by content type', () => {
  it('classifies files by folder, in our layout and the Azure-Sentinel repository', () => {
    expect(contentKindOf('kql/automation/10-triage.yaml')).toBe('automation');
    expect(contentKindOf('kql/parsers/Ssh.yaml')).toBe('parser');
    expect(contentKindOf('Solutions/Okta/Parsers/OktaSSO.yaml')).toBe('parser');
    expect(contentKindOf('Solutions/Okta/Hunting Queries/x.yaml')).toBe('hunting');
    expect(contentKindOf('Solutions/Okta/Analytic Rules/x.yaml')).toBe('analytics');
    expect(contentKindOf('kql/watchlists/VIP.yaml')).toBe('watchlist');
    expect(contentKindOf('kql/rules/identity/spray.test.yaml')).toBe('rule-test');
    expect(contentKindOf('kql/detections/office-encoded-powershell.yaml')).toBe('detection');
    expect(contentKindOf('kql/operations.yaml')).toBe('operations');
    expect(contentKindOf('kql/summary/signin-failures-hourly.yaml')).toBe('summary');
  });

  it('checks every file of this repository kql/ without treating automation rules as analytics rules', async () => {
    const catalog = loadCatalog(root);
    const { counts, diagnostics } = await validateContent([join(root, 'kql')], {
      root,
      catalog,
      compareWithGit: false,
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(counts.get('automation')).toBeGreaterThan(0);
    expect(counts.get('parser')).toBeGreaterThan(0);
    expect(counts.get('watchlist')).toBeGreaterThan(0);
    // Custom detections are checked by Defender's rules and the SOC operations model by its own,
    // neither as an analytics rule.
    expect(counts.get('detection')).toBeGreaterThan(0);
    // Summary rules are checked against the summaryLogs API, not as analytics rules (which would
    // refuse their name, ruleDefinition and missing severity).
    expect(counts.get('summary')).toBeGreaterThan(0);
    expect(counts.get('operations')).toBe(1);
  });

  it('binds parser bodies with their parameters and reports errors at the file position', async () => {
    const dir = repo({
      'kql/parsers/Good.yaml': [
        'functionName: Good',
        'parameters:',
        '  - { name: starttime, type: datetime, default: "datetime(null)" }',
        'query: |',
        '  SigninLogs',
        '  | where isnull(starttime) or TimeGenerated >= starttime',
      ].join('\n'),
      'kql/parsers/Bad.yaml': [
        'functionName: Bad',
        'query: |',
        '  SigninLogs',
        '  | where NoSuchColumn == 1',
      ].join('\n'),
      'kql/automation/bad.yaml': 'name: no id\n',
    });
    const catalog = loadCatalog(dir);
    const { diagnostics } = await validateContent([join(dir, 'kql')], {
      root: dir,
      catalog,
      compareWithGit: false,
    });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.filter((d) => d.file?.endsWith('Good.yaml'))).toEqual([]);
    expect(
      errors.filter((d) => d.file?.endsWith('Bad.yaml')).map((d) => `${d.code} ${d.line}:${d.column}`),
    ).toEqual(['SK1103 4:11']);
    expect(errors.some((d) => d.file?.endsWith('bad.yaml') && d.code === 'SK0501')).toBe(true);
  });

  it('gives the same findings on worker threads, checks across files included', async () => {
    const rule = (n: number, id: string) =>
      [
        `id: ${id}`,
        `name: Threaded ${n}`,
        'description: Checked on a worker thread.',
        'severity: Low',
        'kind: Scheduled',
        'queryFrequency: 1h',
        'queryPeriod: 1h',
        'triggerOperator: gt',
        'triggerThreshold: 0',
        `query: SigninLogs | where ResultType == "${n}" | project ${n % 2 ? 'IPAddress' : 'NoSuchColumn'}`,
      ].join('\n');
    const dir = repo({
      'kql/rules/a.yaml': rule(1, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e61'),
      'kql/rules/b.yaml': rule(2, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e62'),
      'kql/rules/c.yaml': rule(3, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e61'),
      'kql/rules/d.yaml': rule(4, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e64'),
    });
    const catalog = loadCatalog(dir);
    const options = { root: dir, catalog, compareWithGit: false };
    const single = await validateContent([join(dir, 'kql')], options);
    const threaded = await validateContent([join(dir, 'kql')], {
      ...options,
      parallel: { threads: 2, minRulesPerThread: 1 },
    });
    expect(threaded.workers).toBe(2);
    expect(threaded.diagnostics).toEqual(single.diagnostics);
    expect(single.diagnostics.map((d) => `${d.file?.split('/').pop()} ${d.code}`)).toEqual([
      'a.yaml SK1601',
      'b.yaml SK1103',
      'c.yaml SK1601',
      'd.yaml SK1103',
    ]);
  });
});
