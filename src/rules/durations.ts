/**
 * Durations as written in rule files. The Azure-Sentinel repository's YAML uses a number and a unit
 * (`5m`, `1h`, `14d`); the REST API and ARM templates use ISO 8601 (`PT5M`, `P1D`). Both are accepted,
 * and so is .NET TimeSpan text (`01:00:00`, `1.00:00:00`), which the Azure-Sentinel CI reads before the
 * short form (.script/tests/detectionTemplateSchemaValidation/Models/ScheduledTemplateTimeSpanConverter.cs
 * calls TimeSpan.TryParse first).
 */

const MS_PER_UNIT: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const TICKS_PER_MS = 10_000n;

const SHORT_FORM = /^(\d+)([smhd])$/;
// ISO 8601 durations without years or months: those have no fixed length, and Sentinel never uses them.
const ISO_FORM = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
// TimeSpan's constant format `[d.]hh:mm[:ss[.fffffff]]` (hours < 24, minutes and seconds < 60).
const TIMESPAN_FORM = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/** Milliseconds in `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const short = SHORT_FORM.exec(trimmed);
  if (short) return Number(short[1]) * MS_PER_UNIT[short[2]];
  const timespan = TIMESPAN_FORM.exec(trimmed);
  if (timespan) return timeSpanMs(timespan);
  const iso = ISO_FORM.exec(trimmed.toUpperCase());
  if (!iso || trimmed.toUpperCase() === 'P' || trimmed.toUpperCase().endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = iso.map((part) => Number(part ?? 0));
  return Math.round((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000 + seconds * MS_PER_UNIT.s);
}

function timeSpanMs([, days, hours, minutes, seconds, fraction]: RegExpExecArray): number | undefined {
  const [d, h, m, sec] = [days, hours, minutes, seconds].map((part) => Number(part ?? 0));
  if (h > 23 || m > 59 || sec > 59) return undefined;
  const ms = (((d * 24 + h) * 60 + m) * 60 + sec) * MS_PER_UNIT.s;
  return ms + Math.round(Number(`0.${fraction ?? 0}`) * MS_PER_UNIT.s);
}

/** The duration as a KQL timespan: 100 ns ticks, the engine's representation. */
export function durationTicks(text: string): bigint | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : BigInt(ms) * TICKS_PER_MS;
}

/** ISO 8601 form for ARM templates and the REST API, e.g. 300000 → `PT5M`, 86400000 → `P1D`. */
export function formatIsoDuration(ms: number): string {
  const days = Math.floor(ms / MS_PER_UNIT.d);
  let rest = ms - days * MS_PER_UNIT.d;
  const hours = Math.floor(rest / MS_PER_UNIT.h);
  rest -= hours * MS_PER_UNIT.h;
  const minutes = Math.floor(rest / MS_PER_UNIT.m);
  const seconds = (rest - minutes * MS_PER_UNIT.m) / MS_PER_UNIT.s;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!time) return days ? `P${days}D` : 'PT0S';
  return `P${days ? `${days}D` : ''}T${time}`;
}

/** Human form for messages: `5m`, `1h`, `14d`, `90m`. */
export function formatShortDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    if (ms % MS_PER_UNIT[unit] === 0) return `${ms / MS_PER_UNIT[unit]}${unit}`;
  }
  return `${ms}ms`;
}
