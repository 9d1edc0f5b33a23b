// Bounded load test of the local SOC's endpoints on loopback: N ingestion clients, query clients and
// UI pollers for a fixed time against `sentinel-kit start` run as a user would. Prints throughput,
// p50/p99 latency per kind, rows acknowledged vs stored (must be equal) and the SOC's memory.
// Usage: npm run bench -- local   (or: tsx scripts/bench-local.ts [seconds] [ingestion clients])
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { standardTablesDcrId } from '../src/local/dcr-registry.js';
import { localDevToken } from '../src/local/dev-credential.js';
import { startLocalSocProcess } from '../test/support/local-soc.js';

const SECONDS = Number(process.argv[2] ?? 20);
const INGESTERS = Number(process.argv[3] ?? 4);
const QUERIERS = 2;
const POLLERS = 2;
const ROWS_PER_CALL = 200;

const dataDir = mkdtempSync(join(tmpdir(), 'sk-bench-local-'));
const soc = await startLocalSocProcess({ dataDir, args: ['--no-demo', '--speed', '1'], detached: true });
const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
const https = new HttpsAgent({ ca, keepAlive: true });
const http = new HttpAgent({ keepAlive: true });

function call(
  base: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(`${base}${path}`);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        agent: secure ? https : http,
        headers: { authorization: `Bearer ${localDevToken}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resident memory of every process in the SOC's process group (SOC, wrapper, Azurite, query worker). */
function groupRssMb(): number {
  const group = soc.process.pid as number;
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended between listing and reading
    }
  }
  return kb / 1024;
}

const latencies: Record<string, number[]> = { ingest: [], query: [], ui: [] };
const failures: Record<string, number> = { ingest: 0, query: 0, ui: 0 };
let acknowledged = 0;
let peakRss = groupRssMb();
const deadline = Date.now() + SECONDS * 1000;

async function loop(kind: string, step: () => Promise<boolean>): Promise<void> {
  while (Date.now() < deadline) {
    const started = performance.now();
    const ok = await step().catch(() => false);
    latencies[kind].push(performance.now() - started);
    if (!ok) failures[kind]++;
  }
}

const ingestPath = `/dataCollectionRules/${standardTablesDcrId}/streams/Custom-SigninLogs?api-version=2023-01-01`;
const ingester = (client: number) => {
  let seq = 0;
  return loop('ingest', async () => {
    const rows = Array.from({ length: ROWS_PER_CALL }, () => ({
      TimeGenerated: new Date().toISOString(),
      UserPrincipalName: `load-${client}-${seq++}@contoso.com`,
      ResultType: '0',
      IPAddress: '10.0.0.1',
    }));
    const reply = await call(soc.apiUrl, 'POST', ingestPath, JSON.stringify(rows));
    if (reply.status === 204) acknowledged += rows.length;
    return reply.status === 204;
  });
};
const querier = () =>
  loop('query', async () => {
    // Sorted by both group keys (unique after the summarize): take of unsorted rows that differ is refused.
    const query =
      'SigninLogs | summarize Calls = count() by ResultType, bin(TimeGenerated, 1m) | sort by TimeGenerated desc, ResultType asc | take 50';
    return (
      (await call(soc.apiUrl, 'POST', '/v1/workspaces/local/query', JSON.stringify({ query }))).status === 200
    );
  });
const poller = () => {
  let n = 0;
  return loop('ui', async () => {
    const path = ['/api/status', '/api/incidents', '/api/rules', '/api/sla'][n++ % 4];
    return (await call(soc.url, 'GET', path)).status === 200;
  });
};

const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, groupRssMb());
}, 500);
try {
  console.log(
    `local SOC load: ${SECONDS} s, ${INGESTERS} ingestion clients (${ROWS_PER_CALL} rows/call), ${QUERIERS} query clients, ${POLLERS} UI pollers`,
  );
  await Promise.all([
    ...Array.from({ length: INGESTERS }, (_, i) => ingester(i)),
    ...Array.from({ length: QUERIERS }, querier),
    ...Array.from({ length: POLLERS }, poller),
  ]);
  clearInterval(sampler);
  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  };
  for (const [kind, values] of Object.entries(latencies)) {
    console.log(
      `${kind.padEnd(7)} ${values.length} calls  ${(values.length / SECONDS).toFixed(1)}/s  p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms  failed ${failures[kind]}`,
    );
  }
  const stored = JSON.parse(
    (
      await call(
        soc.apiUrl,
        'POST',
        '/v1/workspaces/local/query',
        JSON.stringify({ query: 'SigninLogs | where UserPrincipalName startswith "load-" | count' }),
      )
    ).text,
  ).tables[0].rows[0][0] as number;
  console.log(
    `rows: ${acknowledged} acknowledged, ${stored} stored (${(acknowledged / SECONDS).toFixed(0)} rows/s)`,
  );
  console.log(`memory: peak RSS of the SOC process group ${peakRss.toFixed(0)} MB`);
  if (stored !== acknowledged) {
    console.error('FAIL: stored rows differ from acknowledged rows');
    process.exitCode = 1;
  }
} finally {
  clearInterval(sampler);
  process.kill(-(soc.process.pid as number), 'SIGKILL');
  https.destroy();
  http.destroy();
}
