import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { issueDiagnostics, readYamlSource } from '../rules/load.js';
import type { FieldPath, YamlSource } from '../rules/source.js';
import { documentToJs } from '../yaml.js';
import { type AutomationRule, automationRuleSchema } from './model.js';

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
 * Alert-triggered automation rules may only run playbooks and only filter on the analytics rule
 * (Sentinel docs, "Automate threat response with automation rules": alert triggers support the
 * Run playbook action only).
 */
function triggerDiagnostics(rule: AutomationRule, source: YamlSource): Diagnostic[] {
  if (rule.trigger !== 'alert-created') return [];
  const found: Diagnostic[] = [];
  const error = (path: FieldPath, message: string) =>
    source.diagnostic('SK0502', 'error', message, source.valueAt(path));
  for (const key of Object.keys(rule.conditions)) {
    if (key !== 'analyticRules') {
      found.push(
        error(['conditions', key], `alert-created rules can only filter on analyticRules, not ${key}`),
      );
    }
  }
  rule.actions.forEach((action, index) => {
    if (action.runResponder === undefined) {
      found.push(error(['actions', index], 'alert-created rules can only run responders'));
    }
  });
  return found;
}
