/**
 * The Logs Ingestion API accepts at most 1 MB per call, compressed or not
 * (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api).
 * The SDK splits at 1,000,000 bytes but ignores the array's brackets and commas and still sends a single
 * record above the limit (the service answers 413), so we split first with the exact body size.
 */
export const MAX_UPLOAD_BYTES = 1_000_000;

export type StreamRow = Record<string, unknown>;

export interface Batch {
  rows: StreamRow[];
  bytes: number;
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
  let current: StreamRow[] = [];
  let currentBytes = 2; // "[" and "]"
  rows.forEach((row, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(row));
    if (bytes + 2 > maxBytes) {
      oversize.push({ index, bytes });
      return;
    }
    const separator = current.length > 0 ? 1 : 0;
    if (currentBytes + separator + bytes > maxBytes) {
      batches.push({ rows: current, bytes: currentBytes });
      current = [];
      currentBytes = 2;
    }
    currentBytes += (current.length > 0 ? 1 : 0) + bytes;
    current.push(row);
  });
  if (current.length > 0) batches.push({ rows: current, bytes: currentBytes });
  return { batches, oversize };
}
