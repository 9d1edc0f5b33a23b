import { fetchEventPage, type SourceHttpOptions, sameOriginNextLink } from './http.js';
import { isoTime, requireString } from './time.js';
import type { Connector, SourcePage } from './types.js';

/** An Okta System Log event (https://developer.okta.com/docs/reference/api/system-log/#logevent-object). */
export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  version?: string;
  severity?: string;
  displayMessage?: string | null;
  legacyEventType?: string | null;
  actor?: Record<string, unknown>;
  client?: Record<string, unknown>;
  device?: Record<string, unknown> | null;
  authenticationContext?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
  outcome?: { result?: string; reason?: string | null };
  target?: Record<string, unknown>[] | null;
  transaction?: Record<string, unknown>;
  debugContext?: Record<string, unknown>;
  request?: Record<string, unknown>;
}

/**
 * First run: `since`; afterwards the whole rel="next" URL Okta returned last, to be requested as given
 * ("Polling requests": https://developer.okta.com/docs/reference/api/system-log/#polling-requests).
 * `after` is the older form (the token alone), read back from checkpoints written before.
 */
export type OktaCursor = { since: string } | { next: string } | { after: string };

export interface OktaOptions {
  /** https://<org>.okta.com */
  orgUrl: string;
  apiToken: string;
  /** Events per request; Okta caps `limit` at 1000. */
  pageSize?: number;
  /** How far back a first run reaches. */
  initialLookbackMs?: number;
  http?: SourceHttpOptions;
  now?: () => number;
}

export function oktaConnector(options: OktaOptions): Connector<OktaLogEvent, OktaCursor> {
  const base = new URL(options.orgUrl).origin;
  const pageSize = Math.min(options.pageSize ?? 1000, 1000);
  const headers = {
    Accept: 'application/json',
    Authorization: `SSWS ${options.apiToken}`,
  };
  return {
    name: 'okta',
    checkpointKey: new URL(base).host,
    streamName: 'Custom-Okta',
    initialCursor: () => ({
      since: new Date((options.now ?? Date.now)() - (options.initialLookbackMs ?? 3_600_000)).toISOString(),
    }),
    parseCursor(stored) {
      const c = stored as Record<string, unknown> | null;
      // A stored URL is only followed on the org's origin: the request carries the API token.
      if (typeof c?.next === 'string' && URL.canParse(c.next) && new URL(c.next).origin === base)
        return { next: c.next };
      if (typeof c?.after === 'string') return { after: c.after };
      if (typeof c?.since === 'string' && Number.isFinite(Date.parse(c.since))) return { since: c.since };
      throw new Error(`okta: stored cursor is not one this connector writes: ${JSON.stringify(stored)}`);
    },
    async *pages(from, signal): AsyncGenerator<SourcePage<OktaLogEvent, OktaCursor>> {
      let url: string | undefined;
      if ('next' in from) url = from.next;
      else {
        const first = new URL('/api/v1/logs', base);
        first.searchParams.set('limit', String(pageSize));
        first.searchParams.set('sortOrder', 'ASCENDING');
        if ('after' in from) first.searchParams.set('after', from.after);
        else first.searchParams.set('since', from.since);
        url = first.toString();
      }
      let cursor = from;
      while (url) {
        const { events: body, headers: responseHeaders } = await fetchEventPage<OktaLogEvent>(
          url,
          { headers },
          options.http ?? {},
          signal,
          `okta: ${base}/api/v1/logs`,
        );
        // In polling mode Okta always sends rel="next"; an empty page means we are caught up.
        if (body.length === 0) return;
        const next = sameOriginNextLink(responseHeaders, base);
        if (next) cursor = { next };
        yield { records: body, cursor };
        url = next;
      }
    },
    map: mapOktaEvent,
    recordId: (raw) => String(raw.uuid),
  };
}

/** Okta event → row of the `Custom-Okta` stream declared in connectors/okta/dcr.yaml. */
export function mapOktaEvent(raw: OktaLogEvent) {
  return {
    published: isoTime(raw.published, 'published'),
    uuid: requireString(raw.uuid, 'uuid'),
    eventType: requireString(raw.eventType, 'eventType'),
    version: raw.version ?? '',
    severity: raw.severity ?? '',
    displayMessage: raw.displayMessage ?? '',
    legacyEventType: raw.legacyEventType ?? '',
    actor: raw.actor ?? null,
    client: raw.client ?? null,
    device: raw.device ?? null,
    authenticationContext: raw.authenticationContext ?? null,
    securityContext: raw.securityContext ?? null,
    outcome: raw.outcome ?? null,
    target: raw.target ?? null,
    transaction: raw.transaction ?? null,
    debugContext: raw.debugContext ?? null,
    request: raw.request ?? null,
  };
}
