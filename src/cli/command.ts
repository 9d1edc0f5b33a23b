// What every command does the same way: read its arguments, load the repository's catalog, print diagnostics.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { collectDiagnostics, type Diagnostic, formatDiagnostic } from '../diagnostics.js';
import { type Catalog, loadCatalog } from '../kql/catalog.js';

const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** `--root <dir>`: the repository root holding kql/ and connectors/, default the working directory. */
export const rootOption = { root: { type: 'string', default: '.' } } as const;

/** `--schemas <dir>` (repeatable): folders of table schemas beyond kql/schemas and the config file's. */
export const schemasOption = { schemas: { type: 'string', multiple: true } } as const;

type CommandArgs<O extends ParseArgsOptionsConfig, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof helpOption; allowPositionals: P }>
>;

/**
 * `argv` parsed with `options` (plus -h/--help), or the exit code to stop with: 0 after printing
 * `help` for --help, 2 after printing the problem and `help` for arguments parseArgs rejects.
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig, const P extends boolean = false>(
  help: string,
  argv: string[],
  options: O,
  allowPositionals?: P,
): CommandArgs<O, P> | number {
  let parsed: CommandArgs<O, P>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, ...helpOption },
      allowPositionals: (allowPositionals ?? false) as P,
    });
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

/** The catalog under `root`; undefined after printing why when a schema, parser or watchlist is malformed. */
export function loadCatalogOrReport(root: string, schemaDirs: readonly string[] = []): Catalog | undefined {
  const problems: Diagnostic[] = [];
  const catalog = collectDiagnostics(() => loadCatalog(root, { schemaDirs }), problems);
  printDiagnostics(problems);
  return catalog;
}

/**
 * The value of a `--threads` option: undefined when absent, null (after saying why) when it is not
 * a whole number of at least 1.
 */
export function threadCount(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  const threads = Number(value);
  if (Number.isInteger(threads) && threads >= 1) return threads;
  console.error(`--threads must be a whole number of at least 1, got '${value}'`);
  return null;
}
