import { gunzipSync } from 'node:zlib';
import type { TokenCredential } from '@azure/core-auth';
import { delay, HttpResponse, http } from 'msw';

export const DCE = 'https://dce-test-a1b2.westeurope-1.ingest.monitor.azure.com';
export const DCR_ID = 'dcr-0123456789abcdef0123456789abcdef';
const TOKEN = 'entra-test-token';

/** Stands in for Entra ID: the Logs Ingestion client only needs a bearer token for https://monitor.azure.com. */
export const staticCredential: TokenCredential = {
  getToken: async (scopes) => {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    if (!list.includes('https://monitor.azure.com/.default'))
      throw new Error(`unexpected scope ${list.join(' ')}`);
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

/**
 * A scripted misbehaviour: an HTTP status, a connection reset before anything is stored, the rows stored
 * and then the connection reset before the 204 arrives (the client cannot tell it apart from a reset, so
 * its retry stores them again), or no answer for `hangMs`.
 */
export type Fault =
  | { status: number; headers?: Record<string, string> }
  | 'reset'
  | 'stored-then-reset'
  | { hangMs: number };

export interface IngestRequest {
  stream: string;
  status: number;
  bytes: number;
  rows: number;
  contentType: string | null;
  contentEncoding: string | null;
  userAgent: string | null;
}

/**
 * The Logs Ingestion endpoint as documented: POST {endpoint}/dataCollectionRules/{id}/streams/{stream}
 * ?api-version=2023-01-01, gzip JSON array, 204 on success, 413 above 1 MB, 429 with Retry-After.
 */
export class MockLogsIngestion {
  readonly accepted = new Map<string, Record<string, unknown>[]>();
  readonly requests: IngestRequest[] = [];
  private faults: Fault[] = [];
  /** Called after a request is accepted (204 about to be returned); used by fault tests. */
  onAccepted?: (stream: string, rows: Record<string, unknown>[]) => void;

  /** The next requests get these responses, in order, before normal service resumes. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
  }

  rows(stream: string): Record<string, unknown>[] {
    return this.accepted.get(stream) ?? [];
  }

  reset(): void {
    this.accepted.clear();
    this.requests.length = 0;
    this.faults = [];
    this.onAccepted = undefined;
  }

  handler() {
    return http.post(`${DCE}/dataCollectionRules/:ruleId/streams/:stream`, async ({ request, params }) => {
      const stream = String(params.stream);
      const url = new URL(request.url);
      const raw = Buffer.from(await request.arrayBuffer());
      const record = (status: number, rows = 0) => {
        this.requests.push({
          stream,
          status,
          bytes: raw.length,
          rows,
          contentType: request.headers.get('content-type'),
          contentEncoding: request.headers.get('content-encoding'),
          userAgent: request.headers.get('user-agent'),
        });
      };
      if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) {
        record(401);
        return HttpResponse.json({ error: { code: 'InvalidToken' } }, { status: 401 });
      }
      if (params.ruleId !== DCR_ID || url.searchParams.get('api-version') !== '2023-01-01') {
        record(404);
        return HttpResponse.json({ error: { code: 'NotFound' } }, { status: 404 });
      }
      const fault = this.faults.shift();
      if (fault === 'reset') {
        record(0);
        return HttpResponse.error();
      }
      if (typeof fault === 'object' && 'hangMs' in fault) {
        record(0);
        await delay(fault.hangMs);
        return HttpResponse.error();
      }
      if (typeof fault === 'object') {
        record(fault.status);
        return HttpResponse.json({ error: { code: 'Fault', message: 'injected' } }, fault);
      }
      const body = request.headers.get('content-encoding') === 'gzip' ? gunzipSync(raw) : raw;
      if (body.length > 1_048_576 || raw.length > 1_048_576) {
        record(413);
        return HttpResponse.json({ error: { code: 'ContentLengthLimitExceeded' } }, { status: 413 });
      }
      const rows = JSON.parse(body.toString('utf8')) as Record<string, unknown>[];
      record(fault === 'stored-then-reset' ? 0 : 204, rows.length);
      this.onAccepted?.(stream, rows);
      this.accepted.set(stream, [...this.rows(stream), ...rows]);
      return fault === 'stored-then-reset' ? HttpResponse.error() : new HttpResponse(null, { status: 204 });
    });
  }
}

/** msw lets loopback traffic (Azurite) through and fails on anything else it does not know. */
export function onUnhandledRequest(request: Request, print: { error(): void }): void {
  if (new URL(request.url).hostname !== '127.0.0.1') print.error();
}
