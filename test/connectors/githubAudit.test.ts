import { readFileSync } from 'node:fs';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import type { CheckpointStore } from '../../src/connectors/checkpoints.js';
import { githubAuditConnector, mapGitHubAuditEvent } from '../../src/connectors/githubAudit.js';
import { runConnector } from '../../src/connectors/runner.js';
import { connectorTestEnvironment, deployment as deployOn } from './harness.js';
import { GITHUB_API, GITHUB_TOKEN, githubEvents, githubSamples, MockGitHubAudit } from './vendorMocks.js';

const org = new MockGitHubAudit('orgs/contoso-eng');
const enterprise = new MockGitHubAudit('enterprises/contoso');
const { ingestion, azurite, server } = connectorTestEnvironment([org, enterprise]);

const NOW = Date.parse('2026-01-10T12:00:00Z');

async function deployment(scope: { org?: string; enterprise?: string } = { org: 'contoso-eng' }) {
  const d = await deployOn(azurite(), ingestion);
  const connector = () =>
    githubAuditConnector({
      ...scope,
      token: GITHUB_TOKEN,
      pageSize: 100,
      now: () => NOW,
      initialLookbackMs: 24 * 3_600_000,
      http: d.http,
    });
  const accounting = (mock: MockGitHubAudit) =>
    d.accounting(
      mock.events.map((e) => e._document_id),
      'Custom-GitHubAudit',
      (r) => String(r.documentId),
    );
  return { ...d, connector, accounting };
}

