import type { Diagnostic } from '../diagnostics.js';
import type { FieldPath } from '../rules/source.js';
import type { LoadedAutomationRule } from './load.js';

export interface AutomationContext {
  /** `id`s of the analytics rules being deployed. */
  analyticRuleIds: ReadonlySet<string>;
  /** Names of the HTTP responders in functions/responders/. */
  responders: ReadonlySet<string>;
  /** The responders that accept the alert trigger body; unknown when absent. */
  alertResponders?: ReadonlySet<string>;
}

/** Cross-file checks: every referenced analytics rule and responder exists; ids are unique. */
export function checkAutomationReferences(
  loaded: LoadedAutomationRule[],
  context: AutomationContext,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seenIds = new Map<string, string>();
  for (const { rule, source } of loaded) {
    if (!rule || !source) continue;
    const error = (code: string, path: FieldPath, message: string) =>
      found.push(source.diagnostic(code, 'error', message, source.valueAt(path)));

    const first = seenIds.get(rule.id.toLowerCase());
    if (first) error('SK0503', ['id'], `automation rule id ${rule.id} is also used by ${first}`);
    else seenIds.set(rule.id.toLowerCase(), source.file);

    rule.conditions.analyticRules?.forEach((id, index) => {
      if (!context.analyticRuleIds.has(id.toLowerCase())) {
        error(
          'SK0504',
          ['conditions', 'analyticRules', index],
          `no analytics rule in kql/rules has id ${id}`,
        );
      }
    });
    rule.actions.forEach((action, index) => {
      if (action.runResponder !== undefined && !context.responders.has(action.runResponder)) {
        const known = [...context.responders].sort().join(', ') || 'none';
        error(
          'SK0505',
          ['actions', index, 'runResponder'],
          `unknown responder '${action.runResponder}' (functions/responders has: ${known})`,
        );
      } else if (
        action.runResponder !== undefined &&
        rule.trigger === 'alert-created' &&
        context.alertResponders &&
        !context.alertResponders.has(action.runResponder)
      ) {
        // The relay would forward the alert trigger body, which the responder answers with 400.
        const able = [...context.alertResponders].sort().join(', ') || 'none';
        error(
          'SK0507',
          ['actions', index, 'runResponder'],
          `responder '${action.runResponder}' acts on incidents only, so an alert-created rule cannot run it (responders that act on alerts: ${able})`,
        );
      }
    });
  }
  return found;
}

/**
 * Conditions the local SOC evaluates but `build` cannot deploy faithfully: the AutomationRules API
 * takes "Updated by" as an IncidentUpdatedBySource property condition and "Changed" as a
 * PropertyChanged condition, but neither the values IncidentUpdatedBySource accepts nor the form of
 * a value-less "Changed" is documented (azure-rest-api-specs AutomationRules.json, the
 * automation-rules pages). Refused with the position instead of guessed.
 */
export function checkDeployable(loaded: LoadedAutomationRule[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const { rule, source } of loaded) {
    if (!rule || !source) continue;
    const refuse = (path: FieldPath, what: string) =>
      found.push(
        source.diagnostic(
          'SK0506',
          'error',
          `${what} runs in the local SOC but cannot be deployed: the ARM form Sentinel expects for it is not documented`,
          source.keyAt(path),
        ),
      );
    if (rule.conditions.updatedBy) refuse(['conditions', 'updatedBy'], "'updatedBy'");
    if (rule.conditions.not?.updatedBy) refuse(['conditions', 'not', 'updatedBy'], "'not: updatedBy'");
    if (rule.conditions.changed) refuse(['conditions', 'changed'], "'changed'");
  }
  return found;
}
