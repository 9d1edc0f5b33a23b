import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ColumnSchema, columnsStandIn, type FunctionParameter, type FunctionSchema } from './catalog.js';
import { builtinCatalogDir } from './packed-tables.js';

/** Where a published parser's body was read: a file of a public repository at a commit. */
export interface ParserSource {
  repo: string;
  path: string;
  commit: string;
}

/** One entry of catalog/solution-parsers.json (scripts/import-solution-parsers.ts). */
export interface PublishedParser {
  /** The name queries call: the YAML's FunctionAlias, the name a Solution deploys the function under. */
  name: string;
  parameters: FunctionParameter[];
  /** The YAML's FunctionQuery, verbatim. */
  body: string;
  /** The body's result columns, as Kusto.Language bound it against the built-in catalog at import. */
  columns: ColumnSchema[];
  source: ParserSource;
  /**
   * The Solution package that deploys the body under `name` where the YAML at `source` names it
   * otherwise (Alsid For AD's `FunctionAlias: afad_parser.kql`, deployed as `afad_parser`:
   * src/content/azure-sentinel-parser.ts, packagedAlias).
   */
  deployedAs?: ParserSource;
  /**
   * Columns the Azure-Sentinel CI declares for this name that the body does not give over the
   * catalog's tables (`MG` of Syslog for VMwareESXi). Set, the name binds with the CI's columns (its
   * parser-output stub, as the CI and `validate` bind it) and the engine runs the body beside them
   * (lower/parser-body.ts); unset, the body's own columns are the call's.
   */
  unproduced?: string[];
}

/**
 * A published parser whose body the catalog does not hold, named by a unifying ASIM parser whose body
 * it does (`_Im_WebSession` unions 20 source parsers): the call binds with the schema's columns and
 * the parameters the union passes, and the engine gives no rows from it while none of the tables its
 * published body reads (`reads`, read from the file at `source`) has a row; else the union is refused.
 */
export interface BodyNotHeld {
  name: string;
  parameters: FunctionParameter[];
  columns: ColumnSchema[];
  source: ParserSource;
  reads: string[];
}

export interface PublishedParsersFile {
  parsers: PublishedParser[];
  bodiesNotHeld?: BodyNotHeld[];
}

export const SOLUTION_PARSERS_FILE = 'solution-parsers.json';

let file: PublishedParsersFile | undefined;
let parsers: Map<string, FunctionSchema> | undefined;

function publishedFile(): PublishedParsersFile {
  if (!file) {
    const path = join(builtinCatalogDir(), SOLUTION_PARSERS_FILE);
    file = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as PublishedParsersFile)
      : { parsers: [] };
  }
  return file;
}

function publishedEntries(): PublishedParser[] {
  return publishedFile().parsers;
}

/**
 * The Solution parsers whose published body (Azure-Sentinel `Solutions/<name>/Parsers/*.yaml`) the
 * catalog holds, whose tables it knows and whose result gives every column the CI declares for it
 * (the others run beside their stub table: `parserBesideDeclaration`): the engine runs the real
 * body, so a rule calling one answers over the data of the tables it reads, where a parser known
 * by its columns only is refused once the data has rows. Read once per process.
 */
export function publishedParsers(): ReadonlyMap<string, FunctionSchema> {
  parsers ??= new Map([
    ...(publishedFile().bodiesNotHeld ?? []).map((p): [string, FunctionSchema] => [
      p.name,
      notHeldFunction(p),
    ]),
    ...publishedEntries()
      .filter((p) => !p.unproduced)
      .map((p): [string, FunctionSchema] => [p.name, publishedFunction(p)]),
  ]);
  return parsers;
}

/**
 * The published parser whose body runs beside the CI's declared columns for `name` (its stub table
 * binds the call), or undefined.
 */
export function parserBesideDeclaration(name: string): PublishedParser | undefined {
  return publishedEntries().find((p) => p.name === name && p.unproduced);
}

/** The body as a query on its own: each parameter a `let` of its default (or a typed null). */
export function standaloneBody(parser: Pick<PublishedParser, 'body' | 'parameters'>): string {
  const lets = parser.parameters.map(
    (p) => `let ${p.name} = ${p.default ?? (p.type === 'string' ? "''" : `${p.type}(null)`)};`,
  );
  return [...lets, parser.body].join('\n');
}

export function publishedFunction(p: PublishedParser): FunctionSchema {
  return {
    name: p.name,
    description: `${p.name} (the parser its Solution publishes, ${p.source.repo}/${p.source.path})`,
    parameters: p.parameters,
    body: p.body,
    file: `${p.source.repo}/${p.source.path}@${p.source.commit}`,
    columns: p.columns,
    published: true,
  };
}

export function notHeldFunction(p: BodyNotHeld): FunctionSchema {
  return {
    name: p.name,
    description: `${p.name} (a published parser whose body the catalog does not hold, ${p.source.repo}/${p.source.path})`,
    parameters: p.parameters,
    body: columnsStandIn(p.columns),
    file: `${p.source.repo}/${p.source.path}@${p.source.commit}`,
    columns: p.columns,
    bodyNotHeld: { reads: p.reads },
  };
}
