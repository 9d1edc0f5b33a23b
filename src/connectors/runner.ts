import { type Batch, MAX_UPLOAD_BYTES, type StreamRow, splitIntoBatches } from '../ingest/batches.js';
import type { LogsSink } from '../ingest/logsIngestion.js';
import type { CheckpointStore } from './checkpoints.js';
import type { DeadLetter, DeadLetterSink } from './deadLetters.js';
import type { Connector, ConnectorLogger } from './types.js';

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

interface PageDelivery {
  sent: number;
  deadLettered: number;
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

async function deliverPage<Raw>(
  connector: Connector<Raw, unknown>,
  records: Raw[],
  deps: RunDependencies,
  signal: AbortSignal,
): Promise<PageDelivery> {
  const letters: DeadLetter[] = [];
  const rows: StreamRow[] = [];
  const rowIds: string[] = [];
  for (const raw of records) {
    const recordId = safeRecordId(connector, raw);
    try {
      rows.push(connector.map(raw));
      rowIds.push(recordId);
    } catch (e) {
      letters.push(
        deadLetter(connector, recordId, 'MappingFailed', e instanceof Error ? e.message : String(e)),
      );
    }
  }
  const { batches, oversize } = splitIntoBatches(rows, deps.maxBatchBytes ?? MAX_UPLOAD_BYTES);
  for (const { index, bytes } of oversize) {
    letters.push(
      deadLetter(connector, rowIds[index], 'RecordTooLarge', `${bytes} bytes exceeds the per-call limit`),
    );
  }
  await uploadAll(deps.sink, connector.streamName, batches, deps.concurrency ?? 4, signal);
  // Recorded before the checkpoint moves, so a skipped record is never silently gone.
  await deps.deadLetters.add(letters);
  for (const letter of letters) {
    deps.log.warn(
      `${connector.name}: dead-lettered record ${letter.recordId}: ${letter.reason} (${letter.detail})`,
    );
  }
  return { sent: rows.length - oversize.length, deadLettered: letters.length };
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
 * Yields the pages of `source` while already fetching the next one, so the vendor round trip overlaps
 * the upload of the current page. A prefetched page is only ever delivered after the current one.
 */
async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    while (true) {
      // Marked handled now: a failing prefetch surfaces when it is awaited, after the current page.
      next.catch(() => undefined);
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      yield result.value;
    }
  } finally {
    await next.then(
      () => iterator.return?.(),
      () => undefined,
    );
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
    for await (const page of prefetched(connector.pages(from, signal))) {
      const delivered = await deliverPage(connector as Connector<Raw, unknown>, page.records, deps, signal);
      checkpoint = await deps.checkpoints.commit(
        connector.name,
        connector.checkpointKey,
        page.cursor,
        checkpoint,
      );
      result.pages += 1;
      result.records += page.records.length;
      result.sent += delivered.sent;
      result.deadLettered += delivered.deadLettered;
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
