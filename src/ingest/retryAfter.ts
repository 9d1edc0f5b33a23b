interface HeaderBag {
  get(name: string): string | null | undefined;
}

/**
 * Milliseconds a server asked us to wait, from `retry-after-ms` / `x-ms-retry-after-ms` (Azure) or
 * `Retry-After` (RFC 9110: delta-seconds or an HTTP-date). Undefined when absent or unparsable.
 */
export function retryAfterMs(headers: HeaderBag, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(headers.get(name) ?? Number.NaN);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
