import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { findAutomationFiles, loadAutomationFile } from '../automation/load.js';
import type { AutomationRule } from '../automation/model.js';
import type { ConnectorName } from '../connectors/settings.js';
import { loadDetectionFile } from '../detections/load.js';
import type { DetectionRule } from '../detections/model.js';
import { hasErrors } from '../diagnostics.js';
import { type Catalog, loadCatalog } from '../kql/catalog.js';
import { formatDateTime } from '../kql/values/index.js';
import type { QueryLimits } from '../kql/worker/protocol.js';
import { IsolatedQueryRunner } from '../kql/worker/runner.js';
import type { OperationsConfig } from '../operations/config.js';
import { findRuleFiles, loadRuleFile } from '../rules/load.js';
import type { AnalyticsRule } from '../rules/model.js';
import { alertTriggerBody } from '../sentinel/alertTrigger.js';
import type { SummaryRule } from '../summary/model.js';
import { destinationSchema } from '../summary/run.js';
import { validateSummaryFiles } from '../summary/validate.js';
import { type AttackScenario, attackRecords, loadAttackScenarios } from './attacks.js';
import { AutomationRunner, type ResponderTarget } from './automation/runner.js';
import { type AzuriteTables, startAzuriteTables } from './azurite.js';
import { CcfTimers, deployedCcfConnectors, replayCcfParameters } from './ccf.js';
import { Clock } from './clock.js';
import { type Dcr, standardTablesDcr, standardTablesDcrId } from './dcr-registry.js';
import { DetectionScheduler, type DetectionState } from './detection/custom-detections.js';
import { type ScheduledRuleState, Scheduler } from './detection/scheduler.js';
import { type SummaryRuleState, SummaryScheduler } from './detection/summary-rules.js';
import { WorkspaceIndex } from './detection/workspace-index.js';
import { LocalDevCredential } from './dev-credential.js';
import { FunctionsHost } from './functions-host.js';
import { type Incident, IncidentStore, type WorkspaceRef } from './incidents/store.js';
import { localOperations } from './operations.js';
import { Router } from './server/http.js';
import { localQueryLimits } from './server/query-limits.js';
import { addLogsIngestionRoutes } from './server/routes/logs-ingestion.js';
import { addLogsQueryRoutes } from './server/routes/logs-query.js';
import { addManagedIdentityRoutes } from './server/routes/managed-identity.js';
import { addSandboxRoutes, type SandboxCall } from './server/routes/sandbox.js';
import { addSecurityInsightsRoutes } from './server/routes/security-insights.js';
import { close, listen } from './server/serve.js';
import type { TlsMaterial } from './server/tls.js';
import { StateFile } from './store/state-file.js';
import { Workspace, workspaceSource } from './store/workspace.js';
import { addUiRoutes } from './ui/routes.js';
import { connectorDcrs } from './vendors/dcrs.js';
import { startVendorReplays } from './vendors/server.js';
import { connectorAppSettings } from './vendors/settings.js';

export interface LocalSocOptions {
  /** Repository root holding kql/, connectors/ and functions/. */
  root: string;
  /** Where the workspace, incidents and Azurite data live (default `.local`). */
  dataDir: string;
  /** Web UI port on 127.0.0.1; 0 picks a free port. */
  uiPort: number;
  /** Azure endpoints port (TLS) on 127.0.0.1; 0 picks a free port. */
  apiPort: number;
  /** Simulated seconds per real second. */
  speed: number;
  tls: TlsMaterial;
  log: (line: string) => void;
  /** Inject every starter attack scenario when the workspace is new and empty. */
  demo?: boolean;
  /** Log every function invocation, not only warnings and errors. */
  verbose?: boolean;
  /** Limits for ad-hoc queries (default `localQueryLimits`). */
  queryLimits?: Partial<QueryLimits>;
  /** Connectors run on the local CCF poller (default: ccfConnectors of infra/main.parameters.json). */
  ccfConnectors?: string[];
}

export const localWorkspace: WorkspaceRef & { workspaceId: string } = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'sentinel-kit-local',
  workspaceName: 'sentinel-kit-local',
  workspaceId: '11111111-1111-1111-1111-111111111111',
};

/**
 * The local SOC: the repository's connectors, rules, automation rules and responders running end
 * to end on an embedded workspace, reachable through the same REST APIs as Azure.
 */
