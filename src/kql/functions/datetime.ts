import { daysInMonth, makeDateTimeTicks, splitDateTime } from '../values/datetime.js';
import {
  EvaluationError,
  MAX_DATETIME_TICKS,
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  TICKS_PER_MILLISECOND,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
  UNIX_EPOCH_TICKS,
  UnsupportedError,
  type Value,
} from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const TICKS_PER_WEEK = 7n * TICKS_PER_DAY;

function inRange(t: bigint): bigint | null {
  return t >= 0n && t <= MAX_DATETIME_TICKS ? t : null;
}

const floorDiv = (a: bigint, b: bigint) => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

/** Day 0 (0001-01-01) is a Monday; Kusto weeks start on Sunday. */
const dayOfWeekIndex = (days: bigint) => Number((((days + 1n) % 7n) + 7n) % 7n);

/** Whole weeks since the Sunday before 0001-01-01, the boundaries that startofweek / datetime_diff use. */
const weekNumber = (t: bigint) => floorDiv(floorDiv(t, TICKS_PER_DAY) + 1n, 7n);

/**
 * bin()/floor(): rounds down to a multiple of the bin size; datetimes align to 0001-01-01 (tick 0).
 * The bin page: "Null values, a null bin size, or a negative bin size will result in null"; a zero bin
 * size is not among them and has no multiple to round to, so it is refused (the engine answered null).
 */
/**
 * bin() of a datetime with a size that does not divide the ticks from 0001-01-01 to 1970-01-01 (7d,
 * 3d, 14d...): the bins fall on different days whether they align to 0001-01-01 (.NET's tick 0, a
 * Monday, as the engine did) or to the Unix epoch (a Thursday). The bin page says only that bin()'s
 * "point of alignment is predefined" (bin_at page), so such a size is refused; every size that
 * divides a day (1h, 5m, 1d) bins the same on both.
 */
function refuseUndocumentedAlignment(size: bigint): void {
  // 1970-01-01 is 719,162 whole days after 0001-01-01.
  if (UNIX_EPOCH_TICKS % size === 0n) return;
  throw new UnsupportedError(
    'bin() of a datetime with a size that does not divide the days since 0001-01-01 and 1970-01-01 alike',
    'bin() of a datetime with this bin size: bins fall on different days whether they align to 0001-01-01 ' +
      '(.NET ticks) or to 1970-01-01, and the bin and bin_at pages say only that the alignment is ' +
      'predefined; use bin_at(t, size, datetime(...)) to name the alignment, or startofweek() for weeks',
  );
}

const bin: ScalarImpl = ([v, size], types) => {
  if (v === null || size === null) return null;
  if (size === 0 || size === 0n)
    throw new UnsupportedError(
      'bin() with a zero bin size',
      'bin() with a zero bin size: the bin page makes a null or negative size null but does not say what a zero size gives; refusing rather than guessing',
    );
  if (typeof v === 'bigint') {
    const s = typeof size === 'bigint' ? size : typeof size === 'number' ? BigInt(Math.trunc(size)) : null;
    if (s === null || s <= 0n) return null;
    if (types[0] === 'datetime') refuseUndocumentedAlignment(s);
    return floorDiv(v, s) * s;
  }
  const x = num(v);
  const s = num(size);
  if (x === null || s === null || s <= 0) return null;
  return Math.floor(x / s) * s;
};

const binAt: ScalarImpl = ([v, size, at], types, rt, ctx) => {
  if (v === null || size === null || at === null) return null;
  if (typeof v === 'bigint' && typeof at === 'bigint') {
    // v - at is a distance (a timespan): bin_at names its own alignment.
    const b = bin([v - at, size], ['timespan', ...types.slice(1)], rt, ctx);
    return b === null ? null : (b as bigint) + at;
  }
  const x = num(v);
  const a = num(at);
  if (x === null || a === null) return null;
  const b = bin([x - a, size], types, rt, ctx);
  return b === null ? null : (b as number) + a;
};

type Unit = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'ms' | 'us' | 'ns';

const UNITS: Record<string, Unit> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
  millisecond: 'ms',
  microsecond: 'us',
  nanosecond: 'ns',
};

