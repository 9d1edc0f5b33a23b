import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnSchema, FunctionParameter, FunctionSchema } from './catalog.js';
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
}

export const SOLUTION_PARSERS_FILE = 'solution-parsers.json';

let parsers: Map<string, FunctionSchema> | undefined;

/**
 * The Solution parsers whose published body (Azure-Sentinel `Solutions/<name>/Parsers/*.yaml`) the
 * catalog holds and whose tables it knows: the engine runs the real body, so a rule calling one
 * answers over the data of the tables it reads, where a parser known by its columns only is refused
 * once the data has rows. Read once per process.
 */
export function publishedParsers(): ReadonlyMap<string, FunctionSchema> {
  if (!parsers) {
    const file = join(builtinCatalogDir(), SOLUTION_PARSERS_FILE);
    const entries = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { parsers: PublishedParser[] }).parsers
      : [];
    parsers = new Map(entries.map((p) => [p.name, publishedFunction(p)]));
  }
  return parsers;
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
