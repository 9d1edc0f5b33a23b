import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { collectDiagnostics, type Diagnostic } from '../diagnostics.js';
import { type Catalog, loadCatalog } from '../kql/catalog.js';
import { displayPath, findRuleFiles, loadRuleFile } from '../rules/load.js';
import { defaultMitrePath, loadMitre } from '../rules/mitre.js';
import type { AnalyticsRule } from '../rules/model.js';
import { findOperationsFile, type LoadedOperations, loadOperationsFile } from './load.js';
import type { RoutedRule } from './routing.js';

/** Everything operations tooling reads from a repository: the model, the rules it routes, the watchlists. */
export interface OperationsRepository {
  loaded: LoadedOperations;
  rules: AnalyticsRule[];
  catalog?: Catalog;
}

/** Rule id and string tags (Azure-Sentinel tags may also be objects, which routing ignores). */
export function routedRules(rules: readonly AnalyticsRule[]): RoutedRule[] {
  return rules.map((rule) => ({
    id: rule.id,
    tags: (rule.tags ?? []).filter((tag): tag is string => typeof tag === 'string'),
  }));
}

/**
 * Loads `kql/operations.yaml` with what it refers to; undefined when the repository has none. Rule and
 * catalog problems are not repeated here (validate and build report them themselves).
 */
export function loadOperationsRepository(
  root: string,
  file: (path: string) => string = displayPath,
): OperationsRepository | undefined {
  const path = findOperationsFile(root);
  if (!path) return undefined;
  const rules = findRuleFiles([join(root, 'kql', 'rules')]).flatMap((file) => loadRuleFile(file).rule ?? []);
  const ignored: Diagnostic[] = [];
  const catalog = collectDiagnostics(() => loadCatalog(root), ignored);
  const mitrePath = join(root, defaultMitrePath);
  const mitre = existsSync(mitrePath) ? collectDiagnostics(() => loadMitre(mitrePath), ignored) : undefined;
  const loaded = loadOperationsFile(path, file(path), {
    ruleTags: new Set(routedRules(rules).flatMap((rule) => rule.tags)),
    watchlists: catalog?.watchlists ?? new Map(),
    tactics: mitre ? new Set(mitre.tactics.keys()) : undefined,
  });
  return { loaded, rules, catalog };
}