function unitOf(period: Value): Unit {
  const key = typeof period === 'string' ? period.toLowerCase() : '';
  const u = Object.hasOwn(UNITS, key) ? UNITS[key] : undefined;
  if (!u) throw new EvaluationError(`Unknown datetime period '${String(period)}'`);
  return u;
}

const FIXED_TICKS: Partial<Record<Unit, bigint>> = {
  day: TICKS_PER_DAY,
  hour: TICKS_PER_HOUR,
  minute: TICKS_PER_MINUTE,
  second: TICKS_PER_SECOND,
  ms: TICKS_PER_MILLISECOND,
  us: 10n,
  ns: 1n,
};

/**
 * Adds whole months. A day the target month lacks (Jan 31 + 1 month, Feb 29 + 1 year) is refused:
 * the datetime_add page prints only first-of-month examples (https://learn.microsoft.com/kusto/query/datetime-add-function),
 * and whether the day clamps to the month's last (.NET AddMonths, Feb 29) or overflows into the next
 * month (Mar 2, as JavaScript's Date) is on no page; the engine clamped.
 */
function addMonths(t: bigint, months: number): bigint | null {
  const p = splitDateTime(t);
  const index = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  if (year < 1 || year > 9999) return null;
  if (p.day > daysInMonth(year, month))
    throw new UnsupportedError(
      'datetime_add() of months onto a day the target month lacks',
      `datetime_add() of ${months} month(s) onto day ${p.day} of ${p.year}-${String(p.month).padStart(2, '0')}: ${year}-${String(month).padStart(2, '0')} has ${daysInMonth(year, month)} days, and the page does not say whether the day clamps to the month's last or runs into the next month; add to startofmonth() and then add days, or use endofmonth() for the last day`,
    );
  return makeDateTimeTicks({ ...p, year, month, day: p.day });
}

/** datetime_diff counts period boundaries crossed (calendar semantics), not elapsed time. */
const datetimeDiff: ScalarImpl = ([period, a, b]) => {
  if (typeof a !== 'bigint' || typeof b !== 'bigint') return null;
  const unit = unitOf(period);
  if (unit === 'ns') return Number((a - b) * 100n);
  const fixed = FIXED_TICKS[unit];
  if (fixed) return Number(floorDiv(a, fixed) - floorDiv(b, fixed));
  if (unit === 'week') return Number(weekNumber(a) - weekNumber(b));
  const pa = splitDateTime(a);
  const pb = splitDateTime(b);
  const years = pa.year - pb.year;
  if (unit === 'year') return years;
  if (unit === 'quarter') return years * 4 + Math.floor((pa.month - 1) / 3) - Math.floor((pb.month - 1) / 3);
  return years * 12 + pa.month - pb.month;
};

const datetimeAdd: ScalarImpl = ([period, amount, t]) => {
  const n = num(amount);
  if (typeof t !== 'bigint' || n === null) return null;
  const k = Math.trunc(n);
  const unit = unitOf(period);
  switch (unit) {
    case 'year':
      return addMonths(t, k * 12);
    case 'quarter':
      return addMonths(t, k * 3);
    case 'month':
      return addMonths(t, k);
    case 'week':
      return inRange(t + BigInt(k) * TICKS_PER_WEEK);
    case 'ns':
      return inRange(t + BigInt(k) / 100n);
    default:
      return inRange(t + BigInt(k) * (FIXED_TICKS[unit] as bigint));
  }
};

/** ISO 8601 week number (weeks start Monday; week 1 holds the year's first Thursday). */
function isoWeek(t: bigint): number {
  const days = t / TICKS_PER_DAY;
  const isoDay = ((Number(days % 7n) + 7) % 7) + 1; // 1 = Monday
  const thursday = days - BigInt(isoDay) + 4n;
  const { year } = splitDateTime(thursday * TICKS_PER_DAY);
  const jan1 =
    (makeDateTimeTicks({ year, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 }) ?? 0n) /
    TICKS_PER_DAY;
  return Number((thursday - jan1) / 7n) + 1;
}

