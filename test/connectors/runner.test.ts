import { describe, expect, it } from 'vitest';
import {
  CheckpointConflictError,
  type CheckpointStore,
  TableCheckpointStore,
} from '../../src/connectors/checkpoints.js';
import { oktaConnector } from '../../src/connectors/okta.js';
import { runConnector } from '../../src/connectors/runner.js';
import { createAzureLogsSink } from '../../src/ingest/logsIngestion.js';
import { DCE, DCR_ID, staticCredential } from '../ingest/mockLogsIngestion.js';
import { connectorTestEnvironment, deployment as deployOn } from './harness.js';
import { type Fault, MockOkta, OKTA_ORG, OKTA_TOKEN, oktaEvents } from './vendorMocks.js';

const okta = new MockOkta();
const { ingestion, azurite } = connectorTestEnvironment([okta]);

/** An Okta deployment: the harness plus the Okta connector pointed at the mock org. */
async function deployment() {
  const d = await deployOn(azurite(), ingestion);
  const connector = (pageSize = 1000) =>
    oktaConnector({
      orgUrl: OKTA_ORG,
      apiToken: OKTA_TOKEN,
      pageSize,
      now: () => Date.parse('2026-01-10T12:00:00Z'),
      initialLookbackMs: 24 * 3_600_000,
      http: d.http,
    });
  const accounting = () =>
    d.accounting(
      okta.events.map((e) => e.uuid),
      'Custom-Okta',
      (r) => String(r.uuid),
    );
  return { ...d, connector, accounting };
}

/** Fails `commit` number `failAt`, as if the process died after the page's upload was accepted. */
function crashingOnCommit(store: CheckpointStore, failAt: number): CheckpointStore {
  let commits = 0;
  return {
    load: (c, k) => store.load(c, k),
    commit: async (c, k, cursor, previous) => {
      commits += 1;
      if (commits === failAt) throw new Error('simulated crash after upload, before checkpoint');
      return store.commit(c, k, cursor, previous);
    },
  };
}

