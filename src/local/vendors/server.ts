import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { ConnectorName } from '../../connectors/settings.js';
import type { Clock } from '../clock.js';
import { Router } from '../server/http.js';
import { listen } from '../server/serve.js';
import type { TlsMaterial } from '../server/tls.js';
import { addGitHubAuditReplay } from './github.js';
import { addOktaReplay } from './okta.js';
import { addThreatFoxReplay } from './threatfox.js';

/** The credentials the replays accept: fixed local values, not secrets (loopback only, sample data). */
export const replayCredentials = {
  okta: 'local-okta-sample-token',
  'github-audit': 'local-github-sample-token',
  threatfox: 'local-threatfox-sample-key',
} as const satisfies Record<ConnectorName, string>;

/** What a restart must reuse, kept in the data folder. */
export interface ReplayState {
  /** When the replay first started: the samples' timeline hangs off it. */
  startedAt: string;
  port: number;
}

export const replayStateFile = 'vendor-replay.json';

// The first scheduled rule run is at SOC start and the next one looks back 1h with a strict `>`, so
// samples replayed from a minute after start are all seen by that second run.
export const replayDelayMs = 60_000;

export interface VendorReplayOptions {
  root: string;
  dataDir: string;
  tls: TlsMaterial;
  clock: Clock;
  log: (line: string) => void;
}

export interface VendorReplays {
  /** `https://127.0.0.1:<port>`: the one origin all replayed vendor APIs are served from. */
  url: string;
  /** When the replay first started (epoch ms): its samples are published from a minute later on. */
  startedAt: number;
  server: Server;
  /** Per connector, the app settings that point it at its replay. */
  settings: Record<ConnectorName, Record<string, string>>;
}

function readState(file: string, log: (line: string) => void): ReplayState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<ReplayState>;
    if (Number.isFinite(Date.parse(state.startedAt ?? '')) && Number.isInteger(state.port))
      return state as ReplayState;
  } catch {
    // reported below
  }
  log(`${file} is not valid; the vendor replays start over`);
  return undefined;
}

/**
 * Serves the connectors' samples as the vendors' own REST APIs (Okta System Log, GitHub audit log,
 * ThreatFox), on a loopback origin of their own. Not under the Azure endpoints' origin: the Okta
 * connector calls the org URL's origin root, and the Okta and ThreatFox connectors key their
 * checkpoints by host:port, so the port is kept across restarts with the replay's start time. Same
 * timeline, same port: a restarted SOC resumes from its checkpoints without duplicates.
 */
export async function startVendorReplays(options: VendorReplayOptions): Promise<VendorReplays> {
  const { root, dataDir, tls, clock, log } = options;
  const stateFile = join(dataDir, replayStateFile);
  const state = readState(stateFile, log) ?? { startedAt: clock.date().toISOString(), port: 0 };
  const startMs = Date.parse(state.startedAt) + replayDelayMs;
  const router = new Router();
  addOktaReplay(router, { root, startMs, clock, token: replayCredentials.okta });
  const [org] = addGitHubAuditReplay(router, {
    root,
    startMs,
    clock,
    token: replayCredentials['github-audit'],
  });
  addThreatFoxReplay(router, { root, startMs, clock, token: replayCredentials.threatfox });

  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(router, state.port, log, { tls });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || state.port === 0) throw error;
    log(
      `vendor replay port ${state.port} is taken; using another, so the okta and threatfox connectors start over from their first-run lookback`,
    );
    listening = await listen(router, 0, log, { tls });
  }
  writeFileSync(stateFile, JSON.stringify({ startedAt: state.startedAt, port: listening.port }));
  const url = `https://127.0.0.1:${listening.port}`;
  return {
    url,
    startedAt: Date.parse(state.startedAt),
    server: listening.server,
    settings: {
      okta: { OKTA_ORG_URL: url, OKTA_API_TOKEN: replayCredentials.okta },
      'github-audit': {
        GITHUB_AUDIT_API_URL: url,
        GITHUB_AUDIT_ORG: org ?? '',
        GITHUB_AUDIT_TOKEN: replayCredentials['github-audit'],
      },
      threatfox: { THREATFOX_API_URL: `${url}/api/v1/`, THREATFOX_AUTH_KEY: replayCredentials.threatfox },
    },
  };
}