describe('github-audit connector', () => {
  it('pages with the rel="next" after cursor, oldest first, from created:>= the lookback', async () => {
    org.events = githubEvents(250);
    const d = await deployment();
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', pages: 3, sent: 250 });
    const first = org.requests[0];
    expect(first.pathname).toBe('/orgs/contoso-eng/audit-log');
    // The lookback, plus the overlap window every run re-reads.
    expect(first.searchParams.get('phrase')).toBe('created:>=2026-01-09T11:45:00+00:00');
    expect(first.searchParams.get('order')).toBe('asc');
    expect(first.searchParams.get('include')).toBe('all');
    expect(org.requests[1].searchParams.get('after')).toBeTruthy();
    expect(await d.accounting(org)).toMatchObject({ lost: 0, duplicates: 0 });
  });

  it('resumes an overlap window before the last second it delivered and skips what it already sent', async () => {
    // Three events per second: the run ends mid-second, and more events of that second arrive later.
    org.events = githubEvents(30, Date.parse('2026-01-10T10:00:00Z'), 3).slice(0, 29);
    const d = await deployment();
    await runConnector(d.connector(), d.deps);
    const checkpoint = await d.checkpoints.load('github-audit', 'orgs-contoso-eng');
    const cursor = checkpoint?.cursor as { since: string; seen: [string, number][] };
    expect(cursor.since).toBe('2026-01-10T10:00:09+00:00');
    expect(cursor.seen.map(([id]) => id).sort()).toEqual(org.events.map((e) => e._document_id).sort());
    org.events = githubEvents(36, Date.parse('2026-01-10T10:00:00Z'), 3);
    const second = await runConnector(d.connector(), d.deps);
    expect(second.sent).toBe(7);
    expect(org.requests.at(-1)?.searchParams.get('phrase')).toBe('created:>=2026-01-10T09:45:09+00:00');
    expect(await d.accounting(org)).toMatchObject({ lost: 0, duplicates: 0, received: 36 });
  });

  it('FAULT: an event indexed late, older than events already delivered, is fetched by the next run', async () => {
    org.events = githubEvents(30, Date.parse('2026-01-10T10:00:00Z'));
    const d = await deployment();
    await runConnector(d.connector(), d.deps);
    // Indexed after the first run, stamped 25 s before the newest event that run delivered.
    const [late] = githubEvents(1, Date.parse('2026-01-10T10:00:04.250Z'));
    org.events.push({ ...late, _document_id: 'late-indexed' });
    const second = await runConnector(d.connector(), d.deps);
    expect(second.sent).toBe(1);
    expect(await d.accounting(org)).toMatchObject({ lost: 0, duplicates: 0, received: 31 });
  });

  it('keeps a checkpoint that fits one Table Storage property however busy the overlap window', async () => {
    org.events = githubEvents(3000, Date.parse('2026-01-10T10:00:00Z'), 10);
    const d = await deployment();
    const run = await runConnector(d.connector(), d.deps);
    expect(run, run.error).toMatchObject({ outcome: 'completed', sent: 3000 });
    const checkpoint = await d.checkpoints.load('github-audit', 'orgs-contoso-eng');
    expect(JSON.stringify(checkpoint?.cursor).length).toBeLessThanOrEqual(32_768);
    // Ids dropped past the cap are resent, never skipped.
    await runConnector(d.connector(), d.deps);
    expect((await d.accounting(org)).lost).toBe(0);
  });

  it('FAULT: a crash before the checkpoint resends at most that page and loses nothing', async () => {
    org.events = githubEvents(250, Date.parse('2026-01-10T10:00:00Z'), 4);
    const d = await deployment();
    let commits = 0;
    const crashing: CheckpointStore = {
      load: (c, k) => d.checkpoints.load(c, k),
      commit: async (c, k, cursor, previous) => {
        if (++commits === 2) throw new Error('simulated crash');
        return d.checkpoints.commit(c, k, cursor, previous);
      },
    };
    expect((await runConnector(d.connector(), { ...d.deps, checkpoints: crashing })).outcome).toBe('failed');
    expect((await runConnector(d.connector(), d.deps)).outcome).toBe('completed');
    const { lost, duplicates } = await d.accounting(org);
    expect(lost).toBe(0);
    // Exactly the page whose checkpoint was never written.
    expect(duplicates).toBe(100);
  });

  it('FAULT: waits for x-ratelimit-reset on a 403 with no requests remaining', async () => {
    org.events = githubEvents(5);
    const d = await deployment();
    const reset = Math.ceil(Date.now() / 1000) + 1;
    org.faults.push({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: '{"message":"API rate limit exceeded"}',
    });
    const result = await runConnector(d.connector(), d.deps);
    expect(result.outcome).toBe('completed');
    expect(d.sourceRetries[0]).toMatch(/^403:\d+$/);
    expect(await d.accounting(org)).toMatchObject({ lost: 0 });
  });

  it('FAULT: a rate-limit window longer than the run may wait fails fast; the next run loses nothing', async () => {
    org.events = githubEvents(5);
    const d = await deployment();
    org.faults.push({ status: 429, headers: { 'Retry-After': '3600' } });
    const failed = await runConnector(d.connector(), d.deps);
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/rate limited for 3600 s/);
    await runConnector(d.connector(), d.deps);
    expect(await d.accounting(org)).toMatchObject({ lost: 0, duplicates: 0 });
  });

  // Secondary rate limits: "Rate limits for the REST API", Exceeding the rate limit
  // (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
  it('FAULT: a secondary rate limit answered 403 with retry-after is waited out, not a failure', async () => {
    org.events = githubEvents(5);
    const d = await deployment();
    org.faults.push({
      status: 403,
      headers: { 'retry-after': '1' },
      body: '{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}',
    });
    const result = await runConnector(d.connector(), d.deps);
    expect(result.outcome).toBe('completed');
    expect(d.sourceRetries).toEqual(['403:1000']);
    expect(await d.accounting(org)).toMatchObject({ lost: 0, duplicates: 0 });
  });

  it.each([
    [429, ''],
    [403, '{"message":"You have exceeded a secondary rate limit."}'],
  ])(
    'FAULT: a %i secondary rate limit without headers waits the minute GitHub asks for',
    async (status, body) => {
      org.events = githubEvents(5);
      const d = await deployment();
      org.faults.push({ status, body });
      const retries: number[] = [];
      const connector = githubAuditConnector({
        org: 'contoso-eng',
        token: GITHUB_TOKEN,
        now: () => NOW,
        initialLookbackMs: 24 * 3_600_000,
        // A minute is within what this run may wait: it must wait the whole minute, never retry sooner.
        http: { ...d.http, maxDelayMs: 120_000, onRetry: (r) => retries.push(r.waitMs) },
      });
      const controller = new AbortController();
      const run = runConnector(connector, { ...d.deps, signal: controller.signal });
      await vi.waitFor(() => expect(retries).toHaveLength(1));
      controller.abort();
      await run;
      expect(retries).toEqual([60_000]);
      expect(org.requests).toHaveLength(1);
    },
  );

  it('FAULT: a 403 that is not a rate limit is not retried and says so', async () => {
    org.events = githubEvents(5);
    const d = await deployment();
    org.faults.push({ status: 403, body: '{"message":"Must have admin rights to Repository."}' });
    const failed = await runConnector(d.connector(), d.deps);
    expect(failed.error).toMatch(/HTTP 403 after 1 attempt.*admin rights/);
    expect(failed.error).not.toContain(GITHUB_TOKEN);
  });

  it('FAULT: an event whose additionalFields exceed the 64 KB Logs Ingestion keeps per field is dead-lettered', async () => {
    org.events = githubEvents(3);
    org.events[1] = { ...org.events[1], request_body: 'x'.repeat(70_000) };
    const d = await deployment();
    expect(await runConnector(d.connector(), d.deps)).toMatchObject({ sent: 2, deadLettered: 1 });
    expect(await d.accounting(org)).toMatchObject({ lost: 1, dead: ['doc-1'] });
  });

  it('reads the enterprise audit log when configured for an enterprise', async () => {
    enterprise.events = githubEvents(3);
    const d = await deployment({ enterprise: 'contoso' });
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', sent: 3 });
    expect(await d.checkpoints.load('github-audit', 'enterprises-contoso')).toBeDefined();
  });

  it('refuses a configuration with both or neither of org and enterprise', () => {
    expect(() => githubAuditConnector({ token: 't' })).toThrow(/exactly one of org or enterprise/);
    expect(() => githubAuditConnector({ token: 't', org: 'a', enterprise: 'b' })).toThrow(/exactly one/);
  });

  it('refuses a next link that leaves the API origin, so the token stays home', async () => {
    const d = await deployment();
    server.use(
      http.get(
        `${GITHUB_API}/orgs/contoso-eng/audit-log`,
        () =>
          HttpResponse.json(githubEvents(2), {
            headers: { Link: '<https://evil.example/steal?after=x>; rel="next"' },
          }),
        { once: true },
      ),
    );
    const result = await runConnector(d.connector(), d.deps);
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/another origin/);
    expect(ingestion.requests).toEqual([]);
  });
});

