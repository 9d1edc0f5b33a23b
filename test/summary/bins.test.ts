import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime } from '../../src/kql/values/index.js';
import { binDelayTicks, firstBin, latestBinAt, MINUTE, nextBin } from '../../src/summary/bins.js';
import type { SummaryRule } from '../../src/summary/model.js';

const at = (text: string) => parseDateTime(text) as bigint;
const show = (ticks: bigint) => formatDateTime(ticks).slice(0, 16);

function rule(binSize: number, extra: Partial<SummaryRule['ruleDefinition']> = {}): SummaryRule {
  return {
    name: 'r',
    ruleType: 'User',
    ruleDefinition: { query: 'SigninLogs | summarize count()', binSize, destinationTable: 'R_CL', ...extra },
  };
}

// https://learn.microsoft.com/en-us/azure/azure-monitor/logs/summary-rules#configure-the-aggregation-timing
describe('summary rule bins, as the Learn page tabulates them for a rule created 2023-06-07 14:44', () => {
  const created = at('2023-06-07T14:44:00Z');

  it.each([
    [1440, '2023-06-06T15:00', '2023-06-07T15:00', '2023-06-08T15:00'],
    [720, '2023-06-07T03:00', '2023-06-07T15:00', '2023-06-08T03:00'],
    [360, '2023-06-07T09:00', '2023-06-07T15:00', '2023-06-07T21:00'],
    [180, '2023-06-07T12:00', '2023-06-07T15:00', '2023-06-07T18:00'],
    [120, '2023-06-07T13:00', '2023-06-07T15:00', '2023-06-07T17:00'],
    [60, '2023-06-07T14:00', '2023-06-07T15:00', '2023-06-07T16:00'],
    [30, '2023-06-07T14:30', '2023-06-07T15:00', '2023-06-07T15:30'],
    [20, '2023-06-07T14:40', '2023-06-07T15:00', '2023-06-07T15:20'],
  ])('default timing, binSize %i: first bin %s – %s, second ends %s', (size, start, end, secondEnd) => {
    const first = firstBin(rule(size), created);
    expect([show(first.start), show(first.end)]).toEqual([start, end]);
    expect(show(nextBin(rule(size), first).end)).toBe(secondEnd);
  });

  it.each([
    [1440, '2023-06-09T07:08', '2023-06-08T07:00'],
    [720, '2023-06-08T19:08', '2023-06-08T07:00'],
    [60, '2023-06-08T08:08', '2023-06-08T07:00'],
    [20, '2023-06-08T07:28', '2023-06-08T07:00'],
  ])(
    'binStartTime 2023-06-08 07:00 and binDelay 8: binSize %i first runs at %s for the bin from %s',
    (size, runs, start) => {
      const first = firstBin(rule(size, { binStartTime: '2023-06-08T07:00Z', binDelay: 8 }), created);
      expect([show(first.executeAt), show(first.start)]).toEqual([runs, start]);
    },
  );

  it('starts a rule whose binStartTime lies further back than creation minus binSize at the earliest bin Azure accepts', () => {
    const first = firstBin(rule(60, { binStartTime: '2023-06-01T07:00Z' }), created);
    expect([show(first.start), show(first.end)]).toEqual(['2023-06-07T14:00', '2023-06-07T15:00']);
  });

  it('waits by default from 3.5 minutes up to 10% of the bin size (the range the page gives; its upper end locally)', () => {
    expect(binDelayTicks(rule(20))).toBe((7n * MINUTE) / 2n);
    expect(binDelayTicks(rule(720))).toBe(72n * MINUTE);
    expect(binDelayTicks(rule(60, { binDelay: 0 }))).toBe(0n);
  });

  it('the latest bin run by a time: none before the first binStartTime bin has run', () => {
    const hourly = rule(60, { binDelay: 10 });
    expect(show(latestBinAt(hourly, at('2026-01-10T12:10:00Z'))!.start)).toBe('2026-01-10T11:00');
    expect(show(latestBinAt(hourly, at('2026-01-10T12:09:59Z'))!.start)).toBe('2026-01-10T10:00');
    const daily = rule(1440, { binDelay: 10, binStartTime: '2026-01-10T22:00Z' });
    expect(latestBinAt(daily, at('2026-01-11T22:05:00Z'))).toBeUndefined();
    expect(show(latestBinAt(daily, at('2026-01-12T22:15:00Z'))!.start)).toBe('2026-01-11T22:00');
  });
});
