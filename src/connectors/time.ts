/** ISO 8601 UTC for a vendor timestamp, or throws: a row without a valid time cannot land in TimeGenerated. */
export function isoTime(value: unknown, field: string): string {
  const ms =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value !== ''
        ? Date.parse(value)
        : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`${field} is not a valid timestamp: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${field} is missing or not a string`);
  return value;
}
