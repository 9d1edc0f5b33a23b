import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// sentinel-kit used from a content repository of its own: `npm pack`, install the tarball, `npx
// sentinel-kit init`, then run the commands of the scaffolded GitHub Actions pipeline. The
// tarball's dependencies are linked from this checkout's node_modules rather than downloaded, so
// the test needs no registry; what it checks is the package itself (its files, bin, bundled CLI).
const root = join(import.meta.dirname, '..', '..');

function sh(command: string, cwd: string) {
  const result = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('the packed sentinel-kit in a content repository', { timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'sk-pack-'));
  const app = join(work, 'app');

  it('packs the bundled CLI and its data without the TypeScript sources', () => {
    const packed = sh(`npm pack --silent --pack-destination "${work}"`, root);
    expect(packed.status, packed.output).toBe(0);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const listing = sh(`tar -tzf "${join(work, tarball as string)}"`, work).output.split('\n');
    expect(listing).toContain('package/dist/cli/sentinel-kit.js');
    // Worker threads' scripts, bundled beside the CLI (src/threads.ts finds them there).
    expect(listing).toContain('package/dist/cli/validate-worker.js');
    expect(listing).toContain('package/dist/cli/rule-test-worker.js');
    expect(listing).toContain('package/dist/cli/backtest-worker.js');
    // V8 code caches of Kusto.Language's scripts, made by build:cli (src/kql/syntax/kusto.ts).
    expect(listing).toContain('package/dist/cli/bridge.min.js.code-cache');
    expect(listing).toContain('package/dist/cli/Kusto.Language.Bridge.min.js.code-cache');
    expect(listing).toContain('package/catalog/tables.ndjson');
    expect(listing).toContain('package/templates/init/github/workflows/sentinel-kit.yml');
    expect(listing.some((path) => path.startsWith('package/src/'))).toBe(false);

    const installed = join(app, 'node_modules', 'sentinel-kit');
    mkdirSync(installed, { recursive: true });
    expect(
      sh(`tar -xzf "${join(work, tarball as string)}" -C "${installed}" --strip-components=1`, work).status,
    ).toBe(0);
    for (const dep of readdirSync(join(root, 'node_modules'))) {
      if (dep === '.bin' || dep.startsWith('.') || dep === 'sentinel-kit') continue;
      symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep));
    }
    mkdirSync(join(app, 'node_modules', '.bin'));
    symlinkSync('../sentinel-kit/bin/sentinel-kit.js', join(app, 'node_modules', '.bin', 'sentinel-kit'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'soc-content', private: true }));
  });

  it('scaffolds a content repository with npx sentinel-kit init', () => {
    const init = sh('npx --no-install sentinel-kit init', app);
    expect(init.status, init.output).toBe(0);
    for (const path of [
      'sentinel-kit.config.yaml',
      '.github/workflows/sentinel-kit.yml',
      'azure-pipelines.yml',
      'kql/rules/identity/signin-password-spray.yaml',
      'kql/rules/identity/signin-password-spray.test.yaml',
      'infra/generated/analyticsRules.json',
    ]) {
      expect(existsSync(join(app, path)), path).toBe(true);
    }
  });

  it('passes every sentinel-kit step of the scaffolded pipelines', () => {
    const workflow = parse(readFileSync(join(app, '.github', 'workflows', 'sentinel-kit.yml'), 'utf8'));
    const steps: string[] = workflow.jobs.check.steps
      .map((step: { run?: string }) => step.run ?? '')
      .filter((run: string) => run.includes('npx sentinel-kit'));
    const commands = (runs: string[]) => runs.map((run) => run.match(/npx sentinel-kit (\w+)/)?.[1]).sort();
    expect(commands(steps)).toEqual(['backtest', 'build', 'test', 'validate']);
    const azure = parse(readFileSync(join(app, 'azure-pipelines.yml'), 'utf8'));
    const azureScripts: string[] = azure.stages[0].jobs[0].steps
      .map((step: { script?: string }) => step.script ?? '')
      .filter((script: string) => script.includes('npx sentinel-kit'));
    expect(commands(azureScripts)).toEqual(commands(steps));

    for (const step of steps) {
      const result = sh(step.replace('npx sentinel-kit', 'npx --no-install sentinel-kit'), app);
      expect(result.status, `${step}\n${result.output}`).toBe(0);
    }
    const sarif = JSON.parse(readFileSync(join(app, 'sentinel-kit.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toEqual([]);
    expect(readFileSync(join(app, 'junit.xml'), 'utf8')).toMatch(/<testsuites[^>]* failures="0"/);
  });

  it('runs rule tests on a bundled worker thread', () => {
    // A second copy of the scaffolded test, so that two threads each have a file to take.
    const rules = join(app, 'kql', 'rules', 'identity');
    const copy = join(app, 'kql', 'rules', 'copy');
    mkdirSync(copy);
    for (const name of ['signin-password-spray.yaml', 'signin-password-spray.test.yaml']) {
      writeFileSync(join(copy, name), readFileSync(join(rules, name)));
    }
    const result = sh('npx --no-install sentinel-kit test --threads 2 kql/rules', app);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/in 2 files: \d+ passed, 0 failed/);
  });
});
