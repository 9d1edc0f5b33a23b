import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

const started: LocalSocProcess[] = [];

afterAll(() => {
  for (const soc of started) if (soc.process.exitCode === null) soc.process.kill('SIGKILL');
});

async function get<T>(soc: LocalSocProcess, path: string): Promise<T> {
  const response = await fetch(`${soc.url}${path}`);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

const incidentNames = async (soc: LocalSocProcess) =>
  (await get<{ name: string }[]>(soc, '/api/incidents')).map((i) => i.name).sort();
const simulatedNow = async (soc: LocalSocProcess) =>
  Date.parse((await get<{ now: string }>(soc, '/api/status')).now);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the incident list has not changed for `polls` polls in a row. */
async function settledIncidents(soc: LocalSocProcess, polls = 4): Promise<string[]> {
  let last = await incidentNames(soc);
  for (let same = 0; same < polls || last.length === 0; ) {
    await sleep(1000);
    const next = await incidentNames(soc);
    same = next.join() === last.join() ? same + 1 : 0;
    last = next;
  }
  return last;
}

async function stop(soc: LocalSocProcess): Promise<void> {
  const exited = new Promise((resolve) => soc.process.once('exit', resolve));
  soc.process.kill('SIGINT');
  await exited;
}

describe('local SOC restart', () => {
  // Each Ctrl-C + start used to add the demo's incidents again (32 → 53 → 74) and restart the
  // simulated clock at real time, hours behind where it stood.
  it('neither duplicates incidents nor runs the clock backwards', { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sk-restart-'));
    // 600×: ten simulated minutes per second, so every rule runs many times while the test waits.
    const first = await startLocalSocProcess({ dataDir, args: ['--speed', '600'] });
    started.push(first);
    const before = await settledIncidents(first);
    const stoppedAt = await simulatedNow(first);
    await stop(first);

    const second = await startLocalSocProcess({ dataDir, args: ['--speed', '600'] });
    started.push(second);
    expect(await simulatedNow(second)).toBeGreaterThanOrEqual(stoppedAt);
    const after = await settledIncidents(second);
    expect(after).toEqual(before);
    await stop(second);
  });
});
