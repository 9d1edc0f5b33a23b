/**
 * The Logs Ingestion API accepts at most 1 MB per call, compressed or not
 * (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api).
 * The SDK splits at 1,000,000 bytes but ignores the array's brackets and commas and still sends a single
 * record above the limit (the service answers 413), so we split first with the exact body size.
 */
export const MAX_UPLOAD_BYTES = 1_000_000;

export type StreamRow = Record<string, unknown>;

/**
 * A JSON array request body, serialized once here (measuring needs it anyway) and sent as is. It keeps
 * no reference to the row objects, so a parsed vendor page is garbage as soon as it is serialized.
 */
export interface Batch {
  body: string;
  /** UTF-8 length of `body`. */
  bytes: number;
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

/** Groups rows, in order, into JSON array bodies of at most `maxBytes` UTF-8 bytes. */
export function splitIntoBatches(rows: readonly StreamRow[], maxBytes = MAX_UPLOAD_BYTES): SplitResult {
  const batches: Batch[] = [];
  const oversize: OversizeRow[] = [];
  let parts: string[] = [];
  let currentBytes = 2; // "[" and "]"
  const close = () => {
    batches.push({ body: `[${parts.join(',')}]`, bytes: currentBytes, rows: parts.length });
    parts = [];
    currentBytes = 2;
  };
  for (let index = 0; index < rows.length; index++) {
    const json = JSON.stringify(rows[index]);
    const bytes = Buffer.byteLength(json);
    if (bytes + 2 > maxBytes) {
      oversize.push({ index, bytes });
      continue;
    }
    if (parts.length > 0 && currentBytes + 1 + bytes > maxBytes) close();
    currentBytes += (parts.length > 0 ? 1 : 0) + bytes;
    parts.push(json);
  }
  if (parts.length > 0) close();
  return { batches, oversize };
}
