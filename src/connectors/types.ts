import type { StreamRow } from '../ingest/batches.js';

/** A page of raw vendor records and the cursor that resumes the source right after them. */
export interface SourcePage<Raw, Cursor> {
  records: Raw[];
  cursor: Cursor;
}

/**
 * A pull connector: where to resume, how to page through the vendor API, and how one vendor record
 * becomes one row of the DCR stream declaration (the DCR's transformKql then shapes the table row).
 */
export interface Connector<Raw = unknown, Cursor = unknown> {
  /** Partition key of the checkpoint table and the name in logs. */
  name: string;
  /** Row key of the checkpoint: one cursor per source instance (Okta org, GitHub org, feed). */
  checkpointKey: string;
  /** `Custom-<Table>` as declared in the connector's dcr.yaml. */
  streamName: string;
  /** Where a first run starts. */
  initialCursor(): Cursor;
  /** Validates a cursor read back from storage; throws on a cursor this connector never wrote. */
  parseCursor(stored: unknown): Cursor;
  pages(from: Cursor, signal: AbortSignal): AsyncIterable<SourcePage<Raw, Cursor>>;
  /** Throws on a record that cannot be mapped; the runner dead-letters it and goes on. */
  map(raw: Raw): StreamRow;
  /** A stable id (vendor event id) for dead letters and duplicate counting; never secret. */
  recordId(raw: Raw): string;
}

export interface ConnectorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
