import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableToRecords, UnsupportedError } from '../../../src/kql/index.js';
import { expectKustoSchema, NOW } from './helpers.js';

// externaldata is served from local content the caller maps each URL to (a test's fixture files);
// an unmapped URL is refused, never read as an empty table
// (https://learn.microsoft.com/kusto/query/externaldata-operator).
const URL = 'https://raw.githubusercontent.com/example/lists/main/bad-ips.csv';

/** What a rule test reads from a fixture file (rules/testing/parse.ts reads them as UTF-8). */
const readFileAsUtf8 = (bytes: Buffer) => bytes.toString('utf8');

function run(query: string, externalData: Map<string, string>) {
  const table = runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: NOW, externalData });
  expectKustoSchema(query, table);
  return tableToRecords(table);
}

describe('externaldata', () => {
  it('reads a mapped CSV with typed columns, skipping the header when asked', () => {
    const csv = 'ip,score,seen\n203.0.113.5,90,2026-01-09T10:00:00Z\n198.51.100.7,,2026-01-08T00:00:00Z\n';
    const query = `externaldata(ip:string, score:long, seen:datetime) [@"${URL}"] with (format="csv", ignoreFirstRecord=true) | where isnotempty(ip)`;
    expect(run(query, new Map([[URL, csv]]))).toEqual([
      { ip: '203.0.113.5', score: 90, seen: '2026-01-09T10:00:00Z' },
      { ip: '198.51.100.7', score: null, seen: '2026-01-08T00:00:00Z' },
    ]);
  });

  it('reads txt one record per line and multijson by column name', () => {
    expect(
      run(`externaldata(line:string) ["${URL}"] with (format="txt")`, new Map([[URL, 'a\nb\n']])),
    ).toEqual([{ line: 'a' }, { line: 'b' }]);
    const json = '{"name":"x","n":1}\n{"n":2,"other":true}\n';
    expect(
      run(`externaldata(name:string, n:long) ["${URL}"] with (format="multijson")`, new Map([[URL, json]])),
    ).toEqual([
      { name: 'x', n: 1 },
      { name: '', n: 2 },
    ]);
  });

  it('refuses an unmapped URL at the externaldata, without its SAS token', () => {
    const query = `print x = 1 | join kind=inner (externaldata(x:long) ["${URL}?sig=secret"]) on x`;
    const error = (() => {
      try {
        run(query, new Map());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).message).toContain('has no local content');
    expect((error as UnsupportedError).message).not.toContain('secret');
    expect((error as UnsupportedError).start).toBe(query.indexOf('externaldata'));
  });

  it('refuses content that is gzip or zip bytes rather than parse them as text', () => {
    const query = `externaldata(x:string) ["${URL}.gz"] with (format="csv")`;
    const gzip = readFileAsUtf8(gzipSync('a\nb\n'));
    expect(() => run(query, new Map([[`${URL}.gz`, gzip]]))).toThrow(/gzip or zip bytes/);
    expect(() => run(query, new Map([[`${URL}.gz`, gzipSync('a\n').toString('latin1')]]))).toThrow(
      /gzip or zip bytes/,
    );
    expect(() => run(query, new Map([[`${URL}.gz`, 'PK\u0003\u0004rest']]))).toThrow(/gzip or zip bytes/);
    // The decompressed text mapped to a .gz URL is read as it is.
    expect(run(query, new Map([[`${URL}.gz`, 'a\nb\n']]))).toEqual([{ x: 'a' }, { x: 'b' }]);
  });

  it('refuses a format it does not read', () => {
    expect(() =>
      run(`externaldata(x:long) ["${URL}"] with (format="parquet")`, new Map([[URL, '']])),
    ).toThrow(/format=parquet/);
  });
});
