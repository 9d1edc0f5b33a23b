import { createRequire } from 'node:module';
import { installFastPaths } from './bridge-fast-paths.js';

const require = createRequire(import.meta.url);

// The package is a Bridge.NET build of Microsoft's C# Kusto.Language: it installs globals (`Bridge`,
// `Kusto.Language`) instead of exporting modules, so it is loaded once per process with require.
let loaded: { kusto: any; bridge: any } | undefined;

function load(): { kusto: any; bridge: any } {
  if (!loaded) {
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    const global = globalThis as any;
    installFastPaths(global.Bridge, global.System, global.Kusto.Language);
    loaded = { kusto: global.Kusto.Language, bridge: global.Bridge };
  }
  return loaded;
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
