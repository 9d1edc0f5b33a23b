import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppendFileSystem } from '../../src/local/store/batch-log.js';
import { Workspace } from '../../src/local/store/workspace.js';
import { eventsCatalog } from './fixtures/events-catalog.js';

const child = fileURLToPath(new URL('./fixtures/ingest-until-killed.ts', import.meta.url));

describe('local workspace durability', () => {
  it('keeps every acknowledged row after kill -9 during ingestion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-kill-'));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAck = 0;
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
      proc.stdout.on('data', (chunk: Buffer) => {
        const acks = chunk.toString().match(/ack (\d+)/g) ?? [];
        if (acks.length > 0) lastAck = Number(acks[acks.length - 1].slice(4));
        if (lastAck >= 5_000) {
          proc.removeAllListeners('exit');
          resolve();
        }
      });
    });
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;

    const workspace = new Workspace(dir, eventsCatalog);
    const seqs = (workspace.table('Events_CL')?.rows ?? []).map((row) => row[1] as number);
    workspace.close();

    // Every acknowledged row is there, once, in order; rows written after the last ack may be too.
    expect(seqs.length).toBeGreaterThanOrEqual(lastAck);
    expect(seqs.slice(0, lastAck)).toEqual(Array.from({ length: lastAck }, (_, i) => i + 1));
    expect(new Set(seqs).size).toBe(seqs.length);
    // A torn last write, if the kill landed mid-write, is kept aside rather than deleted.
    const sideFiles = readdirSync(join(dir, 'tables')).filter((f) => f.includes('.partial-'));
    expect(sideFiles.length).toBe(workspace.recoveries.length);
    // 5,000 fsynced acknowledgements: seconds on an idle disk, much longer beside a loaded CI run.
    // What is asserted is durability, not speed.
  }, 300_000);
});

/**
 * A disk that, like a power cut, loses every byte not yet fsynced when it "crashes": writes go to
 * the page cache (pending) and reach the platter (durable) only on fsync.
 */
class PowerCutDisk implements AppendFileSystem {
  private readonly files: { file: string; durable: string; pending: string }[] = [];

  openSync(file: string): number {
    this.files.push({ file, durable: '', pending: '' });
    return this.files.length - 1;
  }
  writeSync(fd: number, text: string): number {
    this.files[fd].pending += text;
    return Buffer.byteLength(text);
  }
  fsyncSync(fd: number): void {
    this.files[fd].durable += this.files[fd].pending;
    this.files[fd].pending = '';
  }
  closeSync(): void {}

  /** Writes what survived the power cut to the real files, for the store to recover from. */
  crash(): void {
    for (const { file, durable } of this.files) writeFileSync(file, durable);
  }
}

describe('local workspace durability across a power cut', () => {
  // kill -9 keeps the OS page cache, so the test above passes even without the fsync in
  // BatchLog.append; this one fails without it.
  it('has every acknowledged batch on disk before ingest returns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-powercut-'));
    const disk = new PowerCutDisk();
    const workspace = new Workspace(dir, eventsCatalog, disk);
    let acknowledged = 0;
    for (let batch = 0; batch < 20; batch++) {
      const rows = Array.from({ length: 10 }, () => ({
        TimeGenerated: '2026-01-01T00:00:00Z',
        Seq: ++acknowledged,
      }));
      workspace.ingest('Events_CL', rows, 0n);
    }
    disk.crash();
    const recovered = new Workspace(dir, eventsCatalog);
    const seqs = (recovered.table('Events_CL')?.rows ?? []).map((row) => row[1] as number);
    recovered.close();
    expect(seqs).toEqual(Array.from({ length: acknowledged }, (_, i) => i + 1));
  });
});