export class LocalSoc {
  private ticker?: NodeJS.Timeout;
  /** kql/operations.yaml compiled, when the repository has a valid one. */
  operations?: OperationsConfig;
  /** Connectors run on the local CCF poller. */
  ccf?: CcfTimers;
  private constructor(
    readonly options: LocalSocOptions,
    readonly catalog: Catalog,
    readonly rules: AnalyticsRule[],
    readonly workspace: Workspace,
    readonly incidents: IncidentStore,
    readonly clock: Clock,
    readonly scheduler: Scheduler,
    /** Defender custom detections (kql/detections) and their alerts. */
    readonly detections: DetectionScheduler,
    /** Summary rules (kql/summary) writing their destination tables. */
    readonly summaries: SummaryScheduler,
    readonly automation: AutomationRunner,
    readonly functions: FunctionsHost,
    readonly attacks: AttackScenario[],
    readonly sandboxCalls: SandboxCall[],
    /** Ad-hoc queries (Logs Query API, KQL console) run here, off the event loop, within limits. */
    readonly queries: IsolatedQueryRunner,
    readonly uiUrl: string,
    readonly apiUrl: string,
    private readonly servers: Server[],
    private readonly azurite: AzuriteTables,
    private readonly stateFile: StateFile<SocState>,
  ) {}

  /** Scenario ids the demo has injected into this data folder (undefined: no demo here). */
  private demoInjected?: Set<string>;

  /**
   * Saves the simulated clock, every rule's schedule and grouping state, and the demo's progress,
   * so a restart continues where this process stopped: no window runs twice, no alert opens a
   * second incident for one already open, and the clock never goes back.
   */
  private saveState(): void {
    this.stateFile.write({
      clock: { simulatedMs: this.clock.date().getTime(), realMs: Date.now() },
      rules: [...this.scheduler.snapshot()],
      detections: this.detections.snapshot(),
      summaries: [...this.summaries.snapshot()],
      demoInjected: this.demoInjected ? [...this.demoInjected] : undefined,
    });
  }

  /**
   * Starts every part; when one fails (a port in use, a corrupt log), the parts already started are
   * stopped again, so a failed start leaves no Azurite or server behind.
   */
  static async start(options: LocalSocOptions): Promise<LocalSoc> {
    const started: (() => Promise<void> | void)[] = [];
    try {
      return await LocalSoc.startParts(options, started);
    } catch (error) {
      for (const stop of started.reverse()) await stop();
      throw error;
    }
  }

