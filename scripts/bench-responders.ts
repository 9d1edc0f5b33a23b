// Responder latency against msw stand-ins (Graph, MDE, ARM, Teams, Logs Query) and a real Azurite ledger.
// Usage: npx tsx scripts/bench-responders.ts [N=500] [concurrency=10]
import { disableUsers } from '../src/responders/disableUser.js';
import { enrichIncident } from '../src/responders/enrich.js';
import { isolateDevices } from '../src/responders/isolateDevice.js';
import { startAzuriteTable } from '../test/support/azurite.js';
import {
  alice,
  clients,
  host,
  incidentOf,
  ip,
  newIncidentId,
  startServer,
  triggerBody,
  World,
} from '../test/support/responders.js';

const N = Number(process.argv[2] ?? 500);
const CONCURRENCY = Number(process.argv[3] ?? 10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const azurite = await startAzuriteTable();
let world = new World();
const server = startServer(() => world);
const c = clients(azurite);

type Run = (body: unknown) => Promise<{ actions: { outcome: string }[] }>;
const responders: [string, Run][] = [
  [
    'disable-user',
    (b) => disableUsers(incidentOf(b), { sentinel: c.sentinel, ledger: c.ledger, graph: c.graph }),
  ],
  [
    'isolate-device',
    (b) =>
      isolateDevices(incidentOf(b), {
        sentinel: c.sentinel,
        ledger: c.ledger,
        defender: c.defender,
        pollIntervalMs: 5,
      }),
  ],
  ['enrich', (b) => enrichIncident(incidentOf(b), { sentinel: c.sentinel, ledger: c.ledger, logs: c.logs })],
];

async function measure(
  run: Run,
  bodies: unknown[],
): Promise<{ latencies: number[]; wallMs: number; done: number }> {
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const result = await run(body);
        latencies.push(performance.now() - t0);
        done += result.actions.filter((a) => a.outcome === 'done').length;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), wallMs: performance.now() - started, done };
}

try {
  console.log(`responder latency, N=${N} triggers, concurrency ${CONCURRENCY} (msw + Azurite ledger)`);
  for (const [name, run] of responders) {
    world = new World();
    world.machines.push({ id: 'm-1', computerDnsName: 'ws-042.contoso.com' });
    const bodies = Array.from({ length: N + 20 }, () => triggerBody(newIncidentId(), [alice, ip, host]));
    await measure(run, bodies.slice(0, 20)); // warm-up: connections, token cache, JIT
    const fresh = await measure(run, bodies.slice(20));
    const repeat = await measure(run, bodies.slice(20));
    for (const [label, m] of [
      ['first trigger', fresh],
      ['repeat (ledger skip)', repeat],
    ] as const) {
      console.log(
        `${name.padEnd(15)} ${label.padEnd(21)} p50 ${percentile(m.latencies, 50).toFixed(1)} ms  p99 ${percentile(m.latencies, 99).toFixed(1)} ms  ` +
          `${((m.latencies.length / m.wallMs) * 1000).toFixed(0)} triggers/s  actions done ${m.done}`,
      );
    }
  }
} finally {
  server.close();
  await azurite.stop();
}
