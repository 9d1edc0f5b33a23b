import type { Diagnostic } from '../diagnostics.js';
import type { WatchlistSchema } from '../kql/catalog.js';

export interface WatchlistResource {
  /** The watchlist alias is the resource name. */
  name: string;
  properties: Record<string, unknown>;
}

/** ARM limit for watchlists created from rawContent (Sentinel docs, "Create watchlists": 3.8 MB). */
const maxRawContentBytes = 3.8 * 1024 * 1024;

/** One Microsoft.SecurityInsights/watchlists resource whose items are uploaded as CSV rawContent. */
export function compileWatchlist(watchlist: WatchlistSchema, diagnostics: Diagnostic[]): WatchlistResource {
  const header = watchlist.columns.map((c) => c.name);
  const lines = [header, ...watchlist.items.map((item) => header.map((name) => item[name]))].map((row) =>
    row.map(csvField).join(','),
  );
  const rawContent = `${lines.join('\r\n')}\r\n`;
  if (Buffer.byteLength(rawContent) > maxRawContentBytes) {
    diagnostics.push({
      code: 'SK0701',
      severity: 'error',
      message: `watchlist '${watchlist.alias}' is over the 3.8 MB limit for inline upload`,
      file: watchlist.file,
      line: 1,
      column: 1,
    });
  }
  return {
    name: watchlist.alias,
    properties: {
      displayName: watchlist.displayName ?? watchlist.alias,
      description: watchlist.description,
      provider: 'sentinel-kit',
      // The API accepts only "Local file" or "Remote storage" here.
      source: 'Local file',
      itemsSearchKey: watchlist.searchKey,
      contentType: 'text/csv',
      numberOfLinesToSkip: 0,
      rawContent,
    },
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote, line break or edge whitespace. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
