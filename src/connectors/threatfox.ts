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

/** ThreatFox ids grow monotonically, so the highest delivered id is the cursor. */
export interface ThreatFoxCursor {
  lastId: number;
}

export interface ThreatFoxOptions {
  authKey: string;
  apiUrl?: string;
  /** Window of each poll; ThreatFox accepts 1 to 7 days. */
  days?: number;
  /** Records per committed page (ThreatFox returns the whole window in one response). */
  pageSize?: number;
  /** ThreatFox sets no expiry; indicators stay valid this long after they were last seen. */
  validityDays?: number;
  http?: SourceHttpOptions;
}

const DAY_MS = 86_400_000;

export function threatFoxConnector(options: ThreatFoxOptions): Connector<ThreatFoxIoc, ThreatFoxCursor> {
  const apiUrl = options.apiUrl ?? 'https://threatfox-api.abuse.ch/api/v1/';
  const days = Math.min(Math.max(Math.trunc(options.days ?? 1), 1), 7);
  const pageSize = options.pageSize ?? 1000;
  const validityMs = (options.validityDays ?? 30) * DAY_MS;
  return {
    name: 'threatfox',
    checkpointKey: new URL(apiUrl).host,
    streamName: 'Custom-ThreatIntelFeed',
    initialCursor: () => ({ lastId: 0 }),
    parseCursor(stored) {
      const lastId = (stored as Partial<ThreatFoxCursor> | null)?.lastId;
      if (Number.isSafeInteger(lastId) && (lastId as number) >= 0) return { lastId: lastId as number };
      throw new Error(`threatfox: stored cursor is not one this connector writes: ${JSON.stringify(stored)}`);
    },
    async *pages(from, signal): AsyncGenerator<SourcePage<ThreatFoxIoc, ThreatFoxCursor>> {
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
      if (response?.query_status === 'no_result') return;
      if (response?.query_status !== 'ok' || !Array.isArray(response.data)) {
        throw new SourceError(
          `threatfox: get_iocs answered query_status ${JSON.stringify(response?.query_status)}`,
        );
      }
      // An IOC with a non-numeric id is kept (sorted first) so the mapper dead-letters it, never dropped.
      const fresh = (response.data as ThreatFoxIoc[])
        .filter((ioc) => !(Number(ioc.id) <= from.lastId))
        .sort((a, b) => (Number(a.id) || 0) - (Number(b.id) || 0));
      for (let start = 0; start < fresh.length; start += pageSize) {
        const records = fresh.slice(start, start + pageSize);
        const lastId = Math.max(
          from.lastId,
          ...records.map((r) => Number(r.id)).filter(Number.isSafeInteger),
        );
        yield { records, cursor: { lastId } };
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
