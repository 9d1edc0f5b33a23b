import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamRow } from '../../ingest/batches.js';
import { fetchJson, nextLink, SourceError, type SourceHttpOptions } from '../http.js';
import type { Connector, SourcePage } from '../types.js';
import { authProvider } from './auth.js';
import type { CcfDeclaration } from './declaration.js';
import { firstJsonPath, parseJsonPath, type Step, selectJsonPath } from './jsonPath.js';
import { timeFormatter } from './timeFormat.js';

type Json = Record<string, unknown>;

/** Where paging resumes: a next-page URL, a token, an offset or a page number. */
export type PageState = { url: string } | { token: string } | { offset: number } | { page: number };

/**
 * The poller's checkpoint: the query window being read (and the page inside it), or, between
 * windows, where the next window starts plus the persisted link or token of the Persistent kinds.
 */
export interface CcfCursor {
  windowStart: string;
  windowEnd?: string;
  page?: PageState;
  persisted?: PageState;
}

export interface CcfPollerOptions {
  declaration: CcfDeclaration;
  /** Values of the declaration's `{{parameters}}` (secrets included); never logged. */
  parameters: Record<string, string>;
  /** Retry pacing and callbacks; attempts and timeout come from the declaration. */
  http?: Omit<SourceHttpOptions, 'maxAttempts' | 'timeoutMs'>;
  now?: () => number;
  /**
   * Where the first poll starts when there is no checkpoint (epoch ms); default one query window
   * before now, as the CCF's first poll. The local SOC starts at its replay's start instead.
   */
  initialWindowStart?: number;
}

// REF defaults (https://learn.microsoft.com/azure/sentinel/data-connector-connection-rules-reference):
// QueryWindowInMin 5, RetryCount 3, TimeoutInSeconds 20.
const defaults = { queryWindowInMin: 5, retryCount: 3, timeoutInSeconds: 20 };

/**
 * A RestApiPoller data connector run locally with the Codeless Connector Framework's semantics
 * (REF above): each poll reads the query windows since the last one, `queryWindowInMin` long and
 * ending at the latest now, with the window sent as start/end attributes, a time interval
 * attribute or the `{_QueryWindowStartTime}`/`{_QueryWindowEndTime}` variables in
 * `queryTimeFormat`; pages through each window by `pagingType`; authenticates by `auth.type`;
 * keeps under `rateLimitQPS`; retries `retryCount` times with backoff within `timeoutInSeconds`
 * per attempt; and takes the events at `eventsJsonPaths`. The events go unchanged (plus
 * `addOnAttributes`) to the DCR stream, as the CCF sends them. Run by `runConnector`, so each page
 * is committed only after the Logs Ingestion API accepted it (at-least-once).
 */
