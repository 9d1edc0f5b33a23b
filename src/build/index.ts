import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileAutomationRule, type Relay, type ResourceRefs, relayFor } from '../automation/compile.js';
import { findAutomationFiles, loadAutomationFile } from '../automation/load.js';
import { checkAutomationReferences, checkDeployable } from '../automation/validate.js';
import { collectDiagnostics, type Diagnostic, hasErrors } from '../diagnostics.js';
import { type Catalog, loadCatalog } from '../kql/catalog.js';
import { operationsAutomationRules } from '../operations/build.js';
import { type AlertRuleResource, compileAlertRule, undeployableFields } from '../rules/compile/alertRule.js';
import { displayPath, findRuleFiles, type LoadedRule, loadRuleFile } from '../rules/load.js';
import { armTemplate, extensionId } from './arm.js';
import { buildConnectors } from './connectors.js';
import { isDeployed, type RuleDataNeeds, ruleDataNeeds } from './dataSources.js';
import { stableStringify } from './json.js';
import { compileParser, type ParserResource } from './parsers.js';
import { repositoriesAlertRuleId, repositoriesLayout } from './repositories.js';
import { loadSummaryRules } from './summary.js';
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
  relayResourceId: (relay) =>
    `${placeholders.resourceGroupId}/providers/Microsoft.Logic/workflows/${relay.name}`,
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
  /** What the deployment needs from the workspace (for `preflight`); absent when there are errors. */
  needs?: DeploymentNeeds;
}

export interface DeploymentNeeds {
  rules: CompiledRule[];
  parsers: ParserResource[];
  createdTables: string[];
}

/**
 * Compiles kql/rules, kql/summary, kql/automation, kql/watchlists and connectors/ into the JSON main.bicep
 * loads, plus a standalone ARM template. Pure: reads the repository, writes nothing.
 */
export function build(root: string): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const rel = (path: string) => displayPath(path, root);

  const catalog = collectDiagnostics(() => loadCatalog(root), diagnostics);
  diagnostics.push(...(catalog?.warnings ?? []));
  const connectors = buildConnectors(root);
  diagnostics.push(...connectors.diagnostics);
  const rules = loadRules(root, rel, catalog, new Set(connectors.tables.map((t) => t.name)), diagnostics);

  const automation = findAutomationFiles(root).map((path) => loadAutomationFile(path, rel(path)));
  for (const loaded of automation) diagnostics.push(...loaded.diagnostics);
  diagnostics.push(
    ...checkAutomationReferences(automation, {
      analyticRuleIds: new Set(rules.map(({ resource }) => resource.name)),
      responders: findResponders(root),
      alertResponders: findAlertResponders(root),
    }),
    ...checkDeployable(automation),
  );

  // SOC routing from kql/operations.yaml becomes automation rules beside kql/automation's.
  const operations = operationsAutomationRules(root, rel);
  diagnostics.push(...operations.diagnostics);

  const summaryRules = loadSummaryRules(root, rel, catalog, diagnostics);

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
  const relays = new Map<string, Relay>();
  for (const rule of automationRules) {
    for (const { runResponder } of rule.actions) {
      const relay = runResponder === undefined ? undefined : relayFor(runResponder, rule);
      if (relay) relays.set(relay.name, relay);
    }
  }
  // The standalone templates have no relays (they need the Function App), so no rule that runs one.
  const withoutResponders = automationRules.filter((rule) =>
    rule.actions.every((action) => action.runResponder === undefined),
  );
  const parsers = [...(catalog?.functions.values() ?? [])]
    .map((parser) =>
      compileParser(
        parser,
        rules.filter(({ needs }) => needs.parsers.includes(parser)).map(({ resource }) => resource.name),
      ),
    )
    .sort(byName);

  const files = new Map<string, string>();
  const emit = (name: string, value: unknown) => files.set(`${generatedDir}/${name}`, stableStringify(value));
  emit(
    'analyticsRules.json',
    rules.map(({ resource, needs }) => ({ ...resource, requires: needs.requires })),
  );
  emit('parsers.json', parsers);
  emit('automationRules.json', automationResources);
  emit('relays.json', [...relays.values()].sort(byName));
  if (operations.config) emit('operations.json', operations.config);
  if (operations.workbooks.length) emit('workbooks.json', operations.workbooks);
  emit('watchlists.json', watchlists);
  emit('tables.json', connectors.tables);
  emit('dataCollectionRules.json', connectors.dcrs);
  emit('ccfConnectors.json', connectors.ccf);
  emit('summaryRules.json', summaryRules);
  files.set(
    armTemplatePath,
    stableStringify(
      armTemplate({
        alertRules: rules.map(({ resource, needs }) => ({ resource, requires: needs.requires })),
        parsers,
        automationRules: withoutResponders.map((rule) => compileAutomationRule(rule, armRefs)).sort(byName),
        watchlists,
        tables: connectors.tables,
        dcrs: connectors.dcrs,
        summaryRules,
      }),
    ),
  );
  // Microsoft Sentinel Repositories deploys each template as it is, so the layout holds what
  // main.bicep would deploy with the enabledDataConnectors of infra/main.parameters.json.
  const enabled = enabledDataConnectors(root, diagnostics);
  const repositoryRules = rules.filter(({ needs }) => isDeployed(needs.requires, enabled));
  const repositoryRuleIds = new Set(repositoryRules.map(({ resource }) => resource.name));
  for (const [path, content] of repositoriesLayout(root, {
    alertRules: repositoryRules.map(({ resource }) => resource),
    parsers: parsers.filter((p) => p.usedBy.some((id) => repositoryRuleIds.has(id))),
    automationRules: withoutResponders
      .map((rule) => compileAutomationRule(rule, repositoriesRefs))
      .filter((rule) => rule.analyticRules.every((id) => repositoryRuleIds.has(id)))
      .sort(byName),
  })) {
    files.set(path, stableStringify(content));
  }
  return {
    files,
    diagnostics,
    needs: { rules, parsers, createdTables: connectors.tables.map((t) => t.name) },
  };
}

