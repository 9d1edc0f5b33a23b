// Builds catalog/solution-watchlists.json from the watchlist templates Solutions publish with their
// items (Azure/Azure-Sentinel `Solutions/<name>/Watchlists/**/*.json`: a
// `Microsoft.OperationalInsights/workspaces/providers/Watchlists` resource whose `rawContent` is the
// CSV), so a published rule or parser reading one with `_GetWatchlist` (Veeam's
// `action_results_lookup`) binds with its columns and runs over its items. A template without inline
// items (uploaded from storage, or left for the customer to fill) is not imported and said so: the
// engine keeps refusing the rows of a watchlist it does not know.
// Input: a folder of the template files and a SOURCES.tsv beside them (`path<TAB>commit` per line,
// the path in Azure/Azure-Sentinel, whose file name is the file's). Entries of an earlier run whose
// alias the folder does not give are kept (the folder is a partial copy).
// Usage: npx tsx scripts/import-solution-watchlists.ts <folder>
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { armResources, watchlistFromArm } from '../src/content/arm-template.js';
import { isRecord } from '../src/content/azure-sentinel-parser.js';
import type { Diagnostic } from '../src/diagnostics.js';
import { watchlistSchema } from '../src/kql/catalog.js';
import { builtinCatalogDir } from '../src/kql/packed-tables.js';
import {
  type PublishedWatchlist,
  type PublishedWatchlistsFile,
  SOLUTION_WATCHLISTS_FILE,
} from '../src/kql/solution-watchlists.js';

const REPO = 'Azure/Azure-Sentinel';
const WATCHLIST_TYPE = /\/watchlists$/i;

/** The watchlists one template file publishes with their items, and why others are left out. */
export function readWatchlistTemplate(
  text: string,
  source: { path: string; commit: string },
): { watchlists: PublishedWatchlist[]; skipped: string[] } {
  const watchlists: PublishedWatchlist[] = [];
  const skipped: string[] = [];
  const template: unknown = JSON.parse(text);
  if (!isRecord(template)) return { watchlists, skipped: [`${source.path}: not a JSON object`] };
  for (const armResource of armResources(template)) {
    if (!WATCHLIST_TYPE.test(String(armResource.resource.type ?? ''))) continue;
    const doc = watchlistFromArm(armResource);
    if (typeof doc === 'string') {
      skipped.push(`${source.path}: ${doc}`);
      continue;
    }
    const diagnostics: Diagnostic[] = [];
    const schema = watchlistSchema(doc, source.path, diagnostics);
    if (!schema || diagnostics.length > 0) {
      skipped.push(`${source.path}: ${diagnostics[0]?.message ?? 'not a watchlist'}`);
      continue;
    }
    const { file: _file, ...rest } = schema;
    watchlists.push({ ...rest, source: { repo: REPO, ...source } });
  }
  return { watchlists, skipped };
}

export function importWatchlists(
  folder: string,
  dir = builtinCatalogDir(),
): { imported: string[]; skipped: string[] } {
  const file = join(dir, SOLUTION_WATCHLISTS_FILE);
  const earlier: PublishedWatchlistsFile = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as PublishedWatchlistsFile)
    : { watchlists: [] };
  const byAlias = new Map(earlier.watchlists.map((w) => [w.alias, w]));
  const imported: string[] = [];
  const skipped: string[] = [];
  for (const line of readFileSync(join(folder, 'SOURCES.tsv'), 'utf8').split('\n')) {
    const [path, commit] = line.split('\t');
    if (!path || !commit) continue;
    const text = readFileSync(join(folder, basename(path)), 'utf8');
    const read = readWatchlistTemplate(text, { path, commit: commit.trim() });
    skipped.push(...read.skipped);
    for (const w of read.watchlists) {
      byAlias.set(w.alias, w);
      imported.push(`${w.alias} (${w.columns.length} columns, ${w.items.length} items, ${path})`);
    }
  }
  const watchlists = [...byAlias.values()].sort((a, b) => a.alias.localeCompare(b.alias));
  writeFileSync(file, `${JSON.stringify({ watchlists }, null, 1)}\n`);
  return { imported, skipped };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: npx tsx scripts/import-solution-watchlists.ts <folder>');
    process.exit(2);
  }
  const { imported, skipped } = importWatchlists(folder);
  for (const line of imported) console.log(`imported ${line}`);
  for (const line of skipped) console.log(`skipped  ${line}`);
}
