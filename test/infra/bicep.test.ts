import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { repoRoot } from '../build/support.js';
import { schemaIndex } from './schemas.js';

const infraDir = fileURLToPath(new URL('../../infra', import.meta.url));
const bicepFiles = [
  join(infraDir, 'main.bicep'),
  ...readdirSync(join(infraDir, 'modules'))
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => join(infraDir, 'modules', f)),
];
const sources = bicepFiles.map((file) => ({ file, text: readFileSync(file, 'utf8') }));

function matches(pattern: RegExp): { file: string; value: string }[] {
  return sources.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => ({ file, value: m[1] })));
}

const bicepOnPath = spawnSync('bicep', ['--version'], { stdio: 'ignore' }).status === 0;

describe('infra/*.bicep', () => {
  it('declares only resource types whose type@apiVersion has a schema in infra/schemas', () => {
    const declared = matches(/^resource\s+\w+\s+'([^']+)'/gm);
    expect(declared.length).toBeGreaterThan(20);
    const unknown = declared.filter(({ value }) => !(value in schemaIndex));
    expect(unknown).toEqual([]);
  });

  it('uses every schema in the list (no stale api versions left behind)', () => {
    const declared = new Set(matches(/^resource\s+\w+\s+'([^']+)'/gm).map((m) => m.value));
    expect(Object.keys(schemaIndex).filter((key) => !declared.has(key))).toEqual([]);
  });

  it('loads only generated files that the build produces, and modules that exist', () => {
    const { files } = build(repoRoot);
    const loaded = matches(/load(?:Json|Text)Content\('([^']+)'\)/g);
    expect(loaded.length).toBeGreaterThan(0);
    for (const { file, value } of loaded) {
      const path = join(dirname(file), value)
        .slice(repoRoot.length)
        .replace(/^[\\/]/, '');
      expect(files.has(path), `${file} loads ${value}`).toBe(true);
    }
    for (const { file, value } of matches(/^module\s+\w+\s+'([^']+)'/gm)) {
      expect(bicepFiles, `${file} uses ${value}`).toContain(join(dirname(file), value));
    }
  });

  it('describes every parameter and output', () => {
    for (const { file, text } of sources) {
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (/^(param|output)\s/.test(line)) {
          const above = lines.slice(Math.max(0, i - 4), i).join('\n');
          expect(above, `${file}:${i + 1} ${line}`).toMatch(/@description\(/);
        }
      });
    }
  });

  it('keeps secrets out of app settings: third-party keys are Key Vault references', () => {
    const functionApp = sources.find(({ file }) => file.endsWith('functionApp.bicep'))!.text;
    expect(functionApp).toContain('@Microsoft.KeyVault(SecretUri=');
    expect(functionApp).not.toMatch(/listKeys|AccountKey=/);
    expect(functionApp).toContain('allowSharedKeyAccess: false');
  });

  it.skipIf(!bicepOnPath)('compiles with the Bicep CLI (skipped: no `bicep` binary on PATH)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sk-bicep-')), 'main.json');
    execFileSync('bicep', ['build', join(infraDir, 'main.bicep'), '--outfile', out], { stdio: 'pipe' });
    expect(JSON.parse(readFileSync(out, 'utf8')).resources).toBeDefined();
  });
});
