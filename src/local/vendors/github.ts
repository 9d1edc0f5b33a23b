import type { ServerResponse } from 'node:http';
import type { GitHubAuditEvent } from '../../connectors/githubAudit.js';
import { type Router, sendJson } from '../server/http.js';
import {
  compare,
  decodePosition,
  encodePosition,
  published,
  type ReplayEvent,
  type ReplayOptions,
  readSamples,
  replayTimeline,
  requestOrigin,
} from './replay.js';

type Event = ReplayEvent<GitHubAuditEvent>;

function githubError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, {
    message,
    documentation_url: 'https://docs.github.com/rest/orgs/orgs#get-the-audit-log-for-an-organization',
    status: String(status),
  });
}

const qualifiers: Record<string, (value: string) => ((e: Event) => boolean) | undefined> = {
  created(value) {
    // A range, inclusive at both ends ("Understanding the search syntax": n..n).
    const range = /^(.+)\.\.(.+)$/.exec(value);
    if (range) {
      const [from, to] = [Date.parse(range[1]), Date.parse(range[2])];
      if (!Number.isFinite(from) || !Number.isFinite(to)) return undefined;
      return (e) => e.event['@timestamp'] >= from && e.event['@timestamp'] <= to;
    }
    const match = /^(>=|<=|>|<)(.+)$/.exec(value);
    const ms = match ? Date.parse(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(ms)) return undefined;
    const at = (e: Event) => e.event['@timestamp'];
    switch (match[1]) {
      case '>=':
        return (e) => at(e) >= ms;
      case '>':
        return (e) => at(e) > ms;
      case '<=':
        return (e) => at(e) <= ms;
      default:
        return (e) => at(e) < ms;
    }
  },
  // `action:team` matches the whole team category, `action:team.create` one action.
  action: (value) => (e) => e.event.action === value || e.event.action.startsWith(`${value}.`),
  actor: (value) => (e) => e.event.actor === value,
};

/**
 * The audit log search phrase (https://docs.github.com/organizations/keeping-your-organization-secure/managing-security-settings-for-your-organization/reviewing-the-audit-log-for-your-organization#searching-the-audit-log),
 * limited to the created, action and actor qualifiers; anything else is refused rather than ignored.
 */
function parsePhrase(phrase: string): ((e: Event) => boolean) | string {
  const tests: ((e: Event) => boolean)[] = [];
  for (const term of phrase.split(/\s+/).filter(Boolean)) {
    const colon = term.indexOf(':');
    const test = qualifiers[term.slice(0, colon)]?.(term.slice(colon + 1));
    if (colon < 0 || !test)
      return `the local replay understands created:>=|>|<=|<DATE or DATE..DATE, action: and actor: in phrase, not '${term}'`;
    tests.push(test);
  }
  return (e) => tests.every((test) => test(e));
}

const includes: Record<string, (e: Event) => boolean> = {
  web: (e) => !e.event.action.startsWith('git.'),
  git: (e) => e.event.action.startsWith('git.'),
  all: () => true,
};

/**
 * The GitHub audit log REST API for organizations and enterprises, replaying
 * connectors/github-audit/samples: `Authorization: Bearer <token>` (or `token <token>`), `phrase`,
 * `include` (default web), `order` (default desc), `per_page` (default 30, max 100) and cursor paging
 * with `after` from a rel="next" link, sent only while more events remain.
 * https://docs.github.com/rest/orgs/orgs#get-the-audit-log-for-an-organization
 * Returns the organizations the samples belong to.
 */
export function addGitHubAuditReplay(router: Router, options: ReplayOptions): string[] {
  const samples = readSamples(options.root, 'github-audit').flat() as GitHubAuditEvent[];
  const events = replayTimeline(samples, options.startMs, {
    time: (e) => e['@timestamp'],
    id: (e) => e._document_id,
    restamp: (e, shift) => ({
      ...e,
      '@timestamp': shift(e['@timestamp']),
      ...(e.created_at === undefined ? {} : { created_at: shift(e.created_at) }),
    }),
  });
  const scopes = [
    { path: '/orgs/:name/audit-log', owner: (e: GitHubAuditEvent) => e.org },
    { path: '/enterprises/:name/audit-log', owner: (e: GitHubAuditEvent) => e.business },
  ];
  for (const { path, owner } of scopes) {
    router.add('GET', path, ({ request, response, url, params }) => {
      const credential = /^(?:Bearer|token) (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (credential !== options.token) return githubError(response, 401, 'Bad credentials');
      const scoped = events.filter((e) => owner(e.event)?.toLowerCase() === params.name.toLowerCase());
      if (scoped.length === 0) return githubError(response, 404, 'Not Found');
      const query = url.searchParams;
      const matches = parsePhrase(query.get('phrase') ?? '');
      const include = includes[query.get('include') ?? 'web'];
      const order = query.get('order') ?? 'desc';
      const after = query.has('after') ? decodePosition(query.get('after') ?? '') : undefined;
      const invalid = (message: string) => githubError(response, 422, `Validation Failed: ${message}`);
      if (typeof matches === 'string') return invalid(matches);
      if (!include) return invalid('include must be web, git or all');
      if (order !== 'asc' && order !== 'desc') return invalid('order must be asc or desc');
      if (query.has('after') && !after) return invalid('after is not a cursor this API handed out');
      const direction = order === 'asc' ? 1 : -1;
      const listing = published(scoped, options.clock)
        .filter((e) => include(e) && matches(e))
        .sort((a, b) => direction * compare(a, b))
        .filter((e) => !after || direction * compare(e, after) > 0);
      const perPage = Math.min(Math.max(Math.trunc(Number(query.get('per_page') ?? 30)) || 30, 1), 100);
      const page = listing.slice(0, perPage);
      if (listing.length > perPage) {
        const next = new URL(`${url.pathname}${url.search}`, requestOrigin(request));
        next.searchParams.set('after', encodePosition(page[page.length - 1]));
        response.setHeader('link', `<${next.toString()}>; rel="next"`);
      }
      sendJson(
        response,
        200,
        page.map((e) => e.event),
      );
    });
  }
  return [...new Set(samples.flatMap((e) => (e.org ? [e.org] : [])))];
}
