import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/kql/index.js';
import { parseDateTime, TICKS_PER_DAY } from '../../src/kql/values/index.js';
import {
  backtestRules,
  formatBacktestReport,
  loadBacktestData,
  sparkline,
} from '../../src/rules/backtest/index.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import { testCatalog } from '../support/catalog.js';

const catalog = testCatalog({
  SecurityEvent: { TimeGenerated: 'datetime', Computer: 'string', EventID: 'int' },
});
const FROM = parseDateTime('2026-01-01T00:00:00Z')!;
const TO = FROM + 3n * TICKS_PER_DAY;

const rule: AnalyticsRule = {
  id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
  name: 'Log cleared',
  description: 'd',
  severity: 'Medium',
  kind: 'Scheduled',
  query: 'SecurityEvent | where EventID == 1102',
  queryFrequency: '1h',
  queryPeriod: '1h',
  triggerOperator: 'gt',
  triggerThreshold: 0,
  eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
  maxAlertsPerDay: 2,
};

/** Day 1: 1 clear; day 2: 3 clears in different hours; day 3: none; plus noise every 10 minutes. */
function dataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-backtest-'));
  mkdirSync(join(dir, 'SecurityEvent'));
  const line = (t: string, id: number) => JSON.stringify({ TimeGenerated: t, Computer: 'dc01', EventID: id });
  const noise = Array.from({ length: 3 * 144 }, (_, i) =>
    line(new Date(Date.parse('2026-01-01T00:00:00Z') + i * 600_000 + 1000).toISOString(), 4624),
  );
  writeFileSync(join(dir, 'SecurityEvent', 'noise.ndjson'), `${noise.join('\n')}\n`);
  writeFileSync(
    join(dir, 'SecurityEvent', 'clears.csv'),
    'TimeGenerated,Computer,EventID\n2026-01-01T05:10:00Z,dc01,1102\n2026-01-02T01:10:00Z,dc01,1102\n2026-01-02T02:10:00Z,dc02,1102\n2026-01-02T03:10:00Z,dc03,1102\n',
  );
  return dir;
}

describe('backtest', () => {
  it('replays hourly runs and counts alerts and incidents per day against the budget', () => {
    const data = loadBacktestData(dataset(), catalog, TO);
    expect(data.diagnostics).toEqual([]);
    expect(data.rows).toBe(3 * 144 + 4);
    const [result] = backtestRules([{ rule, file: 'log-cleared.yaml' }], {
      catalog,
      tables: data.tables,
      from: FROM,
      to: TO,
    });
    expect(result.runs).toBe(72);
    expect(result.alertsPerDay).toEqual([1, 3, 0]);
    expect(result.incidentsPerDay).toEqual([1, 3, 0]);
    expect(result.overBudgetDays).toEqual([1]);
    const report = formatBacktestReport([result], FROM);
    expect(report).toContain('OVER 2/day on 2026-01-02');
  });

  it('reports an unknown table file', () => {
    const dir = dataset();
    writeFileSync(join(dir, 'NoSuchTable.ndjson'), '{}\n');
    expect(loadBacktestData(dir, catalog, TO).diagnostics.map((d) => d.code)).toEqual(['SK0403']);
  });

  it('sparklines scale to the busiest day and leave empty days blank', () => {
    expect(sparkline([0, 1, 4, 8])).toBe(' ▁▄█');
  });
});

describe('backtest data files of any size', () => {
  // One file over ~120k rows used to throw "RangeError: Maximum call stack size exceeded": its
  // per-row ingestion times were spread into one push(...) call.
  it('loads a single 200,000-row file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-backtest-big-'));
    const line = `${JSON.stringify({ TimeGenerated: '2026-01-01T00:00:00Z', Computer: 'dc01', EventID: 4624 })}\n`;
    writeFileSync(join(dir, 'SecurityEvent.ndjson'), line.repeat(200_000));
    const data = loadBacktestData(dir, catalog, TO);
    expect(data.diagnostics).toEqual([]);
    expect(data.rows).toBe(200_000);
  });
});

