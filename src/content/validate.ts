import { join } from 'node:path';
import { findAutomationFiles, loadAutomationFile } from '../automation/load.js';
import { checkAutomationReferences } from '../automation/validate.js';
import { findResponders } from '../build/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { quoteName } from '../kql/syntax/index.js';
import { displayPath, findFiles, findRuleFiles, loadRuleFile, readYamlSource } from '../rules/load.js';
import { sortDiagnostics, type ValidationOptions, validateFiles } from '../rules/validate/index.js';
import { checkQuery } from '../rules/validate/query.js';

/** What a content file is, from the folder it sits in (kql/ layout or the Azure-Sentinel repository's). */
export type ContentKind = 'analytics' | 'hunting' | 'parser' | 'watchlist' | 'automation' | 'rule-test';

export const contentKindNames: Record<ContentKind, string> = {
  analytics: 'analytics rule',
  hunting: 'hunting query',
  parser: 'parser',
  watchlist: 'watchlist',
  automation: 'automation rule',
  'rule-test': 'rule test',
};

const FOLDER_KINDS: [RegExp, ContentKind][] = [
  [/^hunting( queries)?$/i, 'hunting'],
  [/^parsers?$/i, 'parser'],
  [/^watchlists?$/i, 'watchlist'],
  [/^automation$/i, 'automation'],
];

/** Rule tests by name; otherwise the innermost folder that names a kind; otherwise an analytics rule. */
export function contentKindOf(path: string): ContentKind {
  if (/\.test\.ya?ml$/i.test(path)) return 'rule-test';
  const folders = path.split(/[\\/]/).slice(0, -1).reverse();
  for (const folder of folders) {
    const match = FOLDER_KINDS.find(([pattern]) => pattern.test(folder));
    if (match) return match[1];
  }
  return 'analytics';
}

export interface ContentOptions extends ValidationOptions {
  /** The repository root: analytics rule ids for automation rules, responders in functions/. */
  root: string;
}

export interface ContentValidation {
  /** Files checked, per kind (rule tests are counted but run by `sentinel-kit test`). */
  counts: Map<ContentKind, number>;
  diagnostics: Diagnostic[];
}

/**
 * Validates every YAML content file under `paths` by its kind: analytics rules and hunting
 * queries (every rule check), parsers (their KQL binds, parameters declared), automation rules
 * (fields, triggers, the analytics rules and responders they name). Watchlists and table schemas
 * are checked when the catalog loads.
 */
export function validateContent(paths: readonly string[], options: ContentOptions): ContentValidation {
  const files = findFiles(paths, (path) => /\.ya?ml$/i.test(path));
  const byKind = new Map<ContentKind, string[]>();
  for (const file of files) {
    const kind = contentKindOf(displayPath(file, options.root));
    byKind.set(kind, [...(byKind.get(kind) ?? []), file]);
  }
  const ofKind = (kind: ContentKind) => byKind.get(kind) ?? [];
  const diagnostics = validateFiles([...ofKind('analytics'), ...ofKind('hunting')], options).diagnostics;
  for (const file of ofKind('parser')) diagnostics.push(...checkParser(file, options));
  diagnostics.push(...checkAutomation(ofKind('automation'), options.root));
  const counts = new Map([...byKind].map(([kind, list]) => [kind, list.length] as const));
  return { counts, diagnostics: sortDiagnostics(diagnostics) };
}

function checkParser(path: string, options: ContentOptions): Diagnostic[] {
  const { source, diagnostics } = readYamlSource(path, displayPath(path));
  if (!source) return diagnostics;
  const query = source.document.get('query');
  // A malformed parser (no functionName or query) is reported once, by the catalog loader.
  if (typeof query !== 'string') return diagnostics;
  const parameters = source.document.toJS().parameters;
  const scalars = Array.isArray(parameters)
    ? parameters.filter(
        (p) => p && typeof p.name === 'string' && typeof p.type === 'string' && p.type !== 'table',
      )
    : [];
  const declarations =
    scalars.length > 0
      ? `declare query_parameters(${scalars.map((p) => `${quoteName(p.name)}:${p.type}`).join(', ')});\n`
      : '';
  return [...diagnostics, ...checkQuery({ query, source, declarations }, options.catalog, false).diagnostics];
}

function checkAutomation(paths: readonly string[], root: string): Diagnostic[] {
  if (paths.length === 0) return [];
  const loaded = paths.map((path) => loadAutomationFile(path, displayPath(path)));
  const analyticRuleIds = new Set(
    findRuleFiles([join(root, 'kql', 'rules')]).flatMap((path) => {
      const id = loadRuleFile(path).rule?.id;
      return id ? [id.toLowerCase()] : [];
    }),
  );
  // Automation rules in the repository's own kql/automation are checked with their siblings (unique ids).
  const siblings = findAutomationFiles(root).filter((path) => !paths.includes(path));
  const all = [...loaded, ...siblings.map((path) => loadAutomationFile(path, displayPath(path)))];
  const references = checkAutomationReferences(all, { analyticRuleIds, responders: findResponders(root) });
  const files = new Set(loaded.map((l) => l.source?.file));
  return [...loaded.flatMap((l) => l.diagnostics), ...references.filter((d) => files.has(d.file))];
}
