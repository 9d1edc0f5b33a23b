import type { TableClient } from '@azure/data-tables';
import { TableCheckpointStore } from '../../src/connectors/checkpoints.js';
import { TableDeadLetterSink } from '../../src/connectors/deadLetters.js';
import type { SourceHttpOptions } from '../../src/connectors/http.js';
import type { RunDependencies } from '../../src/connectors/runner.js';
import { createAzureLogsSink } from '../../src/ingest/logsIngestion.js';
import { DCE, DCR_ID, type MockLogsIngestion, staticCredential } from '../ingest/mockLogsIngestion.js';
import type { AzuriteTable } from '../support/azurite.js';

let tableSeq = 0;

export interface Deployment {
  deps: RunDependencies;
  checkpoints: TableCheckpointStore;
  deadLetterTable: TableClient;
  logs: string[];
  sourceRetries: string[];
  /** Fast, bounded vendor HTTP settings for tests; retries are recorded as `status-or-reason:waitMs`. */
  http: SourceHttpOptions;
  /** Which source ids were neither accepted by the ingestion endpoint nor dead-lettered. */
  accounting(
    sourceIds: string[],
    stream: string,
    rowId: (row: Record<string, unknown>) => string,
  ): Promise<Accounting>;
}

export interface Accounting {
  lost: number;
  duplicates: number;
  received: number;
  dead: string[];
}

/** One connector deployment on fresh Azurite tables, sending to the mock Logs Ingestion endpoint. */
export async function deployment(azurite: AzuriteTable, ingestion: MockLogsIngestion): Promise<Deployment> {
  tableSeq += 1;
  const deadLetterTable = azurite.tableClient(`dead${tableSeq}`);
  await deadLetterTable.createTable();
  const checkpoints = new TableCheckpointStore(azurite.tableClient(`ckpt${tableSeq}`));
  const logs: string[] = [];
  const sourceRetries: string[] = [];
  return {
    checkpoints,
    deadLetterTable,
    logs,
    sourceRetries,
    http: {
      timeoutMs: 300,
      maxAttempts: 4,
      baseDelayMs: 5,
      maxDelayMs: 3_000,
      onRetry: (r) => sourceRetries.push(`${r.status ?? r.reason}:${r.waitMs}`),
    },
    deps: {
      checkpoints,
      deadLetters: new TableDeadLetterSink(deadLetterTable),
      sink: createAzureLogsSink({
        endpoint: DCE,
        ruleId: DCR_ID,
        credential: staticCredential,
        maxRetries: 2,
        retryDelayMs: 5,
        maxRetryDelayMs: 20,
      }),
      log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    },
    async accounting(sourceIds, stream, rowId) {
      const received = ingestion.rows(stream).map(rowId);
      const dead: string[] = [];
      for await (const e of deadLetterTable.listEntities<{ recordId: string }>()) dead.push(e.recordId);
      const delivered = new Set([...received, ...dead]);
      return {
        lost: sourceIds.filter((id) => !delivered.has(id)).length,
        duplicates: received.length - new Set(received).size,
        received: received.length,
        dead,
      };
    },
  };
}
