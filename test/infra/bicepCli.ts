// The Bicep CLI the infra tests compile and lint with: .tools/bicep (scripts/install-bicep.sh),
// else `bicep` on PATH. Under CI=true a missing CLI or type index fails the tests instead of
// skipping them, so a CI run can never pass without compiling the templates.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typesInstalled } from './schemas.js';

export const infraDir = fileURLToPath(new URL('../../infra', import.meta.url));
const installed = fileURLToPath(new URL('../../.tools/bicep', import.meta.url));

export const bicepFiles = [
  join(infraDir, 'main.bicep'),
  ...readdirSync(join(infraDir, 'modules'))
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => join(infraDir, 'modules', f)),
];

function findBicep(): string | undefined {
  if (existsSync(installed)) return installed;
  return spawnSync('bicep', ['--version'], { stdio: 'ignore' }).status === 0 ? 'bicep' : undefined;
}

export const bicep = findBicep();
const inCi = process.env.CI === 'true';

/** Why the Bicep tests cannot run here, or undefined when they can (always undefined in CI: they fail there). */
export const bicepMissing =
  inCi || (bicep && typesInstalled)
    ? undefined
    : 'no Bicep CLI or type index: run scripts/install-bicep.sh (needs the .NET SDK)';

export interface BicepRun {
  status: number | null;
  stdout: string;
  /** Diagnostics as printed: `<file>(line,col) : Error|Warning|Info CODE: message`. */
  diagnostics: string[];
}

export function runBicep(args: string[]): BicepRun {
  if (!bicep) throw new Error('no Bicep CLI: run scripts/install-bicep.sh (CI=true requires it)');
  if (!typesInstalled)
    throw new Error('no Bicep type index in .tools/bicep-types: run scripts/install-bicep.sh');
  const run = spawnSync(bicep, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const diagnostics = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => /\) : (Error|Warning|Info) /.test(line))
    .map((line) => line.replace(`${infraDir}/`, 'infra/'));
  return { status: run.status, stdout: run.stdout, diagnostics };
}

let compiled: any;
/** infra/main.bicep compiled to ARM JSON (once per test file). */
export function compiledMain(): any {
  if (!compiled) {
    const run = runBicep(['build', join(infraDir, 'main.bicep'), '--stdout']);
    if (run.status !== 0) throw new Error(`bicep build failed:\n${run.diagnostics.join('\n')}`);
    compiled = JSON.parse(run.stdout);
  }
  return compiled;
}
