import type { ServerResponse } from 'node:http';
import type { OktaLogEvent } from '../../connectors/okta.js';
import { HttpError, type Router, sendJson } from '../server/http.js';
import {
  compare,
  decodePosition,
  encodePosition,
  type Position,
  published,
  type ReplayOptions,
  readSamples,
  replayTimeline,
  requestOrigin,
} from './replay.js';

const DAY_MS = 86_400_000;

/** Okta's error object (https://developer.okta.com/docs/reference/error-codes/). */
function oktaError(response: ServerResponse, status: number, errorCode: string, errorSummary: string): void {
  sendJson(response, status, {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: 'local',
    errorCauses: [],
  });
}

/**
 * The Okta System Log API in polling mode (`GET /api/v1/logs`), replaying connectors/okta/samples:
 * `Authorization: SSWS <token>`; `since` or the opaque `after` cursor; `limit` up to 1000; events in
 * ascending `published` order; a rel="next" link on every page, even an empty one, because a poller
 * keeps following it. https://developer.okta.com/docs/reference/api/system-log/#polling-requests
 */
export function addOktaReplay(router: Router, options: ReplayOptions): void {
  const samples = readSamples(options.root, 'okta').flat() as OktaLogEvent[];
  const events = replayTimeline(samples, options.startMs, {
    time: (e) => Date.parse(e.published),
    id: (e) => e.uuid,
    restamp: (e, shift) => ({ ...e, published: new Date(shift(Date.parse(e.published))).toISOString() }),
  });
  router.add('GET', '/api/v1/logs', ({ request, response, url }) => {
    if (request.headers.authorization !== `SSWS ${options.token}`)
      return oktaError(response, 401, 'E0000011', 'Invalid token provided');
    const query = url.searchParams;
    const unsupported = ['filter', 'q'].filter((name) => query.has(name));
    if (unsupported.length > 0 || (query.get('sortOrder') ?? 'ASCENDING') !== 'ASCENDING') {
      throw new HttpError(
        400,
        'UnsupportedParameter',
        'the local Okta replay answers polling and bounded requests only (since or after, until, limit, sortOrder=ASCENDING)',
      );
    }
    // A bounded request (the CCF connector's query window): `until` is the exclusive upper bound.
    const untilParam = query.get('until');
    const until = untilParam === null ? Number.POSITIVE_INFINITY : Date.parse(untilParam);
    if (Number.isNaN(until))
      return oktaError(response, 400, 'E0000001', 'Api validation failed: until is not valid');
    const limit = Number(query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return oktaError(response, 400, 'E0000001', 'Api validation failed: limit must be from 1 to 1000');
    const from = startPosition(query, options.clock.date().getTime());
    if (!from)
      return oktaError(response, 400, 'E0000001', 'Api validation failed: since or after is not valid');
    const page = published(events, options.clock)
      .filter((e) => compare(e, from) > 0 && e.ms < until)
      .slice(0, limit);
    const origin = requestOrigin(request);
    const next = new URL('/api/v1/logs', origin);
    next.searchParams.set('limit', String(limit));
    next.searchParams.set('sortOrder', 'ASCENDING');
    next.searchParams.set('after', encodePosition(page.at(-1) ?? from));
    if (untilParam !== null) next.searchParams.set('until', untilParam);
    response.setHeader('link', [
      `<${origin}${url.pathname}${url.search}>; rel="self"`,
      `<${next.toString()}>; rel="next"`,
    ]);
    sendJson(
      response,
      200,
      page.map((e) => e.event),
    );
  });
}

/** `after` wins over `since`; without either Okta starts seven days back. */
function startPosition(query: URLSearchParams, nowMs: number): Position | undefined {
  const after = query.get('after');
  if (after !== null) return decodePosition(after);
  const since = query.get('since');
  const ms = since === null ? nowMs - 7 * DAY_MS : Date.parse(since);
  // The empty id sorts before every event id, so events published exactly at `since` are included.
  return Number.isFinite(ms) ? { ms, id: '' } : undefined;
}
