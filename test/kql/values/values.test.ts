import { describe, expect, it } from 'vitest';
import {
  coerce,
  dateToTicks,
  formatDateTime,
  formatReal,
  formatTimespan,
  parseDateTime,
  parseTimespan,
  TICKS_PER_DAY,
  ticksToDate,
  toJson,
  UNIX_EPOCH_TICKS,
  valueToString,
} from '../../../src/kql/values/index.js';

describe('datetime ticks', () => {
  it('tick 0 is 0001-01-01T00:00:00Z and the Unix epoch is 621355968000000000', () => {
    expect(parseDateTime('0001-01-01')).toBe(0n);
    expect(parseDateTime('1970-01-01T00:00:00Z')).toBe(UNIX_EPOCH_TICKS);
    expect(formatDateTime(0n)).toBe('0001-01-01T00:00:00Z');
  });

  it('keeps 7 fractional digits through a round trip (100 ns precision)', () => {
    const t = parseDateTime('2026-01-10T12:00:00.1234567Z');
    expect(t).not.toBeNull();
    expect((t as bigint) % 10_000_000n).toBe(1_234_567n);
    expect(formatDateTime(t as bigint)).toBe('2026-01-10T12:00:00.1234567Z');
  });

  it('drops trailing zeros of the fraction and omits a zero fraction', () => {
    expect(formatDateTime(parseDateTime('2015-12-31 23:59:59.9') as bigint)).toBe('2015-12-31T23:59:59.9Z');
    expect(formatDateTime(parseDateTime('2026-01-10 12:00') as bigint)).toBe('2026-01-10T12:00:00Z');
  });

  it.each([
    ['2014-05-25T08:20:03.123456Z', '2014-05-25T08:20:03.123456Z'],
    ['2014-05-25T08:20:03.123456', '2014-05-25T08:20:03.123456Z'],
    ['2014-05-25T08:20', '2014-05-25T08:20:00Z'],
    ['2014-11-08 15:55:55.123456Z', '2014-11-08T15:55:55.123456Z'],
    ['2014-11-08', '2014-11-08T00:00:00Z'],
    ['Sat, 8 Nov 14 15:05:02 GMT', '2014-11-08T15:05:02Z'],
    ['Sat, 8 Nov 14 15:05', '2014-11-08T15:05:00Z'],
    ['8 Nov 14 15:05 GMT', '2014-11-08T15:05:00Z'],
    ['Saturday, 08-Nov-14 15:05:02 GMT', '2014-11-08T15:05:02Z'],
    ['08-Nov-14 15:05', '2014-11-08T15:05:00Z'],
    ['2014-11-08T15:05:02+02:00', '2014-11-08T13:05:02Z'],
    ['9999-12-31T23:59:59.9999999Z', '9999-12-31T23:59:59.9999999Z'],
  ])('parses the documented format %s', (input, iso) => {
    const t = parseDateTime(input);
    expect(t).not.toBeNull();
    expect(formatDateTime(t as bigint)).toBe(iso);
  });

  it.each(['2014-02-30', '2014-13-01', 'yesterday', '', '2014-11-08 25:00'])('rejects %j', (input) => {
    expect(parseDateTime(input)).toBeNull();
  });

  it('converts JS Dates both ways at millisecond precision', () => {
    const d = new Date('2026-01-10T12:00:00.123Z');
    expect(ticksToDate(dateToTicks(d)).toISOString()).toBe(d.toISOString());
    expect(ticksToDate(UNIX_EPOCH_TICKS - 1n).getTime()).toBe(-1);
  });
});

