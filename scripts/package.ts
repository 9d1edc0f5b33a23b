// npm run package: the Functions app as one zip for Flex Consumption one-deploy
// (az functionapp deployment source config-zip -g <rg> -n <app> --src dist/functionapp.zip).
// The zip holds host.json, a package.json whose "main" is the bundled entry point, and that
// bundle: functions/index.ts with every dependency inlined by esbuild, so the app needs no
// node_modules and no remote build. Only @azure/functions-core stays external: the Functions
// Node.js worker provides it at run time. The soc-operations timer's model (`sentinel-kit build`
// writes it from kql/operations.yaml) goes in at the path the timer reads by default.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defaultOperationsFile } from '../functions/operations/config.js';
import { writeZip } from './zip.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const packagePath = join(root, 'dist', 'functionapp.zip');
const entryPoint = 'dist/index.js';

export async function packageFunctionApp(out = packagePath): Promise<string> {
  const bundle = await build({
    entryPoints: [join(root, 'functions/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    minify: false,
    legalComments: 'none',
    external: ['@azure/functions-core'],
    // Bundled CommonJS dependencies call require(); ESM output has none unless it is made here.
    banner: {
      js: "import { createRequire as __skCreateRequire } from 'node:module';\nconst require = __skCreateRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const manifest = {
    name: own.name,
    version: own.version,
    private: true,
    type: 'module',
    main: entryPoint,
    engines: own.engines,
  };
  const zip = writeZip([
    { name: 'host.json', data: readFileSync(join(root, 'host.json')) },
    { name: 'package.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: entryPoint, data: Buffer.from(bundle.outputFiles[0].contents) },
    ...(existsSync(join(root, defaultOperationsFile))
      ? [{ name: defaultOperationsFile, data: readFileSync(join(root, defaultOperationsFile)) }]
      : []),
  ]);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await packageFunctionApp(process.argv[2] ?? packagePath);
  console.log(`wrote ${out} (${(readFileSync(out).length / 1024 / 1024).toFixed(1)} MB)`);
}
