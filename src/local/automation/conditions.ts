import type { AutomationConditions, IncidentUpdateSource } from '../../automation/model.js';
import type { IncidentProperties } from '../incidents/store.js';

/** The change an incident-updated rule looks at: the incident before and after, and who made it. */
export interface IncidentUpdate {
  before: IncidentProperties;
  after: IncidentProperties;
  source: IncidentUpdateSource;
  addedComments: number;
}

type StateConditions = Omit<NonNullable<AutomationConditions['not']>, 'updatedBy'>;

/**
 * Every condition given must hold. A state condition matches when the property equals (or
 * contains) any listed value; under `not:` when it equals (contains) none of them. "All conditions
 * are case insensitive." The change conditions need the update that fired the rule: "Updated by",
 * Changed, Changed from, Changed to and Added.
 * https://learn.microsoft.com/en-us/azure/sentinel/create-manage-use-automation-rules#define-conditions
 * https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules#incident-update-trigger
 */
export function matches(
  conditions: AutomationConditions,
  incident: IncidentProperties,
  update?: IncidentUpdate,
): boolean {
  const { not } = conditions;
  if (!stateHolds(conditions, incident, 'any') || (not && !stateHolds(not, incident, 'none'))) return false;
  const source = update?.source.toLowerCase();
  if (conditions.updatedBy && !conditions.updatedBy.some((s) => s.toLowerCase() === source)) return false;
  if (not?.updatedBy?.some((s) => s.toLowerCase() === source)) return false;
  if (!conditions.changed && !conditions.changedFrom && !conditions.changedTo && !conditions.added)
    return true;
  if (!update) return false;
  const { before, after } = update;
  const changed = (property: 'severity' | 'status' | 'owner') =>
    property === 'owner' ? ownerKey(before) !== ownerKey(after) : before[property] !== after[property];
  return (
    (conditions.changed ?? []).every(changed) &&
    changedWith(conditions.changedFrom, before, changed) &&
    changedWith(conditions.changedTo, after, changed) &&
    (conditions.added ?? []).every((list) => added(list, update))
  );
}

function stateHolds(
  conditions: StateConditions,
  incident: IncidentProperties,
  want: 'any' | 'none',
): boolean {
  const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());
  const labels = lower(incident.labels.map((l) => l.labelName));
  const ruleIds = incident.relatedAnalyticRuleIds.map((id) => id.split('/').pop()?.toLowerCase());
  const tactics = lower(incident.additionalData.tactics);
  const title = incident.title.toLowerCase();
  const check = <T extends string>(wanted: readonly T[] | undefined, test: (value: string) => boolean) => {
    if (!wanted) return true;
    const hit = lower(wanted).some(test);
    return want === 'any' ? hit : !hit;
  };
  return (
    check(conditions.severity, (s) => s === incident.severity.toLowerCase()) &&
    check(conditions.status, (s) => s === incident.status.toLowerCase()) &&
    check(conditions.titleContains, (t) => title.includes(t)) &&
    check(conditions.analyticRules, (id) => ruleIds.includes(id)) &&
    check(conditions.tactics, (t) => tactics.includes(t)) &&
    check(conditions.labels, (l) => labels.includes(l))
  );
}

/** Changed from / Changed to: the property changed, and its old (new) value is one of those listed. */
function changedWith(
  wanted: AutomationConditions['changedFrom'],
  side: IncidentProperties,
  changed: (property: 'severity' | 'status') => boolean,
): boolean {
  if (!wanted) return true;
  return (['severity', 'status'] as const).every((property) => {
    const values = wanted[property] as readonly string[] | undefined;
    return !values || (changed(property) && values.includes(side[property]));
  });
}

function added(list: NonNullable<AutomationConditions['added']>[number], update: IncidentUpdate): boolean {
  const { before, after } = update;
  const grew = (was: readonly string[], is: readonly string[]) => {
    const old = new Set(was.map((v) => v.toLowerCase()));
    return is.some((v) => !old.has(v.toLowerCase()));
  };
  switch (list) {
    case 'labels':
      return grew(
        before.labels.map((l) => l.labelName),
        after.labels.map((l) => l.labelName),
      );
    case 'tactics':
      return grew(before.additionalData.tactics, after.additionalData.tactics);
    case 'alerts':
      return grew(before.additionalData.alertIds, after.additionalData.alertIds);
    case 'comments':
      return update.addedComments > 0;
  }
}

/** The owner as Sentinel identifies it: the owner condition needs an objectId or UPN to see a change. */
function ownerKey(incident: IncidentProperties): string {
  const { objectId, userPrincipalName, email } = incident.owner;
  return JSON.stringify([objectId ?? null, userPrincipalName ?? null, email ?? null]);
}