  private static async startParts(
    options: LocalSocOptions,
    started: (() => Promise<void> | void)[],
  ): Promise<LocalSoc> {
    const { root, dataDir, log } = options;
    mkdirSync(dataDir, { recursive: true });
    const catalog = loadCatalog(root);
    const rules = loadRules(root, log);
    const detectionRules = loadDetections(root, log);
    const summaryRules = loadSummaryRules(root, catalog, log);
    const automationRules = loadAutomationRules(root, log);
    const workspace = new Workspace(dataDir, catalog);
    started.push(() => workspace.close());
    for (const r of workspace.recoveries) {
      log(
        `recovered ${r.table}: an unacknowledged partial batch (${r.bytes} bytes) was moved to ${r.quarantinedTo}`,
      );
    }
    const incidents = new IncidentStore(dataDir, localWorkspace);
    started.push(() => incidents.close());
    const stateFile = new StateFile<SocState>(join(dataDir, 'soc-state.json'));
    const saved = stateFile.read();
    const clock = new Clock(resumedTime(saved, incidents), options.speed);
    incidents.onChange((incident) =>
      workspace.ingest('SecurityIncident', [securityIncidentRow(incident, clock)], clock.ticks()),
    );

    const azurite = await startAzuriteTables({ location: join(dataDir, 'azurite') });
    started.push(() => azurite.stop());
    const api = new Router();
    const dcrs = new Map<string, Dcr>([
      [standardTablesDcrId, standardTablesDcr(catalog)],
      ...connectorDcrs(root, log),
    ]);
    addLogsIngestionRoutes(api, dcrs, workspace, clock);
    const queries = new IsolatedQueryRunner(catalog, workspaceSource(dataDir), {
      ...localQueryLimits,
      ...options.queryLimits,
    });
    started.push(() => queries.close());
    addLogsQueryRoutes(api, queries, clock);
    addSecurityInsightsRoutes(api, incidents, clock);
    const sandboxCalls = addSandboxRoutes(api, clock);
    const identityHeader = randomBytes(24).toString('hex');
    addManagedIdentityRoutes(api, identityHeader);
    const apiServer = await listen(api, options.apiPort, log, { tls: options.tls });
    started.push(() => close(apiServer.server));
    const apiUrl = `https://127.0.0.1:${apiServer.port}`;
    const vendors = await startVendorReplays({ root, dataDir, tls: options.tls, clock, log });
    started.push(() => close(vendors.server));
    const connectors = connectorAppSettings(vendors.settings, azurite.connectionString);
    log(connectors.summary);
    // Connectors deployed on the Codeless Connector Framework run on the local CCF poller instead.
    const ccfConnectors = (options.ccfConnectors ?? deployedCcfConnectors(root)).filter(
      (name) => !connectors.realApis.includes(name as ConnectorName),
    );
    const ccf = new CcfTimers(
      root,
      ccfConnectors,
      replayCcfParameters(vendors.settings),
      clock,
      log,
      vendors.startedAt,
    );
    if (ccf.timers.length > 0)
      log(
        `connectors on the CCF poller: ${ccf.timers.map((t) => t.connector).join(', ')} (their Functions timers are disabled)`,
      );

    const functionKey = persistentSecret(join(dataDir, 'function-key'));
    const operations = localOperations(root, dataDir, localWorkspace, apiUrl, log);
    Object.assign(
      process.env,
      functionAppSettings(apiUrl, identityHeader, azurite.connectionString, {
        ...connectors.settings,
        ...operations.settings,
        ...ccf.settings,
      }),
    );
    const { hostLocally } = await import('../../functions/register.js');
    const registrations = hostLocally();
    await import('../../functions/index.js');
    // SLA clocks run on the simulated time the incidents carry.
    const { socOperationsTimer } = await import('../../functions/operations/sla.js');
    registrations.timer.set(
      'soc-operations',
      socOperationsTimer(() => clock.date().getTime()),
    );
    const functions = new FunctionsHost(registrations, functionKey, clock, log, options.verbose);
    functions.addRoutes(api);

    const automation = new AutomationRunner(
      [...automationRules, ...operations.automationRules],
      incidents,
      clock,
      (responder, target) => callResponder(apiUrl, functionKey, responder, target),
    );
    // One index of the workspace's tables for the analytics, custom-detection and summary schedulers.
    const index = new WorkspaceIndex(workspace);
    const scheduler = new Scheduler(
      rules,
      workspace,
      incidents,
      clock,
      (alert) => automation.alertCreated(alert),
      new Map(saved?.rules),
      index,
    );
    const detections = new DetectionScheduler(detectionRules, workspace, clock, saved?.detections, index);
    const summaries = new SummaryScheduler(summaryRules, workspace, clock, new Map(saved?.summaries), index);
    const attacks = loadAttackScenarios(root, catalog);

    const ui = new Router();
    const uiServer = await listen(ui, options.uiPort, log, { sameOriginWrites: true });
    started.push(() => close(uiServer.server));
    const soc = new LocalSoc(
      options,
      catalog,
      rules,
      workspace,
      incidents,
      clock,
      scheduler,
      detections,
      summaries,
      automation,
      functions,
      attacks,
      sandboxCalls,
      queries,
      `http://localhost:${uiServer.port}`,
      apiUrl,
      [uiServer.server, apiServer.server, vendors.server],
      azurite,
      stateFile,
    );
    soc.operations = operations.config;
    soc.ccf = ccf;
    addUiRoutes(ui, soc);
    const fresh = Object.values(workspace.counts()).every((count) => count === 0);
    // A demo cut short by a crash or Ctrl-C is finished on the next start, without repeating the
    // scenarios already injected.
    if (options.demo && (fresh || saved?.demoInjected)) {
      soc.demoInjected = new Set(saved?.demoInjected);
      const pending = attacks.filter((attack) => !soc.demoInjected?.has(attack.id));
      for (const attack of pending) {
        await soc.inject(attack.id);
        soc.demoInjected.add(attack.id);
        soc.saveState();
      }
      if (pending.length > 0)
        log(`demo: injected ${pending.length} attack scenarios from the starter rules' test cases`);
    } else {
      soc.demoInjected = saved?.demoInjected ? new Set(saved.demoInjected) : undefined;
    }
    soc.saveState();
    soc.ticker = setInterval(() => soc.tick(), 250);
    soc.tick();
    return soc;
  }