describe('mapGitHubAuditEvent', () => {
  it('turns the millisecond epoch into ISO time and keeps unmapped fields', () => {
    const row = mapGitHubAuditEvent(githubSamples()[2]);
    expect(row).toMatchObject({
      timestamp: '2026-01-10T11:59:00.510Z',
      action: 'git.clone',
      transportProtocol: 'http',
      additionalFields: { repository: 'contoso-eng/payments-service', repository_public: false },
    });
    expect(row.additionalFields).not.toHaveProperty('@timestamp');
  });

  it('throws on an event without a usable @timestamp or _document_id', () => {
    const [event] = githubSamples();
    expect(() => mapGitHubAuditEvent({ ...event, '@timestamp': Number.NaN })).toThrow(/@timestamp/);
    expect(() => mapGitHubAuditEvent({ ...event, _document_id: '' })).toThrow(/_document_id/);
  });
});

describe('GitHub audit-log fields the rules read', () => {
  // Field lists of each event, from "Audit log events for your organization":
  // https://docs.github.com/en/organizations/keeping-your-organization-secure/managing-security-settings-for-your-organization/audit-log-events-for-your-organization
  const rules = (name: string) =>
    readFileSync(new URL(`../../kql/rules/cloud/${name}.yaml`, import.meta.url), 'utf8');
  const [event] = githubSamples();

  it.each([
    ['repo.access', 'github-repo-made-public', { visibility: 'public', previous_visibility: 'private' }],
    ['org.update_member', 'github-org-owner-added', { permission: 'admin', old_permission: 'read' }],
  ])('%s (read by %s) carries %j in AdditionalFields', (action, rule, fields) => {
    const row = mapGitHubAuditEvent({ ...event, action, ...fields });
    expect(row.additionalFields).toMatchObject(fields);
    const query = rules(rule);
    for (const field of Object.keys(fields)) expect(query).toContain(`AdditionalFields.${field}`);
  });
});
