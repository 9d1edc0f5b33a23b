// Adds to catalog/tables.ndjson the columns a Solution's own table definitions give and the catalog
// lacks: the `Microsoft.OperationalInsights/workspaces/tables` resources a Solution's data connector
// deploys (Solutions/1Password/Data Connectors/1Password_ccpv2/1Password_tables.json), which are the
// columns Azure creates in the workspace. The Azure-Sentinel CI's CustomTables file of a table can lag
// behind them (OnePasswordEventLogs_CL.json names `object_Type` where the connector creates
// `object_type`, and Kusto names are case-sensitive). As for Defender XDR pages, a table the catalog
// has keeps its columns and types, and each file is recorded in catalog/provenance.json `tables`
// (source `solution`).
// Input: a folder of those JSON files (a resource, or a template with `resources`) and a SOURCES.tsv
// beside them: `path<TAB>commit` per line, the path in Azure/Azure-Sentinel, whose file name is the file's.
// Usage: npx tsx scripts/import-solution-tables.ts <folder>
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWorkspaceTables } from '../src/content/workspace-tables.js';
import { type DocumentedTable, mergeIntoCatalog } from './import-xdr-tables.js';

/** The workspace tables a JSON document defines (src/content/workspace-tables.ts, shared with `import`). */
export const readSolutionTables: (document: unknown) => DocumentedTable[] = readWorkspaceTables;

function main(): void {
  const [folder] = process.argv.slice(2);
  if (!folder)
    throw new Error('usage: import-solution-tables.ts <folder of table definitions with SOURCES.tsv>');
  const sources = new Map(
    readFileSync(join(folder, 'SOURCES.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((line) => line.trim())
      .map((line) => {
        const [path = '', commit = ''] = line.split('\t');
        return [basename(path), { path, commit }] as const;
      }),
  );
  const pages = readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const source = sources.get(file);
      if (!source) throw new Error(`${file} is not in SOURCES.tsv`);
      const tables = readSolutionTables(JSON.parse(readFileSync(join(folder, file), 'utf8')));
      return tables.map((page) => ({ file: source.path, commit: source.commit, page }));
    });
  mergeIntoCatalog(pages, { source: 'solution', repo: 'Azure/Azure-Sentinel', path: (file) => file });
  console.log(`${pages.length} tables: ${pages.map((p) => p.page.name).join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
