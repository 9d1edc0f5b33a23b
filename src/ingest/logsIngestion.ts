import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { TokenCredential } from '@azure/core-auth';
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type TlsSettings,
} from '@azure/core-rest-pipeline';
import { KnownMonitorAudience, LogsIngestionClient } from '@azure/monitor-ingestion';
import { type Batch, MAX_UPLOAD_BYTES } from './batches.js';
import { retryAfterMs } from './retryAfter.js';

/** Where connectors send rows: the Azure Logs Ingestion API, or the local workspace in `npm start`. */
export interface LogsSink {
  /**
   * Sends one batch made by splitIntoBatches. Resolves once the service accepted every row; rejects
   * otherwise (some rows may have been accepted).
   */
  upload(streamName: string, batch: Batch, signal?: AbortSignal): Promise<void>;
}

/** The documented version of POST {endpoint}/dataCollectionRules/{ruleId}/streams/{stream}. */
export const LOGS_INGESTION_API_VERSION = '2023-01-01';

const gzipAsync = promisify(gzip);
/** Name of the policy `LogsIngestionClient` adds to compress request bodies (@azure/monitor-ingestion 1.x). */
const SDK_GZIP_POLICY = 'GzippingPolicy';
/**
 * zlib hands compressed output back in chunks of this size, each a round trip between the thread
 * pool and the main thread. The default 16 KB makes a 1 MB JSON body (60-150 KB gzipped) wait ~5
 * times behind whatever the main thread is doing (mapping the next page); 256 KB makes it one job.
 */
const GZIP_CHUNK_BYTES = 256 * 1024;
/**
 * Fastest deflate level. On the bench's Okta rows level 1 compresses ~620 MB/s to 1/9 of the JSON,
 * the SDK's default (6) ~310 MB/s to 1/11: at 50k events/s (84 MB/s of JSON) 0.14 of a core instead
 * of 0.27, for 2 MB/s more on the wire. The service bills ingested data, not wire bytes, and a
 * Function's CPU is the scarcer resource (on a 1-core plan gzip competes with the connector's thread).
 */
const GZIP_LEVEL = 1;

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
  /** Per attempt: an endpoint that never answers must not hold the run until its budget ends. Default 60 s. */
  timeoutMs?: number;
  onFailedAttempt?: (attempt: FailedAttempt) => void;
  /** Extra trust anchors, e.g. the self-signed certificate of a loopback endpoint in benchmarks. */
  tlsOptions?: TlsSettings;
  /** Token audience; default from the endpoint's cloud (see `ingestionAudience`). */
  audience?: string;
}

/**
 * The Logs Ingestion token audience of a data collection endpoint: `https://monitor.azure.com` in the public
 * cloud, `.us` and `.cn` in the sovereign clouds (the SDK's KnownMonitorAudience). The SDK's default is the
 * public one whatever the endpoint, which a sovereign cloud's Entra ID refuses.
 */
