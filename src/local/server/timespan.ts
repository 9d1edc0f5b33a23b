import { parseDateTime } from '../../kql/values/index.js';
import type { TimeRange } from '../../kql/worker/time-range.js';
import { durationTicks } from '../../rules/durations.js';
import { HttpError } from './http.js';

// An instant in the interval: ISO 8601 with an explicit zone, as the SDKs send it (Date.toISOString()).
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * The Logs Query API's `timespan`, "an ISO8601 time period value"
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format): a duration ending now
 * (`P1D`), or an interval `start/end`, `start/duration` or `duration/end` — the forms
 * @azure/monitor-query-logs sends for its `duration`, `startTime`/`endTime` and `startTime`/`duration`
 * options. Durations in years or months have no fixed length and are refused, as is an empty range.
 */
export function parseTimespan(text: string, now: bigint): TimeRange {
  const parts = text.trim().split('/');
  const bad = (why: string) =>
    new HttpError(400, 'BadArgumentError', `timespan ${JSON.stringify(text)} ${why}`);
  const duration = (part: string) => {
    const ticks = /^P/i.test(part) ? durationTicks(part) : undefined;
    if (ticks === undefined)
      throw bad(
        `has ${JSON.stringify(part)}, not an ISO 8601 duration in weeks, days, hours, minutes or seconds`,
      );
    return ticks;
  };
  const instant = (part: string) => {
    const ticks = INSTANT.test(part) ? parseDateTime(part) : null;
    if (ticks === null) throw bad(`has ${JSON.stringify(part)}, not an ISO 8601 date-time with a time zone`);
    return ticks;
  };
  let range: TimeRange;
  if (parts.length === 1) range = { start: now - duration(parts[0]), end: now };
  else if (parts.length !== 2) throw bad('is not a duration or an interval start/end');
  else if (/^P/i.test(parts[0])) {
    const end = instant(parts[1]);
    range = { start: end - duration(parts[0]), end };
  } else {
    const start = instant(parts[0]);
    range = { start, end: /^P/i.test(parts[1]) ? start + duration(parts[1]) : instant(parts[1]) };
  }
  if (range.end <= range.start) throw bad('is empty: its end is not after its start');
  return range;
}