export function ccfPoller(options: CcfPollerOptions): Connector<Json, CcfCursor> {
  const { declaration } = options;
  const poller = fill(declaration.poller, options.parameters) as CcfDeclaration['poller'];
  const { request, response } = poller;
  const paging = poller.paging;
  if (response.format !== 'json' || response.isGzipCompressed || response.compressionAlgo)
    throw new SourceError(
      `${declaration.connector}: the local poller reads uncompressed json responses only (format ${response.format})`,
    );
  const now = options.now ?? Date.now;
  const windowMs = Number(request.queryWindowInMin ?? defaults.queryWindowInMin) * 60_000;
  const format = timeFormatter(request.queryTimeFormat as string | undefined);
  const http: SourceHttpOptions = {
    ...options.http,
    maxAttempts: Number(request.retryCount ?? defaults.retryCount) + 1,
    timeoutMs: Number(request.timeoutInSeconds ?? defaults.timeoutInSeconds) * 1000,
  };
  const auth = authProvider(poller.auth, http, now);
  const eventPaths = response.eventsJsonPaths.map(parseJsonPath);
  const path = (name: string): Step[] | undefined =>
    typeof paging?.[name] === 'string' ? parseJsonPath(paging[name] as string) : undefined;
  const origin = new URL(request.apiEndpoint).origin;
  const minIntervalMs = request.rateLimitQPS ? 1000 / Number(request.rateLimitQPS) : 0;
  let lastRequestAt = Number.NEGATIVE_INFINITY;

  const send = async (window: Window, page: PageState | undefined, signal: AbortSignal) => {
    const wait = lastRequestAt + minIntervalMs - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal });
    lastRequestAt = Date.now();
    const attempt = async (retryAuth: boolean): Promise<{ body: unknown; headers: Headers }> => {
      const credentials = await auth.credentials(signal);
      const built = buildRequest(poller, window, page, format, credentials);
      if (new URL(built.url).origin !== origin)
        throw new SourceError(
          `${declaration.connector}: refusing a next-page link to another origin than ${origin}`,
        );
      try {
        return await fetchJson(built.url, built.init, http, signal);
      } catch (e) {
        // An expired token: fetch a new one once.
        if (
          retryAuth &&
          e instanceof SourceError &&
          e.status === 401 &&
          ['OAuth2', 'JwtToken'].includes(poller.auth.type)
        ) {
          auth.invalidate();
          return attempt(false);
        }
        throw e;
      }
    };
    return attempt(true);
  };

  return {
    name: declaration.connector,
    checkpointKey: declaration.id,
    streamName: poller.dcrConfig.streamName,
    initialCursor: () => ({
      windowStart: new Date(options.initialWindowStart ?? now() - windowMs).toISOString(),
    }),
    parseCursor(stored) {
      const c = stored as Partial<CcfCursor> | null;
      if (typeof c?.windowStart === 'string' && Number.isFinite(Date.parse(c.windowStart)))
        return c as CcfCursor;
      throw new Error(
        `${declaration.connector}: stored cursor is not one this poller writes: ${JSON.stringify(stored)}`,
      );
    },
    async *pages(from, signal): AsyncGenerator<SourcePage<Json, CcfCursor>> {
      let cursor = from;
      const until = now();
      while (Date.parse(cursor.windowStart) < until) {
        const window: Window = {
          start: Date.parse(cursor.windowStart),
          end: cursor.windowEnd
            ? Date.parse(cursor.windowEnd)
            : Math.min(Date.parse(cursor.windowStart) + windowMs, until),
        };
        let page: PageState | undefined = cursor.page ?? cursor.persisted;
        let received = 0;
        for (;;) {
          const { body, headers } = await send(window, page, signal);
          checkSuccess(response, body);
          const events = extractEvents(body, eventPaths, response.convertChildPropertiesToArray === true);
          received += events.length;
          const next = nextPage(paging, page, { body, headers, events: events.length, received }, path);
          const persistent =
            paging?.pagingType === 'PersistentLinkHeader' || paging?.pagingType === 'PersistentToken';
          cursor = next
            ? {
                windowStart: new Date(window.start).toISOString(),
                windowEnd: new Date(window.end).toISOString(),
                page: next,
              }
            : {
                windowStart: new Date(window.end).toISOString(),
                ...(persistent && lastState(paging, page, { body, headers }, path)
                  ? { persisted: lastState(paging, page, { body, headers }, path) }
                  : {}),
              };
          yield { records: events.map((e) => ({ ...e, ...poller.addOnAttributes })), cursor };
          if (!next) break;
          page = next;
        }
        if (window.end <= window.start) break;
      }
    },
    map(raw): StreamRow {
      return raw as StreamRow;
    },
    recordId: (raw) => createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 16),
  };
}

interface Window {
  start: number;
  end: number;
}

interface Answer {
  body: unknown;
  headers: Headers;
}

/** Replaces `{{parameter}}` in every string of the declaration. */
function fill(value: unknown, parameters: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\{\{([^{}]*)\}\}/g, (_, name: string) => {
      const filled = parameters[name];
      if (filled === undefined) throw new SourceError(`CCF parameter '${name}' has no value`);
      return filled;
    });
  if (Array.isArray(value)) return value.map((item) => fill(item, parameters));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, parameters)]));
  return value;
}

