import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ColumnSchema, columnsStandIn, type FunctionParameter, type FunctionSchema } from './catalog.js';
import { builtinCatalogDir } from './packed-tables.js';

interface AsimFile {
  parsers: { name: string; schema: string; parameters: FunctionParameter[] }[];
  columns: Record<string, ColumnSchema[]>;
}

let parsers: Map<string, FunctionSchema> | undefined;

/**
 * Sentinel's built-in ASIM parsers (`_Im_NetworkSession(starttime=..., ...)`, `_ASim_Dns`, and the
 * workspace-deployed `imDns`/`ASimDns` names), from catalog/asim.json (scripts/import-asim.ts): the
 * parameters of each unifying parser and its schema's columns. The source-specific parsers behind
 * it are not part of the catalog, so locally it runs as a `parser-output` (execute/index.ts); a
 * project parser of the same name replaces it. Read once per process.
 */
export function builtinAsimParsers(): ReadonlyMap<string, FunctionSchema> {
  if (!parsers) {
    const file = JSON.parse(readFileSync(join(builtinCatalogDir(), 'asim.json'), 'utf8')) as AsimFile;
    parsers = new Map(
      file.parsers.map(({ name, schema, parameters }) => [
        name,
        {
          name,
          description: `ASIM ${schema} function (built into Microsoft Sentinel)`,
          parameters,
          body: columnsStandIn(file.columns[schema]),
          file: 'sentinel-kit catalog (built-in ASIM parser)',
          columns: file.columns[schema],
        },
      ]),
    );
  }
  return parsers;
}
