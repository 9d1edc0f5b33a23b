import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { UnsupportedError } from '../../../src/kql/plan/errors.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { NOW } from './helpers.js';

// OracleWebLogicServerEvent's published body (catalog/solution-parsers.json) gives ThreadId; the
// Azure-Sentinel CI's parser-output table for it declares `TreadId` instead, which no table of the
// catalog has. Calls bind with the CI's columns, as the CI and `validate` do, and the engine runs
// the body; before, the parser was known by its columns only and refused once the data had rows.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);
const PARSER = 'OracleWebLogicServerEvent';

const accessLog = (...lines: string[]): Map<string, Table> =>
  new Map([
    [
      'OracleWebLogicServer_CL',
      tableFromRecords(
        catalog.tables.get('OracleWebLogicServer_CL')?.columns ?? [],
        lines.map((RawData) => ({ TimeGenerated: '2026-01-10T11:00:00Z', RawData })),
      ),
    ],
  ]);

const passwd = '10.0.0.1 - - [10/Jan/2026:11:00:00 +0000] "GET /cgi/etc/passwd HTTP/1.1" 200 12';
const home = '10.0.0.2 - - [10/Jan/2026:11:00:01 +0000] "GET /index.html HTTP/1.1" 200 99';

function refusal(query: string, tables = accessLog(passwd)): UnsupportedError {
  try {
    runQuery(query, { catalog, tables, now: NOW });
  } catch (error) {
    if (error instanceof UnsupportedError) return error;
    throw error;
  }
  throw new Error(`not refused: ${query}`);
}

describe('a published parser body run beside the CI columns it lacks', () => {
  it('binds with the CI columns, as validate does', () => {
    const { diagnostics } = analyze(`${PARSER} | project TreadId, UrlOriginal`, catalog);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('answers from the body when the query drops the lacking column unread', () => {
    const query = `${PARSER} | where UrlOriginal contains '/etc/passwd' | project UrlOriginal, SrcIpAddr, HttpStatusCode`;
    const result = runQuery(query, { catalog, tables: accessLog(passwd, home), now: NOW });
    expect(tableToRecords(result)).toEqual([
      { UrlOriginal: '/cgi/etc/passwd', SrcIpAddr: '10.0.0.1', HttpStatusCode: 200 },
    ]);
  });

  it('refuses a query that keeps the lacking column to its result, at the parser, saying which column', () => {
    const query = `${PARSER} | where UrlOriginal contains '/etc/passwd'`;
    const error = refusal(query);
    expect(error.message).toMatch(/reads or keeps column 'TreadId'.*does not give it/);
    expect(error.start).toBe(0);
    expect(error.length).toBe(PARSER.length);
  });

  it.each([
    ['reads it by name', `${PARSER} | where isnotempty(TreadId) | project UrlOriginal`],
    [
      'reads it through column_ifexists',
      `${PARSER} | extend t = column_ifexists('TreadId', '') | project UrlOriginal`,
    ],
    ['packs every column', `${PARSER} | extend row = pack_all() | project UrlOriginal, row`],
    ['names the rows with as', `${PARSER} | as rows | project UrlOriginal`],
    ['keeps it in a let', `let rows = ${PARSER} | project UrlOriginal, TreadId; rows | project UrlOriginal`],
  ])('refuses a query that %s', (_, query) => {
    expect(refusal(query).message).toMatch(/'TreadId'/);
  });

  it('reads rows a test gives under the parser name, lacking column included', () => {
    const columns = catalog.tables.get(PARSER)?.columns ?? [];
    const given = tableFromRecords(columns, [{ UrlOriginal: '/a', TreadId: 't-1' }]);
    const result = runQuery(`${PARSER} | project UrlOriginal, TreadId`, {
      catalog,
      tables: new Map([[PARSER, given]]),
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([{ UrlOriginal: '/a', TreadId: 't-1' }]);
  });

  it('answers no rows over empty data even when the query keeps the lacking column', () => {
    const result = runQuery(`${PARSER} | where UrlOriginal contains 'x'`, {
      catalog,
      tables: new Map(),
      now: NOW,
    });
    expect(result.rows).toEqual([]);
  });
});
