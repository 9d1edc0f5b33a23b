// What every command does the same way: read its arguments, load the repository's catalog, print diagnostics.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Diagnostic, DiagnosticError, formatDiagnostic } from '../diagnostics.js';
import { type Catalog, loadCatalog } from '../kql/catalog.js';

/**
 * The parsed arguments, or the exit code to stop with: 0 after printing `help` for `-h/--help`,
 * 2 after printing the problem and `help` for arguments `parseArgs` rejects.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  help: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return 0;
  }
  return parsed;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) console.error(formatDiagnostic(d));
}

/** What `load` returns; if it throws a DiagnosticError, undefined, with its diagnostics added to `into`. */
export function collectDiagnostics<T>(load: () => T, into: Diagnostic[]): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    into.push(...error.diagnostics);
    return undefined;
  }
}

/** The catalog under `root`; undefined after printing why when a schema, parser or watchlist is malformed. */
export function loadCatalogOrReport(root: string): Catalog | undefined {
  const problems: Diagnostic[] = [];
  const catalog = collectDiagnostics(() => loadCatalog(root), problems);
  printDiagnostics(problems);
  return catalog;
}
