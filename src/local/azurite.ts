import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

// Azurite's documented development account and key: public by design, valid only against Azurite.
const devAccount = 'devstoreaccount1';
const devKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteTables {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** Folder for Azurite's data and its pid file (used to stop an orphan left by a killed run). */
  location: string;
  inMemory?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A previous run killed with SIGKILL leaves its Azurite behind, still holding the data folder; it is
 * found through the pid file and stopped before a new one opens the same folder.
 */
async function stopOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile);
  const cmdline = `/proc/${pid}/cmdline`;
  if (!Number.isInteger(pid) || !existsSync(cmdline) || !readFileSync(cmdline, 'utf8').includes('azurite'))
    return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 5_000 && existsSync(cmdline); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts Azurite's Table service (the npm package, no Docker) on a free loopback port. */
export async function startAzuriteTables(options: AzuriteOptions): Promise<AzuriteTables> {
  mkdirSync(options.location, { recursive: true });
  const pidFile = join(options.location, 'azurite.pid');
  await stopOrphan(pidFile);
  const port = await freePort();
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'table', 'main.js');
  // Azurite refuses --location together with --inMemoryPersistence.
  const storage = options.inMemory ? ['--inMemoryPersistence'] : ['--location', options.location];
  const args = [main, '--tableHost', '127.0.0.1', '--tablePort', String(port), ...storage];
  args.push('--disableTelemetry', '--skipApiVersionCheck');
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(pidFile, String(child.pid));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite did not start within 30 s: ${output}`));
    }, 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/successfully (started|listening)/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}: ${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    port,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccount};AccountKey=${devKey};TableEndpoint=http://127.0.0.1:${port}/${devAccount};`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(pidFile, { force: true });
    },
  };
}
