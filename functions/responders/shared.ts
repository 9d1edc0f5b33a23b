// Glue shared by the responder handlers (not a handler itself): settings → clients, request → incident,
// result → HTTP status.
import type { TokenCredential } from '@azure/core-auth';
import { TableClient } from '@azure/data-tables';
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { DefaultAzureCredential } from '@azure/identity';
import { relayName } from '../../src/automation/compile.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { createLogsQuery, type LogsQuery } from '../../src/query/logs.js';
import type { ActionDeps, ResponderResult } from '../../src/responders/action.js';
import { loadHeldAlert } from '../../src/responders/alert.js';
import { BLOCK_RECORDS_TABLE, TableBlockRecords } from '../../src/responders/blockRecords.js';
import { DefenderClient } from '../../src/responders/defender.js';
import { GraphClient } from '../../src/responders/graph.js';
import { loadHeldIncident } from '../../src/responders/incident.js';
import { LEDGER_TABLE, TableActionLedger } from '../../src/responders/ledger.js';
import { RelayAuthenticator } from '../../src/responders/relayAuth.js';
import { TeamsWebhook } from '../../src/responders/teams.js';
import { isAlertTrigger, parseAlertTrigger } from '../../src/sentinel/alertTrigger.js';
import { SentinelClient } from '../../src/sentinel/client.js';
import { DownstreamError } from '../../src/sentinel/rest.js';
import {
  type IncidentContext,
  parseIncidentTrigger,
  type ResponseTarget,
} from '../../src/sentinel/trigger.js';

/** App settings read by the responders (names only ever appear in errors, never values). */
const SETTINGS = [
  'RESPONDER_LEDGER_CONNECTION',
  'RESPONDER_LEDGER_ACCOUNT_URL',
  'AzureWebJobsStorage',
  'SENTINEL_ARM_ENDPOINT',
  'GRAPH_ENDPOINT',
  'DEFENDER_ENDPOINT',
  'LOGS_QUERY_ENDPOINT',
  'LOG_ANALYTICS_WORKSPACE_ID',
  'TEAMS_WEBHOOK_URL',
  'BLOCK_IP_NAMED_LOCATION_ID',
  'BLOCK_IP_TTL_HOURS',
  'PROTECTED_ACCOUNTS',
  'RESPONDER_TRIAGE_PLAN',
] as const;
type Settings = Partial<Record<(typeof SETTINGS)[number], string>>;

/** A configuration fault; its message names the setting (never its value) and is safe to return. */
export class SettingError extends Error {
  constructor(name: string, problem = 'is not configured') {
    super(`app setting ${name} ${problem}`);
    this.name = 'SettingError';
  }
}

export interface ResponderDeps extends ActionDeps {
  sentinel: SentinelClient;
  settings: Settings;
  logs(): LogsQuery;
  graph(): GraphClient;
  defender(): DefenderClient;
  teams(): TeamsWebhook;
  blockRecords(): TableBlockRecords;
  required(name: keyof Settings): string;
}

/** A table of the ledger's storage account (the ledger, block-ip's expiry records). */
function ledgerTable(settings: Settings, credential: TokenCredential, table: string): TableClient {
  if (settings.RESPONDER_LEDGER_ACCOUNT_URL) {
    return new TableClient(settings.RESPONDER_LEDGER_ACCOUNT_URL, table, credential);
  }
  const connection = settings.RESPONDER_LEDGER_CONNECTION ?? settings.AzureWebJobsStorage;
  if (!connection) throw new SettingError('RESPONDER_LEDGER_CONNECTION');
  // Azurite (local development) speaks plain http.
  const insecure = /UseDevelopmentStorage=true|=http:\/\//i.test(connection);
  return TableClient.fromConnectionString(connection, table, {
    allowInsecureConnection: insecure,
  });
}