  private tick(): void {
    try {
      this.functions.tick();
      this.ccf?.tick();
      const runs = this.scheduler.tick() + this.detections.tick() + this.summaries.tick();
      if (runs > 0) this.saveState();
    } catch (error) {
      this.options.log(`tick failed: ${(error as Error).stack}`);
    }
  }

  /**
   * Sends a scenario's rows through the Logs Ingestion API with the Azure SDK client, exactly as a
   * connector would, so injected attacks travel the same path as real data; then runs the scenario's
   * rule at once.
   */
  async inject(scenarioId: string): Promise<number> {
    const scenario = this.attacks.find((a) => a.id === scenarioId);
    if (!scenario) throw new Error(`no attack scenario '${scenarioId}'`);
    const client = new LogsIngestionClient(this.apiUrl, new LocalDevCredential());
    let sent = 0;
    for (const [table, records] of attackRecords(scenario, this.clock.ticks())) {
      await client.upload(standardTablesDcrId, `Custom-${table}`, records);
      sent += records.length;
    }
    this.scheduler.runSoon(scenario.ruleId);
    this.detections.runSoon(scenario.ruleId);
    return sent;
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.saveState();
    await this.functions.idle();
    await this.ccf?.stop();
    await this.automation.idle();
    await Promise.all(this.servers.map(close));
    await this.azurite.stop();
    await this.queries.close();
    this.workspace.close();
    this.incidents.close();
  }
}

/** What soc-state.json holds (see LocalSoc.saveState). */
interface SocState {
  clock: { simulatedMs: number; realMs: number };
  rules: [string, ScheduledRuleState][];
  detections?: DetectionState;
  summaries?: [string, SummaryRuleState][];
  demoInjected?: string[];
}

/**
 * The simulated time to resume at: where the clock stood when the state was saved plus the real
 * time since (the gap passes at 1×), and never before the newest incident change, which a crash
 * after the last save may have left behind.
 */
function resumedTime(saved: SocState | undefined, incidents: IncidentStore): Date {
  if (!saved) return new Date();
  let ms = saved.clock.simulatedMs + Math.max(0, Date.now() - saved.clock.realMs);
  for (const incident of incidents.list()) {
    const changed = Date.parse(incident.properties.lastModifiedTimeUtc);
    if (changed > ms) ms = changed;
  }
  return new Date(ms);
}

function loadRules(root: string, log: (line: string) => void): AnalyticsRule[] {
  const rules: AnalyticsRule[] = [];
  for (const file of findRuleFiles([join(root, 'kql', 'rules')])) {
    const loaded = loadRuleFile(file);
    if (loaded.rule && !hasErrors(loaded.diagnostics)) rules.push(loaded.rule);
    else log(`skipping ${file}: it does not validate (run 'sentinel-kit validate')`);
  }
  return rules;
}

function loadDetections(root: string, log: (line: string) => void): DetectionRule[] {
  const rules: DetectionRule[] = [];
  for (const file of findRuleFiles([join(root, 'kql', 'detections')])) {
    const loaded = loadDetectionFile(file);
    if (loaded.rule && !hasErrors(loaded.diagnostics)) rules.push(loaded.rule);
    else log(`skipping custom detection ${file}: it does not validate`);
  }
  return rules;
}

/**
 * The valid summary rules, each destination table added to the catalog with the schema Azure
 * Monitor derives from the query (unless the repository declares the table itself).
 */
function loadSummaryRules(root: string, catalog: Catalog, log: (line: string) => void): SummaryRule[] {
  const paths = findRuleFiles([join(root, 'kql', 'summary')]);
  const { documents, diagnostics } = validateSummaryFiles(paths, { catalog });
  const rules: SummaryRule[] = [];
  for (const { rule, file } of documents) {
    const schema = rule && destinationSchema(rule, catalog);
    if (!rule || !schema || hasErrors(diagnostics.filter((d) => d.file === file))) {
      log(`skipping summary rule ${file}: it does not validate`);
      continue;
    }
    if (!catalog.tables.has(schema.name)) catalog.tables.set(schema.name, schema);
    rules.push(rule);
  }
  return rules;
}

function loadAutomationRules(root: string, log: (line: string) => void): AutomationRule[] {
  const rules: AutomationRule[] = [];
  for (const file of findAutomationFiles(root)) {
    const loaded = loadAutomationFile(file);
    if (loaded.rule && !hasErrors(loaded.diagnostics)) rules.push(loaded.rule);
    else log(`skipping automation rule ${file}: it does not validate`);
  }
  return rules;
}

