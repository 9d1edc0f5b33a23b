import { fetchJson, SourceError, type SourceHttpOptions } from './http.js';
import { isoTime, requireString } from './time.js';
import type { Connector, SourcePage } from './types.js';

/** A ThreatFox IOC as returned by `get_iocs` (https://threatfox.abuse.ch/api/). */
export interface ThreatFoxIoc {
  id: string;
  ioc: string;
  threat_type: string;
  threat_type_desc?: string;
  ioc_type: string;
  ioc_type_desc?: string;
  malware?: string;
  malware_printable?: string;
  malware_alias?: string | null;
  malware_malpedia?: string | null;
  confidence_level: number;
  first_seen: string;
  last_seen?: string | null;
  reference?: string | null;
  reporter?: string;
  tags?: string[] | null;
}

/**
 * ThreatFox ids grow monotonically, so the highest delivered id is the cursor; `polledAt`, when the last
 * delivered poll was asked, sizes the next poll's window.
 */
export interface ThreatFoxCursor {
  lastId: number;
  polledAt?: string;
}

export interface ThreatFoxOptions {
  authKey: string;
  apiUrl?: string;
  /**
   * Smallest window of a poll; ThreatFox accepts 1 to 7 days. A poll reaches back to the previous one
   * (plus an hour) when that is longer, up to the 7 days the API can return.
   */
  days?: number;
  /** Records per committed page (ThreatFox returns the whole window in one response). */
  pageSize?: number;
  /** ThreatFox sets no expiry; indicators stay valid this long after they were last seen. */
  validityDays?: number;
  http?: SourceHttpOptions;
  /** Told when the time since the last poll exceeds what `get_iocs` can return. */
  warn?: (message: string) => void;
  now?: () => number;
}

const DAY_MS = 86_400_000;
/** `get_iocs` `days`: "min: 1, max: 7" (https://threatfox.abuse.ch/api/#recent-iocs). */
const MAX_DAYS = 7;
/** Margin on top of the time since the last poll, for IOCs published with a slightly older first_seen. */
const WINDOW_SLACK_MS = 3_600_000;