export function ingestionAudience(endpoint: string): string {
  const host = new URL(endpoint).hostname.toLowerCase();
  if (host.endsWith('.monitor.azure.us')) return KnownMonitorAudience.AzureGovernment;
  if (host.endsWith('.monitor.azure.cn')) return KnownMonitorAudience.AzureChina;
  return KnownMonitorAudience.AzurePublicCloud;
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

/**
 * A try that got no HTTP answer and that the SDK's retry policy does not retry: it retries only errors with
 * a system code (ECONNRESET, ETIMEDOUT, ... in @typespec/ts-http-runtime's exponentialRetryStrategy), not its
 * own per-request timeout nor a connection dropped without a code. The rows may or may not be stored (a lost
 * response), so resending is the at-least-once choice; the checkpoint has not moved either way.
 */
function unretriedTransportError(e: unknown): boolean {
  const error = e as { statusCode?: number; status?: number; code?: string } | undefined;
  if (error?.statusCode !== undefined || error?.status !== undefined) return false;
  return !['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOTFOUND'].includes(
    error?.code ?? '',
  );
}

function describeFailure(e: unknown): IngestionError {
  if (e instanceof IngestionError) return e;
  const error = e as (Error & { statusCode?: number; status?: number }) | undefined;
  const status = error?.statusCode ?? error?.status;
  return new IngestionError(
    `Logs Ingestion upload failed${status ? ` with HTTP ${status}` : ''}: ${error instanceof Error ? error.message : String(e)}`,
    status,
  );
}

/** The service's `{ error: { code, message } }`, or the status alone. */
function rejection(response: PipelineResponse): IngestionError {
  let detail = `unexpected status code ${response.status}`;
  try {
    const error = JSON.parse(response.bodyAsText ?? '')?.error;
    if (error?.message || error?.code) detail = [error.code, error.message].filter(Boolean).join(': ');
  } catch {
    // not JSON: keep the status alone
  }
  return new IngestionError(
    `Logs Ingestion upload failed with HTTP ${response.status}: ${detail}`,
    response.status,
  );
}

/**
 * Sends through the SDK client's own pipeline (Entra bearer token for monitor.azure.com, retries on
 * 408/429/5xx honoring Retry-After, user agent, TLS options) but not through
 * `LogsIngestionClient.upload`, and compresses the body itself. Both found by profiling
 * scripts/bench-connectors.ts:
 * - `upload` JSON-stringifies every row to size its 1 MB chunks and then the whole chunk again for
 *   the body, on top of splitIntoBatches, which must serialize to keep each body within the limit
 *   anyway: 18% of the connector thread's time. Here the body splitIntoBatches encoded is sent as is.
 * - the SDK's gzip policy uses zlib's default 16 KB output chunks (see GZIP_CHUNK_BYTES): uploads
 *   took longer than preparing the next page, and the main thread sat idle a fifth of the time;
 *   and its default level spends twice the CPU of level 1 for a little less on the wire (GZIP_LEVEL).
 * Like the SDK's policy, compression happens once, before the retry policy, so retries resend it.
 */
export function createAzureLogsSink(options: AzureLogsSinkOptions): LogsSink {
  const client = new LogsIngestionClient(options.endpoint, options.credential, {
    audience: options.audience ?? ingestionAudience(options.endpoint),
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
  // Fail loudly rather than compress twice should a future SDK rename its policy.
  if (client.pipeline.removePolicy({ name: SDK_GZIP_POLICY }).length !== 1) {
    throw new Error(`@azure/monitor-ingestion no longer has a '${SDK_GZIP_POLICY}' policy to replace`);
  }
  const httpClient = createDefaultHttpClient();
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const ruleId = encodeURIComponent(options.ruleId);
  return {
    async upload(streamName, batch, signal) {
      if (batch.rows === 0) return;
      if (batch.body.length > MAX_UPLOAD_BYTES) {
        throw new IngestionError(
          `a batch of ${batch.body.length} bytes exceeds the ${MAX_UPLOAD_BYTES}-byte Logs Ingestion limit`,
          413,
        );
      }
      const body = await gzipAsync(batch.body, { chunkSize: GZIP_CHUNK_BYTES, level: GZIP_LEVEL });
      const maxRetries = options.maxRetries ?? 5;
      let response: PipelineResponse;
      for (let retry = 0; ; retry++) {
        // A new request per try: the SDK's retries reuse one, whose timeout already fired.
        const request = createPipelineRequest({
          url: `${endpoint}/dataCollectionRules/${ruleId}/streams/${encodeURIComponent(streamName)}?api-version=${LOGS_INGESTION_API_VERSION}`,
          method: 'POST',
          headers: createHttpHeaders({
            'Content-Type': 'application/json',
            'Content-Encoding': 'gzip',
            Accept: 'application/json',
          }),
          body,
          abortSignal: signal,
          timeout: options.timeoutMs ?? 60_000,
        });
        try {
          response = await client.pipeline.sendRequest(httpClient, request);
          break;
        } catch (e) {
          if (signal?.aborted || retry >= maxRetries || !unretriedTransportError(e)) throw describeFailure(e);
          await sleep(
            Math.min(options.maxRetryDelayMs ?? 30_000, (options.retryDelayMs ?? 1000) * 2 ** retry),
            undefined,
            {
              signal,
            },
          ).catch(() => undefined);
        }
      }
      if (response.status !== 204) throw rejection(response);
    },
  };
}