/** A random secret kept in the data folder (mode 0600) so function URLs stay valid across restarts. */
function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** What the triage responder does to every new incident locally: a first task and a label. */
const localTriagePlan = {
  labels: ['triaged'],
  tasks: [
    {
      title: 'Review the alert evidence',
      description: 'Confirm the entities and decide: contain, escalate or close.',
    },
  ],
};

/**
 * App settings for the in-process Functions app: the same names as infra/ deploys, pointed at the
 * local endpoints (third-party APIs go to the recording sandbox, connectors to their sample replays
 * unless configured for the real API). IDENTITY_ENDPOINT/IDENTITY_HEADER make DefaultAzureCredential
 * use the local managed identity endpoint, as it uses App Service's in Azure.
 */
function functionAppSettings(
  apiUrl: string,
  identityHeader: string,
  storage: string,
  connectorSettings: Record<string, string>,
): Record<string, string> {
  return {
    IDENTITY_ENDPOINT: `${apiUrl}/msi/token`,
    IDENTITY_HEADER: identityHeader,
    AzureWebJobsStorage: storage,
    LOGS_INGESTION_ENDPOINT: apiUrl,
    LOGS_QUERY_ENDPOINT: `${apiUrl}/v1`,
    SENTINEL_ARM_ENDPOINT: apiUrl,
    LOG_ANALYTICS_WORKSPACE_ID: localWorkspace.workspaceId,
    GRAPH_ENDPOINT: `${apiUrl}/sandbox/graph`,
    DEFENDER_ENDPOINT: `${apiUrl}/sandbox/defender`,
    TEAMS_WEBHOOK_URL: `${apiUrl}/sandbox/teams/webhook`,
    BLOCK_IP_NAMED_LOCATION_ID: 'sentinel-kit-blocked-ips',
    RESPONDER_TRIAGE_PLAN: JSON.stringify(localTriagePlan),
    ...connectorSettings,
  };
}

/**
 * The body the relay playbook forwards: the Sentinel incident trigger body, or for alert-created
 * rules the alert trigger body (the alert, flat, in the security alert schema).
 */
async function callResponder(
  apiUrl: string,
  functionKey: string,
  responder: string,
  target: ResponderTarget,
): Promise<{ status: number; body: string }> {
  const body =
    target.kind === 'alert'
      ? alertTriggerBody(target.alert.row, {
          workspaceId: localWorkspace.workspaceId,
          subscriptionId: localWorkspace.subscriptionId,
          resourceGroup: localWorkspace.resourceGroup,
        })
      : {
          workspaceId: localWorkspace.workspaceId,
          workspaceInfo: {
            SubscriptionId: localWorkspace.subscriptionId,
            ResourceGroupName: localWorkspace.resourceGroup,
            WorkspaceName: localWorkspace.workspaceName,
          },
          objectSchemaType: 'Incident',
          objectEventType: 'Create',
          object: target.incident,
        };
  const response = await fetch(`${apiUrl}/api/responders/${encodeURIComponent(responder)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': functionKey },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

/** One SecurityIncident row per change, as Sentinel writes them (latest row = current state). */
function securityIncidentRow(incident: Incident, clock: Clock): Record<string, unknown> {
  const p = incident.properties;
  return {
    TimeGenerated: formatDateTime(clock.ticks()),
    IncidentName: incident.name,
    IncidentNumber: p.incidentNumber,
    Title: p.title,
    Description: p.description,
    Severity: p.severity,
    Status: p.status,
    Classification: p.classification ?? '',
    ClassificationReason: p.classificationReason ?? '',
    ClassificationComment: p.classificationComment ?? '',
    Owner: p.owner,
    Labels: p.labels,
    CreatedTime: p.createdTimeUtc,
    LastModifiedTime: p.lastModifiedTimeUtc,
    FirstActivityTime: p.firstActivityTimeUtc,
    LastActivityTime: p.lastActivityTimeUtc,
    ClosedTime: p.status === 'Closed' ? p.lastModifiedTimeUtc : null,
    AlertIds: p.additionalData.alertIds,
    RelatedAnalyticRuleIds: p.relatedAnalyticRuleIds,
    AdditionalData: { alertsCount: p.additionalData.alertsCount, tactics: p.additionalData.tactics },
    ProviderName: 'Azure Sentinel',
    ModifiedBy: 'sentinel-kit local',
  };
}
