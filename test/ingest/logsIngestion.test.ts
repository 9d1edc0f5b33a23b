import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { splitIntoBatches } from '../../src/ingest/batches.js';
import { createAzureLogsSink, type FailedAttempt, IngestionError } from '../../src/ingest/logsIngestion.js';
import { DCE, DCR_ID, MockLogsIngestion, onUnhandledRequest, staticCredential } from './mockLogsIngestion.js';

const ingestion = new MockLogsIngestion();
const server = setupServer(ingestion.handler());
beforeAll(() => server.listen({ onUnhandledRequest }));
afterEach(() => ingestion.reset());
afterAll(() => server.close());

function sink(attempts: FailedAttempt[] = [], maxRetries = 3) {
  return createAzureLogsSink({
    endpoint: DCE,
    ruleId: DCR_ID,
    credential: staticCredential,
    maxRetries,
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
    maxRetryAfterMs: 5_000,
    onFailedAttempt: (a) => attempts.push(a),
  });
}

const rows = [
  { published: '2026-01-10T11:52:07.314Z', uuid: 'a', actor: { id: '00u1' } },
  { published: '2026-01-10T11:53:07.314Z', uuid: 'b', actor: { id: '00u2' } },
];
const [batch] = splitIntoBatches(rows).batches;

describe('Azure Logs Ingestion sink', () => {
  it('posts the rows gzipped to the DCR stream with a bearer token and api-version 2023-01-01', async () => {
    await sink().upload('Custom-Okta', batch);
    expect(ingestion.rows('Custom-Okta')).toEqual(rows);
    expect(ingestion.requests).toEqual([
      {
        stream: 'Custom-Okta',
        status: 204,
        bytes: expect.any(Number),
        rows: 2,
        contentType: 'application/json',
        contentEncoding: 'gzip',
        // sent through the SDK client's pipeline, not a hand-made HTTP call
        userAgent: expect.stringContaining('azsdk-js-monitor-ingestion/'),
      },
    ]);
    // gzip: the wire size is not the JSON size
    expect(ingestion.requests[0].bytes).not.toBe(Buffer.byteLength(JSON.stringify(rows)));
  });

  it('waits out a 429 Retry-After, reports the attempt, and delivers once', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext({ status: 429, headers: { 'Retry-After': '1' } });
    const started = Date.now();
    await sink(attempts).upload('Custom-Okta', batch);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(attempts).toEqual([{ attempt: 1, status: 429, retryAfterMs: 1000 }]);
    expect(ingestion.rows('Custom-Okta')).toEqual(rows);
  });

  it('retries 5xx with backoff and succeeds', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext({ status: 500 }, { status: 503 });
    await sink(attempts).upload('Custom-Okta', batch);
    expect(attempts.map((a) => a.status)).toEqual([500, 503]);
    expect(ingestion.rows('Custom-Okta')).toHaveLength(2);
  });

  it('gives up after the configured retries with a typed error carrying the status', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext(...Array.from({ length: 10 }, () => ({ status: 500 })));
    const error = await sink(attempts, 2)
      .upload('Custom-Okta', batch)
      .catch((e) => e);
    expect(error).toBeInstanceOf(IngestionError);
    expect(error.status).toBe(500);
    expect(attempts).toHaveLength(3);
    expect(ingestion.rows('Custom-Okta')).toEqual([]);
  });

  it('fails fast when Retry-After exceeds what one run may wait', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext({ status: 429, headers: { 'Retry-After': '3600' } });
    // No wall-clock bound: a client that slept for the hour would not finish within the test's
    // timeout, and the single attempt shows it did not retry after waiting.
    const error = await sink(attempts)
      .upload('Custom-Okta', batch)
      .catch((e) => e);
    expect(error).toBeInstanceOf(IngestionError);
    expect(error.message).toMatch(/retry after 3600000 ms/);
    expect(attempts).toHaveLength(1);
  });

  it('does not retry a 413 and surfaces it', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext({ status: 413 });
    const error = await sink(attempts)
      .upload('Custom-Okta', batch)
      .catch((e) => e);
    expect(error.status).toBe(413);
    expect(attempts).toHaveLength(1);
  });

  it('refuses a batch above the 1 MB limit without calling the service', async () => {
    const big = { body: Buffer.from(`["${'x'.repeat(999_997)}"]`), rows: 1 };
    const error = await sink()
      .upload('Custom-Okta', big)
      .catch((e) => e);
    expect(error).toBeInstanceOf(IngestionError);
    expect(error.status).toBe(413);
    expect(ingestion.requests).toEqual([]);
  });

  it('stops when the run is aborted', async () => {
    ingestion.failNext({ status: 429, headers: { 'Retry-After': '4' } });
    const error = await sink()
      .upload('Custom-Okta', batch, AbortSignal.timeout(200))
      .catch((e) => e);
    expect(error).toBeInstanceOf(IngestionError);
    expect(ingestion.rows('Custom-Okta')).toEqual([]);
  });
});

describe('Azure Logs Ingestion sink: connection faults', () => {
  it('FAULT: a connection reset is retried and delivers once', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext('reset');
    await sink(attempts).upload('Custom-Okta', batch);
    expect(attempts).toMatchObject([{ attempt: 1, error: expect.any(String) }]);
    expect(ingestion.rows('Custom-Okta')).toEqual(rows);
  });

  it('FAULT: an endpoint that does not answer times out and is retried', async () => {
    const attempts: FailedAttempt[] = [];
    ingestion.failNext({ hangMs: 5_000 });
    const upload = createAzureLogsSink({
      endpoint: DCE,
      ruleId: DCR_ID,
      credential: staticCredential,
      maxRetries: 2,
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      timeoutMs: 300,
      onFailedAttempt: (a) => attempts.push(a),
    }).upload('Custom-Okta', batch);
    await upload;
    expect(attempts).toHaveLength(1);
    expect(ingestion.rows('Custom-Okta')).toEqual(rows);
  });

  it('FAULT: rows stored but the response lost are sent again: at least once, never lost', async () => {
    ingestion.failNext('stored-then-reset');
    await sink().upload('Custom-Okta', batch);
    expect(ingestion.rows('Custom-Okta')).toEqual([...rows, ...rows]);
  });
});
