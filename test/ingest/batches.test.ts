import { describe, expect, it } from 'vitest';
import {
  type Batch,
  oversizeField,
  splitIntoBatches,
  truncateOversizeFields,
} from '../../src/ingest/batches.js';

const sent = (batches: Batch[]) => batches.flatMap((b) => JSON.parse(b.body.toString('utf8')));

describe('splitIntoBatches', () => {
  it('keeps every JSON array body, brackets and commas included, within the limit and rows in order', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ i, text: 'é'.repeat(i % 97) }));
    const { batches, oversize } = splitIntoBatches(rows, 2_000);
    expect(oversize).toEqual([]);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.body.length).toBeLessThanOrEqual(2_000);
      expect(JSON.parse(batch.body.toString('utf8'))).toHaveLength(batch.rows);
    }
    expect(sent(batches)).toEqual(rows);
  });

  it('fills a batch up to exactly the limit', () => {
    const row = { x: 'a'.repeat(92) }; // 100 bytes as JSON
    const { batches } = splitIntoBatches([row, row, row], 2 + 100 + 1 + 100);
    expect(batches.map((b) => b.rows)).toEqual([2, 1]);
    expect(batches[0].body.length).toBe(203);
  });

  it('counts multi-byte UTF-8 exactly when filling up to the limit', () => {
    const euro = { x: '€'.repeat(30) }; // 8 + 30 * 3 = 98 bytes
    const emoji = { x: '😀'.repeat(22), y: 1 }; // 14 + 22 * 4 = 102 bytes
    const { batches } = splitIntoBatches([euro, euro, emoji, emoji, euro], 2 + 98 + 1 + 98);
    expect(batches.map((b) => b.body.length)).toEqual([199, 104, 104, 100]);
    expect(sent(batches)).toEqual([euro, euro, emoji, emoji, euro]);
  });

  it('reports a row that alone exceeds the limit instead of sending it, and keeps the others', () => {
    const rows = [{ id: 'a' }, { id: 'big', blob: 'x'.repeat(5_000) }, { id: 'c' }];
    const { batches, oversize } = splitIntoBatches(rows, 1_000);
    expect(oversize).toEqual([{ index: 1, bytes: Buffer.byteLength(JSON.stringify(rows[1])) }]);
    expect(sent(batches)).toEqual([rows[0], rows[2]]);
  });

  it('uses the 1,000,000-byte Logs Ingestion limit by default', () => {
    const row = { blob: 'y'.repeat(400_000) };
    const { batches } = splitIntoBatches([row, row, row]);
    expect(batches.map((b) => b.rows)).toEqual([2, 1]);
    expect(splitIntoBatches([{ blob: 'z'.repeat(1_000_000) }]).oversize).toHaveLength(1);
  });
});

describe('oversizeField', () => {
  // https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api: values over 64 KB are truncated.
  it('counts UTF-8 bytes of strings and of dynamic values as JSON, up to 64 KiB inclusive', () => {
    expect(oversizeField({ a: 'x'.repeat(65_536) })).toBeUndefined();
    expect(oversizeField({ a: 'x'.repeat(65_537) })).toEqual({ field: 'a', bytes: 65_537 });
    // 22,000 three-byte characters: 66,000 bytes in 22,000 UTF-16 units.
    expect(oversizeField({ a: 'ok', b: '€'.repeat(22_000) })).toEqual({ field: 'b', bytes: 66_000 });
    expect(oversizeField({ d: { k: 'x'.repeat(65_530) } })).toEqual({ field: 'd', bytes: 65_538 });
    expect(oversizeField({ n: null, t: 12 })).toBeUndefined();
  });
});

// Logs Ingestion truncates a field value past 64 KB (service-limits#logs-ingestion-api); the local
// endpoint stores what Azure would.
describe('truncateOversizeFields', () => {
  it('cuts each value over the limit to its first bytes, never inside a character, and keeps the rest', () => {
    const row = {
      short: 'ok',
      ascii: 'a'.repeat(20),
      wide: '€'.repeat(10),
      bag: { k: 'v'.repeat(30) },
      n: 5,
    };
    const cut = truncateOversizeFields(row, 16);
    expect(cut).toEqual({
      short: 'ok',
      ascii: 'a'.repeat(16),
      // '€' is 3 bytes: five fit in 16 bytes, the sixth would be split and is dropped whole.
      wide: '€'.repeat(5),
      bag: '{"k":"vvvvvvvvvv',
      n: 5,
    });
  });

  it('returns a row with nothing to cut as it is', () => {
    const row = { a: 'x'.repeat(10) };
    expect(truncateOversizeFields(row, 16)).toBe(row);
  });
});
