/**
 * The Logs Ingestion API accepts at most 1 MB per call, compressed or not
 * (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api).
 * The SDK splits at 1,000,000 bytes but ignores the array's brackets and commas and still sends a single
 * record above the limit (the service answers 413), so we split first with the exact body size.
 */
export const MAX_UPLOAD_BYTES = 1_000_000;

export type StreamRow = Record<string, unknown>;

/**
 * Logs Ingestion keeps at most 64 KB of a field's value and silently truncates the rest
 * (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api, "Maximum size of field
 * values"); a dynamic column truncated mid-JSON no longer parses. Counted in UTF-8 bytes of the value as sent.
 */
export const MAX_FIELD_BYTES = 64 * 1024;

export interface OversizeField {
  field: string;
  bytes: number;
}

/** The first field of `row` whose value Logs Ingestion would truncate, or undefined. */
export function oversizeField(row: StreamRow, maxBytes = MAX_FIELD_BYTES): OversizeField | undefined {
  for (const [field, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: the exact count is only needed near the limit.
    if (text.length * 3 <= maxBytes) continue;
    const bytes = Buffer.byteLength(text);
    if (bytes > maxBytes) return { field, bytes };
  }
  return undefined;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * The row as Logs Ingestion stores it: each field value over 64 KB cut to its first 64 KB, as the
 * service does (see MAX_FIELD_BYTES). A JSON object or array value is cut as the text it was sent as,
 * so a cut one arrives as text that no longer parses. Rows without such a field are returned as is.
 */
export function truncateOversizeFields(row: StreamRow, maxBytes = MAX_FIELD_BYTES): StreamRow {
  if (!oversizeField(row, maxBytes)) return row;
  const cut: StreamRow = {};
  for (const [field, value] of Object.entries(row)) {
    const text =
      typeof value === 'string'
        ? value
        : value !== null && typeof value === 'object'
          ? JSON.stringify(value)
          : undefined;
    cut[field] =
      text !== undefined && Buffer.byteLength(text) > maxBytes ? truncateUtf8(text, maxBytes) : value;
  }
  return cut;
}

/**
 * A JSON array request body, UTF-8 encoded once here as each row is serialized (measuring its size
 * needs that anyway) and sent as is. It keeps no reference to the row objects, so a parsed vendor page
 * is garbage as soon as it is serialized.
 */
export interface Batch {
  body: Buffer;
  rows: number;
}

export interface OversizeRow {
  index: number;
  bytes: number;
}

export interface SplitResult {
  batches: Batch[];
  oversize: OversizeRow[];
}

const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

/** Groups rows, in order, into JSON array bodies of at most `maxBytes` UTF-8 bytes. */
export function splitIntoBatches(rows: readonly StreamRow[], maxBytes = MAX_UPLOAD_BYTES): SplitResult {
  const batches: Batch[] = [];
  const oversize: OversizeRow[] = [];
  let body = Buffer.allocUnsafe(maxBytes);
  let used = 0;
  let count = 0;
  const close = () => {
    body[used++] = CLOSE;
    batches.push({ body: body.subarray(0, used), rows: count });
    body = Buffer.allocUnsafe(maxBytes);
    used = 0;
    count = 0;
  };
  for (let index = 0; index < rows.length; index++) {
    const json = JSON.stringify(rows[index]);
    // Room for the row after "[" or ",", keeping one byte for "]". UTF-8 takes at most 3 bytes per
    // UTF-16 unit, so the exact length is only needed near the limit.
    if (json.length * 3 > maxBytes - used - 2) {
      const bytes = Buffer.byteLength(json);
      if (bytes + 2 > maxBytes) {
        oversize.push({ index, bytes });
        continue;
      }
      if (count > 0 && bytes > maxBytes - used - 2) close();
    }
    body[used++] = count === 0 ? OPEN : COMMA;
    used += body.write(json, used);
    count += 1;
  }
  if (count > 0) close();
  return { batches, oversize };
}
