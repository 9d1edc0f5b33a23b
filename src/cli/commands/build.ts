import { resolve } from 'node:path';
import { build, isCommittedOutput, staleFiles, writeBuild } from '../../build/index.js';
import { parseCommandArgs, printDiagnostics, rootOption } from '../command.js';

const usage = `usage: sentinel-kit build [--check] [--root <dir>]

Compiles kql/rules, kql/automation, kql/watchlists and connectors/ into infra/generated/*.json
(read by infra/main.bicep) and dist/azuredeploy.json (standalone ARM template).

  --check       write nothing; exit 1 if infra/generated/ is out of date with the sources
  --root <dir>  repository root (default: current directory)`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(usage, argv, { check: { type: 'boolean', default: false }, ...rootOption });
  if (typeof args === 'number') return args;
  const { values } = args;
  const root = resolve(values.root);
  const result = build(root);
  printDiagnostics(result.diagnostics);
  if (result.files.size === 0) {
    console.error('build failed: nothing written');
    return 1;
  }
  if (values.check) {
    // dist/ is not committed; the files main.bicep reads and the Repositories layout are.
    const stale = staleFiles(root, result.files, isCommittedOutput);
    for (const path of stale) console.error(`${path}: out of date; run sentinel-kit build`);
    return stale.length > 0 ? 1 : 0;
  }
  writeBuild(root, result.files);
  for (const path of result.files.keys()) console.log(`wrote ${path}`);
  return 0;
}
