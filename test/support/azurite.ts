import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startAzuriteTables } from '../../src/local/azurite.js';

export interface AzuriteTable {
  port: number;
  connectionString: string;
  /** A client for `table` on this Azurite (plain http, so insecure connections are allowed). */
  tableClient(table: string): TableClient;
  stop(): Promise<void>;
}

const running = new Set<() => Promise<void>>();
// stop() signals Azurite before its first await, so this still ends it while the process exits.
process.once('exit', () => {
  for (const stop of running) void stop();
});

/**
 * The local SOC's Azurite Table service, in memory, on a free loopback port; its folder (pid file)
 * is a fresh temp folder. Always `await stop()` (e.g. in afterAll); a process exit also stops it.
 */
export async function startAzuriteTable(): Promise<AzuriteTable> {
  const location = mkdtempSync(join(tmpdir(), 'sk-azurite-'));
  for (let attempt = 1; ; attempt++) {
    let azurite: Awaited<ReturnType<typeof startAzuriteTables>>;
    try {
      azurite = await startAzuriteTables({ location, inMemory: true });
    } catch (error) {
      // Another process may have taken the port between probing and binding it.
      if (attempt < 3) continue;
      rmSync(location, { recursive: true, force: true });
      throw error;
    }
    const { port, connectionString } = azurite;
    const stop = async () => {
      running.delete(stop);
      await azurite.stop();
      rmSync(location, { recursive: true, force: true });
    };
    running.add(stop);
    return {
      port,
      connectionString,
      tableClient: (table) =>
        TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true }),
      stop,
    };
  }
}