export function threatFoxConnector(options: ThreatFoxOptions): Connector<ThreatFoxIoc, ThreatFoxCursor> {
  const apiUrl = options.apiUrl ?? 'https://threatfox-api.abuse.ch/api/v1/';
  const minDays = Math.min(Math.max(Math.trunc(options.days ?? 1), 1), MAX_DAYS);
  const now = options.now ?? Date.now;
  /** Days since `from.polledAt`, so an outage of several days is read back; warns past the API's reach. */
  const windowDays = (from: ThreatFoxCursor, at: number): number => {
    if (from.polledAt === undefined) return minDays;
    const gapMs = at - Date.parse(from.polledAt) + WINDOW_SLACK_MS;
    const needed = Math.ceil(gapMs / DAY_MS);
    if (needed > MAX_DAYS) {
      options.warn?.(
        `threatfox: ${(gapMs / DAY_MS).toFixed(1)} days since the last poll (${from.polledAt}), more than the ` +
          `${MAX_DAYS} days get_iocs returns: IOCs first seen before ${new Date(at - MAX_DAYS * DAY_MS).toISOString()} ` +
          'and not yet delivered are missing; load them from the ThreatFox full export',
      );
    }
    return Math.min(Math.max(needed, minDays), MAX_DAYS);
  };
  const pageSize = options.pageSize ?? 1000;
  const validityMs = (options.validityDays ?? 30) * DAY_MS;
  return {
    name: 'threatfox',
    checkpointKey: new URL(apiUrl).host,
    streamName: 'Custom-ThreatIntelFeed',
    initialCursor: () => ({ lastId: 0 }),
    parseCursor(stored) {
      const c = stored as Partial<ThreatFoxCursor> | null;
      const lastId = c?.lastId;
      const polledAt = c?.polledAt;
      const validTime =
        polledAt === undefined || (typeof polledAt === 'string' && Number.isFinite(Date.parse(polledAt)));
      if (Number.isSafeInteger(lastId) && (lastId as number) >= 0 && validTime)
        return polledAt === undefined ? { lastId: lastId as number } : { lastId: lastId as number, polledAt };
      throw new Error(`threatfox: stored cursor is not one this connector writes: ${JSON.stringify(stored)}`);
    },
    async *pages(from, signal): AsyncGenerator<SourcePage<ThreatFoxIoc, ThreatFoxCursor>> {
      // Taken before asking: an IOC first seen while this poll runs is in the next poll's window.
      const polledAt = new Date(now()).toISOString();
      const days = windowDays(from, Date.parse(polledAt));
      const { body } = await fetchJson(
        apiUrl,
        {
          method: 'POST',
          headers: {
            'Auth-Key': options.authKey,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: JSON.stringify({ query: 'get_iocs', days }),
        },
        options.http ?? {},
        signal,
      );
      const response = body as { query_status?: unknown; data?: unknown } | null;
      if (response?.query_status === 'no_result') {
        // Nothing new, yet the poll happened: the next window starts here.
        yield { records: [], cursor: { lastId: from.lastId, polledAt } };
        return;
      }
      if (response?.query_status !== 'ok' || !Array.isArray(response.data)) {
        throw new SourceError(
          `threatfox: get_iocs answered query_status ${JSON.stringify(response?.query_status)}`,
        );
      }
      // An IOC with a non-numeric id is kept (sorted first) so the mapper dead-letters it, never dropped.
      const fresh = (response.data as ThreatFoxIoc[])
        .filter((ioc) => !(Number(ioc.id) <= from.lastId))
        .sort((a, b) => (Number(a.id) || 0) - (Number(b.id) || 0));
      let lastId = from.lastId;
      for (let start = 0; start === 0 || start < fresh.length; start += pageSize) {
        const records = fresh.slice(start, start + pageSize);
        lastId = Math.max(lastId, ...records.map((r) => Number(r.id)).filter(Number.isSafeInteger));
        // Until the last page is committed, a rerun must reach back as far as this poll did.
        const last = start + pageSize >= fresh.length;
        yield { records, cursor: last ? { lastId, polledAt } : { ...from, lastId } };
      }
    },
    map: (raw) => mapThreatFoxIoc(raw, validityMs),
    recordId: (raw) => String(raw.id),
  };
}

/** "2024-05-01 10:00:00 UTC", ThreatFox's time format. */
function threatFoxTime(value: unknown, field: string): string {
  const match =
    typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(value) : null;
  return isoTime(match ? `${match[1]}T${match[2]}Z` : value, field);
}

/** STIX 2.1 object path for each ThreatFox ioc_type (https://docs.oasis-open.org/cti/stix/v2.1/). */
const OBSERVABLE_KEYS: Record<string, string> = {
  domain: 'domain-name:value',
  url: 'url:value',
  md5_hash: 'file:hashes.MD5',
  sha1_hash: "file:hashes.'SHA-1'",
  sha256_hash: "file:hashes.'SHA-256'",
};

function observable(iocType: string, ioc: string): { key: string; value: string } {
  if (iocType === 'ip:port') {
    // "203.0.113.5:443" or "[2001:db8::1]:443"
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(ioc);
    if (!match) throw new Error(`ioc ${JSON.stringify(ioc)} is not ip:port`);
    return { key: match[1].includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value', value: match[1] };
  }
  const key = OBSERVABLE_KEYS[iocType];
  if (!key) throw new Error(`unsupported ioc_type ${JSON.stringify(iocType)}`);
  return { key, value: ioc };
}

/** Escapes a STIX pattern string literal: backslash and single quote. */
function stixString(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** ThreatFox IOC → row of the `Custom-ThreatIntelFeed` stream (ThreatIntelIndicators-shaped). */
export function mapThreatFoxIoc(raw: ThreatFoxIoc, validityMs = 30 * DAY_MS) {
  const id = String(raw.id);
  if (!/^\d+$/.test(id)) throw new Error(`id ${JSON.stringify(raw.id)} is not a ThreatFox IOC id`);
  const { key, value } = observable(requireString(raw.ioc_type, 'ioc_type'), requireString(raw.ioc, 'ioc'));
  const created = threatFoxTime(raw.first_seen, 'first_seen');
  const modified = raw.last_seen ? threatFoxTime(raw.last_seen, 'last_seen') : created;
  const validUntil = new Date(Date.parse(modified) + validityMs).toISOString();
  const confidence = Number.isFinite(raw.confidence_level) ? Math.round(raw.confidence_level) : null;
  const pattern = `[${key} = ${stixString(value)}]`;
  const labels = [raw.threat_type, raw.malware_printable, ...(raw.tags ?? [])].filter(
    (l): l is string => typeof l === 'string' && l !== '',
  );
  return {
    id: `threatfox:${id}`,
    created,
    modified,
    validFrom: created,
    validUntil,
    confidence,
    observableKey: key,
    observableValue: value,
    pattern,
    tags: (raw.tags ?? []).join(','),
    data: {
      type: 'indicator',
      spec_version: '2.1',
      name: `${raw.malware_printable ?? raw.malware ?? 'ThreatFox'} ${raw.threat_type}`,
      description: raw.threat_type_desc ?? '',
      pattern,
      pattern_type: 'stix',
      valid_from: created,
      valid_until: validUntil,
      confidence,
      labels,
      indicator_types: ['malicious-activity'],
      external_references: [
        { source_name: 'ThreatFox', external_id: id, url: `https://threatfox.abuse.ch/ioc/${id}/` },
        ...(raw.reference ? [{ source_name: 'reference', url: raw.reference }] : []),
      ],
      x_threatfox: {
        ioc_type: raw.ioc_type,
        threat_type: raw.threat_type,
        malware: raw.malware ?? null,
        malware_alias: raw.malware_alias ?? null,
        malware_malpedia: raw.malware_malpedia ?? null,
        reporter: raw.reporter ?? null,
      },
    },
  };
}
