import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy, PipelineRequest, TlsSettings } from '@azure/core-rest-pipeline';
import { isAggregateLogsUploadError, LogsIngestionClient } from '@azure/monitor-ingestion';
import type { StreamRow } from './batches.js';
import { retryAfterMs } from './retryAfter.js';

/** Where connectors send rows: the Azure Logs Ingestion API, or the local workspace in `npm start`. */
export interface LogsSink {
  /** Resolves once the service accepted every row; rejects otherwise (some rows may have been accepted). */
  upload(streamName: string, rows: StreamRow[], signal?: AbortSignal): Promise<void>;
}

/** One HTTP attempt that did not succeed; the SDK retries it unless retries are exhausted. */
export interface FailedAttempt {
  attempt: number;
  status?: number;
  retryAfterMs?: number;
  error?: string;
}

export interface AzureLogsSinkOptions {
  /** Data collection endpoint (or the DCR's own logs ingestion endpoint), https://... */
  endpoint: string;
  /** The DCR's immutable id, `dcr-...`. */
  ruleId: string;
  credential: TokenCredential;
  /** Retries per request after the first attempt (429, 408, 5xx, connection errors). */
  maxRetries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A longer Retry-After fails the upload instead of sleeping; the next timer run resumes from the checkpoint. */
  maxRetryAfterMs?: number;
  onFailedAttempt?: (attempt: FailedAttempt) => void;
  /** Extra trust anchors, e.g. the self-signed certificate of a loopback endpoint in benchmarks. */
  tlsOptions?: TlsSettings;
}

export class IngestionError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'IngestionError';
    this.status = status;
  }
}

class RetryAfterTooLongError extends Error {
  readonly status: number;
  constructor(status: number, waitMs: number, limitMs: number) {
    super(`service asked to retry after ${waitMs} ms, more than the ${limitMs} ms allowed per run`);
    this.status = status;
  }
}

/** Sees every attempt (it runs after the SDK's retry policy) so retries are logged and bounded. */
function attemptObserver(
  maxRetryAfterMs: number,
  onFailedAttempt: ((a: FailedAttempt) => void) | undefined,
): PipelinePolicy {
  const attempts = new WeakMap<PipelineRequest, number>();
  return {
    name: 'sentinelKitAttemptObserver',
    async sendRequest(request, next) {
      const attempt = (attempts.get(request) ?? 0) + 1;
      attempts.set(request, attempt);
      let response: Awaited<ReturnType<typeof next>>;
      try {
        response = await next(request);
      } catch (e) {
        onFailedAttempt?.({ attempt, error: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      if (response.status >= 400) {
        const wait = retryAfterMs(response.headers);
        onFailedAttempt?.({ attempt, status: response.status, retryAfterMs: wait });
        if (wait !== undefined && wait > maxRetryAfterMs) {
          throw new RetryAfterTooLongError(response.status, wait, maxRetryAfterMs);
        }
      }
      return response;
    },
  };
}

function describeFailure(e: unknown): IngestionError {
  if (isAggregateLogsUploadError(e)) {
    const cause = e.errors[0]?.cause as (Error & { statusCode?: number; status?: number }) | undefined;
    const status = cause?.statusCode ?? cause?.status;
    return new IngestionError(
      `Logs Ingestion upload failed${status ? ` with HTTP ${status}` : ''}: ${cause?.message ?? 'unknown error'}`,
      status,
    );
  }
  if (e instanceof Error) return new IngestionError(`Logs Ingestion upload failed: ${e.message}`);
  return new IngestionError(`Logs Ingestion upload failed: ${String(e)}`);
}

export function createAzureLogsSink(options: AzureLogsSinkOptions): LogsSink {
  const client = new LogsIngestionClient(options.endpoint, options.credential, {
    retryOptions: {
      maxRetries: options.maxRetries ?? 5,
      retryDelayInMs: options.retryDelayMs ?? 1000,
      maxRetryDelayInMs: options.maxRetryDelayMs ?? 30_000,
    },
    additionalPolicies: [
      {
        policy: attemptObserver(options.maxRetryAfterMs ?? 60_000, options.onFailedAttempt),
        position: 'perRetry',
      },
    ],
    tlsOptions: options.tlsOptions,
  });
  return {
    async upload(streamName, rows, signal) {
      if (rows.length === 0) return;
      try {
        // Callers pass batches already split by splitIntoBatches, so the SDK sends exactly one request.
        await client.upload(options.ruleId, streamName, rows, { abortSignal: signal, maxConcurrency: 1 });
      } catch (e) {
        throw describeFailure(e);
      }
    },
  };
}
