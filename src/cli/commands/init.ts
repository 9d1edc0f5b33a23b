import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build, writeBuild } from '../../build/index.js';
import { scaffold } from '../../content/init.js';
import { packageRoot } from '../../package-root.js';
import { parseCommandArgs, printDiagnostics } from '../command.js';

const HELP = `usage: sentinel-kit init [dir]

Scaffolds a detection content repository in dir (default: .): kql/ with one example rule and its
tests, sentinel-kit.config.yaml, CI pipelines for GitHub Actions (.github/workflows/sentinel-kit.yml)
and Azure DevOps (azure-pipelines.yml) that validate (SARIF), test (JUnit), backtest against the
alert budget, check the build and deploy on merge with OIDC, sample backtest data, and the first
build (infra/generated/). Existing files are kept.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(HELP, argv, {}, true);
  if (typeof args === 'number') return args;
  if (args.positionals.length > 1) {
    console.error(`init takes at most one folder\n\n${HELP}`);
    return 2;
  }
  const root = resolve(args.positionals[0] ?? '.');
  for (const file of scaffold(packageRoot())) {
    const target = join(root, file.path);
    if (existsSync(target)) {
      console.log(`kept     ${file.path} (exists)`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text);
    console.log(`created  ${file.path}`);
  }
  // The pipelines run `build --check`, so the generated files start out committed and current.
  const built = build(root);
  printDiagnostics(built.diagnostics);
  if (built.files.size === 0) return 1;
  writeBuild(root, built.files);
  for (const path of built.files.keys()) console.log(`built    ${path}`);
  console.log(
    '\nnext: npx sentinel-kit validate && npx sentinel-kit test kql/rules; commit, and set the deploy variables',
  );
  return 0;
}
