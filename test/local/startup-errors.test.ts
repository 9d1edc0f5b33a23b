import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function start(dataDir: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'start', '--data', dataDir, '--no-demo', ...args],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('local SOC start-up errors', () => {
  it('says in one line that a port is out of range', { timeout: 60_000 }, async () => {
    const { code, stderr } = await start(mkdtempSync(join(tmpdir(), 'sk-port-')), '--port', '99999');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('0 to 65535');
  });

  it('says in one line that the UI port is taken, and stops the Azurite it started', {
    timeout: 120_000,
  }, async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'sk-busy-'));
    try {
      const { code, stderr } = await start(dataDir, '--port', String(port));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `error: port ${port} on 127.0.0.1 is already in use; nothing was started`,
      ]);
      // Azurite removes its pid file only once stopped; a leftover file is an orphaned Azurite.
      expect(existsSync(join(dataDir, 'azurite', 'azurite.pid'))).toBe(false);
    } finally {
      busy.close();
    }
  });
});
