import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinAsimParsers } from './asim.js';
import { asimLookupIcmpType, asimResolveHelpers, asimUsernameType, asimUserType } from './asim-helpers.js';
import { type ColumnSchema, columnsStandIn, type FunctionParameter, type FunctionSchema } from './catalog.js';
import { builtinCatalogDir } from './packed-tables.js';
import { publishedParsers } from './solution-parsers.js';

interface CiFunctionsFile {
  functions: { name: string; parameters: FunctionParameter[]; columns: ColumnSchema[] }[];
}

let functions: Map<string, FunctionSchema> | undefined;

/**
 * Functions a Sentinel workspace has without the project deploying them: Solution parsers whose
 * published body the catalog holds (catalog/solution-parsers.json, run as written), then, known
 * only by their parameters and output columns, the built-in ASIM parsers (catalog/asim.json) and the
 * functions the Azure-Sentinel KQL validation CI declares in its CustomFunctions folder
 * (catalog/ci-functions.json, scripts/import-ci-functions.ts), which Solutions deploy as parsers; and
 * the ASIM device-resolution helpers, declared for binding only (`asimResolveHelpers`), and
 * `_ASIM_GetUsernameType` / `_ASIM_GetUserType` / `_ASIM_LookupICMPType` with their published bodies
 * (`asimUsernameType`, `asimUserType`, `asimLookupIcmpType`). The first of these to name a function keeps it. A project parser of the same name replaces any
 * (`callableFunctions`). Read once per process.
 */
export function builtinFunctions(): ReadonlyMap<string, FunctionSchema> {
  if (!functions) {
    functions = new Map(publishedParsers());
    for (const [name, parser] of builtinAsimParsers()) if (!functions.has(name)) functions.set(name, parser);
    const file = JSON.parse(
      readFileSync(join(builtinCatalogDir(), 'ci-functions.json'), 'utf8'),
    ) as CiFunctionsFile;
    for (const { name, parameters, columns } of file.functions) {
      if (functions.has(name)) continue;
      functions.set(name, {
        name,
        description: `${name} (a function the Azure-Sentinel CI declares; deployed by its Solution)`,
        parameters,
        body: columnsStandIn(columns),
        file: 'sentinel-kit catalog (Azure-Sentinel CI function)',
        columns,
      });
    }
    for (const helper of [...asimResolveHelpers(), asimUsernameType(), asimUserType(), asimLookupIcmpType()])
      if (!functions.has(helper.name)) functions.set(helper.name, helper);
  }
  return functions;
}
