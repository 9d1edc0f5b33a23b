import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ListenError } from '../../local/server/serve.js';
import { dataDirCertificate } from '../../local/server/tls.js';
import { LocalSoc } from '../../local/soc.js';
import { CorruptLogError } from '../../local/store/batch-log.js';
import { parseCommandArgs } from '../command.js';

const help = `usage: sentinel-kit start [options]

Runs the local SOC: connectors, analytics rules, automation rules and responders end to end on an
embedded workspace, with a web UI. Nothing leaves this machine; all servers listen on 127.0.0.1.

options:
  --port <n>       web UI port (default 7070; 0 picks a free port)
  --api-port <n>   port of the local Azure endpoints, TLS (default 0: a free port)
  --data <dir>     where the workspace lives (default .local)
  --speed <x>      simulated seconds per real second (default 60: an hourly rule runs every minute)
  --no-demo        do not inject the starter attacks into a new, empty workspace
  --verbose        log every connector run and responder call, not only warnings and errors
  --ccf <names>    connectors to run on the local CCF poller instead of their Functions timers,
                   comma-separated (default: ccfConnectors of infra/main.parameters.json)
  -h, --help       show this help`;

/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up, and the Azure SDK clients in the Functions app
 * must trust the local endpoints' certificate, so the command runs itself once more with it set.
 */
function rerunTrusting(certFile: string): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((done) => child.once('exit', (code) => done(code ?? 1)));
}

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(help, argv, {
    port: { type: 'string', default: '7070' },
    'api-port': { type: 'string', default: '0' },
    data: { type: 'string', default: '.local' },
    speed: { type: 'string', default: '60' },
    'no-demo': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    ccf: { type: 'string' },
  });
  if (typeof args === 'number') return args;
  const { values } = args;
  const speed = Number(values.speed);
  const uiPort = Number(values.port);
  const apiPort = Number(values['api-port']);
  const isPort = (port: number) => Number.isInteger(port) && port >= 0 && port <= 65535;
  if (!(speed > 0) || !isPort(uiPort) || !isPort(apiPort)) {
    console.error('error: --speed must be > 0 and ports whole numbers from 0 to 65535 (0 picks a free port)');
    return 2;
  }
  const dataDir = resolve(values.data);
  const { tls, certFile } = await dataDirCertificate(dataDir);
  if (process.env.NODE_EXTRA_CA_CERTS !== certFile) return rerunTrusting(certFile);

  const log = (line: string) => console.log(`[local-soc] ${line}`);
  let soc: LocalSoc;
  try {
    soc = await LocalSoc.start({
      root: process.cwd(),
      dataDir,
      uiPort,
      apiPort,
      speed,
      tls,
      log,
      demo: !values['no-demo'],
      verbose: values.verbose,
      ccfConnectors: values.ccf?.split(',').filter(Boolean),
    });
  } catch (error) {
    if (error instanceof CorruptLogError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof ListenError) {
      console.error(`error: ${error.message}; nothing was started`);
      return 1;
    }
    throw error;
  }
  console.log(`sentinel-kit local SOC running at ${soc.uiUrl}`);
  console.log(`  Azure endpoints (Logs Ingestion, Logs Query, SecurityInsights): ${soc.apiUrl}`);
  console.log(`  ${soc.rules.length} analytics rules, simulated clock ×${speed}; data in ${dataDir}`);
  console.log('  press Ctrl-C to stop');
  await new Promise<void>((done) => {
    const signals = ['SIGINT', 'SIGTERM', 'disconnect'] as const;
    const stop = () => {
      for (const signal of signals) process.off(signal, stop);
      console.log('stopping local SOC...');
      void soc.stop().then(done);
    };
    // 'disconnect': started by the re-run wrapper, the SOC stops when the wrapper dies (even by
    // SIGKILL) instead of holding its ports as an orphan.
    for (const signal of signals) process.on(signal, stop);
  });
  if (process.connected) process.disconnect();
  return 0;
}