const repositoriesRefs: ResourceRefs = {
  alertRuleResourceId: repositoriesAlertRuleId,
  relayResourceId: () => {
    throw new Error('the Repositories layout has no relay playbooks');
  },
  tenantId: '[subscription().tenantId]',
};

/** `enabledDataConnectors` of infra/main.parameters.json (none when the file or value is absent). */
function enabledDataConnectors(root: string, diagnostics: Diagnostic[]): string[] {
  const file = join(root, 'infra', 'main.parameters.json');
  if (!existsSync(file)) return [];
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')).parameters?.enabledDataConnectors?.value ?? [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // Reported below with the file's position.
  }
  diagnostics.push({
    code: 'SK1603',
    severity: 'warning',
    message:
      'parameters.enabledDataConnectors.value should be an array of connector ids; the Repositories layout assumes none',
    file: 'infra/main.parameters.json',
    line: 1,
    column: 1,
  });
  return [];
}

/** Tables that exist in every Sentinel workspace this template deploys: watchlists are deployed here. */
const builtInTables = new Set(['Watchlist']);

export interface CompiledRule {
  resource: AlertRuleResource;
  needs: RuleDataNeeds;
}

function loadRules(
  root: string,
  rel: (path: string) => string,
  catalog: Catalog | undefined,
  createdTables: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): CompiledRule[] {
  const loaded: LoadedRule[] = findRuleFiles([join(root, 'kql', 'rules')]).map((path) =>
    loadRuleFile(path, rel(path)),
  );
  const byId = new Map<string, string>();
  const compiled: CompiledRule[] = [];
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
    for (const { field, message } of undeployableFields(rule)) {
      diagnostics.push({
        code: 'SK1212',
        severity: 'error',
        message,
        file,
        ...(source?.keyAt([field]) ?? { line: 1, column: 1 }),
      });
    }
    const needs = catalog
      ? ruleDataNeeds(rule, source, { catalog, createdTables, builtInTables }, diagnostics)
      : { requires: [], tables: [], parsers: [] };
    compiled.push({ resource: compileAlertRule(rule), needs });
  }
  return compiled.sort((a, b) => byName(a.resource, b.resource));
}

/**
 * Responder names as registered by `defineResponder('<name>', ...)` in functions/responders/*.ts.
 * Read from the source text rather than by importing the modules, which would register Functions
 * handlers and build Azure clients as a side effect.
 */
export function findResponders(root: string): Set<string> {
  return new Set(responderDeclarations(root).map((r) => r.name));
}

/** Responders registered with `'incident-or-alert'`: the ones an alert-created automation rule may run. */
export function findAlertResponders(root: string): Set<string> {
  return new Set(
    responderDeclarations(root)
      .filter((r) => r.acceptsAlerts)
      .map((r) => r.name),
  );
}

/** Each `defineResponder('name', ...)` in functions/responders, and whether the call accepts alert bodies. */
function responderDeclarations(root: string): { name: string; acceptsAlerts: boolean }[] {
  const dir = join(root, 'functions', 'responders');
  if (!existsSync(dir)) return [];
  const found: { name: string; acceptsAlerts: boolean }[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const calls = [...text.matchAll(/defineResponder\(\s*'([a-z0-9-]+)'/g)];
    calls.forEach((match, i) => {
      const call = text.slice(match.index, calls[i + 1]?.index ?? text.length);
      found.push({ name: match[1], acceptsAlerts: call.includes("'incident-or-alert'") });
    });
  }
  return found;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Build outputs that are committed (main.bicep's inputs, the Repositories layout); dist/ is not. */
export function isCommittedOutput(path: string): boolean {
  return !path.startsWith('dist/');
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
