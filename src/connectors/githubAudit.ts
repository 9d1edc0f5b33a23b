import { fetchEventPage, type SourceHttpOptions, sameOriginNextLink } from './http.js';
import { isoTime, requireString } from './time.js';
import type { Connector, SourcePage } from './types.js';

/** An audit log event (https://docs.github.com/rest/orgs/orgs#get-the-audit-log-for-an-organization). */
export interface GitHubAuditEvent {
  '@timestamp': number;
  _document_id: string;
  action: string;
  actor?: string;
  actor_id?: number;
  actor_ip?: string;
  actor_location?: { country_code?: string };
  created_at?: number;
  org?: string;
  org_id?: number;
  repo?: string;
  user?: string;
  business?: string;
  operation_type?: string;
  transport_protocol_name?: string;
  user_agent?: string;
  token_id?: number;
  hashed_token?: string;
  programmatic_access_type?: string;
  [field: string]: unknown;
}

/**
 * GitHub's `after` cursors are only good within one query, so a run resumes with the search phrase
 * `created:>=since` (second precision) and skips the events of that second it already delivered.
 */
export interface GitHubAuditCursor {
  since: string;
  seen: string[];
}

export interface GitHubAuditOptions {
  /** One of org or enterprise (enterprise needs an enterprise owner token with read:audit_log). */
  org?: string;
  enterprise?: string;
  token: string;
  /** https://api.github.com, or https://HOSTNAME/api/v3 for GitHub Enterprise Server. */
  apiUrl?: string;
  /** Extra search phrase, e.g. `action:repo`. */
  phrase?: string;
  /** web, git or all (git events are only kept 7 days). */
  include?: 'web' | 'git' | 'all';
  /** Events per request; GitHub caps per_page at 100. */
  pageSize?: number;
  initialLookbackMs?: number;
  http?: SourceHttpOptions;
  now?: () => number;
}

function secondOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

export function githubAuditConnector(
  options: GitHubAuditOptions,
): Connector<GitHubAuditEvent, GitHubAuditCursor> {
  if (!options.org === !options.enterprise)
    throw new Error('github-audit: set exactly one of org or enterprise');
  const apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/$/, '');
  const scope = options.org
    ? `orgs/${encodeURIComponent(options.org)}`
    : `enterprises/${encodeURIComponent(options.enterprise ?? '')}`;
  // "Otherwise, wait for at least one minute before retrying": GitHub's rule for a secondary rate limit
  // answered without retry-after or x-ratelimit-reset (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
  const http: SourceHttpOptions = { rateLimitWaitMs: 60_000, ...options.http };
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${options.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
  };
  return {
    name: 'github-audit',
    checkpointKey: scope.replace('/', '-'),
    streamName: 'Custom-GitHubAudit',
    initialCursor: () => ({
      since: secondOf((options.now ?? Date.now)() - (options.initialLookbackMs ?? 3_600_000)),
      seen: [],
    }),
    parseCursor(stored) {
      const c = stored as Partial<GitHubAuditCursor> | null;
      if (
        typeof c?.since === 'string' &&
        Number.isFinite(Date.parse(c.since)) &&
        Array.isArray(c.seen) &&
        c.seen.every((id) => typeof id === 'string')
      ) {
        return { since: c.since, seen: c.seen };
      }
      throw new Error(
        `github-audit: stored cursor is not one this connector writes: ${JSON.stringify(stored)}`,
      );
    },
    async *pages(from, signal): AsyncGenerator<SourcePage<GitHubAuditEvent, GitHubAuditCursor>> {
      const first = new URL(`${apiUrl}/${scope}/audit-log`);
      first.searchParams.set('phrase', [options.phrase, `created:>=${from.since}`].filter(Boolean).join(' '));
      first.searchParams.set('include', options.include ?? 'all');
      first.searchParams.set('order', 'asc');
      first.searchParams.set('per_page', String(Math.min(options.pageSize ?? 100, 100)));
      let url: string | undefined = first.toString();
      let cursor = from;
      while (url) {
        const { events: body, headers: responseHeaders } = await fetchEventPage<GitHubAuditEvent>(
          url,
          { headers },
          http,
          signal,
          `github-audit: ${scope}/audit-log`,
        );
        const fresh = body.filter(
          (e) => !(cursor.seen.includes(e._document_id) && secondOf(e['@timestamp']) === cursor.since),
        );
        cursor = advance(cursor, fresh);
        url = sameOriginNextLink(responseHeaders, apiUrl);
        if (fresh.length > 0) yield { records: fresh, cursor };
      }
    },
    map: mapGitHubAuditEvent,
    recordId: (raw) => String(raw._document_id),
  };
}

/** The cursor after `events` (in ascending time): the latest second seen and the ids delivered in it. */
function advance(cursor: GitHubAuditCursor, events: GitHubAuditEvent[]): GitHubAuditCursor {
  let { since, seen } = cursor;
  for (const event of events) {
    if (!Number.isFinite(event['@timestamp'])) continue;
    const second = secondOf(event['@timestamp']);
    if (Date.parse(second) > Date.parse(since)) {
      since = second;
      seen = [];
    }
    if (second === since) seen = [...seen, String(event._document_id)];
  }
  return { since, seen };
}

const MAPPED_FIELDS = new Set([
  '@timestamp',
  '_document_id',
  'action',
  'actor',
  'actor_id',
  'actor_ip',
  'actor_location',
  'org',
  'org_id',
  'repo',
  'user',
  'business',
  'operation_type',
  'transport_protocol_name',
  'user_agent',
  'token_id',
  'hashed_token',
  'programmatic_access_type',
]);

/** Audit event → row of the `Custom-GitHubAudit` stream declared in connectors/github-audit/dcr.yaml. */
export function mapGitHubAuditEvent(raw: GitHubAuditEvent) {
  const additional: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!MAPPED_FIELDS.has(key)) additional[key] = value;
  return {
    timestamp: isoTime(raw['@timestamp'], '@timestamp'),
    documentId: requireString(raw._document_id, '_document_id'),
    action: requireString(raw.action, 'action'),
    actor: raw.actor ?? '',
    actorId: raw.actor_id ?? null,
    actorIp: raw.actor_ip ?? '',
    actorCountryCode: raw.actor_location?.country_code ?? '',
    org: raw.org ?? '',
    orgId: raw.org_id ?? null,
    repo: raw.repo ?? '',
    user: raw.user ?? '',
    business: raw.business ?? '',
    operationType: raw.operation_type ?? '',
    transportProtocol: raw.transport_protocol_name ?? '',
    userAgent: raw.user_agent ?? '',
    tokenId: raw.token_id ?? null,
    hashedToken: raw.hashed_token ?? '',
    programmaticAccessType: raw.programmatic_access_type ?? '',
    additionalFields: additional,
  };
}
