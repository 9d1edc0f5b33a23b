import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/test.js';
import { runCommand } from '../support/cli.js';

const RULE = `id: 0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e
name: Log cleared
description: Security log cleared
severity: Medium
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: SecurityEvent | where EventID == 1102
`;

/** A repository root with one schema, one rule and its test expecting `alerts` alerts. */
function repo(alerts: number): string {
  const root = mkdtempSync(join(tmpdir(), 'sk-cli-test-'));
  mkdirSync(join(root, 'kql', 'schemas'), { recursive: true });
  mkdirSync(join(root, 'kql', 'rules'), { recursive: true });
  writeFileSync(
    join(root, 'kql', 'schemas', 'SecurityEvent.json'),
    JSON.stringify({
      name: 'SecurityEvent',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'EventID', type: 'int' },
      ],
    }),
  );
  writeFileSync(join(root, 'kql', 'rules', 'cleared.yaml'), RULE);
  writeFileSync(
    join(root, 'kql', 'rules', 'cleared.test.yaml'),
    `cases:\n  - name: one clear\n    now: 2026-01-10T12:00:00Z\n    tables: { SecurityEvent: [ { TimeGenerated: -5m, EventID: 1102 } ] }\n    expect: { alerts: ${alerts} }\n`,
  );
  return root;
}

describe('sentinel-kit test', () => {
  it('exits 0 when every case passes and 1 when one fails', async () => {
    const good = repo(1);
    const bad = repo(2);
    expect((await runCommand(run, '--root', good, join(good, 'kql', 'rules'))).code).toBe(0);
    expect((await runCommand(run, '--root', bad, join(bad, 'kql', 'rules'))).code).toBe(1);
  });

  it('exits as on one thread with --threads 2, and 2 for a thread count that is not a whole number', async () => {
    const good = repo(1);
    const bad = repo(2);
    expect((await runCommand(run, '--threads', '2', '--root', good, join(good, 'kql', 'rules'))).code).toBe(
      0,
    );
    expect((await runCommand(run, '--threads', '2', '--root', bad, join(bad, 'kql', 'rules'))).code).toBe(1);
    for (const threads of ['0', '1.5', 'two']) {
      expect((await runCommand(run, '--threads', threads, '--root', good)).code).toBe(2);
    }
  });

  it('writes JUnit XML to --output', async () => {
    const root = repo(2);
    const out = join(root, 'junit.xml');
    const args = ['--root', root, '--reporter', 'junit', '--output', out, join(root, 'kql', 'rules')];
    expect((await runCommand(run, ...args)).code).toBe(1);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('<failure message="alerts: expected 2, got 1');
  });

  it('rejects an unknown reporter with exit code 2', async () => {
    expect((await runCommand(run, '--reporter', 'tap')).code).toBe(2);
  });
});
