import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { issueDiagnostics, readYamlSource } from '../rules/load.js';
import type { FieldPath, YamlSource } from '../rules/source.js';
import { documentToJs } from '../yaml.js';
import { type AutomationRule, automationRuleSchema, updateOnlyConditions } from './model.js';

export interface LoadedAutomationRule {
  rule?: AutomationRule;
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

/** `kql/automation/*.yaml`, sorted so builds are deterministic. */
export function findAutomationFiles(root: string): string[] {
  const dir = join(root, 'kql', 'automation');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name));
}

export function loadAutomationFile(path: string, file = path): LoadedAutomationRule {
  const { source, diagnostics: readErrors } = readYamlSource(path, file);
  if (!source) return { diagnostics: readErrors };
  const parsed = automationRuleSchema.safeParse(documentToJs(source.document));
  if (!parsed.success) {
    return { source, diagnostics: issueDiagnostics(parsed.error.issues, source, 'SK0501') };
  }
  const rule = parsed.data;
  return { rule, source, diagnostics: triggerDiagnostics(rule, source) };
}

/**
 * What each trigger can evaluate and do ("Create and use automation rules", Define conditions):
 * the change conditions (Updated by, Changed, Changed from/to, Added) exist only for the
 * incident-updated trigger; alert-created rules filter only on the analytics rule (Contains or
 * Does not contain) and only run playbooks.
 * https://learn.microsoft.com/en-us/azure/sentinel/create-manage-use-automation-rules
 */
function triggerDiagnostics(rule: AutomationRule, source: YamlSource): Diagnostic[] {
  const found: Diagnostic[] = [];
  const error = (path: FieldPath, message: string) =>
    found.push(source.diagnostic('SK0502', 'error', message, source.keyAt(path)));
  const conditions = rule.conditions;
  if (rule.trigger !== 'incident-updated') {
    for (const key of updateOnlyConditions) {
      if (conditions[key] !== undefined) {
        error(
          ['conditions', key],
          `'${key}' looks at the change to an incident: only incident-updated rules have one`,
        );
      }
    }
    if (conditions.not?.updatedBy !== undefined) {
      error(['conditions', 'not', 'updatedBy'], "'updatedBy' exists only for incident-updated rules");
    }
  }
  if (rule.trigger !== 'alert-created') return found;
  for (const key of Object.keys(conditions)) {
    if (key !== 'analyticRules' && key !== 'not') {
      error(['conditions', key], `alert-created rules can only filter on analyticRules, not ${key}`);
    }
  }
  for (const key of Object.keys(conditions.not ?? {})) {
    if (key !== 'analyticRules') {
      error(['conditions', 'not', key], `alert-created rules can only filter on analyticRules, not ${key}`);
    }
  }
  rule.actions.forEach((action, index) => {
    if (action.runResponder === undefined) {
      found.push(
        source.diagnostic(
          'SK0502',
          'error',
          'alert-created rules can only run responders',
          source.valueAt(['actions', index]),
        ),
      );
    }
  });
  return found;
}
