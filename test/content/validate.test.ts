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
  });

  it('checks every file of this repository kql/ without treating automation rules as analytics rules', () => {
    const catalog = loadCatalog(root);
    const { counts, diagnostics } = validateContent([join(root, 'kql')], {
      root,
      catalog,
      compareWithGit: false,
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(counts.get('automation')).toBeGreaterThan(0);
    expect(counts.get('parser')).toBeGreaterThan(0);
    expect(counts.get('watchlist')).toBeGreaterThan(0);
  });

  it('binds parser bodies with their parameters and reports errors at the file position', () => {
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
    const { diagnostics } = validateContent([join(dir, 'kql')], {
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
});
