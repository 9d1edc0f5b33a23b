import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// `_Im_WebSession` runs the published unifying parser (Azure/Azure-Sentinel
// Parsers/ASimWebSession/Parsers/imWebSession.yaml, catalog/solution-parsers.json): a fuzzy union of
// vimWebSessionEmpty (held) and 20 source parsers whose bodies the catalog does not hold, each known
// by the tables its published body reads. Before, the call was known by its columns only and refused
// as soon as the data had any row.
const builtin = loadCatalog(join(import.meta.dirname, '..', '..', '..'));

/** The catalog with the ASimDisabledParsers watchlist the union reads (its items: disabled parsers). */
function withDisabledParsers(items: Record<string, string>[]): Catalog {
  const watchlists = new Map(builtin.watchlists);
  watchlists.set('ASimDisabledParsers', {
    alias: 'ASimDisabledParsers',
    searchKey: 'CallerContext',
    columns: [
      { name: 'CallerContext', type: 'string' },
      { name: 'SourceSpecificParser', type: 'string' },
    ],
    items,
  });
  return { ...builtin, watchlists };
}

const rowsOf = (name: string, records: Record<string, unknown>[]): Table =>
  tableFromRecords(builtin.tables.get(name)?.columns ?? [], records);

const signins = rowsOf('SigninLogs', [{ TimeGenerated: '2026-01-10T11:00:00Z', UserPrincipalName: 'ann' }]);

describe('_Im_WebSession runs its published union', () => {
  it('answers no rows over data none of its source parsers reads', () => {
    const tables = new Map([['SigninLogs', signins]]);
    const result = runQuery('_Im_WebSession(starttime=ago(1d)) | summarize n = count()', {
      catalog: withDisabledParsers([]),
      tables,
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([{ n: 0 }]);
  });

  it('refuses, naming the source parser, once a table a leg without body reads has rows', () => {
    const tables = new Map([
      ['SigninLogs', signins],
      ['W3CIISLog', rowsOf('W3CIISLog', [{ TimeGenerated: '2026-01-10T11:00:00Z', csMethod: 'GET' }])],
    ]);
    expect(() =>
      runQuery('_Im_WebSession | summarize n = count()', {
        catalog: withDisabledParsers([]),
        tables,
        now: NOW,
      }),
    ).toThrow(/vimWebSessionIIS.*vimWebSessionIIS\.yaml.*not imported/s);
  });

  it('refuses when the ASimDisabledParsers watchlist it reads is not in the project', () => {
    const tables = new Map([['SigninLogs', signins]]);
    expect(() => runQuery('_Im_WebSession | count', { catalog: builtin, tables, now: NOW })).toThrow(
      /ASimDisabledParsers/,
    );
  });

  it('still reads the rows a test gives under the parser name', () => {
    const given = tableFromRecords([{ name: 'Url', type: 'string' }], [{ Url: 'https://contoso.com/a' }]);
    const tables = new Map([
      ['W3CIISLog', rowsOf('W3CIISLog', [{ TimeGenerated: '2026-01-10T11:00:00Z' }])],
      ['_Im_WebSession', given],
    ]);
    const result = runQuery('_Im_WebSession | project Url', { catalog: builtin, tables, now: NOW });
    expect(tableToRecords(result)).toEqual([{ Url: 'https://contoso.com/a' }]);
  });
});
