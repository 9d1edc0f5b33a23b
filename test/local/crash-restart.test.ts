import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { standardTablesDcrId } from '../../src/local/dcr-registry.js';
import { LocalDevCredential } from '../../src/local/dev-credential.js';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

const started: LocalSocProcess[] = [];

function killGroup(soc: LocalSocProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => soc.process.once('exit', () => resolve()));
  // The whole process group: the SOC, its re-run wrapper and its Azurite, as a power cut would.
  process.kill(-(soc.process.pid as number), 'SIGKILL');
  return exited;
}

afterAll(async () => {
  for (const soc of started)
    if (soc.process.exitCode === null && soc.process.signalCode === null) await killGroup(soc);
});

describe('local SOC crash during ingestion', () => {
  it('keeps every row the Logs Ingestion API acknowledged after kill -9 and a restart', {
    timeout: 180_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sk-crash-'));
    const first = await startLocalSocProcess({ dataDir, args: ['--no-demo'], detached: true });
    started.push(first);
    const tlsOptions = { ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8') };
    const ingestion = new LogsIngestionClient(first.apiUrl, new LocalDevCredential(), { tlsOptions });

    let acknowledged = 0;
    let sending = true;
    let senderStopped = false;
    const sender = (async () => {
      for (let batch = 0; sending; batch++) {
        const rows = Array.from({ length: 100 }, (_, i) => ({
          TimeGenerated: new Date().toISOString(),
          UserPrincipalName: `user${batch * 100 + i}@contoso.com`,
          ResultType: '0',
        }));
        try {
          await ingestion.upload(standardTablesDcrId, 'Custom-SigninLogs', rows, { maxConcurrency: 1 });
        } catch {
          return; // the SOC died mid-call: this batch was never acknowledged
        }
        acknowledged += rows.length;
      }
    })().finally(() => {
      senderStopped = true;
    });
    while (acknowledged < 3_000) {
      // An upload that failed ends the sender; waiting on for 3,000 rows would then never finish.
      if (senderStopped) throw new Error(`the sender stopped after ${acknowledged} acknowledged rows`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await killGroup(first);
    sending = false;
    await sender;

    const second = await startLocalSocProcess({ dataDir, args: ['--no-demo'], detached: true });
    started.push(second);
    const query = new LogsQueryClient(new LocalDevCredential(), {
      endpoint: `${second.apiUrl}/v1`,
      tlsOptions,
    });
    const result = (await query.queryWorkspace(
      'local',
      // count_distinct, not dcount: Kusto's dcount estimates beyond 1,000 values (the engine refuses there).
      'SigninLogs | summarize Rows = count(), Users = count_distinct(UserPrincipalName)',
      { duration: 'P1D' },
    )) as { tables: { rows: unknown[][] }[] };
    const [rows, users] = result.tables[0].rows[0] as number[];
    expect(rows).toBeGreaterThanOrEqual(acknowledged);
    // At-least-once: a batch cut off mid-call may or may not have landed, but never half of it twice.
    expect(users).toBe(rows);
    await killGroup(second);
  });
});
