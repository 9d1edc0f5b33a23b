import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';

/**
 * When each range block-ip added to a named location expires. A named location keeps no metadata per
 * range, so the expiry lives beside the action ledger; ranges without a record (added by an admin) are
 * never touched.
 */
export interface BlockRecords {
  /** The ranges this responder added to the location whose expiry is at or before `now`. */
  expired(locationId: string, now: number): Promise<string[]>;
  /** Records (or extends) a range's expiry. */
  set(locationId: string, cidr: string, expiresAtMs: number): Promise<void>;
  remove(locationId: string, cidrs: string[]): Promise<void>;
}

export const BLOCK_RECORDS_TABLE = 'responderblockedips';

interface BlockEntity {
  partitionKey: string;
  rowKey: string;
  cidr: string;
  expiresAtMs: number;
}

// Table keys forbid '/', which every CIDR holds; the CIDR itself is kept as a property.
const key = (text: string) => createHash('sha256').update(text).digest('hex');

export class TableBlockRecords implements BlockRecords {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  async expired(locationId: string, now: number): Promise<string[]> {
    await this.ensureTable();
    const cidrs: string[] = [];
    // At most 2,000 per location (the named location's own cap); filtered here rather than in OData, where
    // a number stored as Double never compares equal-typed to an Int64 literal.
    const entities = this.table.listEntities<BlockEntity>({
      queryOptions: { filter: `PartitionKey eq '${key(locationId)}'` },
    });
    for await (const entity of entities) if (entity.expiresAtMs <= now) cidrs.push(entity.cidr);
    return cidrs;
  }

  async set(locationId: string, cidr: string, expiresAtMs: number): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity<BlockEntity>(
      { partitionKey: key(locationId), rowKey: key(cidr), cidr, expiresAtMs },
      'Replace',
    );
  }

  async remove(locationId: string, cidrs: string[]): Promise<void> {
    await this.ensureTable();
    for (const cidr of cidrs) {
      await this.table.deleteEntity(key(locationId), key(cidr)).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
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
