import type { AutomationAction, AutomationRule } from './model.js';

export const automationRuleApiVersion = '2024-09-01';

/**
 * How compiled resources point at other resources. The Bicep path fills placeholders at deploy
 * time; the standalone ARM template uses template expressions.
 */
export interface ResourceRefs {
  alertRuleResourceId(ruleId: string): string;
  relayResourceId(responder: string): string;
  tenantId: string;
}

export interface AutomationRuleResource {
  name: string;
  properties: Record<string, unknown>;
}

/** Relay playbook (Logic App) name for a responder; the Bicep relays module uses the same pattern. */
export function relayName(responder: string): string {
  return `relay-${responder}`;
}

export function compileAutomationRule(rule: AutomationRule, refs: ResourceRefs): AutomationRuleResource {
  const onAlerts = rule.trigger === 'alert-created';
  return {
    name: rule.id.toLowerCase(),
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
      actions: rule.actions.map((action, index) => compileAction(action, index + 1, refs)),
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

function compileAction(action: AutomationAction, order: number, refs: ResourceRefs): Record<string, unknown> {
  if (action.runResponder !== undefined) {
    return {
      order,
      actionType: 'RunPlaybook',
      actionConfiguration: {
        logicAppResourceId: refs.relayResourceId(action.runResponder),
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
