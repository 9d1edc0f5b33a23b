import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, type FunctionSchema, loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { type PublishedParser, publishedFunction } from '../../../src/kql/solution-parsers.js';
import { NOW } from './helpers.js';

// A Solution parser whose published body the catalog holds (catalog/solution-parsers.json,
// scripts/import-solution-parsers.ts) runs that body over the tables it reads; before, every Solution
// parser was known by its output columns only and refused as soon as the data had rows.
const root = join(import.meta.dirname, '..', '..', '..');
const builtin = loadCatalog(root);

/** The built-in catalog plus published parsers made up for a test (names no real parser has). */
function withParsers(...parsers: Omit<PublishedParser, 'source'>[]): Catalog {
  const functions = new Map<string, FunctionSchema>(builtin.builtinFunctions);
  const source = { repo: 'test/repo', path: 'Parsers/test.yaml', commit: '0'.repeat(40) };
  for (const p of parsers) functions.set(p.name, publishedFunction({ ...p, source }));
  return { ...builtin, builtinFunctions: functions };
}

const syslog = (messages: string[]): Table =>
  tableFromRecords(
    builtin.tables.get('Syslog')?.columns ?? [],
    messages.map((SyslogMessage) => ({
      TimeGenerated: '2026-01-10T11:00:00Z',
      Computer: 'vpn01',
      SyslogMessage,
    })),
  );

const vpnParser = {
  name: 'SkTestVpnEvents',
  parameters: [],
  body: "Syslog | parse SyslogMessage with 'user=' User ' result=' Result | project TimeGenerated, Computer, User, Result",
  columns: [
    { name: 'TimeGenerated', type: 'datetime' as const },
    { name: 'Computer', type: 'string' as const },
    { name: 'User', type: 'string' as const },
    { name: 'Result', type: 'string' as const },
  ],
};

describe('Solution parsers with a published body', () => {
  it('run the body over the tables it reads, where a columns-only parser is refused', () => {
    const catalog = withParsers(vpnParser);
    const tables = new Map([['Syslog', syslog(['user=ann result=failed', 'user=bob result=ok'])]]);
    const result = runQuery("SkTestVpnEvents | where Result == 'failed' | project User", {
      catalog,
      tables,
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([{ User: 'ann' }]);
  });

  it('read the rows a test gives under the parser name ahead of its body', () => {
    const catalog = withParsers(vpnParser);
    const given = tableFromRecords(vpnParser.columns, [{ User: 'carol', Result: 'failed' }]);
    const tables = new Map([
      ['Syslog', syslog(['user=ann result=failed'])],
      ['SkTestVpnEvents', given],
    ]);
    const result = runQuery("SkTestVpnEvents | where Result == 'failed' | project User", {
      catalog,
      tables,
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([{ User: 'carol' }]);
  });

  it('whose body uses a construct the engine refuses answer no rows over empty data and are refused with the reason over rows', () => {
    const catalog = withParsers({
      ...vpnParser,
      name: 'SkTestOpenParser',
      body: 'Syslog | extend bag = bag_pack(SyslogMessage, 1) | evaluate bag_unpack(bag) | extend x = 1',
      columns: [{ name: 'TimeGenerated', type: 'datetime' }],
    });
    const query = 'SkTestOpenParser | project TimeGenerated';
    const empty = new Map([['Syslog', syslog([])]]);
    expect(runQuery(query, { catalog, tables: empty, now: NOW }).rows).toEqual([]);
    const rows = new Map([['Syslog', syslog(['user=ann result=failed'])]]);
    expect(() => runQuery(query, { catalog, tables: rows, now: NOW })).toThrow(
      /SkTestOpenParser is a parser .* whose published body the engine cannot run \(.*bag_unpack/,
    );
  });

  it('include the imported Symantec VIP parser, which runs over Syslog rows', () => {
    const message =
      'INFO "2024-01-02 03:04:05" 10.0.0.1 Validation:1 2 3 4 "text=Authentication succeeded for user [alice]., reason=0 OK" Thread-7 com.example.Auth';
    const row = (Computer: string) => ({
      TimeGenerated: '2026-01-10T11:00:00Z',
      Computer,
      Facility: 'local5',
      SyslogMessage: message,
    });
    const tables = new Map([
      [
        'Syslog',
        tableFromRecords(builtin.tables.get('Syslog')?.columns ?? [], [row('datasource'), row('other')]),
      ],
    ]);
    const result = runQuery('SymantecVIP | project User, ClientIP, AuthResult', {
      catalog: builtin,
      tables,
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([
      { User: 'alice', ClientIP: '10.0.0.1', AuthResult: 'succeeded' },
    ]);
  });
});

describe('custom (_CL) tables of the built-in catalog', () => {
  it('have TimeGenerated even where the CI file they came from leaves it out', () => {
    const table = builtin.tables.get('OracleWebLogicServer_CL');
    expect(table?.columns[0]).toEqual({ name: 'TimeGenerated', type: 'datetime' });
    expect(table?.columns.filter((c) => c.name === 'TimeGenerated')).toHaveLength(1);
  });

  it('leave Defender XDR tables without TimeGenerated as they are', () => {
    const table = builtin.tables.get('EntraIdSignInEvents');
    expect(table?.columns.some((c) => c.name === 'TimeGenerated')).toBe(false);
  });
});
