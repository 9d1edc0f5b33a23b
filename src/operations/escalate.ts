import {
  type ActionDeps,
  type ActionReport,
  type ActionSpec,
  NotApplicable,
  runActions,
  stableId,
} from '../responders/action.js';
import { incidentCard } from '../responders/notify.js';
import type { Notifier } from '../responders/teams.js';
import type { IncidentRef } from '../sentinel/armId.js';
import type { IncidentProperties, IncidentResource, SentinelApi, WorkspaceRef } from '../sentinel/client.js';
import { DownstreamError } from '../sentinel/rest.js';
import { type IncidentContext, parseIncidentTrigger } from '../sentinel/trigger.js';
import { type OperationsConfig, watchlistKeys } from './config.js';
import type { Breach, Tier } from './model.js';
import { intendedTier, nextTier, ownerInfo, type RoutingFacts, tierOfOwner } from './routing.js';
import { breachLabel, raisedSeverity, type SlaState, slaState } from './sla.js';

/** What the SLA timer reads besides single incidents: the open ones and their entities. */
export interface IncidentSource {
  listIncidents(workspace: WorkspaceRef, filter?: string): Promise<IncidentResource[]>;
  listEntities(ref: IncidentRef): Promise<{ kind: string; properties: Record<string, unknown> }[]>;
}

export interface SlaDeps extends ActionDeps {
  sentinel: SentinelApi & IncidentSource;
  /** The Teams channel behind a tier's `webhookSetting`, or undefined when the setting is empty. */
  notifier(setting: string): Notifier | undefined;
  portalUrl?: string;
}

export interface IncidentSlaReport {
  incident: string;
  number?: number;
  title: string;
  severity: string;
  tier?: string;
  sla: SlaState;
  actions: ActionReport[];
}

/** Open incidents (Incidents_List `$filter`; https://learn.microsoft.com/rest/api/securityinsights/incidents/list). */
export const OPEN_INCIDENTS_FILTER = "properties/status ne 'Closed'";

/**
 * One tick of the SOC operations timer: routes new incidents that only a watchlist route matches, and
 * escalates every SLA breach once. Exactly once holds across ticks, concurrent runs and crashes: the
 * ledger claims each step, and the escalation's own update adds the breach label in the same If-Match
 * PUT as the reassignment, so a retry that finds the label does nothing.
 */
export async function runSlaTick(
  config: OperationsConfig,
  workspace: WorkspaceRef,
  deps: SlaDeps,
  now: number,
): Promise<IncidentSlaReport[]> {
  const resources = await deps.sentinel.listIncidents(workspace, OPEN_INCIDENTS_FILTER);
  const reports: IncidentSlaReport[] = [];
  for (const resource of resources) {
    const parsed = parseIncidentTrigger(resource);
    // The list filter is the API's; an incident closed in between, or one we cannot parse, is left alone.
    if (!parsed.ok || parsed.incident.status === 'Closed') continue;
    const incident = parsed.incident;
    const sla = slaState(
      config.model,
      { ...incident, createdTimeUtc: String(resource.properties.createdTimeUtc ?? '') },
      now,
    );
    const items: ActionSpec[] = [];
    const route = await routeSpec(config, resource, incident, deps);
    if (route) items.push(route);
    for (const breach of sla.breaches) items.push(...escalationSpecs(config, incident, breach, deps));
    const result = items.length ? await runActions(incident, deps, items, skippedNothing) : undefined;
    reports.push({
      incident: incident.armId,
      number: incident.number,
      title: incident.title,
      severity: incident.severity,
      tier: tierOfOwner(config.model, incident.owner)?.name,
      sla,
      actions: result?.actions ?? [],
    });
  }
  return reports;
}

const skippedNothing: ActionReport = {
  action: 'sla',
  target: 'incident',
  outcome: 'skipped',
  detail: 'nothing due',
};

/**
 * Routes that need a watchlist lookup run here, for incidents still New whose owner is a tier (or nobody):
 * an analyst who took the incident personally is not overridden.
 */
async function routeSpec(
  config: OperationsConfig,
  resource: IncidentResource,
  incident: IncidentContext,
  deps: SlaDeps,
): Promise<ActionSpec | undefined> {
  const { model } = config;
  if (incident.status !== 'New' || !model.routing.routes.some((r) => r.when.watchlist)) return undefined;
  const current = tierOfOwner(model, incident.owner);
  if (incident.owner && !current) return undefined;
  const entities = await deps.sentinel.listEntities(incident.ref);
  const withEntities = parseIncidentTrigger({
    ...resource,
    properties: { ...resource.properties, relatedEntities: entities },
  });
  if (!withEntities.ok) return undefined;
  const facts = routingFacts(resource.properties, withEntities.incident);
  const { tier, route } = intendedTier(model, facts, config.rules, watchlistKeys(config));
  if (!route?.when.watchlist || tier.name === current?.name) return undefined;
  return {
    action: 'sla-route',
    target: route.name.toLowerCase(),
    run: () =>
      updateIncident(deps, incident, (properties) => {
        if (tierOfOwner(model, properties.owner)?.name === tier.name) return undefined;
        return {
          changes: { owner: ownerInfo(tier.owner) },
          detail: `Routed to ${tier.name} by route '${route.name}'.`,
        };
      }),
  };
}

