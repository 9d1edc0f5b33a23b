import type { AutomationConditions } from '../../automation/model.js';

/** A new alert of a scheduled or NRT rule, as the alert-created trigger sees it. */
export interface AlertCreated {
  alertId: string;
  /** The analytics rule that produced the alert. */
  ruleId: string;
  /** The SecurityAlert row written for the alert. */
  row: Record<string, unknown>;
}

/**
 * "The only condition that can be evaluated by rules based on the alert creation trigger is which
 * Microsoft Sentinel analytics rule created the alert" (Contains / Does not contain).
 * https://learn.microsoft.com/en-us/azure/sentinel/create-manage-use-automation-rules#conditions-available-with-the-alert-trigger
 */
export function matchesAlert(conditions: AutomationConditions, alert: AlertCreated): boolean {
  const rule = alert.ruleId.toLowerCase();
  const listed = (ids: readonly string[] | undefined) => ids?.some((id) => id.toLowerCase() === rule);
  if (conditions.analyticRules && !listed(conditions.analyticRules)) return false;
  return !listed(conditions.not?.analyticRules);
}
