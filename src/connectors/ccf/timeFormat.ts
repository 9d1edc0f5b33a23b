/**
 * `request.queryTimeFormat`: "UnixTimestamp", "UnixTimestampInMills" or a .NET custom date and time
 * format string such as `yyyy-MM-ddTHH:mm:ssZ`; absent, ISO 8601 UTC
 * (https://learn.microsoft.com/azure/sentinel/data-connector-connection-rules-reference#request-configuration).
 * The .NET specifiers below follow "Custom date and time format strings"
 * (https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings); the
 * poller formats in UTC. Specifiers whose output depends on a culture (ddd, MMM, tt, …) are refused.
 */
export type TimeFormatter = (ms: number) => string;

export class TimeFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TimeFormatError';
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** .NET specifier → UTC value; a longer run of the same letter is matched first. */
const specifiers: [string, (d: Date) => string][] = [
  ['yyyy', (d) => pad(d.getUTCFullYear(), 4)],
  ['yy', (d) => pad(d.getUTCFullYear() % 100, 2)],
  ['MM', (d) => pad(d.getUTCMonth() + 1, 2)],
  ['M', (d) => String(d.getUTCMonth() + 1)],
  ['dd', (d) => pad(d.getUTCDate(), 2)],
  ['d', (d) => String(d.getUTCDate())],
  ['HH', (d) => pad(d.getUTCHours(), 2)],
  ['H', (d) => String(d.getUTCHours())],
  ['mm', (d) => pad(d.getUTCMinutes(), 2)],
  ['m', (d) => String(d.getUTCMinutes())],
  ['ss', (d) => pad(d.getUTCSeconds(), 2)],
  ['s', (d) => String(d.getUTCSeconds())],
  // A UTC DateTime: K is "Z", zzz "+00:00".
  ['K', () => 'Z'],
  ['zzz', () => '+00:00'],
];

export function timeFormatter(format: string | undefined): TimeFormatter {
  if (format === undefined) return (ms) => new Date(ms).toISOString();
  if (format === 'UnixTimestamp') return (ms) => String(Math.floor(ms / 1000));
  if (format === 'UnixTimestampInMills') return (ms) => String(Math.floor(ms));
  const parts: ((d: Date) => string)[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === "'" || c === '"') {
      const close = format.indexOf(c, i + 1);
      if (close < 0) throw new TimeFormatError(`unclosed ${c} literal`, i);
      const literal = format.slice(i + 1, close);
      parts.push(() => literal);
      i = close + 1;
      continue;
    }
    if (c === '\\') {
      const literal = format[i + 1] ?? '';
      parts.push(() => literal);
      i += 2;
      continue;
    }
    if (c === 'f' || c === 'F') {
      let n = 1;
      while (format[i + n] === c) n++;
      if (n > 7) throw new TimeFormatError(`'${c.repeat(n)}' has more than 7 fraction digits`, i);
      // Milliseconds are all a JavaScript time holds: digits past the third are zeros.
      parts.push((d) => {
        const digits = pad(d.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, n);
        return c === 'F' ? digits.replace(/0+$/, '') : digits;
      });
      i += n;
      continue;
    }
    const known = specifiers.find(([spec]) => format.startsWith(spec, i));
    if (known) {
      let run = 1;
      while (format[i + run] === c) run++;
      if (run !== known[0].length)
        throw new TimeFormatError(`'${c.repeat(run)}' is not a supported .NET format specifier`, i);
      parts.push(known[1]);
      i += run;
      continue;
    }
    if (/[a-zA-Z]/.test(c) && 'dfFghHKmMstyz'.includes(c))
      throw new TimeFormatError(
        `'${c}' is a .NET format specifier sentinel-kit cannot reproduce exactly (culture-dependent or 12-hour)`,
        i,
      );
    // Any other character (T, Z, -, :, space) is copied as it is, as .NET does.
    parts.push(() => c);
    i += 1;
  }
  return (ms) => {
    const date = new Date(ms);
    return parts.map((part) => part(date)).join('');
  };
}