function dayOfYear(t: bigint): number {
  const p = splitDateTime(t);
  const jan1 =
    makeDateTimeTicks({ year: p.year, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 }) ?? 0n;
  return Number((t - jan1) / TICKS_PER_DAY) + 1;
}

function part(name: string, t: bigint): number {
  const p = splitDateTime(t);
  switch (name.toLowerCase()) {
    case 'year':
      return p.year;
    case 'quarter':
      return Math.floor((p.month - 1) / 3) + 1;
    case 'month':
      return p.month;
    case 'week_of_year':
    case 'weekofyear':
      return isoWeek(t);
    case 'day':
      return p.day;
    case 'dayofyear':
      return dayOfYear(t);
    case 'hour':
      return p.hour;
    case 'minute':
      return p.minute;
    case 'second':
      return p.second;
    case 'millisecond':
      return Math.floor(p.fraction / 10_000);
    case 'microsecond':
      return Math.floor(p.fraction / 10);
    case 'nanosecond':
      return p.fraction * 100;
    default:
      throw new EvaluationError(`Unknown datetime part '${name}'`);
  }
}

function partFn(name: string): ScalarImpl {
  return ([t]) => (typeof t === 'bigint' ? part(name, t) : null);
}

type Period = 'day' | 'week' | 'month' | 'year';

function startOf(t: bigint, period: Period, offset: number): bigint | null {
  switch (period) {
    case 'day':
      return inRange(floorDiv(t, TICKS_PER_DAY) * TICKS_PER_DAY + BigInt(offset) * TICKS_PER_DAY);
    case 'week':
      return inRange(((weekNumber(t) + BigInt(offset)) * 7n - 1n) * TICKS_PER_DAY);
    case 'month': {
      const p = splitDateTime(t);
      const first = makeDateTimeTicks({ ...p, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 });
      return first === null ? null : addMonths(first, offset);
    }
    case 'year': {
      const p = splitDateTime(t);
      const year = p.year + offset;
      return makeDateTimeTicks({ year, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 });
    }
  }
}

/**
 * The offset argument of startof*()/endof*(): omitted is 0 (the pages: "offset: ... default 0"). A
 * null passed for it is not omitted, and no page says whether it is 0 (as the engine read it, giving
 * the period's start) or makes the result null (as datetime_add() of a null amount does); refused.
 */
function periodOffset(fn: string, offset: Value | undefined): number {
  if (offset === null)
    throw new UnsupportedError(
      `${fn}() with a null offset`,
      `${fn}() with a null offset: the page defaults an omitted offset to 0 but does not say what a null one gives (the period's start, or null); coalesce(offset, 0) or filter the nulls first`,
    );
  return Math.trunc(num(offset ?? 0) ?? 0);
}

function startOfFn(period: Period): ScalarImpl {
  return ([t, offset]) =>
    typeof t === 'bigint' ? startOf(t, period, periodOffset(`startof${period}`, offset)) : null;
}

function endOfFn(period: Period): ScalarImpl {
  return ([t, offset]) => {
    if (typeof t !== 'bigint') return null;
    const next = startOf(t, period, periodOffset(`endof${period}`, offset) + 1);
    return next === null ? MAX_DATETIME_TICKS : next - 1n;
  };
}

function fromUnix(ticksPerUnit: number): ScalarImpl {
  return ([v]) => {
    // A long beyond 2^53 arrives exact (lower/wideLong.ts); its ticks are truncated as .NET's long division does.
    if (typeof v === 'bigint')
      return inRange(
        UNIX_EPOCH_TICKS + (ticksPerUnit >= 1 ? v * BigInt(ticksPerUnit) : v / BigInt(1 / ticksPerUnit)),
      );
    const n = num(v);
    if (n === null || !Number.isFinite(n)) return null;
    const ticks =
      Number.isInteger(n) && ticksPerUnit >= 1
        ? BigInt(n) * BigInt(ticksPerUnit)
        : BigInt(Math.trunc(n * ticksPerUnit));
    return inRange(UNIX_EPOCH_TICKS + ticks);
  };
}

/** Whole and fractional seconds -> [seconds, ticks within the second]. */
function splitSeconds(s: number): [number, number] {
  const whole = Math.floor(s);
  return [whole, Math.round((s - whole) * 1e7)];
}

