import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/build.js';
import { runCommand } from '../support/cli.js';
import { copyFixtureRepo, editFile } from './support.js';

describe('sentinel-kit build', () => {
  it('--check fails until the generated files are written, then passes', async () => {
    const root = copyFixtureRepo();
    expect((await runCommand(run, '--check', '--root', root)).code).toBe(1);
    expect(existsSync(join(root, 'infra/generated/analyticsRules.json'))).toBe(false);
    expect((await runCommand(run, '--root', root)).code).toBe(0);
    expect(existsSync(join(root, 'dist/azuredeploy.json'))).toBe(true);
    expect((await runCommand(run, '--check', '--root', root)).code).toBe(0);
  });

  it('prints file:line:col errors and exits 1 on bad content', async () => {
    const root = copyFixtureRepo();
    editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
      t.replace('runResponder: notify', 'runResponder: nope'),
    );
    const { code, stderr } = await runCommand(run, '--root', root);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "kql/automation/enrich-spray.yaml:10:19: error SK0505: unknown responder 'nope'",
    );
    expect(existsSync(join(root, 'infra/generated'))).toBe(false);
  });

  it('exits 2 on an unknown option', async () => {
    expect((await runCommand(run, '--bogus')).code).toBe(2);
  });
});
