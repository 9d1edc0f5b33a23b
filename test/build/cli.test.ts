import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/build.js';
import { copyFixtureRepo, editFile } from './support.js';

function quietly<T>(action: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  const errors: string[] = [];
  const err = vi.spyOn(console, 'error').mockImplementation((line) => void errors.push(String(line)));
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  return action()
    .then((result) => ({ result, stderr: errors.join('\n') }))
    .finally(() => {
      err.mockRestore();
      log.mockRestore();
    });
}

describe('sentinel-kit build', () => {
  it('--check fails until the generated files are written, then passes', async () => {
    const root = copyFixtureRepo();
    expect((await quietly(() => run(['--check', '--root', root]))).result).toBe(1);
    expect(existsSync(join(root, 'infra/generated/analyticsRules.json'))).toBe(false);
    expect((await quietly(() => run(['--root', root]))).result).toBe(0);
    expect(existsSync(join(root, 'dist/azuredeploy.json'))).toBe(true);
    expect((await quietly(() => run(['--check', '--root', root]))).result).toBe(0);
  });

  it('prints file:line:col errors and exits 1 on bad content', async () => {
    const root = copyFixtureRepo();
    editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
      t.replace('runResponder: notify', 'runResponder: nope'),
    );
    const { result, stderr } = await quietly(() => run(['--root', root]));
    expect(result).toBe(1);
    expect(stderr).toContain(
      "kql/automation/enrich-spray.yaml:10:19: error SK0505: unknown responder 'nope'",
    );
    expect(existsSync(join(root, 'infra/generated'))).toBe(false);
  });

  it('exits 2 on an unknown option', async () => {
    expect((await quietly(() => run(['--bogus']))).result).toBe(2);
  });
});
