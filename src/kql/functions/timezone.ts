/**
 * datetime_utc_to_local() and datetime_local_to_utc() over the IANA time-zone database that Node's
 * ICU carries (https://learn.microsoft.com/kusto/query/datetime-utc-to-local-function,
 * .../datetime-local-to-utc-function). An unknown zone is refused.
 */
import { TICKS_PER_MILLISECOND, TICKS_PER_SECOND, UNIX_EPOCH_TICKS } from '../values/datetime.js';
import { UnsupportedError } from '../values/index.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UnsupportedError(
        `time zone '${zone}'`,
        `the time zone '${zone}' is not in the IANA database`,
      );
    }
    formats.set(zone, format);
  }
  return format;
}

/** The zone's UTC offset in ticks at a UTC instant (whole seconds; sub-second ticks carried apart). */
function offsetAt(utc: bigint, zone: string): bigint {
  const seconds =
    (utc - UNIX_EPOCH_TICKS) / TICKS_PER_SECOND -
    (utc < UNIX_EPOCH_TICKS && utc % TICKS_PER_SECOND !== 0n ? 1n : 0n);
  const ms = Number(seconds) * 1000;
  const parts = Object.fromEntries(
    formatFor(zone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  local.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return BigInt(local.getTime() - ms) * TICKS_PER_MILLISECOND;
}

const utcToLocal: ScalarImpl = ([t, zone], types) => {
  if (typeof t !== 'bigint') return null;
  return t + offsetAt(t, text(zone, types[1]));
};

const DAY = 24n * 3600n * TICKS_PER_SECOND;

/**
 * A local time maps to the instant whose local time it is. Where clocks went forward and the local
 * time does not exist, the page's Brussels example (02:00 on 2022-03-27 -> 00:00 UTC) applies the
 * offset in force after the change; where clocks went back and it exists twice, the page does not
 * say which instant is meant, so that is refused.
 */
const localToUtc: ScalarImpl = ([t, zoneArg], types) => {
  if (typeof t !== 'bigint') return null;
  const zone = text(zoneArg, types[1]);
  const candidates = [offsetAt(t - DAY, zone), offsetAt(t + DAY, zone)].map((offset) => t - offset);
  const valid = [...new Set(candidates)].filter((u) => u + offsetAt(u, zone) === t);
  if (valid.length > 1)
    throw new UnsupportedError(
      'datetime_local_to_utc()',
      'datetime_local_to_utc() of a local time that occurs twice (clocks set back) is not documented',
    );
  return valid[0] ?? candidates[1];
};

export const timezoneFunctions: FunctionTable = {
  datetime_utc_to_local: utcToLocal,
  datetime_local_to_utc: localToUtc,
};
