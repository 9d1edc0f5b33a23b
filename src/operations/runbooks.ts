import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findAutomationFiles, loadAutomationFile } from '../automation/load.js';
import { collectDiagnostics, type Diagnostic } from '../diagnostics.js';
import { displayPath, findRuleFiles, loadRuleFile } from '../rules/load.js';
import { defaultMitrePath, loadMitre } from '../rules/mitre.js';
import { loadRuleTestFile } from '../rules/testing/index.js';
import { generateRunbooks } from './docs.js';
import { loadOperationsRepository, routedRules } from './repository.js';
import { compileRouting } from './routing.js';

/** The runbook site of the repository under `root`, and the problems found reading it. */
export function buildRunbooks(root: string): { site: Map<string, string>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const repo = loadOperationsRepository(root);
  const model = repo?.loaded.model;
  diagnostics.push(...(repo?.loaded.diagnostics ?? []));
  const rules = findRuleFiles([join(root, 'kql', 'rules')]).flatMap((path) => {
    const loaded = loadRuleFile(path, displayPath(path, root));
    diagnostics.push(...loaded.diagnostics.filter((d) => d.severity === 'error'));
    if (!loaded.rule) return [];
    const testPath = path.replace(/\.ya?ml$/i, '.test.yaml');
    const cases =
      existsSync(testPath) && repo?.catalog
        ? (loadRuleTestFile(testPath, repo.catalog).testFile?.cases ?? [])
        : [];
    return [{ rule: loaded.rule, file: loaded.file, cases }];
  });
  const routed = routedRules(rules.map((r) => r.rule));
  const automation = [
    ...findAutomationFiles(root).flatMap((path) => loadAutomationFile(path).rule ?? []),
    ...(model ? compileRouting(model, routed) : []),
  ];
  const mitrePath = join(root, defaultMitrePath);
  const mitre = existsSync(mitrePath)
    ? collectDiagnostics(() => loadMitre(mitrePath), diagnostics)
    : undefined;
  return { site: generateRunbooks({ rules, automation, model, routed, mitre }), diagnostics };
}
