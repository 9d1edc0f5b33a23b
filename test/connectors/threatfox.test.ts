import { describe, expect, it } from 'vitest';
import { runConnector } from '../../src/connectors/runner.js';
import { mapThreatFoxIoc, threatFoxConnector } from '../../src/connectors/threatfox.js';
import { connectorTestEnvironment, deployment as deployOn } from './harness.js';
import { MockThreatFox, THREATFOX_KEY, threatFoxSample } from './vendorMocks.js';

const feed = new MockThreatFox();
const { ingestion, azurite } = connectorTestEnvironment([feed]);

function iocs(n: number, firstId = 2_000_000) {
  const samples = threatFoxSample().data;
  return Array.from({ length: n }, (_, i) => ({
    ...structuredClone(samples[i % samples.length]),
    id: String(firstId + i),
  }));
}

async function deployment(pageSize = 1000) {
  const d = await deployOn(azurite(), ingestion);
  const connector = () => threatFoxConnector({ authKey: THREATFOX_KEY, days: 2, pageSize, http: d.http });
  const accounting = () =>
    d.accounting(
      feed.iocs.map((i) => i.id),
      'Custom-ThreatIntelFeed',
      (r) => String(r.id).replace('threatfox:', ''),
    );
  return { ...d, connector, accounting };
}

describe('threatfox connector', () => {
  it('posts get_iocs with the Auth-Key and delivers only IOCs newer than the committed id', async () => {
    feed.iocs = iocs(25).reverse(); // ThreatFox returns newest first
    const d = await deployment(10);
    const first = await runConnector(d.connector(), d.deps);
    expect(first).toMatchObject({ outcome: 'completed', pages: 3, sent: 25 });
    expect(feed.requests[0]).toEqual({ query: 'get_iocs', days: 2 });
    expect((await d.checkpoints.load('threatfox', 'threatfox-api.abuse.ch'))?.cursor).toEqual({
      lastId: 2_000_024,
      polledAt: expect.any(String),
    });

    feed.iocs = [...iocs(3, 2_000_025), ...feed.iocs];
    const second = await runConnector(d.connector(), d.deps);
    expect(second.sent).toBe(3);
    expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0, received: 28 });
  });

  it('treats query_status no_result as an empty feed, and still records when it polled', async () => {
    feed.iocs = [];
    const d = await deployment();
    expect(await runConnector(d.connector(), d.deps)).toMatchObject({ outcome: 'completed', sent: 0 });
    expect(ingestion.requests).toEqual([]);
    expect((await d.checkpoints.load('threatfox', 'threatfox-api.abuse.ch'))?.cursor).toEqual({
      lastId: 0,
      polledAt: expect.any(String),
    });
  });

  // get_iocs selects by first_seen within `days` (1 to 7): https://threatfox.abuse.ch/api/#recent-iocs
  describe('FAULT: an outage longer than the configured window', () => {
    const NOW = Date.parse('2026-01-10T12:00:00Z');
    const connector = (d: Awaited<ReturnType<typeof deployOn>>, warnings: string[] = []) =>
      threatFoxConnector({
        authKey: THREATFOX_KEY,
        days: 1,
        http: d.http,
        now: () => NOW,
        warn: (m) => warnings.push(m),
      });
    /** A checkpoint from a poll `days` before NOW, as an outage of that length leaves it. */
    const lastPolledDaysAgo = (d: Awaited<ReturnType<typeof deployOn>>, days: number) =>
      d.checkpoints.commit(
        'threatfox',
        'threatfox-api.abuse.ch',
        { lastId: 1_999_999, polledAt: new Date(NOW - days * 86_400_000).toISOString() },
        undefined,
      );

    it('reaches back to the last poll, so IOCs first seen during the outage are read', async () => {
      feed.iocs = iocs(3);
      const d = await deployOn(azurite(), ingestion);
      await lastPolledDaysAgo(d, 3);
      const warnings: string[] = [];
      expect(await runConnector(connector(d, warnings), d.deps)).toMatchObject({
        outcome: 'completed',
        sent: 3,
      });
      expect(feed.requests).toEqual([{ query: 'get_iocs', days: 4 }]);
      expect(warnings).toEqual([]);
      expect((await d.checkpoints.load('threatfox', 'threatfox-api.abuse.ch'))?.cursor).toEqual({
        lastId: 2_000_002,
        polledAt: new Date(NOW).toISOString(),
      });
    });

    it('asks for the 7 days the API allows and warns that older IOCs may be missing', async () => {
      feed.iocs = iocs(2);
      const d = await deployOn(azurite(), ingestion);
      await lastPolledDaysAgo(d, 10);
      const warnings: string[] = [];
      await runConnector(connector(d, warnings), d.deps);
      expect(feed.requests).toEqual([{ query: 'get_iocs', days: 7 }]);
      expect(warnings).toEqual([
        expect.stringMatching(/10\.0 days since the last poll .* more than the 7 days/),
      ]);
    });
  });

  it('FAULT: an unknown query_status fails clearly; a 502 then succeeds; nothing lost', async () => {
    feed.iocs = iocs(5);
    const d = await deployment();
    feed.faults.push({
      status: 200,
      body: '{"query_status":"illegal_days"}',
      headers: { 'Content-Type': 'application/json' },
    });
    const failed = await runConnector(d.connector(), d.deps);
    expect(failed.error).toMatch(/query_status "illegal_days"/);
    feed.faults.push({ status: 502 });
    expect((await runConnector(d.connector(), d.deps)).outcome).toBe('completed');
    expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0 });
  });

  it('FAULT: a 401 for a bad key is reported without the key', async () => {
    feed.iocs = iocs(1);
    const d = await deployOn(azurite(), ingestion);
    const result = await runConnector(threatFoxConnector({ authKey: 'wrong-key-XYZ', http: d.http }), d.deps);
    expect(result.error).toMatch(/HTTP 401/);
    expect(JSON.stringify([result, d.logs])).not.toContain('wrong-key-XYZ');
  });

  it('FAULT: an IOC whose STIX data exceeds the 64 KB Logs Ingestion keeps per field is dead-lettered', async () => {
    feed.iocs = iocs(3);
    feed.iocs[2] = { ...feed.iocs[2], tags: Array.from({ length: 5000 }, (_, i) => `tag-${i}-padding`) };
    const d = await deployment();
    expect(await runConnector(d.connector(), d.deps)).toMatchObject({ sent: 2, deadLettered: 1 });
    expect(await d.accounting()).toMatchObject({ lost: 1, dead: ['2000002'] });
  });

  it('dead-letters an IOC it cannot express as a STIX observable and delivers the others', async () => {
    feed.iocs = iocs(4);
    feed.iocs[1] = { ...feed.iocs[1], ioc_type: 'x509_fingerprint' };
    const d = await deployment();
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({ sent: 3, deadLettered: 1 });
    expect(await d.accounting()).toMatchObject({ lost: 1, dead: ['2000001'] });
  });
});

