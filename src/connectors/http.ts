import { setTimeout as sleep } from 'node:timers/promises';
import { retryAfterMs } from '../ingest/retryAfter.js';

export interface SourceHttpOptions {
  /** Per attempt; a vendor that hangs must not eat the Function's whole 10-minute budget. */
  timeoutMs?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** First exponential backoff step when the vendor gives no Retry-After. */
  baseDelayMs?: number;
  /** Longest single wait accepted; a longer rate-limit window fails the run, the next run resumes. */
  maxDelayMs?: number;
  /**
   * Wait after a rate-limit answer that says neither Retry-After nor when the window resets. Default:
   * the exponential backoff. GitHub asks for at least a minute (see githubAudit.ts).
   */
  rateLimitWaitMs?: number;
  onRetry?: (info: { url: string; attempt: number; status?: number; waitMs: number; reason: string }) => void;
}

export class SourceError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'SourceError';
    this.status = status;
  }
}

export interface JsonResponse {
  body: unknown;
  headers: Headers;
}

interface Attempt {
  retryable: boolean;
  waitMs?: number;
  reason: string;
  status?: number;
}

/** Where a URL points without its query string, which may carry cursors but is noise in messages. */
function where(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** Okta sends X-Rate-Limit-Reset, GitHub x-ratelimit-reset: the epoch second the window reopens. */
function resetWaitMs(headers: Headers, now: number): number | undefined {
  const reset = Number(headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : undefined;
}

/**
 * A rate-limit answer: 429, or a 403 that says so. GitHub answers an exhausted primary limit with 403 and
 * `x-ratelimit-remaining: 0`, and a secondary limit with 403 or 429, `retry-after` when it knows how long,
 * and "You have exceeded a secondary rate limit" in the message ("Rate limits for the REST API",
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
 */
function isRateLimited(status: number, headers: Headers, body: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    headers.get('x-ratelimit-remaining') === '0' ||
    headers.has('retry-after') ||
    /secondary rate limit/i.test(body)
  );
}

function classify(response: Response, body: string, options: SourceHttpOptions): Attempt {
  const status = response.status;
  const rateLimited = isRateLimited(status, response.headers, body);
  if (rateLimited || status === 408 || (status >= 500 && status !== 501 && status !== 505)) {
    const now = Date.now();
    const waitMs =
      retryAfterMs(response.headers, now) ??
      (rateLimited ? (resetWaitMs(response.headers, now) ?? options.rateLimitWaitMs) : undefined);
    return { retryable: true, waitMs, reason: `HTTP ${status}`, status };
  }
  return { retryable: false, reason: `HTTP ${status}`, status };
}

function errorSummary(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text ? `: ${text.slice(0, 200)}` : '';
}

/**
 * Fetches JSON from a vendor API with a timeout per attempt and bounded retries on 429, 408, 5xx,
 * timeouts and connection errors, honoring Retry-After and rate-limit reset headers.
 * Request headers (which carry the vendor secret) never appear in errors or callbacks.
 */
export async function fetchJson(
  url: string,
  init: RequestInit,
  options: SourceHttpOptions,
  signal: AbortSignal,
): Promise<JsonResponse> {
  const maxAttempts = options.maxAttempts ?? 5;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    let outcome: Attempt;
    try {
      const response = await fetch(url, {
        ...init,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      if (response.ok) {
        const text = await response.text();
        try {
          return { body: text === '' ? null : JSON.parse(text), headers: response.headers };
        } catch {
          throw new SourceError(
            `${where(url)} returned HTTP ${response.status} with a body that is not valid JSON`,
          );
        }
      }
      // Read whole (which also returns the connection to the pool for the retry): a 403 says in its
      // message whether it is a rate limit.
      const body = await response.text().catch(() => '');
      outcome = classify(response, body, options);
      if (!outcome.retryable || attempt >= maxAttempts) {
        throw new SourceError(
          `${where(url)} failed with ${outcome.reason} after ${attempt} attempt(s)${errorSummary(body)}`,
          outcome.status,
        );
      }
    } catch (e) {
      if (e instanceof SourceError || signal.aborted) throw e;
      const reason =
        e instanceof Error && e.name === 'TimeoutError'
          ? `no response within ${timeoutMs} ms`
          : `connection error: ${e instanceof Error ? e.message : String(e)}`;
      if (attempt >= maxAttempts)
        throw new SourceError(`${where(url)} failed: ${reason} after ${attempt} attempt(s)`);
      outcome = { retryable: true, reason };
    }
    const waitMs = Math.round(
      outcome.waitMs ?? Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)),
    );
    if (waitMs > maxDelayMs) {
      throw new SourceError(
        `${where(url)} is rate limited for ${Math.ceil(waitMs / 1000)} s, longer than the ${maxDelayMs} ms this run may wait`,
        outcome.status,
      );
    }
    options.onRetry?.({ url: where(url), attempt, status: outcome.status, waitMs, reason: outcome.reason });
    await sleep(waitMs, undefined, { signal });
  }
}

/** The URL of an RFC 8288 Link header entry with rel="next", as Okta and GitHub send for cursor paging. */
export function nextLink(linkHeader: string | null): string | undefined {
  if (!linkHeader) return undefined;
  for (const part of linkHeader.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /\brel\s*=\s*"?next"?/.test(match[2])) return match[1];
  }
  return undefined;
}

/**
 * The next-page URL, refused unless it stays on the vendor's origin: the request carries the vendor
 * secret, which must never follow a link to another host.
 */
export function sameOriginNextLink(headers: Headers, base: string): string | undefined {
  const next = nextLink(headers.get('link'));
  if (next === undefined) return undefined;
  if (new URL(next, base).origin !== new URL(base).origin) {
    throw new SourceError(`refusing a next-page link to another origin than ${new URL(base).origin}`);
  }
  return new URL(next, base).toString();
}

/**
 * One page of a Link-paged vendor log API (Okta System Log, GitHub audit log): the body must be a
 * JSON array of events; `what` names the endpoint in the error, never the URL's query or a token.
 */
export async function fetchEventPage<T>(
  url: string,
  init: RequestInit,
  options: SourceHttpOptions,
  signal: AbortSignal,
  what: string,
): Promise<{ events: T[]; headers: JsonResponse['headers'] }> {
  const { body, headers } = await fetchJson(url, init, options, signal);
  if (!Array.isArray(body)) throw new SourceError(`${what} did not return an array of events`);
  return { events: body as T[], headers };
}
