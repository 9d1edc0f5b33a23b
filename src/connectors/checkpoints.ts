import { RestError, type TableClient } from '@azure/data-tables';

export const CHECKPOINT_TABLE = 'connectorcheckpoints';

export interface Checkpoint {
  cursor: unknown;
  /** Opaque version for optimistic concurrency; undefined before the first commit. */
  etag?: string;
}

export interface CheckpointStore {
  load(connector: string, key: string): Promise<Checkpoint | undefined>;
  /** Fails if another run committed since `previous` was loaded, so two runs never rewind each other. */
  commit(
    connector: string,
    key: string,
    cursor: unknown,
    previous: Checkpoint | undefined,
  ): Promise<Checkpoint>;
}

export class CheckpointConflictError extends Error {
  constructor(connector: string, key: string) {
    super(`checkpoint ${connector}/${key} was changed by another run; stopping this one`);
    this.name = 'CheckpointConflictError';
  }
}

interface CheckpointEntity {
  partitionKey: string;
  rowKey: string;
  cursor: string;
  committedAt: Date;
}

/** Cursors as JSON strings in Azure Table Storage: partition = connector, row = source instance. */
export class TableCheckpointStore implements CheckpointStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  private ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  async load(connector: string, key: string): Promise<Checkpoint | undefined> {
    await this.ensureTable();
    try {
      const entity = await this.table.getEntity<CheckpointEntity>(connector, key);
      return { cursor: JSON.parse(entity.cursor), etag: entity.etag };
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async commit(
    connector: string,
    key: string,
    cursor: unknown,
    previous: Checkpoint | undefined,
  ): Promise<Checkpoint> {
    await this.ensureTable();
    const entity: CheckpointEntity = {
      partitionKey: connector,
      rowKey: key,
      cursor: JSON.stringify(cursor),
      committedAt: new Date(),
    };
    try {
      const response = previous?.etag
        ? await this.table.updateEntity(entity, 'Replace', { etag: previous.etag })
        : await this.table.createEntity(entity);
      return { cursor, etag: response.etag };
    } catch (e) {
      if (e instanceof RestError && (e.statusCode === 412 || e.statusCode === 409)) {
        throw new CheckpointConflictError(connector, key);
      }
      throw e;
    }
  }
}
