import {
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  TICKS_PER_MICROSECOND,
  TICKS_PER_MILLISECOND,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
} from './datetime.js';

/** Ticks per timespan literal unit, from the Kusto timespan data type page. */
const UNIT_TICKS: Record<string, bigint> = {
  d: TICKS_PER_DAY,
  day: TICKS_PER_DAY,
  days: TICKS_PER_DAY,
  h: TICKS_PER_HOUR,
  hr: TICKS_PER_HOUR,
  hrs: TICKS_PER_HOUR,
  hour: TICKS_PER_HOUR,
  hours: TICKS_PER_HOUR,
  m: TICKS_PER_MINUTE,
  min: TICKS_PER_MINUTE,
  minute: TICKS_PER_MINUTE,
  minutes: TICKS_PER_MINUTE,
  s: TICKS_PER_SECOND,
  sec: TICKS_PER_SECOND,
  second: TICKS_PER_SECOND,
  seconds: TICKS_PER_SECOND,
  ms: TICKS_PER_MILLISECOND,
  milli: TICKS_PER_MILLISECOND,
  millis: TICKS_PER_MILLISECOND,
  millisec: TICKS_PER_MILLISECOND,
  millisecond: TICKS_PER_MILLISECOND,
  milliseconds: TICKS_PER_MILLISECOND,
  micro: TICKS_PER_MICROSECOND,
  micros: TICKS_PER_MICROSECOND,
  microsec: TICKS_PER_MICROSECOND,
  microsecond: TICKS_PER_MICROSECOND,
  microseconds: TICKS_PER_MICROSECOND,
  tick: 1n,
  ticks: 1n,
};

/** Whether a word is a timespan literal's unit (`h`, `min`, `ms`, `tick`...), ignoring case. */
export const isTimespanUnit = (word: string): boolean => Object.hasOwn(UNIT_TICKS, word.toLowerCase());

const UNIT_FORM = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)$/i;
const CLOCK_FORM = /^([+-]?)(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?$/;

/** Scales a decimal digit string by a tick unit exactly (no float rounding for 7-digit fractions). */
function scaleDecimal(digits: string, unit: bigint): bigint {
  const [whole, frac = ''] = digits.split('.');
  const scale = 10n ** BigInt(frac.length);
  const value = BigInt(whole || '0') * scale + BigInt(frac || '0');
  return (value * unit) / scale;
}

/**
 * Parses `2d`, `1.5h`, `30m`, `100ms`, `10microseconds`, `7ticks` and the clock form
 * `[-][d.]hh:mm[:ss[.fffffff]]`; null when invalid.
 */
/** Whether a tick count fits a timespan: a signed 64-bit count (timespan page: .NET's TimeSpan). */
export function withinTickRange(t: bigint): boolean {
  return t >= -(2n ** 63n) && t <= 2n ** 63n - 1n;
}

export function parseTimespan(text: string): bigint | null {
  const s = text.trim();
  let m = UNIT_FORM.exec(s);
  if (m) {
    const key = m[3].toLowerCase();
    const unit = Object.hasOwn(UNIT_TICKS, key) ? UNIT_TICKS[key] : undefined;
    if (unit === undefined) return null;
    const ticks = scaleDecimal(m[2], unit);
    return m[1] === '-' ? -ticks : ticks;
  }
  m = CLOCK_FORM.exec(s);
  if (m) {
    const [, sign, days, hours, minutes, seconds, fraction] = m;
    if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds ?? 0) > 59) return null;
    const ticks =
      BigInt(days ?? 0) * TICKS_PER_DAY +
      BigInt(hours) * TICKS_PER_HOUR +
      BigInt(minutes) * TICKS_PER_MINUTE +
      BigInt(seconds ?? 0) * TICKS_PER_SECOND +
      BigInt((fraction ?? '').slice(0, 7).padEnd(7, '0'));
    return sign === '-' ? -ticks : ticks;
  }
  return null;
}

const pad = (n: bigint, width: number) => String(n).padStart(width, '0');

/** .NET TimeSpan "c" format, as Kusto prints timespans: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimespan(t: bigint): string {
  const sign = t < 0n ? '-' : '';
  const a = t < 0n ? -t : t;
  const days = a / TICKS_PER_DAY;
  const hours = (a % TICKS_PER_DAY) / TICKS_PER_HOUR;
  const minutes = (a % TICKS_PER_HOUR) / TICKS_PER_MINUTE;
  const seconds = (a % TICKS_PER_MINUTE) / TICKS_PER_SECOND;
  const fraction = a % TICKS_PER_SECOND;
  return (
    `${sign}${days > 0n ? `${days}.` : ''}${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}` +
    (fraction > 0n ? `.${pad(fraction, 7)}` : '')
  );
}
