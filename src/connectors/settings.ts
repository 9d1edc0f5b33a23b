import type { TokenCredential } from '@azure/core-auth';
import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { createAzureLogsSink } from '../ingest/logsIngestion.js';
import { readCcfConnector } from './ccf/declaration.js';
import { ccfPoller } from './ccf/poller.js';
import { CHECKPOINT_TABLE, TableCheckpointStore } from './checkpoints.js';
import { DEAD_LETTER_TABLE, TableDeadLetterSink } from './deadLetters.js';
import { githubAuditConnector } from './githubAudit.js';
import type { SourceHttpOptions } from './http.js';
import { oktaConnector } from './okta.js';
import { type RunResult, runConnector } from './runner.js';
import { threatFoxConnector } from './threatfox.js';
import type { Connector, ConnectorLogger } from './types.js';

/**
 * App settings per connector. Secrets (*_TOKEN, *_AUTH_KEY) are Key Vault references in Azure
 * (@Microsoft.KeyVault(SecretUri=...)), resolved by the platform into plain environment variables.
 */
export const CONNECTOR_SETTINGS = {
  okta: { prefix: 'OKTA', defaultSchedule: '0 */5 * * * *' },
  'github-audit': { prefix: 'GITHUB_AUDIT', defaultSchedule: '0 */5 * * * *' },
  threatfox: { prefix: 'THREATFOX', defaultSchedule: '0 7 * * * *' },
} as const;

export type ConnectorName = keyof typeof CONNECTOR_SETTINGS;

type Env = Record<string, string | undefined>;

export class SettingsError extends Error {
  constructor(missing: string[]) {
    super(`missing or invalid app settings: ${missing.join(', ')}`);
    this.name = 'SettingsError';
  }
}

/** Reads settings, collecting every missing name (never a value) before failing. */
class Settings {
  private readonly missing: string[] = [];
  constructor(private readonly env: Env) {}

  required(name: string): string {
    const value = this.env[name]?.trim();
    if (!value) this.missing.push(name);
    return value ?? '';
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  number(name: string, fallback: number): number {
    const value = Number(this.optional(name) ?? fallback);
    if (!Number.isFinite(value) || value <= 0) this.missing.push(`${name} (a positive number)`);
    return value;
  }

  check(): void {
    if (this.missing.length > 0) throw new SettingsError(this.missing);
  }
}

export function scheduleFromSettings(name: ConnectorName, env: Env): string {
  const { prefix, defaultSchedule } = CONNECTOR_SETTINGS[name];
  return env[`${prefix}_SCHEDULE`]?.trim() || defaultSchedule;
}

type Build<T> = () => T;

/** Reads the connector's settings now and builds it later, once every setting is known to be present. */
function connectorFromSettings(
  name: ConnectorName,
  s: Settings,
  http: SourceHttpOptions,
  log: ConnectorLogger,
): Build<Connector<unknown, unknown>> {
  const initialLookbackMs = s.number('CONNECTOR_INITIAL_LOOKBACK_HOURS', 24) * 3_600_000;
  switch (name) {
    case 'okta': {
      const orgUrl = s.required('OKTA_ORG_URL');
      const apiToken = s.required('OKTA_API_TOKEN');
      return () =>
        oktaConnector({ orgUrl, apiToken, initialLookbackMs, http }) as Connector<unknown, unknown>;
    }
    case 'github-audit': {
      const org = s.optional('GITHUB_AUDIT_ORG');
      const enterprise = org ? undefined : s.optional('GITHUB_AUDIT_ENTERPRISE');
      if (!org && !enterprise) s.required('GITHUB_AUDIT_ORG');
      const token = s.required('GITHUB_AUDIT_TOKEN');
      const apiUrl = s.optional('GITHUB_AUDIT_API_URL');
      const phrase = s.optional('GITHUB_AUDIT_PHRASE');
      const overlapMs = s.number('GITHUB_AUDIT_OVERLAP_MINUTES', 15) * 60_000;
      return () =>
        githubAuditConnector({
          org,
          enterprise,
          token,
          apiUrl,
          phrase,
          overlapMs,
          initialLookbackMs,
          http,
        }) as Connector<unknown, unknown>;
    }
    case 'threatfox': {
      const authKey = s.required('THREATFOX_AUTH_KEY');
      const days = s.number('THREATFOX_DAYS', 1);
      const validityDays = s.number('THREATFOX_VALIDITY_DAYS', 30);
      const apiUrl = s.optional('THREATFOX_API_URL');
      return () =>
        threatFoxConnector({
          authKey,
          apiUrl,
          days,
          validityDays,
          http,
          warn: (m) => log.warn(m),
        }) as Connector<unknown, unknown>;
    }
  }
}

/** Azurite or a connection string locally; the storage account's table URL and managed identity in Azure. */
function tableClientFromSettings(
  s: Settings,
  credential: TokenCredential,
): Build<(table: string) => TableClient> {
  const connectionString = s.optional('CONNECTOR_STORAGE_CONNECTION_STRING');
  if (connectionString) {
    const allowInsecureConnection = /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(
      connectionString,
    );
    return () => (table) =>
      TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection });
  }
  const url = s.required('CONNECTOR_STORAGE_TABLE_URL');
  return () => (table) => new TableClient(url, table, credential);
}

