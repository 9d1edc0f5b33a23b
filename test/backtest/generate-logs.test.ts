import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../scripts/generate-logs.js';
import { runCommand } from '../support/cli.js';

const small = ['--days', '1', '--rows', '200'];

describe('generate-logs', () => {
  it('prints its usage for --help instead of crashing', async () => {
    const result = await runCommand(async (argv) => run(argv), '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: generate-logs.ts');
  });

  it('answers an unknown option with the usage and exit code 2', async () => {
    const result = await runCommand(async (argv) => run(argv), '--nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage:');
  });

  it('refuses a non-empty --out folder and leaves it untouched', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sk-gen-'));
    writeFileSync(join(out, 'precious.txt'), 'keep me');
    const result = await runCommand(async (argv) => run(argv), ...small, '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--force');
    expect(readdirSync(out)).toEqual(['precious.txt']);
  });

  it('replaces a non-empty folder with --force, and writes into an empty one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sk-gen-'));
    writeFileSync(join(out, 'old.txt'), 'x');
    expect((await runCommand(async (argv) => run(argv), ...small, '--out', out, '--force')).code).toBe(0);
    expect(existsSync(join(out, 'old.txt'))).toBe(false);
    expect(readdirSync(out)).toContain('SigninLogs');
    const empty = mkdtempSync(join(tmpdir(), 'sk-gen-'));
    expect((await runCommand(async (argv) => run(argv), ...small, '--out', empty)).code).toBe(0);
  });
});
