import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';

export const DEAD_LETTER_TABLE = 'connectordeadletters';

/** A record we could not send; only its id and why, never its content (which may carry personal data). */
export interface DeadLetter {
  connector: string;
  checkpointKey: string;
  recordId: string;
  reason: 'RecordTooLarge' | 'FieldTooLarge' | 'MappingFailed';
  detail: string;
}

export interface DeadLetterSink {
  add(letters: DeadLetter[]): Promise<void>;
}

export class TableDeadLetterSink implements DeadLetterSink {
  private ready: Promise<void> | undefined;

  constructor(private readonly table: TableClient) {}

  async add(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    this.ready ??= this.table.createTable();
    await this.ready;
    for (const letter of letters) {
      await this.table.createEntity({
        partitionKey: letter.connector,
        // Time-ordered and unique; vendor ids may hold characters Table keys forbid (/ \ # ?).
        rowKey: `${new Date().toISOString()}_${randomUUID()}`,
        checkpointKey: letter.checkpointKey,
        recordId: letter.recordId.slice(0, 1024),
        reason: letter.reason,
        detail: letter.detail.slice(0, 1024),
      });
    }
  }
}
