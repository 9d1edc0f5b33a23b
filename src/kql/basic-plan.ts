import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinCatalogDir } from './packed-tables.js';

interface BasicPlanFile {
  source: { url: string; msDate: string };
  tables: string[];
}

let eligible: { names: Set<string>; source: BasicPlanFile['source'] } | undefined;

function basicPlanTables(): NonNullable<typeof eligible> {
  if (!eligible) {
    const file = JSON.parse(
      readFileSync(join(builtinCatalogDir(), 'basic-plan.json'), 'utf8'),
    ) as BasicPlanFile;
    eligible = { names: new Set(file.tables.map((t) => t.toLowerCase())), source: file.source };
  }
  return eligible;
}

/**
 * Why `table` cannot take the Basic plan, or undefined when it can or we cannot tell. Per "Tables
 * that support the Basic table plan in Azure Monitor Logs" (catalog/basic-plan.json: the URL and the
 * page version), custom tables of the Logs ingestion API (`_CL`) and the Azure tables the page lists
 * support it; `isAzureTable` says whether a name is an Azure table we know (the built-in catalog),
 * so a name we do not know is not refused.
 */
export function basicPlanRefusal(table: string, isAzureTable: (name: string) => boolean): string | undefined {
  if (/_CL$/i.test(table) || !isAzureTable(table)) return undefined;
  const { names, source } = basicPlanTables();
  if (names.has(table.toLowerCase())) return undefined;
  return (
    `table '${table}' does not support the Basic plan: it is not among the Azure tables that do ` +
    `(${source.url}, as of ${source.msDate}), so Azure refuses the plan change unless the table was added since`
  );
}