describe('mapThreatFoxIoc', () => {
  const [ipPort, domain, url, sha256, md5] = threatFoxSample().data;

  it.each([
    [ipPort, 'ipv4-addr:value', '203.0.113.45'],
    [domain, 'domain-name:value', 'update-check.example.org'],
    [url, 'url:value', 'https://cdn.example.net/files/invoice_2026.zip'],
    [sha256, "file:hashes.'SHA-256'", sha256.ioc],
    [md5, 'file:hashes.MD5', md5.ioc],
  ])('maps %# to its STIX observable', (ioc, key, value) => {
    const row = mapThreatFoxIoc(ioc);
    expect(row.observableKey).toBe(key);
    expect(row.observableValue).toBe(value);
    expect(row.pattern).toBe(`[${key} = '${value}']`);
  });

  it('splits IPv6 ip:port and escapes quotes in patterns', () => {
    expect(mapThreatFoxIoc({ ...ipPort, ioc: '[2001:db8::5]:443' })).toMatchObject({
      observableKey: 'ipv6-addr:value',
      observableValue: '2001:db8::5',
    });
    expect(mapThreatFoxIoc({ ...url, ioc: "https://x.example/a'b\\c" }).pattern).toBe(
      "[url:value = 'https://x.example/a\\'b\\\\c']",
    );
  });

  it('converts ThreatFox times and derives validity from last_seen', () => {
    const row = mapThreatFoxIoc(domain, 30 * 86_400_000);
    expect(row).toMatchObject({
      created: '2026-01-10T08:31:05.000Z',
      modified: '2026-01-10T10:02:47.000Z',
      validUntil: '2026-02-09T10:02:47.000Z',
      confidence: 75,
      tags: 'LummaStealer',
    });
    expect(row.data).toMatchObject({
      type: 'indicator',
      pattern_type: 'stix',
      labels: ['botnet_cc', 'Lumma Stealer', 'LummaStealer'],
    });
  });

  it('rejects a malformed id or time', () => {
    expect(() => mapThreatFoxIoc({ ...domain, id: 'abc' })).toThrow(/not a ThreatFox IOC id/);
    expect(() => mapThreatFoxIoc({ ...domain, first_seen: 'yesterday' })).toThrow(/first_seen/);
  });
});
