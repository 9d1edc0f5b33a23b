// Brings Azure Monitor Logs tables the catalog lacks, or columns it lacks of one it has, into
// catalog/tables.ndjson from MicrosoftDocs/azure-monitor-docs `articles/azure-monitor/reference/tables/
// <table>.md` pages (the reference scripts/import-catalog.ts's shared catalog took its `src1_new`
// tables from): the page's `# Name` heading and its `| Column | Type | Description |` table. As for
// Defender XDR pages (scripts/import-xdr-tables.ts, which reads both page shapes), a table the catalog
// has keeps its columns and types, and each page is recorded in catalog/provenance.json `tables`.
// A `commits.json` beside the pages (file name -> commit) says which version each came from.
// Usage: npx tsx scripts/import-monitor-tables.ts <folder of reference pages>
import { fileURLToPath } from 'node:url';
import { importPages, type TableOrigin } from './import-xdr-tables.js';

export const MONITOR_PAGES: TableOrigin = {
  source: 'src1_new',
  repo: 'MicrosoftDocs/azure-monitor-docs',
  path: (file) => `articles/azure-monitor/reference/tables/${file}`,
};

function main(): void {
  const [folder] = process.argv.slice(2);
  if (!folder) throw new Error('usage: import-monitor-tables.ts <folder of Azure Monitor reference pages>');
  importPages(folder, MONITOR_PAGES);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
