import type { AutomationRule } from '../automation/model.js';
import { stableId } from '../responders/action.js';
import type { IncidentOwner, IncidentSeverity } from '../sentinel/client.js';
import type { OperationsModel, Route, Tier, TierOwner } from './model.js';

/** An analytics rule as routing sees it: its id (the alertRules resource name) and tags. */
export interface RoutedRule {
  id: string;
  tags: readonly string[];
}

/** Automation rule orders used by routing; kql/automation rules keep 1-99 to run before it. */
export const ROUTING_FIRST_ORDER = 100;

/**
 * Routing as Sentinel automation rules on incident-created, one per route plus one for the default tier.
 * Every matching rule runs, in ascending `order`, and a later "assign owner" replaces an earlier one, so
 * the default tier runs first and route 1 (which wins in the model: first match) runs last.
 * Routes on watchlist membership are left out: automation rule conditions cannot look up a watchlist,
 * so the SLA timer applies them (see `intendedTier`).
 */
export function compileRouting(model: OperationsModel, rules: readonly RoutedRule[]): AutomationRule[] {
  const routes = model.routing.routes;
  const compiled: AutomationRule[] = [
    automationRule('default tier', ROUTING_FIRST_ORDER, tierNamed(model, model.routing.defaultTier), {}),
  ];
  routes.forEach((route, i) => {
    if (route.when.watchlist) return;
    const conditions: AutomationRule['conditions'] = {
      severity: route.when.severity,
      tactics: route.when.tactics,
    };
    if (route.when.ruleTags) {
      const ids = rules
        .filter((rule) => route.when.ruleTags?.some((tag) => rule.tags.includes(tag)))
        .map((r) => r.id.toLowerCase());
      // A tag no rule carries is a validation error; guard anyway so no rule ever matches everything.
      if (ids.length === 0) return;
      conditions.analyticRules = [...new Set(ids)].sort();
    }
    const order = ROUTING_FIRST_ORDER + routes.length - i;
    compiled.push(
      automationRule(`route ${route.name}`, order, tierNamed(model, route.tier), conditions, route),
    );
  });
  return compiled;
}

function automationRule(
  what: string,
  order: number,
  tier: Tier,
  conditions: AutomationRule['conditions'],
  route?: Route,
): AutomationRule {
  return {
    id: stableId('sentinel-kit operations routing', what),
    displayName: `SOC routing: ${what} → ${tier.name}`.slice(0, 500),
    description: 'Generated from kql/operations.yaml by sentinel-kit build.',
    order,
    enabled: true,
    trigger: 'incident-created',
    conditions: Object.fromEntries(Object.entries(conditions).filter(([, v]) => v !== undefined)),
    actions: [
      { setOwner: ownerInfo(tier.owner) },
      ...(route?.tasks ?? []).map((task) => ({ addTask: task })),
    ],
  };
}

/** IncidentOwnerInfo for a tier's owner. */
export function ownerInfo(owner: TierOwner): NonNullable<AutomationRule['actions'][number]['setOwner']> {
  return {
    objectId: owner.objectId,
    userPrincipalName: owner.userPrincipalName,
    email: owner.email,
    ownerType: owner.type,
  };
}

export function tierNamed(model: OperationsModel, name: string): Tier {
  const tier = model.tiers.find((t) => t.name === name);
  if (!tier) throw new Error(`no tier named '${name}' (the model was not validated)`);
  return tier;
}

/** The tier that owns an incident, recognised by its owner (object id, UPN or email). */
export function tierOfOwner(model: OperationsModel, owner: IncidentOwner | undefined): Tier | undefined {
  if (!owner) return undefined;
  const same = (a: string | undefined, b: string | undefined) =>
    !!a && !!b && a.toLowerCase() === b.toLowerCase();
  return model.tiers.find(
    (tier) =>
      same(tier.owner.objectId, owner.objectId) ||
      same(tier.owner.userPrincipalName, owner.userPrincipalName) ||
      same(tier.owner.email, owner.email),
  );
}

/** The next tier up, or undefined for the last one. */
export function nextTier(model: OperationsModel, tier: Tier): Tier | undefined {
  return model.tiers[model.tiers.findIndex((t) => t.name === tier.name) + 1];
}

/** What routing looks at on an incident. */
export interface RoutingFacts {
  severity: IncidentSeverity;
  tactics: readonly string[];
  /** Analytics rule ids (alertRules resource names) of the incident's alerts. */
  ruleIds: readonly string[];
  /** Account UPNs, host names and IP addresses among the incident's entities, lower-cased. */
  entities: { Account: readonly string[]; Host: readonly string[]; IP: readonly string[] };
}

/** Watchlist membership: the lower-cased itemsSearchKey values of each watchlist alias. */
export type WatchlistKeys = ReadonlyMap<string, ReadonlySet<string>>;

/** The first route that matches (the model's semantics), and its tier; the default tier otherwise. */
export function intendedTier(
  model: OperationsModel,
  facts: RoutingFacts,
  rules: readonly RoutedRule[],
  watchlists: WatchlistKeys,
): { tier: Tier; route?: Route } {
  const ruleIds = new Set(facts.ruleIds.map((id) => id.toLowerCase()));
  const tags = new Set(rules.filter((r) => ruleIds.has(r.id.toLowerCase())).flatMap((r) => r.tags));
  const matches = (route: Route) => {
    const { severity, tactics, ruleTags, watchlist } = route.when;
    if (severity && !severity.includes(facts.severity)) return false;
    // IncidentTactics Contains: any of the listed tactics is among the incident's.
    if (tactics && !tactics.some((t) => facts.tactics.includes(t))) return false;
    if (ruleTags && !ruleTags.some((t) => tags.has(t))) return false;
    if (watchlist) {
      const keys = watchlists.get(watchlist.alias);
      if (!keys || !facts.entities[watchlist.entity].some((value) => keys.has(value))) return false;
    }
    return true;
  };
  const route = model.routing.routes.find(matches);
  return { tier: tierNamed(model, route?.tier ?? model.routing.defaultTier), route };
}