function buildRequest(
  poller: CcfDeclaration['poller'],
  window: Window,
  page: PageState | undefined,
  format: (ms: number) => string,
  credentials: {
    headers: Record<string, string>;
    bodyFields: Record<string, string>;
    apiKey?: { name: string; value: string };
  },
): { url: string; init: RequestInit } {
  const { request, paging } = poller;
  const start = format(window.start);
  const end = format(window.end);
  const variables = (text: string) =>
    text
      .replaceAll('{_QueryWindowStartTime}', start)
      .replaceAll('{_QueryWindowEndTime}', end)
      .replaceAll('{_APIKeyName}', credentials.apiKey?.name ?? '')
      .replaceAll('{_APIKey}', credentials.apiKey?.value ?? '');
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...(request.headers as Record<string, string>),
    ...credentials.headers,
  };
  const method = String(request.httpMethod ?? 'GET');
  // Link and URL paging request the link as given.
  if (page && 'url' in page)
    return { url: new URL(page.url, request.apiEndpoint).toString(), init: { method: 'GET', headers } };

  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.queryParameters ?? {}) as Json))
    query[key] =
      typeof value === 'string'
        ? variables(value).replaceAll('{_APIKeyName}', '').replaceAll('{_APIKey}', '')
        : JSON.stringify(value);
  if (typeof request.startTimeAttributeName === 'string') {
    query[request.startTimeAttributeName] = start;
    query[request.endTimeAttributeName as string] = end;
  }
  if (typeof request.queryTimeIntervalAttributeName === 'string')
    query[request.queryTimeIntervalAttributeName] =
      `${request.queryTimeIntervalPrepend}${start}${request.queryTimeIntervalDelimiter}${end}`;

  const pagingValues: Record<string, string> = {};
  if (paging?.pageSize !== undefined && typeof paging.pageSizeParameterName === 'string')
    pagingValues[paging.pageSizeParameterName] = String(paging.pageSize);
  if (page && 'token' in page) {
    if (typeof paging?.nextPageParaName === 'string') pagingValues[paging.nextPageParaName] = page.token;
    if (typeof paging?.nextPageRequestHeader === 'string') headers[paging.nextPageRequestHeader] = page.token;
  }
  if (page && 'offset' in page && typeof paging?.offsetParaName === 'string')
    pagingValues[paging.offsetParaName] = String(page.offset);
  if (paging?.pagingType === 'CountBasedPaging')
    pagingValues[paging.pageNumberParaName as string] = String(
      page && 'page' in page ? page.page : paging.zeroBasedIndexing ? 0 : 1,
    );
  // REF: PagingQueryParamOnly omits every other query parameter from the paging requests.
  const base = page && paging?.pagingQueryParamOnly === true ? {} : query;
  const inBody = paging?.pagingInfoPlacement === 'RequestBody';

  const url = new URL(request.apiEndpoint);
  const hasBody = method === 'POST' || method === 'PUT';
  const urlParams = hasBody ? (inBody ? {} : pagingValues) : { ...base, ...pagingValues };
  for (const [key, value] of Object.entries(urlParams)) url.searchParams.set(key, value);
  if (!hasBody) return { url: url.toString(), init: { method, headers } };

  const bodyFields = {
    ...(request.queryParametersTemplate ? {} : base),
    ...(inBody ? pagingValues : {}),
    ...credentials.bodyFields,
  };
  let body: string;
  if (typeof request.queryParametersTemplate === 'string') {
    const template = JSON.parse(variables(request.queryParametersTemplate)) as Json;
    body = JSON.stringify({ ...template, ...bodyFields });
    headers['Content-Type'] = 'application/json';
  } else if (request.isPostPayloadJson === true) {
    body = JSON.stringify(bodyFields);
    headers['Content-Type'] = 'application/json';
  } else {
    body = new URLSearchParams(bodyFields).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  return { url: url.toString(), init: { method, headers, body } };
}

/** REF: with SuccessStatusJsonPath, data is ingested only when the value there is SuccessStatusValue. */
function checkSuccess(response: CcfDeclaration['poller']['response'], body: unknown): void {
  if (typeof response.successStatusJsonPath !== 'string') return;
  const status = firstJsonPath(body, parseJsonPath(response.successStatusJsonPath));
  if (String(status) !== String(response.successStatusValue))
    throw new SourceError(
      `the response's ${response.successStatusJsonPath} is ${JSON.stringify(status)}, not ${JSON.stringify(response.successStatusValue)}`,
    );
}

