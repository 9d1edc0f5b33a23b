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
 * `created:>=` (second precision). An event can be indexed after events newer than it were served, so
 * each run asks again from `overlapMs` before the newest second delivered and skips the events it
 * already sent, by `_document_id`, the audit log's own unique id.
 */
export interface GitHubAuditCursor {
  /** The newest second delivered. */
  since: string;
  /** `[_document_id, @timestamp ms]` of the events delivered within the overlap window before `since`. */
  seen: [string, number][];
}

/**
 * JSON characters the seen list may take: the checkpoint is one Table Storage string property, at most 64 KiB
 * of UTF-16, 32K characters. Past it the oldest ids are dropped, so a very busy overlap window resends some
 * events (duplicates), never skips them.
 */
const MAX_SEEN_CHARS = 30_000;

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
  /** How far back each run asks again for events indexed late; default 15 minutes. */
  overlapMs?: number;
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
  const overlapMs = options.overlapMs ?? 15 * 60_000;
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
      const c = stored as { since?: unknown; seen?: unknown } | null;
      const since = typeof c?.since === 'string' ? Date.parse(c.since) : Number.NaN;
      if (Number.isFinite(since) && Array.isArray(c?.seen)) {
        const seen = c.seen.map((entry): [string, number] | undefined =>
          // Older checkpoints hold bare ids, all from the `since` second.
          typeof entry === 'string'
            ? [entry, since]
            : Array.isArray(entry) && typeof entry[0] === 'string' && Number.isFinite(entry[1])
              ? [entry[0], entry[1]]
              : undefined,
        );
        if (seen.every((e) => e !== undefined)) return { since: c.since as string, seen };
      }
      throw new Error(
        `github-audit: stored cursor is not one this connector writes: ${JSON.stringify(stored)}`,
      );
    },
    async *pages(from, signal): AsyncGenerator<SourcePage<GitHubAuditEvent, GitHubAuditCursor>> {
      const first = new URL(`${apiUrl}/${scope}/audit-log`);
      const overlapStart = secondOf(Date.parse(from.since) - overlapMs);
      first.searchParams.set(
        'phrase',
        [options.phrase, `created:>=${overlapStart}`].filter(Boolean).join(' '),
      );
      first.searchParams.set('include', options.include ?? 'all');
      first.searchParams.set('order', 'asc');
      first.searchParams.set('per_page', String(Math.min(options.pageSize ?? 100, 100)));
      let url: string | undefined = first.toString();
      let cursor = from;
      const delivered = new Set(from.seen.map(([id]) => id));
      while (url) {
        const { events: body, headers: responseHeaders } = await fetchEventPage<GitHubAuditEvent>(
          url,
          { headers },
          http,
          signal,
          `github-audit: ${scope}/audit-log`,
        );
        const fresh = body.filter((e) => !delivered.has(String(e._document_id)));
        for (const e of fresh) delivered.add(String(e._document_id));
        cursor = advance(cursor, fresh, overlapMs);
        url = sameOriginNextLink(responseHeaders, apiUrl);
        if (fresh.length > 0) yield { records: fresh, cursor };
      }
    },
    map: mapGitHubAuditEvent,
    recordId: (raw) => String(raw._document_id),
  };
}

/**
 * The cursor after `events`: the newest second delivered, and the ids delivered within the overlap window
 * before it. An event without a usable @timestamp counts as delivered at `since` (it is dead-lettered).
 */
function advance(
  cursor: GitHubAuditCursor,
  events: GitHubAuditEvent[],
  overlapMs: number,
): GitHubAuditCursor {
  let newest = Date.parse(cursor.since);
  const added: [string, number][] = [];
  for (const event of events) {
    const at = Number.isFinite(event['@timestamp']) ? event['@timestamp'] : Number.NaN;
    if (at > newest) newest = at;
    added.push([String(event._document_id), at]);
  }
  const since = secondOf(newest);
  const horizon = Date.parse(since) - overlapMs;
  const seen = [
    ...cursor.seen,
    ...added.map(([id, at]): [string, number] => [id, Number.isNaN(at) ? newest : at]),
  ]
    .filter(([, at]) => at >= horizon)
    .sort((a, b) => b[1] - a[1]);
  let chars = 0;
  const kept = seen.findIndex((entry) => (chars += JSON.stringify(entry).length + 1) > MAX_SEEN_CHARS);
  return { since, seen: kept < 0 ? seen : seen.slice(0, kept) };
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