describe('backtest data holds only the columns it has', () => {
  // SecurityEvent has 219 columns in the catalog; a generated day of it sets a handful. Holding
  // every schema column of every row took 3 GB for a 1M-row backtest (issue 15).
  const wide = testCatalog({
    SecurityEvent: {
      TimeGenerated: 'datetime',
      Account: 'string',
      Computer: 'string',
      EventID: 'int',
      Level: 'int',
    },
  });

  it('keeps the union of the files columns in schema order, and reads the others as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-backtest-columns-'));
    mkdirSync(join(dir, 'SecurityEvent'));
    writeFileSync(
      join(dir, 'SecurityEvent', 'a.ndjson'),
      `${JSON.stringify({ EventID: 4624, TimeGenerated: '2026-01-01T00:00:00Z', Computer: 'dc01' })}\n`,
    );
    writeFileSync(join(dir, 'SecurityEvent', 'b.csv'), 'TimeGenerated,EventID\n2026-01-01T00:01:00Z,1102\n');
    const data = loadBacktestData(dir, wide, TO);
    expect(data.diagnostics).toEqual([]);
    expect(data.tables.get('SecurityEvent')?.columns.map((c) => c.name)).toEqual([
      'TimeGenerated',
      'Computer',
      'EventID',
    ]);
    const result = runQuery(
      'SecurityEvent | project EventID, Computer, Account, Level | order by EventID asc',
      {
        catalog: wide,
        tables: (name) => data.tables.get(name)?.data,
      },
    );
    expect(result.rows).toEqual([
      [1102, '', '', null],
      [4624, 'dc01', '', null],
    ]);
  });
});

describe('backtest data streamed into columns', () => {
  const withAccount = testCatalog({
    SecurityEvent: { TimeGenerated: 'datetime', Account: 'string', Computer: 'string', EventID: 'int' },
  });

  it('reads a file larger than one read chunk, multi-byte characters across chunk edges intact', () => {
    // Lines of varying length put 2- and 3-byte UTF-8 characters on every offset of a 4 MiB read.
    const names = ['hôte', 'ordinateur-été', 'サーバー', 'dc01'];
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      JSON.stringify({
        TimeGenerated: '2026-01-01T00:00:00Z',
        Computer: `${names[i % names.length]}${'é'.repeat(i % 7)}`,
        EventID: i,
      }),
    );
    lines.push('{"TimeGenerated": "2026-01-01T00:00:00Z", "EventID": }');
    const dir = mkdtempSync(join(tmpdir(), 'sk-backtest-chunks-'));
    writeFileSync(join(dir, 'SecurityEvent.ndjson'), `${lines.join('\r\n')}\r\n`);
    const data = loadBacktestData(dir, withAccount, TO);
    expect(data.diagnostics.map((d) => [d.code, d.line])).toEqual([['SK0407', 60_001]]);
    expect(data.rows).toBe(60_000);
    const table = data.tables.get('SecurityEvent');
    expect(table && 'vectors' in table.data).toBe(true);
    const result = runQuery('SecurityEvent | summarize count() by Computer, n = EventID % 28 | count', {
      catalog: withAccount,
      tables: (name) => data.tables.get(name)?.data,
    });
    expect(result.rows).toEqual([[28]]);
    const computers = runQuery('SecurityEvent | where EventID in (5, 59998) | project Computer', {
      catalog: withAccount,
      tables: (name) => data.tables.get(name)?.data,
    });
    expect(computers.rows).toEqual([
      [`ordinateur-été${'é'.repeat(5)}`],
      [`サーバー${'é'.repeat(59_998 % 7)}`],
    ]);
  });

  it('reads a column first named by a later row as empty before it, and keeps ingestion times with their rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-backtest-late-'));
    const rows = [
      { TimeGenerated: '2026-01-01T00:02:00Z', EventID: 3, _IngestionTime: '2026-01-01T00:09:00Z' },
      { TimeGenerated: '2026-01-01T00:00:00Z', EventID: 1 },
      { TimeGenerated: '2026-01-01T00:01:00Z', EventID: 2, Account: 'alice' },
    ];
    writeFileSync(join(dir, 'SecurityEvent.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const data = loadBacktestData(dir, withAccount, TO);
    expect(data.diagnostics).toEqual([]);
    const table = data.tables.get('SecurityEvent');
    expect(table?.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'Account', 'EventID']);
    expect(Array.from(table?.ingested ?? [])).toEqual([
      parseDateTime('2026-01-01T00:00:00Z'),
      parseDateTime('2026-01-01T00:01:00Z'),
      parseDateTime('2026-01-01T00:09:00Z'),
    ]);
    const result = runQuery('SecurityEvent | project EventID, Account', {
      catalog: withAccount,
      tables: (name) => data.tables.get(name)?.data,
    });
    expect(result.rows).toEqual([
      [1, ''],
      [2, 'alice'],
      [3, ''],
    ]);
  });

  it('keeps the first 50 problems of a file of bad rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-backtest-bad-'));
    writeFileSync(join(dir, 'SecurityEvent.ndjson'), '{"EventID": "x"}\n'.repeat(120));
    const data = loadBacktestData(dir, withAccount, TO);
    expect(data.diagnostics).toHaveLength(50);
    expect(data.diagnostics[49]).toMatchObject({ code: 'SK0408', line: 50 });
  });
});
