import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { installBridgeCorrections } from './bridge-corrections.js';
import { installFastPaths } from './bridge-fast-paths.js';

const require = createRequire(import.meta.url);

// The package is a Bridge.NET build of Microsoft's C# Kusto.Language: it installs globals (`Bridge`,
// `Kusto.Language`) instead of exporting modules, so it is run once per thread, as CommonJS.
const SCRIPTS = ['bridge.min.js', 'Kusto.Language.Bridge.min.js'];

let loaded: { kusto: any; bridge: any } | undefined;
const compiled: { script: Script; cacheFile: string }[] = [];

/**
 * V8 code caches of the two scripts, written beside the bundled CLI at build time
 * (scripts/kusto-code-cache.ts): compiling the 5 MB of JavaScript, and later the functions first
 * called, costs each thread ~0.25 s that a cache made after a warm-up saves. The source checkout
 * (src/ through tsx) has none. V8 refuses a cache made by another V8 version or other flags
 * (`cachedDataRejected`) and compiles as without one.
 */
function codeCacheFile(script: string): string {
  return fileURLToPath(new URL(`./${script}.code-cache`, import.meta.url));
}

/** `require(file)` of a script that sets globals, compiled with its code cache when there is one. */
function runScript(file: string, cacheFile: string): void {
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const source = readFileSync(file, 'utf8');
  // Node's CommonJS wrapper, called as require calls it.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  compiled.push({ script, cacheFile });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
}

function load(): { kusto: any; bridge: any } {
  if (!loaded) {
    const global = globalThis as any;
    // Once per thread, as require's module cache did when another copy of this module (a test
    // file's own module graph) loaded them first.
    if (!global.Kusto?.Language) {
      for (const script of SCRIPTS) {
        runScript(require.resolve(`@kusto/language-service-next/${script}`), codeCacheFile(script));
      }
    }
    installFastPaths(global.Bridge, global.System, global.Kusto.Language);
    installBridgeCorrections(global.System);
    loaded = { kusto: global.Kusto.Language, bridge: global.Bridge };
  }
  return loaded;
}

/**
 * Writes the code caches of the scripts as compiled so far (after a warm-up, they hold the
 * functions it ran) into `folder`, under the names `load` looks for beside its own module.
 */
export function writeKustoCodeCache(folder: string): string[] {
  load();
  return compiled.map(({ script, cacheFile }) => {
    const file = `${folder}/${basename(cacheFile)}`;
    writeFileSync(file, script.createCachedData());
    return file;
  });
}

/** The `Kusto.Language` namespace (KustoCode, Symbols, Syntax, GlobalState, ...). */
export function kusto(): any {
  return load().kusto;
}

/** Bridge.NET runtime; `toArray` turns the library's IReadOnlyList values into JS arrays. */
export function bridge(): any {
  return load().bridge;
}

export function toArray<T = any>(list: unknown): T[] {
  return list ? (bridge().toArray(list) as T[]) : [];
}
