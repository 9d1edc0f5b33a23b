import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ccfFile, readCcfConnector } from '../connectors/ccf/declaration.js';
import type { RunResult } from '../connectors/runner.js';
import { type ConnectorName, runCcfConnectorFromSettings } from '../connectors/settings.js';
import type { Clock } from './clock.js';
import { localConnectorDcrId } from './vendors/dcrs.js';

/**
 * The connectors infra/main.bicep deploys on the Codeless Connector Framework (the `ccfConnectors`
 * parameter of infra/main.parameters.json): the local SOC runs the same ones on its CCF poller.
 */
export function deployedCcfConnectors(root: string): string[] {
  const file = join(root, 'infra', 'main.parameters.json');
  if (!existsSync(file)) return [];
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')).parameters?.ccfConnectors?.value;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** The declared CCF parameters of each connector, pointed at its sample replay. */
export function replayCcfParameters(
  replays: Record<ConnectorName, Record<string, string>>,
): Record<string, Record<string, string>> {
  const okta = replays.okta;
  const github = replays['github-audit'];
  return {
    okta: { orgUrl: okta.OKTA_ORG_URL, apiToken: okta.OKTA_API_TOKEN },
    'github-audit': {
      apiUrl: github.GITHUB_AUDIT_API_URL,
      organization: github.GITHUB_AUDIT_ORG,
      token: github.GITHUB_AUDIT_TOKEN,
    },
  };
}

interface CcfTimer {
  connector: string;
  dir: string;
  everyTicks: bigint;
  nextRun: bigint;
  busy: boolean;
  lastResult?: RunResult;
}

/**
 * Runs the connectors deployed on the CCF with the local poller, every `queryWindowInMin` of
 * simulated time as the CCF polls, through the same Logs Ingestion endpoint, DCRs and Azurite
 * checkpoints as the Functions connectors. Their Functions timers are disabled by the app setting
 * Azure uses (`AzureWebJobs.<name>.Disabled`), so nothing is ingested twice.
 */
export class CcfTimers {
  readonly timers: CcfTimer[] = [];
  /** App settings to add: the DCR ids the pollers send to, and the disabled Functions timers. */
  readonly settings: Record<string, string> = {};
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    root: string,
    connectors: readonly string[],
    private readonly parameters: Record<string, Record<string, string>>,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    /** When the connectors were "connected": their first poll reads from here (the replay's start). */
    private readonly connectedAt: number,
  ) {
    for (const connector of connectors) {
      const dir = join(root, 'connectors', connector);
      if (!existsSync(join(dir, ccfFile)) || !parameters[connector]) {
        log(`ccfConnectors names ${connector}, which has no CCF declaration the local SOC can run; skipped`);
        continue;
      }
      const declaration = readCcfConnector(dir);
      const dcr = declaration.dcrFile === 'dcr.yaml' ? connector : `${connector}-ccf`;
      this.settings[`${dcr.toUpperCase().replaceAll('-', '_')}_DCR_IMMUTABLE_ID`] = localConnectorDcrId(dcr);
      this.settings[`AzureWebJobs.${connector}.Disabled`] = 'true';
      const minutes = Number(declaration.poller.request.queryWindowInMin ?? 5);
      this.timers.push({
        connector,
        dir,
        everyTicks: BigInt(minutes * 60) * 10_000_000n,
        nextRun: clock.ticks(),
        busy: false,
      });
    }
  }

  tick(): void {
    const now = this.clock.ticks();
    for (const timer of this.timers) {
      if (timer.nextRun > now || timer.busy || this.stopping.signal.aborted) continue;
      timer.nextRun = now + timer.everyTicks;
      timer.busy = true;
      const log = {
        info: () => undefined,
        warn: (m: string) => this.log(`[ccf ${timer.connector}] ${m}`),
        error: (m: string) => this.log(`[ccf ${timer.connector}] ${m}`),
      };
      const run = runCcfConnectorFromSettings(timer.dir, this.parameters[timer.connector], process.env, log, {
        now: () => this.clock.date().getTime(),
        initialWindowStart: this.connectedAt,
        signal: this.stopping.signal,
      })
        .then((result) => {
          timer.lastResult = result;
        })
        .catch((error: Error) => this.log(`[ccf ${timer.connector}] ${error.message}`))
        .finally(() => {
          timer.busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    }
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** Stops the runs in flight at their next committed page, and starts no more. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }
}