function createDeps(settings: Settings): ResponderDeps {
  const credential: TokenCredential = new DefaultAzureCredential();
  const required = (name: keyof Settings): string => {
    const value = settings[name];
    if (!value) throw new SettingError(name);
    return value;
  };
  const lazy = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  return {
    settings,
    required,
    ledger: new TableActionLedger(ledgerTable(settings, credential, LEDGER_TABLE)),
    blockRecords: lazy(() => new TableBlockRecords(ledgerTable(settings, credential, BLOCK_RECORDS_TABLE))),
    sentinel: new SentinelClient({ endpoint: settings.SENTINEL_ARM_ENDPOINT, credential }),
    logs: lazy(() => createLogsQuery({ endpoint: settings.LOGS_QUERY_ENDPOINT, credential })),
    graph: lazy(() => new GraphClient({ endpoint: settings.GRAPH_ENDPOINT, credential })),
    defender: lazy(() => new DefenderClient({ endpoint: settings.DEFENDER_ENDPOINT, credential })),
    teams: lazy(() => {
      const url = required('TEAMS_WEBHOOK_URL');
      try {
        return new TeamsWebhook(url);
      } catch (error) {
        // The constructor's message describes the URL's kind, never its value (the URL is the secret).
        throw new SettingError('TEAMS_WEBHOOK_URL', `is unusable: ${(error as Error).message}`);
      }
    }),
  };
}

let cached: { key: string; deps: ResponderDeps } | undefined;

/** Clients built from app settings, reused across invocations while the settings stay the same. */
export function responderDeps(): ResponderDeps {
  const settings = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]])) as Settings;
  const key = JSON.stringify(settings);
  if (cached?.key !== key) cached = { key, deps: createDeps(settings) };
  return cached.deps;
}

function badRequest(diagnostics: Diagnostic[]): HttpResponseInit {
  return { status: 400, jsonBody: { errors: diagnostics } };
}

/**
 * 200 when every action is done, already done, in progress or skipped; 503 when something failed only
 * transiently (throttling/unavailable after retries, so the relay's retry policy should try again); 502 when a
 * downstream refused (403/404/400: retrying will not help until someone fixes permissions or data).
 */
function statusFor(result: ResponderResult): number {
  const failed = result.actions.filter((a) => a.outcome === 'failed');
  if (!failed.length) return 200;
  return failed.every((a) => a.transient) ? 503 : 502;
}

export type Responder = (
  incident: IncidentContext,
  deps: ResponderDeps,
  body: Record<string, unknown>,
) => Promise<ResponderResult | Diagnostic[]>;

/** A responder that also acts on alerts (alert-created automation rules): it needs no incident to act. */
export type AlertCapableResponder = (
  target: ResponseTarget,
  deps: ResponderDeps,
  body: Record<string, unknown>,
) => Promise<ResponderResult | Diagnostic[]>;

function failure(status: number, code: string, message: string): HttpResponseInit {
  return { status, jsonBody: { errors: [{ code, severity: 'error', message }] } };
}

/**
 * The incident or alert the body names, as the workspace holds it, or the answer to give instead.
 * Alert trigger bodies (alert-created rules) are accepted only by responders that act without an
 * incident; the alert is read back from SecurityAlert before anything is done.
 */
async function heldTarget(
  name: string,
  body: unknown,
  acceptsAlerts: boolean,
): Promise<{ target: ResponseTarget } | { response: HttpResponseInit }> {
  if (isAlertTrigger(body)) {
    if (!acceptsAlerts) {
      return {
        response: failure(
          400,
          'RSP010',
          `responder '${name}' acts on incidents; an alert trigger body (alert-created automation rule) cannot run it`,
        ),
      };
    }
    const parsed = parseAlertTrigger(body);
    if (!parsed.ok) return { response: badRequest(parsed.diagnostics) };
    const deps = responderDeps();
    const held = await loadHeldAlert(parsed.alert, deps.logs(), deps.required('LOG_ANALYTICS_WORKSPACE_ID'));
    if (held.ok) return { target: held.alert };
    return {
      response: held.pending
        ? failure(503, 'RSP503', 'the alert is not in SecurityAlert yet; nothing was done (retry later)')
        : failure(404, 'RSP404', 'the alert does not exist in the workspace; nothing was done'),
    };
  }
  const parsed = parseIncidentTrigger(body);
  if (!parsed.ok) return { response: badRequest(parsed.diagnostics) };
  const held = await loadHeldIncident(parsed.incident, responderDeps().sentinel);
  if (held.ok) return { target: held.incident };
  if ('notFound' in held) {
    return {
      response: failure(404, 'RSP404', 'the incident does not exist in the workspace; nothing was done'),
    };
  }
  return { response: { status: 502, jsonBody: { errors: held.diagnostics } } };
}