function routingFacts(properties: IncidentProperties, incident: IncidentContext): RoutingFacts {
  const additional = properties.additionalData as { tactics?: unknown } | undefined;
  const tactics = Array.isArray(additional?.tactics) ? additional.tactics.map(String) : [];
  const ruleIds = Array.isArray(properties.relatedAnalyticRuleIds)
    ? properties.relatedAnalyticRuleIds.map((id) => String(id).split('/').pop() ?? '')
    : [];
  const { accounts, hosts, ips } = incident.entities;
  return {
    severity: incident.severity,
    tactics,
    ruleIds,
    entities: {
      Account: accounts.flatMap((a) => a.userPrincipalName?.toLowerCase() ?? []),
      Host: hosts.flatMap((h) => [h.dnsName, h.dnsName.split('.')[0]]),
      IP: ips.map((ip) => ip.toLowerCase()),
    },
  };
}

function escalationSpecs(
  config: OperationsConfig,
  incident: IncidentContext,
  breach: Breach,
  deps: SlaDeps,
): ActionSpec[] {
  const { model } = config;
  const step = breach === 'acknowledge' ? model.escalation.acknowledgeBreach : model.escalation.closeBreach;
  if (!step) return [];
  const label = breachLabel(breach);
  const specs: ActionSpec[] = [
    {
      action: 'sla-escalate',
      target: `${breach}-breach`,
      run: () =>
        updateIncident(deps, incident, (properties) => {
          if ((properties.labels ?? []).some((l) => l.labelName === label)) return undefined;
          const changes: Partial<IncidentProperties> = {
            labels: [...(properties.labels ?? []), { labelName: label, labelType: 'User' }],
          };
          const done = [`SLA to ${breach} missed`];
          const from = tierOfOwner(model, properties.owner) ?? defaultTier(config);
          const to = step.reassign ? nextTier(model, from) : undefined;
          if (to) {
            changes.owner = ownerInfo(to.owner);
            done.push(`reassigned ${from.name} → ${to.name}`);
          }
          if (step.raiseSeverity && raisedSeverity(properties.severity) !== properties.severity) {
            changes.severity = raisedSeverity(properties.severity);
            done.push(`severity ${properties.severity} → ${changes.severity}`);
          }
          return { changes, detail: `${done.join('; ')}.` };
        }),
    },
  ];
  if (step.task) {
    const task = step.task;
    specs.push({
      action: 'sla-task',
      target: `${breach}-breach`,
      async run() {
        await deps.sentinel.putTask(incident.ref, stableId(incident.armId, 'sla-task', breach), {
          title: task.title,
          description: task.description,
          status: 'New',
        });
        return `Added task "${task.title}".`;
      },
    });
  }
  if (step.notify) {
    specs.push({
      action: 'sla-notify',
      target: `${breach}-breach`,
      async run() {
        const current = await deps.sentinel.getIncident(incident.ref);
        const tier = tierOfOwner(model, current.properties.owner) ?? defaultTier(config);
        if (!tier.teams) throw new NotApplicable(`tier ${tier.name} has no Teams channel`);
        const teams = deps.notifier(tier.teams.webhookSetting);
        if (!teams) throw new NotApplicable(`app setting ${tier.teams.webhookSetting} is not configured`);
        const context = {
          ...incident,
          severity: current.properties.severity,
          owner: current.properties.owner,
        };
        await teams.post(
          incidentCard(context, deps.portalUrl ?? 'https://portal.azure.com', `SLA breached (${breach})`),
        );
        return `Notified ${tier.name} in Teams channel '${tier.teams.channel}'.`;
      },
    });
  }
  return specs;
}

function defaultTier(config: OperationsConfig): Tier {
  const tier = config.model.tiers.find((t) => t.name === config.model.routing.defaultTier);
  return tier ?? config.model.tiers[0];
}

/**
 * Read, decide, PUT with If-Match; a 412 (someone changed the incident meanwhile) re-reads and decides
 * again rather than overwriting their change. `decide` returns undefined when nothing is left to do.
 */
export async function updateIncident(
  deps: ActionDeps,
  incident: IncidentContext,
  decide: (
    properties: IncidentProperties,
  ) => { changes: Partial<IncidentProperties>; detail: string } | undefined,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.sentinel.getIncident(incident.ref);
    const decision = decide(current.properties);
    if (!decision) return 'Already done by an earlier run.';
    try {
      await deps.sentinel.replaceIncident(incident.ref, {
        ...current,
        properties: { ...current.properties, ...decision.changes },
      });
      return decision.detail;
    } catch (error) {
      if (!(error instanceof DownstreamError && error.status === 412) || attempt >= 3) throw error;
    }
  }
}
