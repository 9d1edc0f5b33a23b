import type { Diagnostic } from '../diagnostics.js';
import type { FieldPath } from '../rules/source.js';
import type { LoadedAutomationRule } from './load.js';

export interface AutomationContext {
  /** `id`s of the analytics rules being deployed. */
  analyticRuleIds: ReadonlySet<string>;
  /** Names of the HTTP responders in functions/responders/. */
  responders: ReadonlySet<string>;
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
      }
    });
  }
  return found;
}
