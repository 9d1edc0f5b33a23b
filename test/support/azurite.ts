import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TableClient } from '@azure/data-tables';

/** Azurite's published development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteTable {
  port: number;
  connectionString: string;
  /** A client for `table` on this Azurite (plain http, so insecure connections are allowed). */
  tableClient(table: string): TableClient;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`azurite-table exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`azurite-table did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a real Azurite Table service on a free loopback port, in memory. Always `await stop()`
 * (e.g. in afterAll); a process exit also kills it.
 */
export async function startAzuriteTable(): Promise<AzuriteTable> {
  const bin = join(process.cwd(), 'node_modules', '.bin', 'azurite-table');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      bin,
      [
        '--tableHost',
        '127.0.0.1',
        '--tablePort',
        String(port),
        '--inMemoryPersistence',
        '--skipApiVersionCheck',
        '--silent',
      ],
      { stdio: 'ignore' },
    );
    running.add(child);
    const stop = async () => {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    };
    try {
      await waitForPort(port, child, 15_000);
    } catch (e) {
      await stop();
      // Another process may have taken the port between probing and binding it.
      if (attempt < 3) continue;
      throw e;
    }
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
    return {
      port,
      connectionString,
      tableClient: (table) =>
        TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true }),
      stop,
    };
  }
}
