import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import { findRuleFiles } from '../../src/rules/load.js';
import { defaultMitrePath, loadMitre } from '../../src/rules/mitre.js';
import { validateFiles } from '../../src/rules/validate/index.js';
import { catalog, goodRule, mitre, positions, withLines, writeTemp } from './helpers.js';

describe('checks across files', () => {
  it('reports a duplicated id in both files, each naming the other', () => {
    const first = writeTemp(goodRule, 'dup/first.yaml');
    const second = writeTemp(withLines(2, 2, 'name: Another rule'), 'dup/second.yaml');
    const { diagnostics } = validateFiles([first, second], { catalog, mitre, compareWithGit: false });
    const duplicates = diagnostics.filter((d) => d.code === 'SK1601');
    expect(duplicates.map((d) => `${d.file?.split('/').pop()}:${d.line}:${d.column}`)).toEqual([
      'first.yaml:1:5',
      'second.yaml:1:5',
    ]);
    expect(duplicates[0].message).toMatch(/also used by .*second\.yaml:1:5/);
    expect(duplicates[1].message).toMatch(/also used by .*first\.yaml:1:5/);
  });

  it('warns about a duplicated name', () => {
    const first = writeTemp(goodRule, 'names/first.yaml');
    const second = writeTemp(
      withLines(1, 1, 'id: 11111111-2222-4333-8444-555555555555'),
      'names/second.yaml',
    );
    const { diagnostics } = validateFiles([first, second], { catalog, mitre, compareWithGit: false });
    expect(diagnostics.map((d) => `${d.code}:${d.severity}:${d.line}:${d.column}`)).toEqual([
      'SK1602:warning:2:7',
      'SK1602:warning:2:7',
    ]);
  });
});

describe('version bump against git HEAD', () => {
  const repo = mkdtempSync(join(tmpdir(), 'sk-git-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
  const rule = join(repo, 'rule.yaml');
  writeFileSync(rule, goodRule.join('\n'));
  git('init', '-q');
  git('add', 'rule.yaml');
  git('commit', '-q', '-m', 'rule');
  const check = () => validateFiles([rule], { catalog, mitre }).diagnostics;

  it('is quiet when the query is unchanged', () => {
    expect(check()).toEqual([]);
  });

  it('warns at version when the query changed and the version did not', () => {
    writeFileSync(rule, withLines(16, 16, "  | where ResultType == '50053'").join('\n'));
    const diagnostics = check();
    expect(positions(diagnostics, 'SK1701')).toEqual(['27:10']);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning' });
  });

  it('is quiet once the version is bumped', () => {
    const changed = withLines(16, 16, "  | where ResultType == '50053'");
    writeFileSync(rule, [...changed.slice(0, 26), 'version: 1.0.1'].join('\n'));
    expect(check()).toEqual([]);
  });

  it('skips files git does not track, and files outside git', () => {
    const untracked = join(repo, 'new.yaml');
    writeFileSync(untracked, goodRule.join('\n').replace('6f1f2c3d', '7f1f2c3d').replace('one IP', 'an IP'));
    expect(validateFiles([untracked], { catalog, mitre }).diagnostics).toEqual([]);
    expect(validateFiles([writeTemp(goodRule)], { catalog, mitre }).diagnostics).toEqual([]);
  });

  it('warns about a version that is not major.minor.patch', () => {
    const diagnostics = validateFiles([writeTemp(withLines(27, 27, 'version: v2'))], {
      catalog,
      mitre,
    }).diagnostics;
    expect(positions(diagnostics, 'SK1702')).toEqual(['27:10']);
  });
});

describe("the repository's starter content", () => {
  const root = join(import.meta.dirname, '..', '..');
  const files = findRuleFiles([join(root, 'kql', 'rules'), join(root, 'kql', 'hunting')]);
  const realMitre = join(root, defaultMitrePath);

  it('has rules to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('passes validation without errors', () => {
    const options = {
      catalog: loadCatalog(root),
      // The test subset of ATT&CK would flag real techniques; without the real extract, skip MITRE checks.
      mitre: existsSync(realMitre) ? loadMitre(realMitre) : undefined,
      compareWithGit: false,
    };
    const errors = validateFiles(files, options).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.code} ${d.message}`)).toEqual([]);
  });
});
