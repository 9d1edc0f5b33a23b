import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileAutomationRule, type ResourceRefs, relayName } from '../automation/compile.js';
import { findAutomationFiles, loadAutomationFile } from '../automation/load.js';
import { checkAutomationReferences } from '../automation/validate.js';
import { collectDiagnostics, type Diagnostic, hasErrors } from '../diagnostics.js';
import { loadCatalog } from '../kql/catalog.js';
import { operationsAutomationRules } from '../operations/build.js';
import { type AlertRuleResource, compileAlertRule } from '../rules/compile/alertRule.js';
import { displayPath, findRuleFiles, type LoadedRule, loadRuleFile } from '../rules/load.js';
import { armTemplate, extensionId } from './arm.js';
import { buildConnectors } from './connectors.js';
import { stableStringify } from './json.js';
import { compileWatchlist } from './watchlists.js';

/** Where main.bicep reads generated content (`loadJsonContent('generated/<name>.json')`). */
const generatedDir = 'infra/generated';
const armTemplatePath = 'dist/azuredeploy.json';

/**
 * Placeholders in generated JSON that main.bicep replaces at deployment time, because resource ids
 * depend on the subscription, resource group and workspace the template is deployed to.
 */
export const placeholders = {
  workspaceResourceId: '{{workspaceResourceId}}',
  resourceGroupId: '{{resourceGroupId}}',
  tenantId: '{{tenantId}}',
} as const;

const bicepRefs: ResourceRefs = {
  alertRuleResourceId: (id) =>
    `${placeholders.workspaceResourceId}/providers/Microsoft.SecurityInsights/alertRules/${id}`,
  relayResourceId: (responder) =>
    `${placeholders.resourceGroupId}/providers/Microsoft.Logic/workflows/${relayName(responder)}`,
  tenantId: placeholders.tenantId,
};

const armRefs: ResourceRefs = {
  alertRuleResourceId: (id) => extensionId('Microsoft.SecurityInsights/alertRules', id),
  relayResourceId: () => {
    throw new Error('the standalone ARM template has no relay playbooks');
  },
  tenantId: '[subscription().tenantId]',
};

export interface BuildResult {
  /** Repository-relative path → file content; empty when there are errors. */
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

/**
 * Compiles kql/rules, kql/automation, kql/watchlists and connectors/ into the JSON main.bicep
 * loads, plus a standalone ARM template. Pure: reads the repository, writes nothing.
 */
export function build(root: string): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const rel = (path: string) => displayPath(path, root);

  const rules = loadRules(root, rel, diagnostics);
  const catalog = collectDiagnostics(() => loadCatalog(root), diagnostics);
  const connectors = buildConnectors(root);
  diagnostics.push(...connectors.diagnostics);

  const automation = findAutomationFiles(root).map((path) => loadAutomationFile(path, rel(path)));
  for (const loaded of automation) diagnostics.push(...loaded.diagnostics);
  diagnostics.push(
    ...checkAutomationReferences(automation, {
      analyticRuleIds: new Set(rules.map((rule) => rule.name)),
      responders: findResponders(root),
    }),
  );

  // SOC routing from kql/operations.yaml becomes automation rules beside kql/automation's.
  const operations = operationsAutomationRules(root, rel);
  diagnostics.push(...operations.diagnostics);

  const watchlists = [...(catalog?.watchlists.values() ?? [])]
    .map((watchlist) => compileWatchlist(watchlist, diagnostics))
    .sort(byName);

  if (hasErrors(diagnostics)) return { files: new Map(), diagnostics };

  const automationRules = [
    ...automation.flatMap((loaded) => (loaded.rule ? [loaded.rule] : [])),
    ...operations.automationRules,
  ];
  const automationResources = automationRules
    .map((rule) => compileAutomationRule(rule, bicepRefs))
    .sort(byName);
  const relays = [
    ...new Set(automationRules.flatMap((rule) => rule.actions.flatMap((a) => a.runResponder ?? []))),
  ].sort();

  const files = new Map<string, string>();
  const emit = (name: string, value: unknown) => files.set(`${generatedDir}/${name}`, stableStringify(value));
  emit('analyticsRules.json', {
    scheduled: rules.filter((rule) => rule.kind === 'Scheduled').map(withoutKind),
    nrt: rules.filter((rule) => rule.kind === 'NRT').map(withoutKind),
  });
  emit('automationRules.json', automationResources);
  emit('relays.json', relays);
  if (operations.config) emit('operations.json', operations.config);
  if (operations.workbooks.length) emit('workbooks.json', operations.workbooks);
  emit('watchlists.json', watchlists);
  emit('tables.json', connectors.tables);
  emit('dataCollectionRules.json', connectors.dcrs);
  files.set(
    armTemplatePath,
    stableStringify(
      armTemplate({
        alertRules: rules,
        automationRules: automationRules
          .filter((rule) => rule.actions.every((action) => action.runResponder === undefined))
          .map((rule) => ({
            resource: compileAutomationRule(rule, armRefs),
            analyticRuleIds: (rule.conditions.analyticRules ?? []).map((id) => id.toLowerCase()),
          }))
          .sort((a, b) => byName(a.resource, b.resource)),
        watchlists,
        tables: connectors.tables,
        dcrs: connectors.dcrs,
      }),
    ),
  );
  return { files, diagnostics };
}

function loadRules(
  root: string,
  rel: (path: string) => string,
  diagnostics: Diagnostic[],
): AlertRuleResource[] {
  const loaded: LoadedRule[] = findRuleFiles([join(root, 'kql', 'rules')]).map((path) =>
    loadRuleFile(path, rel(path)),
  );
  const byId = new Map<string, string>();
  const compiled: AlertRuleResource[] = [];
  for (const { rule, source, file, diagnostics: found } of loaded) {
    diagnostics.push(...found);
    if (!rule) continue;
    const id = rule.id.toLowerCase();
    const first = byId.get(id);
    if (first) {
      diagnostics.push({
        code: 'SK1601',
        severity: 'error',
        message: `rule id ${rule.id} is also used by ${first}; ids are the Sentinel resource names and must be unique`,
        file,
        ...(source?.valueAt(['id']) ?? { line: 1, column: 1 }),
      });
      continue;
    }
    byId.set(id, file);
    compiled.push(compileAlertRule(rule));
  }
  return compiled.sort(byName);
}

/**
 * Responder names as registered by `defineResponder('<name>', ...)` in functions/responders/*.ts.
 * Read from the source text rather than by importing the modules, which would register Functions
 * handlers and build Azure clients as a side effect.
 */
function findResponders(root: string): Set<string> {
  const dir = join(root, 'functions', 'responders');
  if (!existsSync(dir)) return new Set();
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(
      /defineResponder\(\s*'([a-z0-9-]+)'/g,
    )) {
      names.add(match[1]);
    }
  }
  return names;
}

function withoutKind({ name, properties }: AlertRuleResource) {
  return { name, properties };
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function writeBuild(root: string, files: Map<string, string>): void {
  for (const [path, content] of files) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** Generated files whose committed content differs from a fresh build (missing files included). */
export function staleFiles(
  root: string,
  files: Map<string, string>,
  only?: (path: string) => boolean,
): string[] {
  return [...files]
    .filter(([path]) => !only || only(path))
    .filter(([path, content]) => {
      const target = join(root, path);
      return !existsSync(target) || readFileSync(target, 'utf8') !== content;
    })
    .map(([path]) => path);
}