/** A call shape or argument the make_datetime/make_timespan pages do not give (Kusto.Language binds it). */
function refuseMake(fn: string, what: string): never {
  throw new UnsupportedError(
    `${fn}() ${what}`,
    `${fn}() ${what}: its page does not define it; refusing rather than guessing`,
  );
}

const makeDatetime: ScalarImpl = (args) => {
  // The page: make_datetime(year, month, day [, hour, minute, second]).
  if (args.length < 3) refuseMake('make_datetime', `with ${args.length} argument(s)`);
  const n = args.map(num);
  // The year, month, day, hour and minute are ints on the page; only the second takes a fraction.
  if (n.slice(0, 5).some((x) => x !== null && !Number.isInteger(x)))
    refuseMake('make_datetime', 'with a fractional year, month, day, hour or minute');
  if (n.slice(0, 3).some((x) => x === null)) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = n.map((x) => x ?? 0);
  const [s, fraction] = splitSeconds(second);
  return makeDateTimeTicks({ year, month, day, hour, minute, second: s, fraction });
};

const makeTimespan: ScalarImpl = (args) => {
  // The page: make_timespan(hour, minute), (hour, minute, second), (day, hour, minute, second); days,
  // hours and minutes are whole (int), the second may hold a fraction.
  if (args.length < 2) refuseMake('make_timespan', `with ${args.length} argument(s)`);
  const n = args.map(num);
  if (n.some((x) => x === null)) return null;
  const [day, hour, minute, second] =
    n.length === 2 ? [0, n[0], n[1], 0] : n.length === 3 ? [0, n[0], n[1], n[2]] : (n as number[]);
  if (![day, hour, minute].every((x) => Number.isInteger(x)))
    refuseMake('make_timespan', 'with a fractional day, hour or minute');
  if (!Number.isFinite(second)) refuseMake('make_timespan', 'with a non-finite second');
  const [s, fraction] = splitSeconds(second as number);
  return (
    BigInt(day as number) * TICKS_PER_DAY +
    BigInt(hour as number) * TICKS_PER_HOUR +
    BigInt(minute as number) * TICKS_PER_MINUTE +
    BigInt(s) * TICKS_PER_SECOND +
    BigInt(fraction)
  );
};

export const datetimeFunctions: FunctionTable = {
  now: ([offset], _t, _r, ctx) => (typeof offset === 'bigint' ? ctx.now + offset : ctx.now),
  ago: ([span], _t, _r, ctx) => (typeof span === 'bigint' ? ctx.now - span : null),
  bin,
  floor: bin,
  bin_at: binAt,
  datetime_diff: datetimeDiff,
  datetime_add: datetimeAdd,
  datetime_part: ([name, t]) => (typeof t === 'bigint' && typeof name === 'string' ? part(name, t) : null),
  getyear: partFn('year'),
  getmonth: partFn('month'),
  monthofyear: partFn('month'),
  dayofmonth: partFn('day'),
  dayofyear: partFn('dayofyear'),
  hourofday: partFn('hour'),
  week_of_year: partFn('week_of_year'),
  weekofyear: partFn('week_of_year'),
  /** Trap: dayofweek returns a timespan (days since the preceding Sunday), not a number. */
  dayofweek: ([t]) =>
    typeof t === 'bigint' ? BigInt(dayOfWeekIndex(floorDiv(t, TICKS_PER_DAY))) * TICKS_PER_DAY : null,
  startofday: startOfFn('day'),
  startofweek: startOfFn('week'),
  startofmonth: startOfFn('month'),
  startofyear: startOfFn('year'),
  endofday: endOfFn('day'),
  endofweek: endOfFn('week'),
  endofmonth: endOfFn('month'),
  endofyear: endOfFn('year'),
  unixtime_seconds_todatetime: fromUnix(1e7),
  unixtime_milliseconds_todatetime: fromUnix(1e4),
  unixtime_microseconds_todatetime: fromUnix(10),
  unixtime_nanoseconds_todatetime: fromUnix(0.01),
  make_datetime: makeDatetime,
  make_timespan: makeTimespan,
};
