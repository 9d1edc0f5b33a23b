import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFunctionApp } from '../../scripts/package.js';
import { readZip } from '../../scripts/zip.js';
import { repoRoot } from '../build/support.js';

/**
 * A stand-in for the Azure Functions Node.js worker's `@azure/functions-core` module (which the
 * worker injects at run time): it records what the app registers and prints it as JSON.
 */
const workerStandIn = `
const registered = [];
module.exports = {
  setProgrammingModel() {},
  registerHook() { return { dispose() {} }; },
  registerFunction(metadata) { registered.push(metadata); return { dispose() {} }; },
};
process.on('exit', () => process.stdout.write(JSON.stringify(registered)));
`;

/** Names registered in functions/ by http('<name>', ...), timer('<name>', ...) and registerConnectorTimer('<name>'). */
function declaredFunctions(): string[] {
  const names: string[] = [];
  for (const dir of ['connectors', 'responders', 'operations']) {
    for (const file of readdirSync(join(repoRoot, 'functions', dir))) {
      const text = readFileSync(join(repoRoot, 'functions', dir, file), 'utf8');
      for (const m of text.matchAll(/\b(?:http|timer|registerConnectorTimer)\(\s*'([^']+)'/g))
        names.push(m[1]);
    }
  }
  return names.sort();
}

describe('npm run package (Flex Consumption one-deploy zip)', () => {
  it('holds host.json, a package.json whose main exists, and an entry point that registers every connector and responder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-package-'));
    const zipPath = await packageFunctionApp(join(dir, 'functionapp.zip'));

    const app = join(dir, 'app');
    for (const entry of readZip(readFileSync(zipPath))) {
      mkdirSync(join(app, dirname(entry.name)), { recursive: true });
      writeFileSync(join(app, entry.name), entry.data);
    }
    expect(
      readZip(readFileSync(zipPath))
        .map((e) => e.name)
        .sort(),
    ).toEqual(['dist/index.js', 'host.json', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(JSON.parse(readFileSync(join(app, 'host.json'), 'utf8')).version).toBe('2.0');

    // Nothing but the worker's own module is available: the bundle must carry every dependency.
    const core = join(app, 'node_modules/@azure/functions-core');
    mkdirSync(core, { recursive: true });
    writeFileSync(join(core, 'package.json'), '{"name":"@azure/functions-core","main":"index.js"}');
    writeFileSync(join(core, 'index.js'), workerStandIn);
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(join(app, manifest.main))});`],
      {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const registered: {
      name: string;
      bindings: Record<string, { type: string; authLevel?: string; route?: string }>;
    }[] = JSON.parse(run.stdout);

    const names = registered.map((r) => r.name).sort();
    expect(names).toEqual(declaredFunctions());
    const triggers = registered.map((r) => Object.values(r.bindings).find((b) => /Trigger$/.test(b.type))!);
    expect(triggers.filter((t) => t.type === 'timerTrigger').length).toBeGreaterThanOrEqual(3);
    const routes = triggers.filter((t) => t.type === 'httpTrigger').map((t) => t.route);
    expect(routes).toEqual(
      expect.arrayContaining(['responders/disable-user', 'responders/triage', 'responders/enrich']),
    );
  });
});
