import { describe, expect, it } from 'vitest';
import {
  durationTicks,
  formatIsoDuration,
  formatShortDuration,
  parseDuration,
} from '../../src/rules/durations.js';

describe('durations', () => {
  it.each([
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['14d', 1_209_600_000],
    ['30s', 30_000],
    ['PT5M', 300_000],
    ['pt1h', 3_600_000],
    ['P1D', 86_400_000],
    ['P1DT2H30M', 95_400_000],
    ['PT0.5S', 500],
    ['P2W', 1_209_600_000],
    // .NET TimeSpan text, which the Azure-Sentinel CI's ScheduledTemplateTimeSpanConverter parses first
    ['01:00:00', 3_600_000],
    ['00:05', 300_000],
    ['1.00:00:00', 86_400_000],
    ['14.00:00:00', 1_209_600_000],
    ['00:00:01.5', 1_500],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    'm',
    '5 minutes',
    '1.5h',
    'P',
    'PT',
    'P1DT',
    'P1M',
    'P1Y',
    '-5m',
    '24:00:00',
    '00:60',
    '1:2:3:4',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('converts to timespan ticks (100 ns)', () => {
    expect(durationTicks('5m')).toBe(3_000_000_000n);
    expect(durationTicks('nope')).toBeUndefined();
  });

  it.each([
    [300_000, 'PT5M'],
    [86_400_000, 'P1D'],
    [95_400_000, 'P1DT2H30M'],
    [0, 'PT0S'],
  ])('formats %d ms as ISO 8601 %s', (ms, iso) => {
    expect(formatIsoDuration(ms)).toBe(iso);
    expect(parseDuration(iso)).toBe(ms);
  });

  it('formats short durations with the largest exact unit', () => {
    expect(formatShortDuration(1_209_600_000)).toBe('14d');
    expect(formatShortDuration(5_400_000)).toBe('90m');
  });
});