function extractEvents(body: unknown, paths: readonly Step[][], childrenToArray: boolean): Json[] {
  const events: Json[] = [];
  for (const steps of paths) {
    for (const selected of selectJsonPath(body, steps)) {
      const items = Array.isArray(selected)
        ? selected
        : childrenToArray && selected && typeof selected === 'object'
          ? Object.values(selected)
          : [selected];
      for (const item of items) {
        if (item === null || typeof item !== 'object' || Array.isArray(item))
          throw new SourceError(`an event at ${JSON.stringify(steps)} is not a JSON object`);
        events.push(item as Json);
      }
    }
  }
  return events;
}

/** The next page of this window, or undefined when the window is done (REF, Paging configuration). */
function nextPage(
  paging: CcfDeclaration['poller']['paging'],
  page: PageState | undefined,
  answer: Answer & { events: number; received: number },
  path: (name: string) => Step[] | undefined,
): PageState | undefined {
  if (!paging || answer.events === 0) return undefined;
  const hasNext = path('hasNextFlagJsonPath');
  if (hasNext && firstJsonPath(answer.body, hasNext) !== true) return undefined;
  const full = paging.pageSize !== undefined && answer.events >= Number(paging.pageSize);
  switch (paging.pagingType) {
    case 'LinkHeader':
    case 'PersistentLinkHeader':
    case 'NextPageUrl':
    case 'NextPageToken':
    case 'PersistentToken':
      return lastState(paging, page, answer, path);
    case 'Offset':
      // REF: "The CCF calculates the offset value for each request (all events ingested + 1)";
      // the first request carries no offset (Azure/Azure-Sentinel#13013).
      if (paging.pageSize !== undefined && !full) return undefined;
      return { offset: answer.received + 1 };
    case 'CountBasedPaging': {
      const current = page && 'page' in page ? page.page : paging.zeroBasedIndexing ? 0 : 1;
      const count = path('pageCountJsonPath');
      const number = path('pageNumberJsonPath');
      if (count && number) {
        const last = Number(firstJsonPath(answer.body, count)) - (paging.zeroBasedIndexing ? 1 : 0);
        if (Number(firstJsonPath(answer.body, number)) >= last) return undefined;
      } else if (!hasNext && paging.pageSize !== undefined && !full) return undefined;
      return { page: current + 1 };
    }
  }
  return undefined;
}

/** The link or token the response hands out for the next request, if any. */
function lastState(
  paging: CcfDeclaration['poller']['paging'],
  page: PageState | undefined,
  answer: Answer,
  path: (name: string) => Step[] | undefined,
): PageState | undefined {
  switch (paging?.pagingType) {
    case 'LinkHeader':
    case 'PersistentLinkHeader': {
      const tokenPath = path('linkHeaderTokenJsonPath');
      const link = tokenPath ? firstJsonPath(answer.body, tokenPath) : nextLink(answer.headers.get('link'));
      return typeof link === 'string' && link !== '' ? { url: link } : undefined;
    }
    case 'NextPageUrl':
    case 'NextPageToken':
    case 'PersistentToken': {
      const tokenPath = path('nextPageTokenJsonPath');
      const token = tokenPath
        ? firstJsonPath(answer.body, tokenPath)
        : answer.headers.get(String(paging.nextPageTokenResponseHeader));
      if (token === undefined || token === null || token === '') return undefined;
      // The same token again would request the same page forever.
      if (page && 'token' in page && page.token === String(token)) return undefined;
      // NextPageUrl without a parameter or header to carry the value: the value is the next URL.
      if (
        paging.pagingType === 'NextPageUrl' &&
        paging.nextPageParaName === undefined &&
        paging.nextPageRequestHeader === undefined
      )
        return { url: String(token) };
      return { token: String(token) };
    }
    default:
      return undefined;
  }
}
