import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../build/support.js';

describe('scripts/install-bicep.sh', () => {
  it('is what CI runs before the tests', () => {
    const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8');
    expect(ci.indexOf('bash scripts/install-bicep.sh')).toBeGreaterThan(ci.indexOf('npm ci'));
    expect(ci.indexOf('bash scripts/install-bicep.sh')).toBeLessThan(ci.lastIndexOf('npm test'));
  });

  it('without the .NET SDK, fails and says to use az bicep or a bicep on PATH', () => {
    const repo = mkdtempSync(join(tmpdir(), 'sk-install-'));
    mkdirSync(join(repo, 'scripts'));
    copyFileSync(join(repoRoot, 'scripts/install-bicep.sh'), join(repo, 'scripts/install-bicep.sh'));
    // A PATH with the few tools the script uses before it looks for dotnet, and no dotnet.
    const bin = join(repo, 'bin');
    mkdirSync(bin);
    for (const tool of ['dirname', 'cat', 'grep']) {
      const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(found, join(bin, tool));
    }
    const run = spawnSync('/bin/bash', [join(repo, 'scripts/install-bicep.sh')], {
      encoding: 'utf8',
      env: { PATH: bin },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no \.NET SDK \(dotnet\)/);
    expect(run.stderr).toMatch(/az bicep install/);
  });
});
