import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/query.js';
import { runCommand } from '../support/cli.js';

describe('sentinel-kit query', () => {
  it('answers from data files in a worker process', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-query-'));
    writeFileSync(
      join(dir, 'SigninLogs.ndjson'),
      `${JSON.stringify({ TimeGenerated: '2026-01-01T00:00:00Z', UserPrincipalName: 'a@b.c', ResultType: '0' })}\n`,
    );
    const result = await runCommand(
      run,
      '--data',
      dir,
      '--format',
      'csv',
      'SigninLogs | project UserPrincipalName',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('UserPrincipalName\na@b.c');
    expect(result.code).toBe(0);
  });

  it('refuses a result over --max-rows and names the flag that raises it', { timeout: 120_000 }, async () => {
    const result = await runCommand(run, '--max-rows', '10', 'range x from 1 to 11 step 1');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/over the limit of 10.*--max-rows/s);
  });

  it('stops a query at --timeout instead of running on', { timeout: 120_000 }, async () => {
    const result = await runCommand(
      run,
      '--timeout',
      '2',
      'range x from 1 to 6000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 6000 step 1 | extend k = 1) on k | count',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/longer than the 2 s limit|memory budget/);
  });

  it('refuses bad limit flags', async () => {
    expect((await runCommand(run, '--memory', '-1', 'print 1')).code).toBe(2);
  });
});