describe('connector runner (Okta source, Logs Ingestion, Azurite checkpoints)', () => {
  it('pages through the source, sends every event once, and commits the cursor after each page', async () => {
    okta.events = oktaEvents(2500);
    const d = await deployment();
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({
      outcome: 'completed',
      pages: 3,
      records: 2500,
      sent: 2500,
      deadLettered: 0,
    });
    expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0, received: 2500 });
    const checkpoint = await d.checkpoints.load('okta', 'contoso.okta.com');
    const stored = checkpoint?.cursor as { next: string };
    expect(stored.next).toMatch(/^https:\/\/contoso\.okta\.com\/api\/v1\/logs\?since=.*&after=/);
    // The next run starts after the last event: nothing is resent.
    ingestion.reset();
    okta.requests.length = 0;
    okta.events.push(...oktaEvents(10, Date.parse('2026-01-10T11:00:00Z'), 'new'));
    const second = await runConnector(d.connector(), d.deps);
    expect(second).toMatchObject({ outcome: 'completed', sent: 10 });
    expect(ingestion.rows('Custom-Okta').map((r) => r.uuid)).toEqual(
      okta.events.slice(2500).map((e) => e.uuid),
    );
    // The whole next link, as Okta gave it (polling: developer.okta.com/docs/reference/api/system-log/#polling-requests).
    expect(okta.requests[0].toString()).toBe(stored.next);
  });

  it('asks the vendor for the next page while the current one uploads, yet uploads a page only after the previous commit', async () => {
    okta.events = oktaEvents(3000);
    const d = await deployment();
    const vendorRequestsAtUpload: number[] = [];
    const commitsAtUpload: number[] = [];
    let commits = 0;
    ingestion.onAccepted = () => {
      vendorRequestsAtUpload.push(okta.requests.length);
      commitsAtUpload.push(commits);
    };
    const result = await runConnector(d.connector(), {
      ...d.deps,
      concurrency: 1,
      checkpoints: {
        load: (c, k) => d.checkpoints.load(c, k),
        commit: async (c, k, cursor, previous) => {
          const committed = await d.checkpoints.commit(c, k, cursor, previous);
          commits += 1;
          return committed;
        },
      },
    });
    expect(result).toMatchObject({ outcome: 'completed', pages: 3, sent: 3000 });
    // Page 2 was requested before page 1's first batch was accepted.
    expect(vendorRequestsAtUpload[0]).toBeGreaterThanOrEqual(2);
    // Each page's batches (two per page of 1000 here) went out after every earlier page was committed.
    expect(commitsAtUpload).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('FAULT: a crash between an accepted upload and its checkpoint resends that page, loses nothing', async () => {
    okta.events = oktaEvents(2500);
    const d = await deployment();
    const crashed = await runConnector(d.connector(), {
      ...d.deps,
      checkpoints: crashingOnCommit(d.checkpoints, 2),
    });
    expect(crashed.outcome).toBe('failed');
    expect(crashed.error).toMatch(/simulated crash/);
    expect(crashed.pages).toBe(1);
    expect(ingestion.rows('Custom-Okta')).toHaveLength(2000);

    const resumed = await runConnector(d.connector(), d.deps);
    expect(resumed).toMatchObject({ outcome: 'completed', pages: 2, sent: 1500 });
    const { lost, duplicates } = await d.accounting();
    expect(lost).toBe(0);
    expect(duplicates).toBe(1000); // exactly the page whose checkpoint was never written
  });

  it('FAULT: aborting the run while a page is in flight keeps every committed page and loses nothing', async () => {
    okta.events = oktaEvents(2500);
    const d = await deployment();
    const controller = new AbortController();
    let accepted = 0;
    ingestion.onAccepted = () => {
      accepted += 1;
      if (accepted === 2) controller.abort();
    };
    const stopped = await runConnector(d.connector(), { ...d.deps, signal: controller.signal });
    expect(stopped.outcome).toBe('stopped');
    expect(stopped.pages).toBeLessThanOrEqual(2);
    ingestion.onAccepted = undefined;
    const resumed = await runConnector(d.connector(), d.deps);
    expect(resumed.outcome).toBe('completed');
    const { lost, duplicates } = await d.accounting();
    expect(lost).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(1000);
  });

  it('FAULT: persistent ingestion 5xx fails the run before the checkpoint; the next run delivers the rest', async () => {
    okta.events = oktaEvents(2500);
    const d = await deployment();
    let acceptedRows = 0;
    ingestion.onAccepted = (_stream, rows) => {
      acceptedRows += rows.length;
      // Page 1 (1000 events, several batches) goes through; everything after it fails.
      if (acceptedRows === 1000) ingestion.failNext(...Array.from({ length: 12 }, () => ({ status: 503 })));
    };
    const failed = await runConnector(d.connector(), d.deps);
    expect(failed).toMatchObject({ outcome: 'failed', pages: 1 });
    expect(failed.error).toMatch(/HTTP 503/);
    ingestion.onAccepted = undefined;
    ingestion.clearFaults();
    await runConnector(d.connector(), d.deps);
    expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0 });
  });

  it('FAULT: ingestion connection reset, no answer, and rows stored with the response lost: none lost, only that batch twice', async () => {
    okta.events = oktaEvents(1500);
    const d = await deployment();
    const sink = createAzureLogsSink({
      endpoint: DCE,
      ruleId: DCR_ID,
      credential: staticCredential,
      maxRetries: 3,
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      timeoutMs: 300,
    });
    // All three on the first batch, one after another.
    ingestion.failNext('reset', { hangMs: 2_000 }, 'stored-then-reset');
    const result = await runConnector(d.connector(), { ...d.deps, sink, concurrency: 1 });
    expect(result).toMatchObject({ outcome: 'completed', sent: 1500 });
    const { lost, duplicates } = await d.accounting();
    expect(lost).toBe(0);
    // Exactly the rows of the batch whose 204 never arrived, and no others.
    const lostResponse = ingestion.requests.find((r) => r.status === 0 && r.rows > 0);
    expect(duplicates).toBe(lostResponse?.rows);
  });

  it('FAULT: ingestion 429 with Retry-After is waited out within the run', async () => {
    okta.events = oktaEvents(1200);
    const d = await deployment();
    ingestion.failNext({ status: 429, headers: { 'Retry-After': '1' } });
    const result = await runConnector(d.connector(), d.deps);
    expect(result.outcome).toBe('completed');
    expect(ingestion.requests[0].status).toBe(429);
    expect(ingestion.requests.slice(1).every((r) => r.status === 204)).toBe(true);
    expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0 });
  });

  it('FAULT: vendor 429 with Retry-After, 500 and a timeout are retried; events arrive once', async () => {
    okta.events = oktaEvents(1500);
    const d = await deployment();
    okta.faults.push({ status: 429, headers: { 'Retry-After': '1' } }, { status: 500 }, 'timeout');
    const result = await runConnector(d.connector(), d.deps);
    expect(result.outcome).toBe('completed');
    expect(d.sourceRetries).toEqual([
      '429:1000',
      expect.stringMatching(/^500:\d+$/),
      expect.stringMatching(/^no response/),
    ]);
    expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0, received: 1500 });
  });

  it('FAULT: Okta X-Rate-Limit-Reset is honored when there is no Retry-After', async () => {
    okta.events = oktaEvents(5);
    const d = await deployment();
    const reset = Math.ceil(Date.now() / 1000) + 1;
    okta.faults.push({
      status: 429,
      headers: { 'X-Rate-Limit-Reset': String(reset), 'X-Rate-Limit-Remaining': '0' },
    });
    const result = await runConnector(d.connector(), d.deps);
    expect(result.outcome).toBe('completed');
    expect(Number(d.sourceRetries[0].split(':')[1])).toBeGreaterThan(0);
    expect(await d.accounting()).toMatchObject({ lost: 0 });
  });

  it.each([
    [
      'persistent 500',
      [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }],
      /HTTP 500 after 4 attempt/,
    ],
    ['timeouts', ['timeout', 'timeout', 'timeout', 'timeout'], /no response within 300 ms after 4 attempt/],
    ['malformed JSON', ['malformed'], /not valid JSON/],
    ['connection errors', ['network', 'network', 'network', 'network'], /connection error/],
    ['a 401', [{ status: 401 }], /HTTP 401 after 1 attempt/],
  ] as [string, Fault[], RegExp][])(
    'FAULT: vendor %s on page 2 fails the run clearly; the next run loses nothing',
    async (_name, faults, message) => {
      okta.events = oktaEvents(2500);
      const d = await deployment();
      let calls = 0;
      const original = okta.faults.next.bind(okta.faults);
      okta.faults.next = async () => {
        calls += 1;
        if (calls === 2) okta.faults.push(...faults);
        return original();
      };
      const failed = await runConnector(d.connector(), d.deps);
      okta.faults.next = original;
      expect(failed.outcome).toBe('failed');
      expect(failed.error).toMatch(message);
      expect(failed.pages).toBe(1);
      const resumed = await runConnector(d.connector(), d.deps);
      expect(resumed.outcome).toBe('completed');
      expect(await d.accounting()).toMatchObject({ lost: 0, duplicates: 0 });
    },
  );

  it('an empty source completes without sending or committing', async () => {
    okta.events = [];
    const d = await deployment();
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', pages: 0, sent: 0 });
    expect(ingestion.requests).toEqual([]);
    expect(await d.checkpoints.load('okta', 'contoso.okta.com')).toBeUndefined();
  });

  it('dead-letters a record over 1 MB and an unmappable record by id only, and sends the rest', async () => {
    okta.events = oktaEvents(300);
    okta.events[10].debugContext = { debugData: { blob: 'x'.repeat(1_100_000) } };
    okta.events[20].published = 'not a date';
    const d = await deployment();
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', sent: 298, deadLettered: 2 });
    const { lost, dead } = await d.accounting();
    // Exactly the two dead-lettered records are not delivered.
    expect(lost).toBe(2);
    expect(dead.sort()).toEqual(['evt-10', 'evt-20']);
    for await (const letter of d.deadLetterTable.listEntities<Record<string, unknown>>()) {
      expect(letter.partitionKey).toBe('okta');
      expect(JSON.stringify(letter)).not.toMatch(/xxxxxxxx|displayMessage|alice@contoso/);
    }
    expect(ingestion.requests.every((r) => r.bytes <= 1_000_000)).toBe(true);
  });

  // Logs Ingestion truncates a field value over 64 KB without an error
  // (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api).
  it('FAULT: a 64 KB field is sent; one byte more is dead-lettered with the field named, never cut by Azure', async () => {
    okta.events = oktaEvents(3);
    // debugContext.debugData.blob such that the whole debugContext JSON is exactly 64 KiB, then one byte more.
    const blobFor = (bytes: number) =>
      'é'.repeat(1) + 'x'.repeat(bytes - '{"debugData":{"blob":"é"}}'.length - 1);
    okta.events[0].debugContext = { debugData: { blob: blobFor(65_536) } };
    okta.events[1].debugContext = { debugData: { blob: blobFor(65_537) } };
    expect(Buffer.byteLength(JSON.stringify(okta.events[0].debugContext))).toBe(65_536);
    const d = await deployment();
    const result = await runConnector(d.connector(), d.deps);
    expect(result).toMatchObject({ outcome: 'completed', sent: 2, deadLettered: 1 });
    expect(await d.accounting()).toMatchObject({ lost: 1, dead: ['evt-1'] });
    const letters: Record<string, unknown>[] = [];
    for await (const letter of d.deadLetterTable.listEntities<Record<string, unknown>>())
      letters.push(letter);
    expect(letters).toMatchObject([
      {
        reason: 'FieldTooLarge',
        detail: 'field debugContext is 65537 bytes; Logs Ingestion truncates values over 65536',
      },
    ]);
    // The one sent arrives whole.
    const sent = ingestion.rows('Custom-Okta').find((r) => r.uuid === 'evt-0');
    expect(sent?.debugContext).toEqual(okta.events[0].debugContext);
  });

  it('never writes the vendor secret to logs, errors or rows', async () => {
    okta.events = oktaEvents(50);
    const d = await deployment();
    okta.faults.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const failed = await runConnector(d.connector(), d.deps);
    await runConnector(d.connector(), d.deps);
    const everything = JSON.stringify([d.logs, failed, ingestion.rows('Custom-Okta')]);
    expect(d.logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(OKTA_TOKEN);
  });
});

describe('TableCheckpointStore', () => {
  it('refuses a commit based on a checkpoint another run has moved since', async () => {
    const store = new TableCheckpointStore(azurite().tableClient('ckptconflict'));
    const first = await store.commit('okta', 'org', { after: 'a' }, undefined);
    const runA = await store.load('okta', 'org');
    const runB = await store.load('okta', 'org');
    await store.commit('okta', 'org', { after: 'b' }, runA);
    await expect(store.commit('okta', 'org', { after: 'c' }, runB)).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    await expect(store.commit('okta', 'org', { after: 'd' }, undefined)).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    expect((await store.load('okta', 'org'))?.cursor).toEqual({ after: 'b' });
    expect(first.etag).toBeTruthy();
  });
});
