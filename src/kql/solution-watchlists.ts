import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, WatchlistSchema } from './catalog.js';
import { builtinCatalogDir } from './packed-tables.js';
import type { ParserSource } from './solution-parsers.js';

/**
 * Watchlists a Solution ships with their items (Azure-Sentinel `Solutions/<name>/Watchlists/*.json`:
 * a `Microsoft.OperationalInsights/workspaces/providers/Watchlists` resource whose `rawContent` is
 * the CSV), which its published rules and parsers read with `_GetWatchlist` (Veeam's
 * `action_results_lookup`). catalog/solution-watchlists.json, scripts/import-solution-watchlists.ts;
 * only a template that carries its items inline is imported, so a watchlist a Solution leaves for
 * the customer to fill (or uploads from storage) stays unknown and its rows are refused.
 */
export interface PublishedWatchlist extends Omit<WatchlistSchema, 'file'> {
  source: ParserSource;
}

export interface PublishedWatchlistsFile {
  watchlists: PublishedWatchlist[];
}

export const SOLUTION_WATCHLISTS_FILE = 'solution-watchlists.json';

let watchlists: Map<string, WatchlistSchema> | undefined;

/** The published Solution watchlists by alias, read once per process. */
export function builtinWatchlists(): ReadonlyMap<string, WatchlistSchema> {
  if (!watchlists) {
    const path = join(builtinCatalogDir(), SOLUTION_WATCHLISTS_FILE);
    const file: PublishedWatchlistsFile = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as PublishedWatchlistsFile)
      : { watchlists: [] };
    watchlists = new Map(
      file.watchlists.map(({ source, ...w }) => [
        w.alias,
        { ...w, file: `${source.repo}/${source.path}@${source.commit}` },
      ]),
    );
  }
  return watchlists;
}

/** The watchlist `_GetWatchlist(alias)` reads: the project's (kql/watchlists), else a published one. */
export function watchlistNamed(catalog: Catalog, alias: string): WatchlistSchema | undefined {
  return catalog.watchlists.get(alias) ?? catalog.builtinWatchlists?.get(alias);
}
