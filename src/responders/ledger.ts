import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';

/** One responder action on one target of one incident, e.g. (incident, 'disable-user', 'alice@contoso.com'). */
export interface ActionKey {
  /** Canonical (lower-case) incident ARM id. */
  incident: string;
  action: string;
  /** Normalised target (lower-case UPN, host FQDN, IP...). */
  target: string;
}

export type Claim =
  /** This caller owns the action now; `acted` says the action itself already succeeded on an earlier run. */
  | { kind: 'claimed'; etag: string; attempt: number; acted: boolean; detail?: string }
  | { kind: 'done'; detail?: string }
  /** Another run holds a live claim. */
  | { kind: 'busy' };

export type Progress =
  | { state: 'acted'; detail: string }
  | { state: 'done'; detail: string }
  | { state: 'failed'; error: string };

/** Records responder actions so that repeated or concurrent triggers act once. */
export interface ActionLedger {
  claim(key: ActionKey): Promise<Claim>;
  /** Conditional on `etag` (the claim's); returns the new etag. Throws `LedgerConflict` if the claim was lost. */
  record(key: ActionKey, etag: string, progress: Progress): Promise<string>;
  /** Runs `fn` while holding an exclusive named lease (for read-modify-write on shared downstream objects). */
  withLease<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export class LedgerConflict extends Error {
  constructor() {
    super('the action ledger entry was changed by another run');
    this.name = 'LedgerConflict';
  }
}

export interface TableLedgerOptions {
  /** A claim older than this is presumed dead (the run crashed) and may be taken over. */
  claimTimeoutMs?: number;
  /** How long `withLease` waits for a busy lease before giving up. */
  leaseWaitMs?: number;
  now?: () => number;
}

interface LedgerEntity {
  partitionKey: string;
  rowKey: string;
  incident: string;
  action: string;
  target: string;
  state: 'pending' | 'failed' | 'done';
  acted: boolean;
  attempts: number;
  detail?: string;
  error?: string;
  updatedAtMs: number;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

// Table keys forbid / \ # ? and control characters and are limited to 1 KiB, while incident ids contain '/'
// and targets are attacker-influenced strings; hashing gives fixed, always-valid keys. The readable values
// are kept as properties.
function hashKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** The ledger's table; infra/modules/functionApp.bicep creates it. */
export const LEDGER_TABLE = 'responderactions';

/**
 * Action ledger in Azure Table Storage (table LEDGER_TABLE). A claim is an insert that fails with 409
 * when the row exists, so exactly one of N concurrent triggers wins; later transitions are ETag-conditional.
 */
export class TableActionLedger implements ActionLedger {
  private readonly table: TableClient;
  private readonly claimTimeoutMs: number;
  private readonly leaseWaitMs: number;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;

  constructor(table: TableClient, options: TableLedgerOptions = {}) {
    this.table = table;
    this.claimTimeoutMs = options.claimTimeoutMs ?? 10 * 60_000;
    this.leaseWaitMs = options.leaseWaitMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async claim(key: ActionKey): Promise<Claim> {
    await this.ensureTable();
    const partitionKey = hashKey(key.incident);
    const rowKey = hashKey(key.action, key.target);
    const fresh: LedgerEntity = {
      partitionKey,
      rowKey,
      ...key,
      state: 'pending',
      acted: false,
      attempts: 1,
      updatedAtMs: this.now(),
    };
    try {
      const created = await this.table.createEntity(fresh);
      return { kind: 'claimed', etag: created.etag!, attempt: 1, acted: false };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const existing = await this.table.getEntity<LedgerEntity>(partitionKey, rowKey);
    if (existing.state === 'done') return { kind: 'done', detail: existing.detail };
    if (existing.state === 'pending' && this.now() - existing.updatedAtMs < this.claimTimeoutMs) {
      return { kind: 'busy' };
    }
    const attempt = existing.attempts + 1;
    try {
      const updated = await this.table.updateEntity(
        { partitionKey, rowKey, state: 'pending', attempts: attempt, updatedAtMs: this.now() },
        'Merge',
        { etag: existing.etag },
      );
      return {
        kind: 'claimed',
        etag: updated.etag!,
        attempt,
        acted: existing.acted,
        detail: existing.detail,
      };
    } catch (error) {
      if (statusOf(error) === 412) return { kind: 'busy' };
      throw error;
    }
  }

  async record(key: ActionKey, etag: string, progress: Progress): Promise<string> {
    const base = { partitionKey: hashKey(key.incident), rowKey: hashKey(key.action, key.target) };
    const fields =
      progress.state === 'failed'
        ? { state: 'failed', error: progress.error }
        : progress.state === 'acted'
          ? { state: 'pending', acted: true, detail: progress.detail }
          : { state: 'done', acted: true, detail: progress.detail, error: '' };
    try {
      const updated = await this.table.updateEntity(
        { ...base, ...fields, updatedAtMs: this.now() },
        'Merge',
        {
          etag,
        },
      );
      return updated.etag!;
    } catch (error) {
      if (statusOf(error) === 412) throw new LedgerConflict();
      throw error;
    }
  }

  async withLease<T>(name: string, fn: () => Promise<T>): Promise<T> {
    await this.ensureTable();
    const etag = await this.acquireLease(hashKey(name));
    try {
      return await fn();
    } finally {
      await this.table.deleteEntity('lease', hashKey(name), { etag }).catch(() => {
        // Lost or already expired: the next holder's takeover covers it.
      });
    }
  }

  private async acquireLease(rowKey: string): Promise<string> {
    const deadline = this.now() + this.leaseWaitMs;
    for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
      const lease = { partitionKey: 'lease', rowKey, updatedAtMs: this.now() };
      try {
        return (await this.table.createEntity(lease)).etag!;
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
      try {
        const held = await this.table.getEntity<{ updatedAtMs: number }>('lease', rowKey);
        if (this.now() - held.updatedAtMs >= this.claimTimeoutMs) {
          return (await this.table.updateEntity(lease, 'Replace', { etag: held.etag })).etag!;
        }
      } catch (error) {
        // 404: released between our insert and read; 412: someone else took it over. Either way, retry.
        if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
      }
      if (this.now() >= deadline) throw new Error('timed out waiting for a responder lease');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
