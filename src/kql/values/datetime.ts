/**
 * Kusto datetime: 100 ns ticks since 0001-01-01T00:00:00Z in the proleptic Gregorian calendar
 * (the .NET DateTime representation). Calendar arithmetic is done here on day numbers so that the
 * whole range 0001-01-01 .. 9999-12-31 works, which JS Date does not handle well.
 */
export const TICKS_PER_MICROSECOND = 10n;
export const TICKS_PER_MILLISECOND = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MINUTE = 600_000_000n;
export const TICKS_PER_HOUR = 36_000_000_000n;
export const TICKS_PER_DAY = 864_000_000_000n;
/** Ticks of 1970-01-01T00:00:00Z. */
export const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;
/** 9999-12-31T23:59:59.9999999Z, the largest Kusto datetime. */
export const MAX_DATETIME_TICKS = 3_155_378_975_999_999_999n;

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const DAYS_BEFORE_MONTH_LEAP = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  const table = isLeapYear(year) ? DAYS_BEFORE_MONTH_LEAP : DAYS_BEFORE_MONTH;
  return table[month] - table[month - 1];
}

/** Day number (0 = 0001-01-01) of a valid calendar date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = year - 1;
  const table = isLeapYear(year) ? DAYS_BEFORE_MONTH_LEAP : DAYS_BEFORE_MONTH;
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + table[month - 1] + day - 1;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  let n = days;
  const y400 = Math.floor(n / 146_097);
  n -= y400 * 146_097;
  let y100 = Math.floor(n / 36_524);
  if (y100 === 4) y100 = 3;
  n -= y100 * 36_524;
  const y4 = Math.floor(n / 1461);
  n -= y4 * 1461;
  let y1 = Math.floor(n / 365);
  if (y1 === 4) y1 = 3;
  n -= y1 * 365;
  const year = y400 * 400 + y100 * 100 + y4 * 4 + y1 + 1;
  const table = isLeapYear(year) ? DAYS_BEFORE_MONTH_LEAP : DAYS_BEFORE_MONTH;
  let month = 1;
  while (n >= table[month]) month++;
  return { year, month, day: n - table[month - 1] + 1 };
}

export interface DateTimeParts extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  /** 0 .. 9_999_999 ticks within the second. */
  fraction: number;
}

function isValidDateTimeTicks(t: bigint): boolean {
  return t >= 0n && t <= MAX_DATETIME_TICKS;
}

export function splitDateTime(t: bigint): DateTimeParts {
  const days = Number(t / TICKS_PER_DAY);
  const inDay = t % TICKS_PER_DAY;
  const seconds = Number(inDay / TICKS_PER_SECOND);
  return {
    ...civilFromDays(days),
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    fraction: Number(inDay % TICKS_PER_SECOND),
  };
}

