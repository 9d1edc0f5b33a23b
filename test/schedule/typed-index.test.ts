// The backtest index holds its times typed (issue 15): TimeGenerated once, as the sorted column's
// own 64-bit ticks, and each window's ingestion times as a view of them. What a query reads from a
// window (TimeGenerated, ingestion_time()) must not depend on that.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import { type ColumnarTable, columnarTable, runQuery, type Table } from '../../src/kql/index.js';
import { parseDateTime, TICKS_PER_MINUTE, type Value } from '../../src/kql/values/index.js';
import {
  indexTable,
  queryWindow,
  rowTable,
  runSettings,
  sliceTable,
  type WindowTable,
} from '../../src/rules/schedule/index.js';

const T = parseDateTime('2026-01-10T12:00:00Z')!;
const minutes = (n: number) => BigInt(n) * TICKS_PER_MINUTE;
const catalog = loadCatalog('.');
const settings = runSettings({
  id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
  name: 'n',
  description: 'd',
  severity: 'Low',
  kind: 'Scheduled',
  query: 'Heartbeat',
  queryFrequency: '1h',
  queryPeriod: '1h',
  triggerOperator: 'gt',
  triggerThreshold: 0,
  tactics: [],
});

/** Heartbeat rows at the given minutes from T, out of order, one with a null TimeGenerated. */
function heartbeats(): Table {
  const at = [-3, -70, -5, null, -4, -61, -60, 0];
  return {
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'Computer', type: 'string' },
    ],
    rows: at.map((m, i) => [m === null ? null : T + minutes(m), `host${i}`] as Value[]),
  };
}

function answer(window: WindowTable) {
  return runQuery('Heartbeat | extend At = ingestion_time() | project Computer, TimeGenerated, At', {
    catalog,
    tables: (name) => (name === 'Heartbeat' ? window : undefined),
    now: T,
  }).rows;
}

describe('typed backtest index', () => {
  it("a columnar table's sorted TimeGenerated ticks are the index times, held once", () => {
    const source = heartbeats();
    const index = indexTable(columnarTable(source.columns, source.rows));
    const column = (index.data as ColumnarTable).vectors[0];
    expect(column.kind).toBe('ticks');
    expect(index.times).toBe(column.kind === 'ticks' ? column.ticks : undefined);
    expect(index.ingested).toBe(index.times);
    expect(Array.from(index.times ?? [])).toEqual([-70, -61, -60, -5, -4, -3, 0].map((m) => T + minutes(m)));
  });

  it('a window without delayed rows takes its ingestion times as a view, and queries read the same as over row arrays', () => {
    const source = heartbeats();
    const window = queryWindow(settings, T);
    const index = indexTable(columnarTable(source.columns, source.rows));
    const typed = sliceTable(index, 'Scheduled', window);
    const rows = sliceTable(indexTable(source), 'Scheduled', window);
    expect(typed.ingestion).toBeInstanceOf(BigInt64Array);
    expect((typed.ingestion as BigInt64Array).buffer).toBe(index.times?.buffer);
    expect(answer(typed)).toEqual(answer(rows));
    expect(answer(typed).map((r) => r[0])).toEqual(['host6', 'host2', 'host4', 'host0']);
    expect(rowTable(typed).rows).toEqual(rowTable(rows).rows);
  });

  it('delayed rows keep their own ingestion times, typed, in TimeGenerated order', () => {
    const source = heartbeats();
    const ingestion = source.rows.map((_, i) =>
      i === 2 ? T + minutes(3) : i === 4 ? T + minutes(7) : undefined,
    );
    const window = queryWindow(settings, T);
    const index = indexTable(columnarTable(source.columns, source.rows), ingestion);
    expect(index.delayed).toBe(true);
    expect(index.ingested).toBeInstanceOf(BigInt64Array);
    const typed = sliceTable(index, 'Scheduled', window);
    const rows = sliceTable(indexTable(source, ingestion), 'Scheduled', window);
    // host4, ingested 7 minutes after the run, is not visible yet (5-minute execution delay).
    expect(answer(typed)).toEqual(answer(rows));
    expect(answer(typed).map((r) => [r[0], r[2]])).toEqual([
      ['host6', T - minutes(60)],
      ['host2', T + minutes(3)],
      ['host0', T - minutes(3)],
    ]);
  });
});
