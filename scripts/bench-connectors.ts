/**
 * Connector throughput: the Okta connector pulls pages from a loopback Okta API and sends them through
 * the real Logs Ingestion client (gzip, retries, batching) to a loopback HTTPS endpoint that
 * decompresses, parses and counts rows. Both servers run in a worker thread so the connector has the
 * main thread to itself. Prints events/s; the goal is >= 50,000 events/s on 2 cores.
 *
 *   npx tsx scripts/bench-connectors.ts [events=200000] [pageSize=1000]
 *
 * Needs the openssl CLI for a throwaway self-signed certificate: the SDK only sends bearer tokens over https.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TokenCredential } from '@azure/core-auth';
import type { Checkpoint, CheckpointStore } from '../src/connectors/checkpoints.js';
import { oktaConnector } from '../src/connectors/okta.js';
import { runConnector } from '../src/connectors/runner.js';
import { createAzureLogsSink } from '../src/ingest/logsIngestion.js';

const events = Number(process.argv[2] ?? 200_000);
const pageSize = Number(process.argv[3] ?? 1000);
const pages = Math.ceil(events / pageSize);

const dir = mkdtempSync(join(tmpdir(), 'sk-bench-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ],
  { stdio: 'ignore' },
);
const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
const key = readFileSync(join(dir, 'key.pem'), 'utf8');
rmSync(dir, { recursive: true });

const samples = JSON.parse(
  readFileSync(new URL('../connectors/okta/samples/system-log.json', import.meta.url), 'utf8'),
);
const page = Array.from({ length: pageSize }, (_, i) => ({
  ...samples[i % samples.length],
  uuid: `bench-${i}`,
  published: new Date(Date.UTC(2026, 0, 10) + i).toISOString(),
}));

// Plain JS: the worker is evaluated, not loaded through tsx.
const serverCode = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const { cert, key, pageJson, pages } = workerData;
let rows = 0; let conns = 0; let wire = 0; let reqs = 0;
const ingest = https.createServer({ cert, key }, (req, res) => { reqs++;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks); wire += body.length;
    if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
    if (body.length > 1048576) { res.writeHead(413).end(); return; }
    rows += JSON.parse(body.toString('utf8')).length;
    res.writeHead(204).end();
  });
});
const okta = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const n = Number(url.searchParams.get('after') ?? 0);
  const next = 'http://127.0.0.1:' + okta.address().port + '/api/v1/logs?after=' + (n + 1);
  res.writeHead(200, { 'Content-Type': 'application/json', Link: '<' + next + '>; rel="next"' });
  res.end(n < pages ? pageJson : '[]');
});
parentPort.on('message', (m) => { if (m === 'count') { console.error({conns, wire, reqs}); parentPort.postMessage({ rows }); } });
ingest.on('secureConnection', () => conns++);
ingest.listen(0, '127.0.0.1', () => okta.listen(0, '127.0.0.1', () =>
  parentPort.postMessage({ ingestPort: ingest.address().port, oktaPort: okta.address().port })));
`;
const worker = new Worker(serverCode, {
  eval: true,
  workerData: { cert, key, pageJson: JSON.stringify(page), pages },
});
const { ingestPort, oktaPort } = await new Promise<{ ingestPort: number; oktaPort: number }>((resolve) =>
  worker.once('message', resolve),
);

const credential: TokenCredential = {
  getToken: async () => ({ token: 'bench', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const commits: unknown[] = [];
const checkpoints: CheckpointStore = {
  load: async () => undefined,
  commit: async (_c, _k, cursor): Promise<Checkpoint> => {
    commits.push(cursor);
    return { cursor };
  },
};

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
worker.postMessage('count');
const { rows } = await new Promise<{ rows: number }>((resolve) => worker.once('message', resolve));
await worker.terminate();

if (result.outcome !== 'completed' || rows !== result.sent || result.sent !== pages * pageSize) {
  console.error(`bench run incomplete: ${JSON.stringify(result)}, endpoint counted ${rows}`);
  process.exit(1);
}
const rowBytes = Buffer.byteLength(JSON.stringify(page)) / pageSize;
console.log(
  `connectors: ${result.sent} Okta events in ${seconds.toFixed(2)} s = ${Math.round(result.sent / seconds)} events/s ` +
    `(${result.pages} pages of ${pageSize}, ~${Math.round(rowBytes)} B/event raw, ${commits.length} checkpoints)`,
);