/**
 * In Azure, main.bicep sets RESPONDER_RELAY_SCOPE (the relays' resource group) and the responder
 * then accepts only an Entra ID token of its own relay's managed identity. Without it (the local
 * SOC, a hand-made deployment) the Functions host's function key guards the route instead.
 */
function relayAuthenticator(): RelayAuthenticator | undefined {
  const { RESPONDER_RELAY_SCOPE: relayScope, RESPONDER_TENANT_ID: tenantId } = process.env;
  if (!relayScope) return undefined;
  if (!tenantId) throw new SettingError('RESPONDER_TENANT_ID', 'must be set with RESPONDER_RELAY_SCOPE');
  return new RelayAuthenticator({
    relayScope,
    tenantId,
    audience: process.env.RESPONDER_TOKEN_AUDIENCE ?? 'https://management.azure.com/',
    authorityHost: process.env.RESPONDER_AUTHORITY_HOST,
  });
}

/**
 * HTTP trigger options for a responder: POST only, its relay's token or a function key (see
 * docs/responders.md). `'incident-or-alert'` also accepts the alert trigger body.
 */
export function defineResponder(name: string, responder: Responder): HttpFunctionOptions;
export function defineResponder(
  name: string,
  responder: AlertCapableResponder,
  triggers: 'incident-or-alert',
): HttpFunctionOptions;
export function defineResponder(
  name: string,
  responder: Responder | AlertCapableResponder,
  triggers: 'incident' | 'incident-or-alert' = 'incident',
): HttpFunctionOptions {
  const relayAuth = relayAuthenticator();
  const relays = [relayName(name, 'incident'), relayName(name, 'alert')];
  return {
    methods: ['POST'],
    authLevel: relayAuth ? 'anonymous' : 'function',
    route: `responders/${name}`,
    async handler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
      if (relayAuth) {
        const verdict = await relayAuth.authenticate(request.headers.get('authorization'), relays);
        if (!verdict.ok) {
          // The reason is logged, never returned: a caller probing the endpoint learns nothing.
          context.warn(`responder ${name}: request refused (${verdict.reason})`);
          return {
            status: 401,
            headers: { 'WWW-Authenticate': 'Bearer' },
            jsonBody: {
              errors: [
                {
                  code: 'RSP401',
                  severity: 'error',
                  message: "a token of this responder's relay is required",
                },
              ],
            },
          };
        }
      }
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return badRequest([{ code: 'RSP000', severity: 'error', message: 'body is not valid JSON' }]);
      }
      let target: ResponseTarget | undefined;
      try {
        const held = await heldTarget(name, body, triggers === 'incident-or-alert');
        if ('response' in held) return held.response;
        target = held.target;
        // Incident-only responders never get here with an alert (heldTarget answered 400).
        const result = await (responder as AlertCapableResponder)(
          target,
          responderDeps(),
          body as Record<string, unknown>,
        );
        if (Array.isArray(result)) return badRequest(result);
        const status = statusFor(result);
        const counts = result.actions.map((a) => `${a.action}:${a.outcome}`).join(' ');
        context.log(`responder ${name} ${target.armId} -> ${status} ${counts}`);
        return { status, jsonBody: result };
      } catch (error) {
        if (error instanceof DownstreamError) {
          // Before a target was loaded nothing was done; either way the relay may retry a transient fault.
          const what = target
            ? 'a downstream call failed'
            : `could not load the ${isAlertTrigger(body) ? 'alert' : 'incident'}`;
          return failure(error.transient ? 503 : 502, 'RSP502', `${what}: ${error.message}`);
        }
        // Configuration faults: the setting's name is safe to show; anything else stays opaque.
        const message = error instanceof SettingError ? error.message : 'internal error';
        context.error(`responder ${name} ${target?.armId ?? 'request'}: ${message}`);
        return { status: 500, jsonBody: { errors: [{ code: 'RSP500', severity: 'error', message }] } };
      }
    },
  };
}