describe('timespan', () => {
  it.each([
    ['2d', 2n * TICKS_PER_DAY],
    ['1.5h', 54_000_000_000n],
    ['30m', 18_000_000_000n],
    ['10s', 100_000_000n],
    ['100ms', 1_000_000n],
    ['10microseconds', 100n],
    ['1tick', 1n],
    ['0.1s', 1_000_000n],
    ['1.02:03:04.5', TICKS_PER_DAY + 73_845_000_000n],
    ['02:03', 73_800_000_000n],
    ['-00:00:01', -10_000_000n],
  ])('parses %s', (input, ticks) => {
    expect(parseTimespan(input)).toBe(ticks);
  });

  it.each([
    [0n, '00:00:00'],
    [15_000_000n, '00:00:01.5000000'],
    [TICKS_PER_DAY + 36_000_000_000n, '1.01:00:00'],
    [-10_000_000n, '-00:00:01'],
    [1n, '00:00:00.0000001'],
  ])('formats %s as %s (.NET "c" format)', (ticks, text) => {
    expect(formatTimespan(ticks)).toBe(text);
  });

  it('rejects unknown units and malformed clocks', () => {
    expect(parseTimespan('3 fortnights')).toBeNull();
    expect(parseTimespan('1:99')).toBeNull();
  });
});

describe('real formatting like .NET', () => {
  it.each([
    [1.5, '1.5'],
    [1, '1'],
    [1e20, '1E+20'],
    [1e15, '1E+15'],
    [123456789012345, '123456789012345'],
    [0.0001, '0.0001'],
    [0.00001, '1E-05'],
    [-2.5e-7, '-2.5E-07'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('formats %s as %s', (n, text) => {
    expect(formatReal(n)).toBe(text);
  });
});

describe('coerce (input -> engine value)', () => {
  it('strings are never null: missing string input is the empty string', () => {
    expect(coerce(undefined, 'string')).toBe('');
    expect(coerce(null, 'string')).toBe('');
    expect(coerce(null, 'long')).toBeNull();
  });

  it.each([
    ['5', 'long', 5],
    ['1.5', 'long', 1],
    ['abc', 'long', null],
    [3e9, 'int', null],
    ['1e3', 'real', 1000],
    ['TRUE', 'bool', true],
    [0, 'bool', false],
    ['maybe', 'bool', null],
    ['7E5B6E4A-0A47-4C3E-A4B6-1A2B3C4D5E6F', 'guid', '7e5b6e4a-0a47-4c3e-a4b6-1a2b3c4d5e6f'],
    ['not-a-guid', 'guid', null],
    ['{"a":[1,2]}', 'dynamic', { a: [1, 2] }],
    ['plain text', 'dynamic', 'plain text'],
    [{ b: 1 }, 'string', '{"b":1}'],
  ] as const)('%j as %s -> %j', (input, type, expected) => {
    expect(coerce(input, type)).toEqual(expected);
  });

  it('reads datetimes from ISO strings and Dates, timespans from strings', () => {
    expect(coerce('2026-01-10T12:00:00Z', 'datetime')).toBe(parseDateTime('2026-01-10 12:00'));
    expect(coerce(new Date('1970-01-01T00:00:00Z'), 'datetime')).toBe(UNIX_EPOCH_TICKS);
    expect(coerce('not a date', 'datetime')).toBeNull();
    expect(coerce('00:05:00', 'timespan')).toBe(3_000_000_000n);
  });
});

describe('toJson / tostring', () => {
  it('renders datetimes as ISO, timespans in "c" format, non-finite reals as strings', () => {
    expect(toJson(parseDateTime('2026-01-10 12:00'), 'datetime')).toBe('2026-01-10T12:00:00Z');
    expect(toJson(36_000_000_000n, 'timespan')).toBe('01:00:00');
    expect(toJson(Number.NaN, 'real')).toBe('NaN');
    expect(toJson(null, 'datetime')).toBeNull();
    expect(toJson({ a: 1 }, 'dynamic')).toEqual({ a: 1 });
  });

  it('tostring of dynamic is compact JSON, of a dynamic string its text, of null the empty string', () => {
    expect(valueToString({ a: [1, 'x'] }, 'dynamic')).toBe('{"a":[1,"x"]}');
    expect(valueToString('abc', 'dynamic')).toBe('abc');
    expect(valueToString(null, 'long')).toBe('');
    expect(valueToString(true, 'bool')).toBe('true');
  });
});

it('timespan units are looked up as own keys only (no prototype names)', () => {
  expect(parseTimespan('1constructor')).toBeNull();
  expect(parseTimespan('1toString')).toBeNull();
});
