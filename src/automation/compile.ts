import type { AutomationAction, AutomationRule } from './model.js';

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

function compileConditions(rule: AutomationRule, refs: ResourceRefs, onAlerts: boolean): unknown[] {
  const c = rule.conditions;
  const property = (propertyName: string, operator: string, propertyValues: string[] | undefined) =>
    propertyValues === undefined
      ? []
      : [{ conditionType: 'Property', conditionProperties: { propertyName, operator, propertyValues } }];
  return [
    ...property(
      onAlerts ? 'AlertAnalyticRuleIds' : 'IncidentRelatedAnalyticRuleIds',
      'Contains',
      c.analyticRules?.map((id) => refs.alertRuleResourceId(id.toLowerCase())),
    ),
    ...property('IncidentSeverity', 'Equals', c.severity),
    ...property('IncidentStatus', 'Equals', c.status),
    ...property('IncidentTitle', 'Contains', c.titleContains),
    ...property('IncidentTactics', 'Contains', c.tactics),
    ...property('IncidentLabel', 'Contains', c.labels),
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
