import type { ThreatFoxIoc } from '../../connectors/threatfox.js';
import { HttpError, type Router, readJson, sendJson } from '../server/http.js';
import { published, type ReplayOptions, readSamples, replayTimeline } from './replay.js';

const DAY_MS = 86_400_000;

/** "2026-01-10 08:14:22 UTC" ⇄ epoch ms: ThreatFox's time format, whole seconds. */
function parseThreatFoxTime(value: string): number {
  return Date.parse(value.replace(' ', 'T').replace(' UTC', 'Z'));
}

function formatThreatFoxTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/**
 * ThreatFox's `get_iocs` query (`POST /api/v1/` with an `Auth-Key` header), replaying
 * connectors/threatfox/samples: the IOCs first seen within the last `days` (1 to 7, default 3), newest
 * first. An IOC appears when the simulated clock reaches its first_seen; its last_seen shows once that
 * time has passed too. https://threatfox.abuse.ch/api/#recentiocs
 */
export function addThreatFoxReplay(router: Router, options: ReplayOptions): void {
  const samples = readSamples(options.root, 'threatfox').flatMap(
    (file) => (file as { data: ThreatFoxIoc[] }).data,
  );
  const iocs = replayTimeline(samples, options.startMs, {
    time: (ioc) => parseThreatFoxTime(ioc.first_seen),
    id: (ioc) => ioc.id,
    restamp: (ioc, shift) => ({
      ...ioc,
      first_seen: formatThreatFoxTime(shift(parseThreatFoxTime(ioc.first_seen))),
      last_seen: ioc.last_seen ? formatThreatFoxTime(shift(parseThreatFoxTime(ioc.last_seen))) : null,
    }),
  });
  router.add('POST', '/api/v1', async ({ request, response }) => {
    // abuse.ch answers an unknown or missing Auth-Key with this query_status.
    if (request.headers['auth-key'] !== options.token) {
      return sendJson(response, 401, { query_status: 'unknown_auth_key' });
    }
    const body = (await readJson(request, 1_000_000)) as { query?: unknown; days?: unknown } | null;
    if (body?.query !== 'get_iocs') {
      throw new HttpError(400, 'UnsupportedQuery', 'the local ThreatFox replay answers get_iocs only');
    }
    const days = body.days ?? 3;
    if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 7) {
      throw new HttpError(400, 'InvalidDays', 'days must be a whole number from 1 to 7');
    }
    const now = options.clock.date().getTime();
    const data = published(iocs, options.clock)
      .filter((ioc) => ioc.ms > now - (days as number) * DAY_MS)
      .reverse()
      .map(({ event }) => ({
        ...event,
        last_seen: event.last_seen && parseThreatFoxTime(event.last_seen) <= now ? event.last_seen : null,
      }));
    sendJson(
      response,
      200,
      data.length > 0
        ? { query_status: 'ok', data }
        : { query_status: 'no_result', data: 'Your search did not yield any results' },
    );
  });
}
