/**
 * Connector throughput end to end: the Okta connector pages through a loopback Okta API, maps and
 * batches the events, sends them gzipped through the Azure Logs Ingestion sink (the SDK's pipeline:
 * bearer token, retries) to a loopback HTTPS endpoint, and commits a checkpoint after every page.
 * Prints events/s, MB/s, peak RSS and CPU use; the goal is >= 50,000 events/s on 2 cores.
 *
 *   npx tsx scripts/bench-connectors.ts [events=200000] [pageSize=1000]
 *
 * Both loopback servers run in one worker thread and are kept cheap so they leave the connector its
 * core: Okta pages are pre-encoded buffers, and the ingestion endpoint gunzips every body but counts
 * rows by their first key instead of parsing them, parsing one body in 20 in full to check the count.
 * Events differ in ids, users, addresses and times, so gzip sees realistic redundancy rather than a
 * thousand copies of one record. The vendor side is plain http: Okta's TLS would add decryption of
 * ~1.6 MB per page on the connector's thread, which this bench does not measure.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { TokenCredential } from '@azure/core-auth';
import type { Checkpoint, CheckpointStore } from '../src/connectors/checkpoints.js';
import { oktaConnector } from '../src/connectors/okta.js';
import { runConnector } from '../src/connectors/runner.js';
import { createAzureLogsSink } from '../src/ingest/logsIngestion.js';
import { localhostCertificate } from '../src/local/server/tls.js';

const events = Number(process.argv[2] ?? 200_000);
const pageSize = Number(process.argv[3] ?? 1000);
const pages = Math.ceil(events / pageSize);
if (!Number.isInteger(events) || events < 1 || !Number.isInteger(pageSize) || pageSize < 1) {
  console.error('usage: bench-connectors.ts [events=200000] [pageSize=1000]');
  process.exit(2);
}

const { cert, key } = await localhostCertificate();
const samplesPath = new URL('../connectors/okta/samples/system-log.json', import.meta.url);

// Plain JS: the worker is evaluated, not loaded through tsx.
const serverCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes, randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const { cert, key, samplesPath, pageSize, pages } = workerData;

const samples = JSON.parse(readFileSync(new URL(samplesPath), 'utf8'));
const id = (n) => randomBytes(n).toString('base64url').slice(0, n);
let seq = 0;
function event() {
  const e = structuredClone(samples[seq % samples.length]);
  const user = seq % 997;
  e.uuid = randomUUID();
  e.published = new Date(Date.UTC(2026, 0, 10) + seq * 7).toISOString();
  if (e.actor) Object.assign(e.actor, { id: '00u' + id(17), alternateId: 'user' + user + '@contoso.com', displayName: 'User ' + user });
  if (e.client) e.client.ipAddress = '203.0.' + (seq % 251) + '.' + ((seq * 7) % 253);
  if (e.authenticationContext) e.authenticationContext.externalSessionId = id(25);
  if (e.transaction) e.transaction.id = id(27);
  if (e.debugContext && e.debugContext.debugData) e.debugContext.debugData.requestId = id(27);
  seq++;
  return e;
}
// A few distinct pages, served round robin: gzip's 32 KB window never spans pages.
const bodies = Array.from({ length: 4 }, () => Buffer.from(JSON.stringify(Array.from({ length: pageSize }, event))));
let oktaBytes = 0;
const okta = http.createServer((req, res) => {
  const n = Number(new URL(req.url, 'http://127.0.0.1').searchParams.get('after') ?? 0);
  const next = 'http://127.0.0.1:' + okta.address().port + '/api/v1/logs?after=' + (n + 1);
  const body = n < pages ? bodies[n % bodies.length] : Buffer.from('[]');
  oktaBytes += body.length;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, Link: '<' + next + '>; rel="next"' });
  res.end(body);
});

// Every row of the Custom-Okta stream starts with this key (mapOktaEvent); sampled full parses check it.
const marker = Buffer.from('{"published":');
const count = (body) => { let n = 0; for (let i = body.indexOf(marker); i >= 0; i = body.indexOf(marker, i + 1)) n++; return n; };
const totals = { rows: 0, requests: 0, jsonBytes: 0, wireBytes: 0, parsed: 0 };
const ingest = https.createServer({ cert, key }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const wire = Buffer.concat(chunks);
    if (!/^Bearer /.test(req.headers.authorization ?? '') || req.headers['content-encoding'] !== 'gzip') {
      res.writeHead(400).end(); return;
    }
    const body = zlib.gunzipSync(wire);
    if (wire.length > 1048576 || body.length > 1048576) { res.writeHead(413).end(); return; }
    const rows = count(body);
    if (totals.requests++ % 20 === 0) {
      totals.parsed++;
      const parsed = JSON.parse(body.toString('utf8'));
      if (!Array.isArray(parsed) || parsed.length !== rows) { res.writeHead(400).end(); return; }
    }
    totals.rows += rows;
    totals.jsonBytes += body.length;
    totals.wireBytes += wire.length;
    res.writeHead(204).end();
  });
});
parentPort.on('message', (m) => { if (m === 'totals') parentPort.postMessage({ ...totals, oktaBytes }); });
ingest.listen(0, '127.0.0.1', () => okta.listen(0, '127.0.0.1', () =>
  parentPort.postMessage({ ingestPort: ingest.address().port, oktaPort: okta.address().port })));
`;
const worker = new Worker(serverCode, {
  eval: true,
  workerData: { cert, key, samplesPath: samplesPath.href, pageSize, pages },
});
const { ingestPort, oktaPort } = await new Promise<{ ingestPort: number; oktaPort: number }>(
  (resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  },
);

const credential: TokenCredential = {
  getToken: async () => ({ token: 'bench', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
let commits = 0;
const checkpoints: CheckpointStore = {
  load: async () => undefined,
  commit: async (_c, _k, cursor): Promise<Checkpoint> => {
    commits += 1;
    return { cursor };
  },
};

/**
 * CPU seconds of the main thread (Linux: its task id is the process id), where the connector's
 * JavaScript runs; undefined where /proc is not available.
 */
function mainThreadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
      .map(Number);
    return (utime + stime) / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

const load = loadavg()[0];
const rssBeforeMb = process.memoryUsage.rss() / 1e6;
const mainCpuBefore = mainThreadCpuSeconds();
const cpuBefore = process.cpuUsage();
const eluBefore = performance.eventLoopUtilization();
const started = process.hrtime.bigint();
const result = await runConnector(
  oktaConnector({ orgUrl: `http://127.0.0.1:${oktaPort}`, apiToken: 'bench', pageSize }),
  {
    checkpoints,
    deadLetters: { add: async () => {} },
    sink: createAzureLogsSink({
      endpoint: `https://127.0.0.1:${ingestPort}`,
      ruleId: 'dcr-bench',
      credential,
      tlsOptions: { ca: cert },
    }),
    log: { info: () => {}, warn: console.warn, error: console.error },
  },
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
// Under contention from other processes these say whether the connector or the machine was the limit.
const mainBusy = performance.eventLoopUtilization(eluBefore).utilization;
const cpu = process.cpuUsage(cpuBefore);
const cores = (cpu.user + cpu.system) / 1e6 / seconds;
const mainCpuAfter = mainThreadCpuSeconds();
const mainCpu =
  mainCpuBefore === undefined || mainCpuAfter === undefined ? undefined : mainCpuAfter - mainCpuBefore;
const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
worker.postMessage('totals');
const totals = await new Promise<{
  rows: number;
  requests: number;
  parsed: number;
  jsonBytes: number;
  wireBytes: number;
  oktaBytes: number;
}>((resolve) => worker.once('message', resolve));
await worker.terminate();

const expected = pages * pageSize;
if (
  result.outcome !== 'completed' ||
  result.sent !== expected ||
  totals.rows !== expected ||
  commits !== pages
) {
  console.error(
    `bench run incomplete: ${JSON.stringify(result)}; endpoint counted ${totals.rows} of ${expected} rows, ${commits} of ${pages} checkpoints`,
  );
  process.exit(1);
}
const mb = (bytes: number) => bytes / 1e6;
console.log(
  `connectors: ${result.sent} Okta events in ${seconds.toFixed(2)} s = ${Math.round(result.sent / seconds)} events/s, ` +
    `${(mb(totals.oktaBytes) / seconds).toFixed(1)} MB/s from the vendor, ${(mb(totals.jsonBytes) / seconds).toFixed(1)} MB/s of rows ` +
    `(${(mb(totals.wireBytes) / seconds).toFixed(1)} MB/s gzipped) into Logs Ingestion; peak RSS ${Math.round(peakRssMb)} MB (${Math.round(rssBeforeMb)} MB before the run, servers and their pages included)\n` +
    `  verified: ${totals.rows} rows counted by the endpoint in ${totals.requests} requests (${totals.parsed} parsed in full), ` +
    `${commits} checkpoints; ${pages} pages of ${pageSize}, ~${Math.round(totals.oktaBytes / expected)} B/event\n` +
    `  CPU: ${cores.toFixed(2)} cores for the process (both servers included); main thread ${Math.round(mainBusy * 100)}% busy` +
    (mainCpu === undefined
      ? ''
      : ` and on a core ${Math.round((100 * mainCpu) / seconds)}% of the time, ${((mainCpu * 1e6) / result.sent).toFixed(1)} µs CPU/event`) +
    '; ' +
    `load average before the run ${load.toFixed(2)}`,
);
