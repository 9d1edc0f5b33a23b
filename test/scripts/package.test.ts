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
const handlers = new Map();
module.exports = {
  setProgrammingModel() {},
  registerHook() { return { dispose() {} }; },
  registerFunction(metadata, handler) { registered.push(metadata); handlers.set(metadata.name, handler); return { dispose() {} }; },
};
// SK_INVOKE names a function to run once, as the worker would on a timer tick; its error is printed.
process.on('beforeExit', async () => {
  const name = process.env.SK_INVOKE;
  if (!name) return process.stdout.write(JSON.stringify(registered));
  delete process.env.SK_INVOKE;
  try { await handlers.get(name)({}, { log() {} }); process.stdout.write('ok'); }
  catch (error) { process.stdout.write(error.message); }
});
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
    ).toEqual(['dist/index.js', 'host.json', 'infra/generated/operations.json', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(JSON.parse(readFileSync(join(app, 'host.json'), 'utf8')).version).toBe('2.0');

    // Nothing but the worker's own module is available: the bundle must carry every dependency.
    const core = join(app, 'node_modules/@azure/functions-core');
    mkdirSync(core, { recursive: true });
    writeFileSync(join(core, 'package.json'), '{"name":"@azure/functions-core","main":"index.js"}');
    writeFileSync(join(core, 'index.js'), workerStandIn);
    const start = (cwd: string, env: Record<string, string> = {}) =>
      spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(join(app, manifest.main))});`],
        { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } },
      );
    const run = start(app);
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

    // The soc-operations timer finds the packaged model from the app root whatever the working
    // directory: with only the workspace setting missing, that is what it reports.
    const tick = start(tmpdir(), { SK_INVOKE: 'soc-operations' });
    expect(tick.stderr).toBe('');
    expect(tick.stdout).toBe('app setting SENTINEL_WORKSPACE_RESOURCE_ID is not a workspace resource id');
    // ... and a relative SOC_OPERATIONS_FILE is taken from the app root too.
    const elsewhere = start(tmpdir(), { SK_INVOKE: 'soc-operations', SOC_OPERATIONS_FILE: 'nothing.json' });
    expect(elsewhere.stdout).toBe('app setting SOC_OPERATIONS_FILE does not name a readable JSON file');
    writeFileSync(join(app, 'moved.json'), readFileSync(join(app, 'infra/generated/operations.json')));
    const moved = start(tmpdir(), { SK_INVOKE: 'soc-operations', SOC_OPERATIONS_FILE: 'moved.json' });
    expect(moved.stdout).toMatch(/SENTINEL_WORKSPACE_RESOURCE_ID/);
  });
});