/**
 * Runs one connector as configured by app settings: Entra auth by DefaultAzureCredential (the
 * Function's managed identity in Azure), checkpoints in Table Storage, rows to the connector's DCR.
 */
export async function runConnectorFromSettings(
  name: ConnectorName,
  env: Env,
  log: ConnectorLogger,
  credential: TokenCredential = new DefaultAzureCredential(),
): Promise<RunResult> {
  const s = new Settings(env);
  const http = sourceHttp(name, s, log);
  return runFromSettings(name, s, connectorFromSettings(name, s, http, log), log, credential);
}

/**
 * Runs the CCF connector of `connectors/<name>/` (ccf/connector.yaml) with the local poller, as the
 * local SOC does for the connectors it runs on the Codeless Connector Framework: the declaration's
 * `{{parameters}}` from `parameters`, the rest from app settings as for the Functions connectors;
 * rows go to the DCR of `<NAME>[_CCF]_DCR_IMMUTABLE_ID`, the DCR the poller sends to.
 */
export async function runCcfConnectorFromSettings(
  dir: string,
  parameters: Record<string, string>,
  env: Env,
  log: ConnectorLogger,
  options: {
    credential?: TokenCredential;
    now?: () => number;
    initialWindowStart?: number;
    /** Stops the run at the next committed page (the local SOC stopping). */
    signal?: AbortSignal;
  } = {},
): Promise<RunResult> {
  const s = new Settings(env);
  const declaration = readCcfConnector(dir);
  const http = sourceHttp(declaration.connector, s, log);
  const dcr = declaration.dcrFile === 'dcr.yaml' ? declaration.connector : `${declaration.connector}-ccf`;
  const build = () =>
    ccfPoller({
      declaration,
      parameters,
      http,
      now: options.now,
      initialWindowStart: options.initialWindowStart,
    }) as Connector<unknown, unknown>;
  return runFromSettings(
    dcr,
    s,
    build,
    log,
    options.credential ?? new DefaultAzureCredential(),
    options.signal,
  );
}

function sourceHttp(name: string, s: Settings, log: ConnectorLogger): SourceHttpOptions {
  return {
    timeoutMs: s.number('CONNECTOR_SOURCE_TIMEOUT_SECONDS', 30) * 1000,
    onRetry: (r) =>
      log.warn(`${name}: ${r.url} attempt ${r.attempt} failed (${r.reason}), retrying in ${r.waitMs} ms`),
  };
}

/** `dcr` names the DCR setting: `<DCR>_DCR_IMMUTABLE_ID`, with infra/main.bicep's spelling of the name. */
async function runFromSettings(
  dcr: string,
  s: Settings,
  buildConnector: Build<Connector<unknown, unknown>>,
  log: ConnectorLogger,
  credential: TokenCredential,
  signal?: AbortSignal,
): Promise<RunResult> {
  const name = dcr;
  const endpoint = s.required('LOGS_INGESTION_ENDPOINT');
  const ruleId = s.required(`${dcr.toUpperCase().replaceAll('-', '_')}_DCR_IMMUTABLE_ID`);
  // host.json allows 10 minutes per invocation; stop early enough to commit the last page.
  const budgetMs = s.number('CONNECTOR_RUN_BUDGET_SECONDS', 480) * 1000;
  const buildTables = tableClientFromSettings(s, credential);
  s.check();
  const tables = buildTables();
  return runConnector(buildConnector(), {
    checkpoints: new TableCheckpointStore(tables(CHECKPOINT_TABLE)),
    deadLetters: new TableDeadLetterSink(tables(DEAD_LETTER_TABLE)),
    sink: createAzureLogsSink({
      endpoint,
      ruleId,
      credential,
      audience: s.optional('LOGS_INGESTION_AUDIENCE'),
      onFailedAttempt: (a) =>
        log.warn(
          `${name}: Logs Ingestion attempt ${a.attempt} failed (${a.status ? `HTTP ${a.status}` : a.error})` +
            (a.retryAfterMs !== undefined ? `, retry after ${a.retryAfterMs} ms` : ''),
        ),
    }),
    log,
    signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(budgetMs)]) : AbortSignal.timeout(budgetMs),
  });
}
