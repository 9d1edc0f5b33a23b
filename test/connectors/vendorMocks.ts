import { readFileSync } from 'node:fs';
import { delay, HttpResponse, http } from 'msw';
import type { GitHubAuditEvent } from '../../src/connectors/githubAudit.js';
import type { OktaLogEvent } from '../../src/connectors/okta.js';
import type { ThreatFoxIoc } from '../../src/connectors/threatfox.js';

export const OKTA_ORG = 'https://contoso.okta.com';
export const OKTA_TOKEN = 'okta-ssws-SECRET-00aBcDeFgHiJ';
export const GITHUB_API = 'https://api.github.com';
export const GITHUB_TOKEN = 'github_pat_SECRET_11AAAAAA';
export const THREATFOX_API = 'https://threatfox-api.abuse.ch/api/v1/';
export const THREATFOX_KEY = 'threatfox-SECRET-key-0123';

const sample = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../connectors/${path}`, import.meta.url), 'utf8'));
export const oktaSamples = () => sample<OktaLogEvent[]>('okta/samples/system-log.json');
export const githubSamples = () => sample<GitHubAuditEvent[]>('github-audit/samples/org-audit-log.json');
export const threatFoxSample = () =>
  sample<{ query_status: string; data: ThreatFoxIoc[] }>('threatfox/samples/get-iocs.json');

/** `n` distinct Okta events built from the samples, one second apart from `startMs`. */
export function oktaEvents(
  n: number,
  startMs = Date.parse('2026-01-10T10:00:00Z'),
  idPrefix = 'evt',
): OktaLogEvent[] {
  const samples = oktaSamples();
  return Array.from({ length: n }, (_, i) => ({
    ...structuredClone(samples[i % samples.length]),
    uuid: `${idPrefix}-${i}`,
    published: new Date(startMs + i * 1000).toISOString(),
  }));
}

/** `n` distinct GitHub audit events, `perSecond` sharing each second, from `startMs`. */
export function githubEvents(
  n: number,
  startMs = Date.parse('2026-01-10T10:00:00Z'),
  perSecond = 1,
): GitHubAuditEvent[] {
  const samples = githubSamples();
  return Array.from({ length: n }, (_, i) => {
    const ts = startMs + Math.floor(i / perSecond) * 1000 + (i % perSecond);
    return {
      ...structuredClone(samples[i % samples.length]),
      _document_id: `doc-${i}`,
      '@timestamp': ts,
      created_at: ts,
    };
  });
}

/** A scripted misbehaviour for the next vendor request. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'timeout'
  | 'malformed'
  | 'network';

class FaultQueue {
  private queue: Fault[] = [];
  push(...faults: Fault[]) {
    this.queue.push(...faults);
  }
  clear() {
    this.queue = [];
  }
  async next(): Promise<Response | undefined> {
    const fault = this.queue.shift();
    if (fault === undefined) return undefined;
    if (fault === 'timeout') {
      await delay(5_000);
      // Should the client not have given up by now, it must not mistake this for an empty (caught-up) page.
      return HttpResponse.error();
    }
    if (fault === 'malformed')
      return new HttpResponse('[{"uuid": "trunc', { headers: { 'Content-Type': 'application/json' } });
    if (fault === 'network') return HttpResponse.error();
    return new HttpResponse(fault.body ?? '{"errorSummary":"injected"}', {
      status: fault.status,
      headers: fault.headers,
    });
  }
}

const token = (n: number) => Buffer.from(`pos:${n}`).toString('base64url');
const untoken = (t: string) => Number(Buffer.from(t, 'base64url').toString().slice(4));

/** Okta System Log API in polling mode: `since` or `after`, `limit`, and always a rel="next" link. */
export class MockOkta {
  events: OktaLogEvent[] = [];
  readonly requests: URL[] = [];
  readonly faults = new FaultQueue();

  handler() {
    return http.get(`${OKTA_ORG}/api/v1/logs`, async ({ request }) => {
      const url = new URL(request.url);
      this.requests.push(url);
      if (request.headers.get('authorization') !== `SSWS ${OKTA_TOKEN}`) {
        return HttpResponse.json(
          { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
          { status: 401 },
        );
      }
      const fault = await this.faults.next();
      if (fault) return fault;
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const after = url.searchParams.get('after');
      const since = url.searchParams.get('since');
      const start = after
        ? untoken(after)
        : this.events.findIndex(
            (e) => Date.parse(e.published) >= Date.parse(since ?? '1970-01-01T00:00:00Z'),
          );
      const from = start < 0 ? this.events.length : start;
      // A bounded request: `until` is the exclusive upper bound of `published`.
      const until = url.searchParams.get('until');
      const page = this.events
        .slice(from, from + limit)
        .filter((e) => until === null || Date.parse(e.published) < Date.parse(until));
      const next = new URL('/api/v1/logs', OKTA_ORG);
      // Okta carries the first request's parameters along in its next links; clients follow them as given.
      if (since) next.searchParams.set('since', since);
      if (until) next.searchParams.set('until', until);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('sortOrder', 'ASCENDING');
      next.searchParams.set('after', token(from + page.length));
      return HttpResponse.json(page, {
        headers: { Link: `<${url.toString()}>; rel="self", <${next.toString()}>; rel="next"` },
      });
    });
  }
}

/** GitHub audit log API: `phrase` with created:>=, `order=asc`, `per_page`, rel="next" while more remain. */
export class MockGitHubAudit {
  events: GitHubAuditEvent[] = [];
  readonly requests: URL[] = [];
  readonly faults = new FaultQueue();

  constructor(readonly scope = 'orgs/contoso-eng') {}

  handler() {
    return http.get(`${GITHUB_API}/${this.scope}/audit-log`, async ({ request }) => {
      const url = new URL(request.url);
      this.requests.push(url);
      if (request.headers.get('authorization') !== `Bearer ${GITHUB_TOKEN}`) {
        return HttpResponse.json({ message: 'Bad credentials' }, { status: 401 });
      }
      const fault = await this.faults.next();
      if (fault) return fault;
      const phrase = url.searchParams.get('phrase') ?? '';
      const since = /created:>=(\S+)/.exec(phrase)?.[1];
      // A search range, inclusive at both ends ("Understanding the search syntax", Query for values between a range).
      const range = /created:(\S+)\.\.(\S+)/.exec(phrase);
      const matching = this.events
        .filter((e) => !since || e['@timestamp'] >= Date.parse(since))
        .filter(
          (e) =>
            !range || (e['@timestamp'] >= Date.parse(range[1]) && e['@timestamp'] <= Date.parse(range[2])),
        )
        .sort((a, b) => a['@timestamp'] - b['@timestamp']);
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const after = url.searchParams.get('after');
      const from = after ? untoken(after) : 0;
      const page = matching.slice(from, from + perPage);
      const headers: Record<string, string> = {};
      if (from + perPage < matching.length) {
        const next = new URL(url);
        next.searchParams.set('after', token(from + perPage));
        headers.Link = `<${next.toString()}>; rel="next"`;
      }
      return HttpResponse.json(page, { headers });
    });
  }
}

/** ThreatFox `get_iocs`: the whole window in one response. */
export class MockThreatFox {
  iocs: ThreatFoxIoc[] = [];
  readonly requests: unknown[] = [];
  readonly faults = new FaultQueue();

  handler() {
    return http.post(THREATFOX_API, async ({ request }) => {
      if (request.headers.get('auth-key') !== THREATFOX_KEY) {
        return HttpResponse.json({ query_status: 'unknown_auth_key' }, { status: 401 });
      }
      this.requests.push(await request.json());
      const fault = await this.faults.next();
      if (fault) return fault;
      if (this.iocs.length === 0)
        return HttpResponse.json({
          query_status: 'no_result',
          data: 'Your search did not yield any results',
        });
      return HttpResponse.json({ query_status: 'ok', data: this.iocs });
    });
  }
}