/** Ticks of the given parts, or null when they do not form a valid datetime. */
export function makeDateTimeTicks(p: DateTimeParts): bigint | null {
  if (p.year < 1 || p.year > 9999 || p.month < 1 || p.month > 12) return null;
  if (p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  if (p.hour < 0 || p.hour > 23 || p.minute < 0 || p.minute > 59 || p.second < 0 || p.second > 59)
    return null;
  if (p.fraction < 0 || p.fraction > 9_999_999) return null;
  const days = BigInt(daysFromCivil(p.year, p.month, p.day));
  const seconds = BigInt(p.hour * 3600 + p.minute * 60 + p.second);
  return days * TICKS_PER_DAY + seconds * TICKS_PER_SECOND + BigInt(p.fraction);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Seven-digit tick fraction without trailing zeros, with its dot; '' when zero. */
function fractionSuffix(fraction: number): string {
  if (fraction === 0) return '';
  return `.${pad(fraction, 7).replace(/0+$/, '')}`;
}

/** ISO 8601 like Kusto's JSON output: `2026-01-10T12:00:00Z`, fraction only when non-zero. */
export function formatDateTime(t: bigint): string {
  const p = splitDateTime(t);
  return (
    `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T` +
    `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${fractionSuffix(p.fraction)}Z`
  );
}

/** `2026-01-10T12:00:00.0000000Z`: every one of the seven fractional digits (Kusto's string conversion). */
export function formatDateTimeFull(t: bigint): string {
  const p = splitDateTime(t);
  return (
    `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T` +
    `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}.${pad(p.fraction, 7)}Z`
  );
}

export function dateToTicks(d: Date): bigint {
  return BigInt(d.getTime()) * TICKS_PER_MILLISECOND + UNIX_EPOCH_TICKS;
}

/** JS Date of the ticks, truncated to milliseconds (Date has no finer resolution). */
export function ticksToDate(t: bigint): Date {
  const ms = (t - UNIX_EPOCH_TICKS) / TICKS_PER_MILLISECOND;
  const floorMs =
    t - UNIX_EPOCH_TICKS < 0n && (t - UNIX_EPOCH_TICKS) % TICKS_PER_MILLISECOND !== 0n ? ms - 1n : ms;
  return new Date(Number(floorMs));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Seven fractional digits from a digit string of any length (extra digits are truncated). */
function parseFraction(digits: string | undefined): number {
  if (!digits) return 0;
  return Number(digits.slice(0, 7).padEnd(7, '0'));
}

/** Offset in minutes of `Z`, `GMT`, `UTC`, `+hh:mm`, `-hhmm`, `+hh`; undefined when not an offset. */
function parseZone(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'GMT' || z === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function twoDigitYear(y: string): number {
  // .NET's default TwoDigitYearMax is 2049: 00..49 -> 20xx, 50..99 -> 19xx.
  const n = Number(y);
  return y.length <= 2 ? (n < 50 ? 2000 + n : 1900 + n) : n;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  fraction: string | undefined,
  zone: string | undefined,
): bigint | null {
  const offset = parseZone(zone);
  if (offset === undefined) return null;
  const ticks = makeDateTimeTicks({
    year,
    month,
    day,
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    fraction: parseFraction(fraction),
  });
  if (ticks === null) return null;
  const utc = ticks - BigInt(offset) * TICKS_PER_MINUTE;
  return isValidDateTimeTicks(utc) ? utc : null;
}

// ISO 8601 and the "sortable" variants Kusto accepts: 2014-05-25T08:20:03.123456Z, 2014-11-08 15:55, 2014-11-08.
const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|GMT|UTC)?$/i;
// Slashed dates: 2014/11/08 15:55:55, accepted by todatetime().
const SLASHED =
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|GMT|UTC)?$/i;
// RFC 822 / RFC 850 / RFC 1123: "Sat, 8 Nov 14 15:05:02 GMT", "Saturday, 08-Nov-14 15:05 GMT".
const RFC =
  /^(?:[a-z]+,\s*)?(\d{1,2})[ -]([a-z]{3})[ -](\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s+(GMT|UTC|Z|[+-]\d{4}))?$/i;
// US month-first dates: "02/17/2016 08:40:01" is 2016-02-17 in the parse operator doc's examples.
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;
// Compact ISO 8601: 20140525T082003Z.
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d+))?(Z)?$/i;

/** Parses the datetime formats Kusto documents (ISO 8601, RFC 822, RFC 850, US month-first); null when invalid. */
export function parseDateTime(text: string): bigint | null {
  const s = text.trim();
  let m = ISO.exec(s) ?? SLASHED.exec(s) ?? COMPACT.exec(s);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6], m[7], m[8]);
  m = US.exec(s);
  if (m) return build(Number(m[3]), Number(m[1]), Number(m[2]), m[4], m[5], m[6], m[7], undefined);
  m = RFC.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2].toLowerCase()) + 1;
    if (month === 0) return null;
    return build(twoDigitYear(m[3]), month, Number(m[1]), m[4], m[5], m[6], m[7], m[8]);
  }
  return null;
}
