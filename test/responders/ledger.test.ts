import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionKey,
  LEDGER_TABLE,
  LedgerConflict,
  TableActionLedger,
} from '../../src/responders/ledger.js';
import { type AzuriteTable, startAzuriteTable } from '../support/azurite.js';
import { newIncidentId } from '../support/responders.js';

let azurite: AzuriteTable;
let clock = 1_000_000;
const now = () => clock;

beforeAll(async () => {
  azurite = await startAzuriteTable();
});
afterAll(async () => {
  await azurite?.stop();
});

const ledger = () =>
  new TableActionLedger(azurite.tableClient(LEDGER_TABLE), { now, claimTimeoutMs: 60_000 });
const key = (): ActionKey => ({
  incident: `/subscriptions/x/incidents/${newIncidentId()}`,
  action: 'disable-user',
  target: 'a#b/c?d',
});

describe('TableActionLedger (Azurite)', () => {
  it('lets exactly one of many concurrent claims win', async () => {
    const k = key();
    const claims = await Promise.all(Array.from({ length: 10 }, () => ledger().claim(k)));
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'busy')).toHaveLength(9);
  });

  it('walks pending → acted → done, and reports done afterwards', async () => {
    const k = key();
    const l = ledger();
    const claim = await l.claim(k);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    const etag = await l.record(k, claim.etag, { state: 'acted', detail: 'did it' });
    await l.record(k, etag, { state: 'done', detail: 'did it' });
    expect(await l.claim(k)).toEqual({ kind: 'done', detail: 'did it' });
  });

  it('re-claims a failed action, remembering whether it had already acted', async () => {
    const k = key();
    const l = ledger();
    const claim = await l.claim(k);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    const etag = await l.record(k, claim.etag, { state: 'acted', detail: 'acted once' });
    await l.record(k, etag, { state: 'failed', error: 'SecurityInsights 500' });
    expect(await l.claim(k)).toMatchObject({
      kind: 'claimed',
      attempt: 2,
      acted: true,
      detail: 'acted once',
    });
  });

  it('takes over a claim whose holder went silent, and fences the old holder out', async () => {
    const k = key();
    const l = ledger();
    const stale = await l.claim(k);
    if (stale.kind !== 'claimed') throw new Error('expected a claim');
    expect(await l.claim(k)).toEqual({ kind: 'busy' });
    clock += 61_000;
    expect(await l.claim(k)).toMatchObject({ kind: 'claimed', attempt: 2 });
    await expect(l.record(k, stale.etag, { state: 'done', detail: 'late' })).rejects.toBeInstanceOf(
      LedgerConflict,
    );
  });

  it('serialises work under a named lease', async () => {
    const l = ledger();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 4 }, () =>
        l.withLease('named-location:x', async () => {
          maxInside = Math.max(maxInside, ++inside);
          await new Promise((r) => setTimeout(r, 20));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});
