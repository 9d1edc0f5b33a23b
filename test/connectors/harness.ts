import type { TableClient } from '@azure/data-tables';
import type { HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TableCheckpointStore } from '../../src/connectors/checkpoints.js';
import { TableDeadLetterSink } from '../../src/connectors/deadLetters.js';
import type { SourceHttpOptions } from '../../src/connectors/http.js';
import type { RunDependencies } from '../../src/connectors/runner.js';
import { createAzureLogsSink } from '../../src/ingest/logsIngestion.js';
import {
  DCE,
  DCR_ID,
  MockLogsIngestion,
  onUnhandledRequest,
  staticCredential,
} from '../ingest/mockLogsIngestion.js';
import { type AzuriteTable, startAzuriteTable } from '../support/azurite.js';

let tableSeq = 0;

/** What the vendor mocks in vendorMocks.ts share: an msw handler, injectable faults, recorded requests. */
export interface VendorMock {
  handler(): HttpHandler;
  faults: { clear(): void };
  requests: unknown[];
}

export interface ConnectorTestEnvironment {
  ingestion: MockLogsIngestion;
  /** The msw server, for tests that add a one-off handler with `server.use`. */
  server: ReturnType<typeof setupServer>;
  /** Azurite, started once for the test file. */
  azurite(): AzuriteTable;
}

/**
 * Registers the hooks a connector test file needs: msw serving the vendor mocks and the Logs
 * Ingestion endpoint, one real Azurite for the file, and mock state cleared between tests.
 */
export function connectorTestEnvironment(vendors: VendorMock[]): ConnectorTestEnvironment {
  const ingestion = new MockLogsIngestion();
  const server = setupServer(...vendors.map((vendor) => vendor.handler()), ingestion.handler());
  let azurite: AzuriteTable | undefined;
  beforeAll(async () => {
    server.listen({ onUnhandledRequest });
    azurite = await startAzuriteTable();
  });
  afterEach(() => {
    ingestion.reset();
    for (const vendor of vendors) {
      vendor.faults.clear();
      vendor.requests.length = 0;
    }
  });
  afterAll(async () => {
    server.close();
    await azurite?.stop();
  });
  return {
    ingestion,
    server,
    azurite: () => {
      if (!azurite) throw new Error('Azurite is started in beforeAll');
      return azurite;
    },
  };
}

export interface Deployment {
  deps: RunDependencies;
  checkpoints: TableCheckpointStore;
  deadLetterTable: TableClient;
  logs: string[];
  sourceRetries: string[];
  /** Fast, bounded vendor HTTP settings for tests; retries are recorded as `status-or-reason:waitMs`. */
  http: SourceHttpOptions;
  /**
   * Source ids not accepted by the ingestion endpoint count as lost, dead-lettered ones included: a test
   * that expects dead letters says which, through `dead`.
   */
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
      const delivered = new Set(received);
      return {
        lost: sourceIds.filter((id) => !delivered.has(id)).length,
        duplicates: received.length - new Set(received).size,
        received: received.length,
        dead,
      };
    },
  };
}
