import {
  type Batch,
  MAX_FIELD_BYTES,
  MAX_UPLOAD_BYTES,
  oversizeField,
  type StreamRow,
  splitIntoBatches,
} from '../ingest/batches.js';
import type { LogsSink } from '../ingest/logsIngestion.js';
import type { CheckpointStore } from './checkpoints.js';
import type { DeadLetter, DeadLetterSink } from './deadLetters.js';
import type { Connector, ConnectorLogger, SourcePage } from './types.js';

export interface RunDependencies {
  checkpoints: CheckpointStore;
  sink: LogsSink;
  deadLetters: DeadLetterSink;
  log: ConnectorLogger;
  /** The run's time budget: aborting stops at the next safe point, keeping every committed page. */
  signal?: AbortSignal;
  /** Uploads in flight per page. */
  concurrency?: number;
  maxBatchBytes?: number;
}

export interface RunResult {
  connector: string;
  /** Pages whose rows were accepted and whose cursor was committed. */
  pages: number;
  records: number;
  sent: number;
  deadLettered: number;
  /** `stopped`: the budget ran out; `failed`: an error; both resume from the last committed page. */
  outcome: 'completed' | 'stopped' | 'failed';
  error?: string;
}

/** A source page mapped and serialized into request bodies, ready to send. */
interface PreparedPage<Cursor> {
  cursor: Cursor;
  records: number;
  batches: Batch[];
  letters: DeadLetter[];
}

async function uploadAll(
  sink: LogsSink,
  streamName: string,
  batches: Batch[],
  concurrency: number,
  signal: AbortSignal,
): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < batches.length && failures.length === 0) {
      const batch = batches[next++];
      try {
        await sink.upload(streamName, batch, signal);
      } catch (e) {
        failures.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

function preparePage<Raw, Cursor>(
  connector: Connector<Raw, Cursor>,
  page: SourcePage<Raw, Cursor>,
  maxBatchBytes: number,
): PreparedPage<Cursor> {
  const letters: DeadLetter[] = [];
  const rows: StreamRow[] = [];
  const rowIds: string[] = [];
  for (const raw of page.records) {
    const recordId = safeRecordId(connector, raw);
    try {
      const row = connector.map(raw);
      // Sent, the service would cut the value without an error: the row would land damaged.
      const oversize = oversizeField(row);
      if (oversize) {
        letters.push(
          deadLetter(
            connector,
            recordId,
            'FieldTooLarge',
            `field ${oversize.field} is ${oversize.bytes} bytes; Logs Ingestion truncates values over ${MAX_FIELD_BYTES}`,
          ),
        );
        continue;
      }
      rows.push(row);
      rowIds.push(recordId);
    } catch (e) {
      letters.push(
        deadLetter(connector, recordId, 'MappingFailed', e instanceof Error ? e.message : String(e)),
      );
    }
  }
  const { batches, oversize } = splitIntoBatches(rows, maxBatchBytes);
  for (const { index, bytes } of oversize) {
    letters.push(
      deadLetter(connector, rowIds[index], 'RecordTooLarge', `${bytes} bytes exceeds the per-call limit`),
    );
  }
  return { cursor: page.cursor, records: page.records.length, batches, letters };
}

/** Maps and serializes each page as it arrives. */
async function* preparedPages<Raw, Cursor>(
  connector: Connector<Raw, Cursor>,
  source: AsyncIterable<SourcePage<Raw, Cursor>>,
  maxBatchBytes: number,
): AsyncGenerator<PreparedPage<Cursor>> {
  for await (const page of source) yield preparePage(connector, page, maxBatchBytes);
}

function safeRecordId<Raw>(connector: Connector<Raw, unknown>, raw: Raw): string {
  try {
    return connector.recordId(raw) || '<no id>';
  } catch {
    return '<no id>';
  }
}

function deadLetter<Raw>(
  connector: Connector<Raw, unknown>,
  recordId: string,
  reason: DeadLetter['reason'],
  detail: string,
): DeadLetter {
  return { connector: connector.name, checkpointKey: connector.checkpointKey, recordId, reason, detail };
}

/**
 * Yields the items of `source` in order while up to `depth` next ones are already being produced, so
 * they overlap whatever the consumer does with the current one. Works through an async generator,
 * which queues `next()` calls and runs them one after another, whatever `source` itself allows.
 */
async function* readAhead<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  const items = (async function* () {
    yield* source;
  })();
  const pending: Promise<IteratorResult<T>>[] = [];
  const request = () => {
    const next = items.next();
    // Marked handled at once: a failure surfaces when its turn comes, after the items before it.
    next.catch(() => undefined);
    pending.push(next);
  };
  try {
    for (let i = 0; i < depth; i++) request();
    while (pending.length > 0) {
      const result = await (pending.shift() as Promise<IteratorResult<T>>);
      if (result.done) return;
      request();
      yield result.value;
    }
  } finally {
    await Promise.allSettled(pending);
    await items.return(undefined);
  }
}

/**
 * Pages through the source from the last committed cursor and sends each page before committing the
 * cursor after it: a crash between the two resends that page (at-least-once), never skips it.
 */
export async function runConnector<Raw, Cursor>(
  connector: Connector<Raw, Cursor>,
  deps: RunDependencies,
): Promise<RunResult> {
  const signal = deps.signal ?? new AbortController().signal;
  const result: RunResult = {
    connector: connector.name,
    pages: 0,
    records: 0,
    sent: 0,
    deadLettered: 0,
    outcome: 'completed',
  };
  const label = `${connector.name}/${connector.checkpointKey}`;
  try {
    let checkpoint = await deps.checkpoints.load(connector.name, connector.checkpointKey);
    const from = checkpoint ? connector.parseCursor(checkpoint.cursor) : connector.initialCursor();
    // Two overlapping stages ahead of the upload: the vendor request for the next page goes out while
    // this one is mapped and serialized (cursor paging needs each response before the next request),
    // and the next page is prepared while this one uploads.
    const raw = readAhead(connector.pages(from, signal), 1);
    const prepared = preparedPages(connector, raw, deps.maxBatchBytes ?? MAX_UPLOAD_BYTES);
    for await (const page of readAhead(prepared, 1)) {
      // The next page is uploaded only after this one is committed: a crash resends at most one page.
      await uploadAll(deps.sink, connector.streamName, page.batches, deps.concurrency ?? 4, signal);
      // Recorded before the checkpoint moves, so a skipped record is never silently gone.
      await deps.deadLetters.add(page.letters);
      for (const letter of page.letters) {
        deps.log.warn(
          `${connector.name}: dead-lettered record ${letter.recordId}: ${letter.reason} (${letter.detail})`,
        );
      }
      checkpoint = await deps.checkpoints.commit(
        connector.name,
        connector.checkpointKey,
        page.cursor,
        checkpoint,
      );
      result.pages += 1;
      result.records += page.records;
      result.sent += page.batches.reduce((n, b) => n + b.rows, 0);
      result.deadLettered += page.letters.length;
      if (signal.aborted) {
        result.outcome = 'stopped';
        break;
      }
    }
  } catch (e) {
    result.outcome = signal.aborted ? 'stopped' : 'failed';
    result.error = e instanceof Error ? e.message : String(e);
  }
  const summary = `${label}: ${result.outcome}; ${result.pages} pages, ${result.records} records, ${result.sent} sent, ${result.deadLettered} dead-lettered`;
  if (result.outcome === 'failed')
    deps.log.error(`${summary}; resumes from the last committed page: ${result.error}`);
  else deps.log.info(result.outcome === 'stopped' ? `${summary}; time budget reached` : summary);
  return result;
}
