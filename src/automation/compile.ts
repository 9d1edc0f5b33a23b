import type { AutomationAction, AutomationConditions, AutomationRule } from './model.js';

export const automationRuleApiVersion = '2025-09-01';

/**
 * How compiled resources point at other resources. The Bicep path fills placeholders at deploy
 * time; the standalone ARM template uses template expressions.
 */
export interface ResourceRefs {
  alertRuleResourceId(ruleId: string): string;
  relayResourceId(relay: Relay): string;
  tenantId: string;
}

export interface AutomationRuleResource {
  name: string;
  /** Lower-case ids of the analytics rules the conditions name (main.bicep deploys the automation rule only with them). */
  analyticRules: string[];
  properties: Record<string, unknown>;
}

/**
 * A relay playbook: the Logic App an automation rule runs to reach a responder. Sentinel runs only
 * playbooks whose trigger matches the automation rule's (incident trigger for incident rules,
 * alert trigger for alert-created rules), so a responder gets one relay per trigger kind it is
 * used with: `relay-<responder>` and `relay-<responder>-alert`.
 */
export interface Relay {
  name: string;
  responder: string;
  trigger: 'incident' | 'alert';
}

export function relayName(responder: string, trigger: Relay['trigger']): string {
  return `relay-${responder}${trigger === 'alert' ? '-alert' : ''}`;
}

export function relayFor(responder: string, rule: AutomationRule): Relay {
  const trigger = rule.trigger === 'alert-created' ? 'alert' : 'incident';
  return { name: relayName(responder, trigger), responder, trigger };
}

export function compileAutomationRule(rule: AutomationRule, refs: ResourceRefs): AutomationRuleResource {
  const onAlerts = rule.trigger === 'alert-created';
  return {
    name: rule.id.toLowerCase(),
    analyticRules: (rule.conditions.analyticRules ?? []).map((id) => id.toLowerCase()),
    properties: {
      displayName: rule.displayName,
      order: rule.order,
      triggeringLogic: {
        isEnabled: rule.enabled,
        expirationTimeUtc: rule.expires === undefined ? undefined : new Date(rule.expires).toISOString(),
        triggersOn: onAlerts ? 'Alerts' : 'Incidents',
        triggersWhen: rule.trigger === 'incident-updated' ? 'Updated' : 'Created',
        conditions: compileConditions(rule, refs, onAlerts),
      },
      actions: rule.actions.map((action, index) => compileAction(rule, action, index + 1, refs)),
    },
  };
}

/** Operators of the current-state conditions, and their negations for `not:` (AutomationRules.json). */
const stateOperators = {
  analyticRules: { property: 'IncidentRelatedAnalyticRuleIds', operator: 'Contains', negated: 'NotContains' },
  severity: { property: 'IncidentSeverity', operator: 'Equals', negated: 'NotEquals' },
  status: { property: 'IncidentStatus', operator: 'Equals', negated: 'NotEquals' },
  titleContains: { property: 'IncidentTitle', operator: 'Contains', negated: 'NotContains' },
  tactics: { property: 'IncidentTactics', operator: 'Contains', negated: 'NotContains' },
  labels: { property: 'IncidentLabel', operator: 'Contains', negated: 'NotContains' },
} as const;

const changedProperties = { severity: 'IncidentSeverity', status: 'IncidentStatus' } as const;
const addedArrays = { labels: 'Labels', tactics: 'Tactics', alerts: 'Alerts', comments: 'Comments' } as const;

/**
 * Conditions as AutomationRuleCondition objects. `updatedBy` and `changed` are refused before this
 * runs (checkDeployable): the values and form ARM expects for them are not documented.
 */
function compileConditions(rule: AutomationRule, refs: ResourceRefs, onAlerts: boolean): unknown[] {
  const c = rule.conditions;
  const state = (
    conditions: AutomationConditions | NonNullable<AutomationConditions['not']>,
    negated: boolean,
  ) =>
    (Object.keys(stateOperators) as (keyof typeof stateOperators)[]).flatMap((key) => {
      const values = conditions[key];
      if (values === undefined) return [];
      const spec = stateOperators[key];
      const propertyName = key === 'analyticRules' && onAlerts ? 'AlertAnalyticRuleIds' : spec.property;
      const propertyValues =
        key === 'analyticRules' ? values.map((id) => refs.alertRuleResourceId(id.toLowerCase())) : values;
      const operator = negated ? spec.negated : spec.operator;
      return [{ conditionType: 'Property', conditionProperties: { propertyName, operator, propertyValues } }];
    });
  const changed = (changeType: 'ChangedFrom' | 'ChangedTo', values: AutomationConditions['changedFrom']) =>
    (Object.keys(changedProperties) as (keyof typeof changedProperties)[]).flatMap((key) =>
      values?.[key] === undefined
        ? []
        : [
            {
              conditionType: 'PropertyChanged',
              conditionProperties: {
                propertyName: changedProperties[key],
                changeType,
                operator: 'Equals',
                propertyValues: values[key],
              },
            },
          ],
    );
  return [
    ...state(c, false),
    ...state(c.not ?? {}, true),
    ...changed('ChangedFrom', c.changedFrom),
    ...changed('ChangedTo', c.changedTo),
    ...(c.added ?? []).map((list) => ({
      conditionType: 'PropertyArrayChanged',
      conditionProperties: { arrayType: addedArrays[list], changeType: 'Added' },
    })),
  ];
}

function compileAction(
  rule: AutomationRule,
  action: AutomationAction,
  order: number,
  refs: ResourceRefs,
): Record<string, unknown> {
  if (action.runResponder !== undefined) {
    return {
      order,
      actionType: 'RunPlaybook',
      actionConfiguration: {
        logicAppResourceId: refs.relayResourceId(relayFor(action.runResponder, rule)),
        tenantId: refs.tenantId,
      },
    };
  }
  if (action.addTask !== undefined) {
    return { order, actionType: 'AddIncidentTask', actionConfiguration: action.addTask };
  }
  return {
    order,
    actionType: 'ModifyProperties',
    actionConfiguration: {
      severity: action.setSeverity,
      status: action.setStatus,
      classification: action.classification,
      classificationReason: action.classificationReason,
      classificationComment: action.comment,
      owner: action.setOwner,
      labels: action.addLabels?.map((labelName) => ({ labelName })),
    },
  };
}
