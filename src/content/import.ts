import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { tablePlans } from '../config.js';
import { isPublishedDetection } from '../detections/load.js';
import { findFiles } from '../rules/load.js';
import { armLiteral, armResources, watchlistFromArm } from './arm-template.js';
import {
  isParserProblem,
  isRecord,
  isSavedSearchType,
  type ParserFields,
  type ParserProblem,
  readParserFields,
  readSavedSearchParser,
} from './azure-sentinel-parser.js';
import { parserDeployment } from './solution-package.js';
import { contentKindOf } from './validate.js';
import { isWorkspaceTableType, readWorkspaceTables, type WorkspaceTable } from './workspace-tables.js';

/** One file `import` writes, relative to the repository root. */
export interface ImportedFile {
  path: string;
  text: string;
  /** Where it came from (a file, or `file#resource`). */
  from: string;
}

/** Something found that sentinel-kit cannot take in, and why. */
export interface Skipped {
  from: string;
  reason: string;
}

export interface ImportResult {
  files: ImportedFile[];
  skipped: Skipped[];
}

const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;

/**
 * Content from the Azure-Sentinel repository's layout (a Solution folder with Analytic Rules/,
 * Hunting Queries/, Parsers/, or loose files) or from an exported ARM template of analytics rules,
 * as sentinel-kit files: rules into kql/rules/<area>/, hunting queries into kql/hunting/, parsers
 * into kql/parsers/<FunctionAlias>.yaml, custom tables (the CI's CustomTables JSON) into
 * kql/schemas/. Rule YAML is copied unchanged (it loads as is); parsers and ARM rules are
 * converted. Pure: returns the files; the caller writes them.
 */
export function importContent(path: string): ImportResult {
  const result: ImportResult = { files: [], skipped: [] };
  const isDir = statSync(path).isDirectory();
  const base = isDir ? path : join(path, '..');
  const files = findFiles([path], () => true);
  const area = isDir ? areaOf(path) : 'imported';
  for (const file of files) {
    const from = relative(base, file) || basename(file);
    const ext = extname(file).toLowerCase();
    if (/^(Package|Data)[\\/]/.test(from)) {
      result.skipped.push({
        from,
        reason: 'packaging of the Solution; its content is imported from the content folders',
      });
      continue;
    }
    if (ext === '.yaml' || ext === '.yml') importYaml(file, from, area, result);
    else if (ext === '.json') importJson(file, from, result);
    else if (!/\.(md|png|jpe?g|svg|gif|txt)$/i.test(file)) {
      result.skipped.push({
        from,
        reason: 'not content sentinel-kit reads (rules, parsers and tables are YAML or JSON)',
      });
    }
  }
  const seen = new Map<string, string>();
  result.files = result.files.filter((f) => {
    const first = seen.get(f.path.toLowerCase());
    if (first) result.skipped.push({ from: f.from, reason: `${f.path} is also imported from ${first}` });
    else seen.set(f.path.toLowerCase(), f.from);
    return !first;
  });
  return result;
}

/** kql/rules/<area>: the Solution's name (the folder above Analytic Rules/ when given that folder). */
function areaOf(dir: string): string {
  const name = basename(dir);
  const inner = /^(analytic rules|detections|hunting queries|parsers)$/i.test(name);
  return slug(inner ? basename(join(dir, '..')) : name) || 'imported';
}

function importYaml(file: string, from: string, area: string, result: ImportResult): void {
  const text = readFileSync(file, 'utf8');
  const document = parseDocument(text);
  const data = document.errors.length === 0 ? (document.toJS() as unknown) : undefined;
  if (!isRecord(data)) {
    const why = document.errors[0]?.message.split('\n')[0] ?? 'not a YAML mapping';
    result.skipped.push({ from, reason: `not a rule, hunting query or parser (${why})` });
    return;
  }
  const field = (name: string) => fieldOf(data, name);
  const parser = readParserFields(data, parserDeployment(file));
  if (parser !== undefined) {
    importParser(parser, from, result);
    return;
  }
  if (isPublishedDetection(data)) {
    result.skipped.push({
      from,
      reason:
        `a custom detection as the Azure-Sentinel repository publishes it (${String(data.resourceType ?? 'CustomDetection')}, ` +
        `apiVersion ${String(data.apiVersion)}), whose schema no published page gives; sentinel-kit's custom ` +
        'detections (kql/detections/) are Graph detectionRule bodies: not converted',
    });
    return;
  }
  if (typeof field('query') !== 'string') {
    result.skipped.push({ from, reason: 'no query: not a rule, hunting query or parser' });
    return;
  }
  // The whole path: importing a Hunting Queries folder itself leaves no such folder in `from`.
  const kind = contentKindOf(file);
  const isRule = kind !== 'hunting' && (field('severity') !== undefined || field('kind') !== undefined);
  const name = basename(file);
  result.files.push({
    path: isRule ? `kql/rules/${area}/${name}` : `kql/hunting/${name}`,
    text,
    from,
  });
}

/** Azure-Sentinel parsers (Solutions' Function*, ASIM's Parser*) or the repository's own, as kql/parsers/<name>.yaml. */
function importParser(parser: ParserFields | ParserProblem, from: string, result: ImportResult): void {
  if (isParserProblem(parser)) {
    result.skipped.push({ from, reason: parser.problem });
    return;
  }
  const { functionName, description, parameters, query } = parser;
  result.files.push({
    path: `kql/parsers/${functionName}.yaml`,
    text: toYaml({
      functionName,
      ...(description !== undefined ? { description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      query,
    }),
    from,
  });
}

function importJson(file: string, from: string, result: ImportResult): void {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    result.skipped.push({ from, reason: `not valid JSON: ${(error as Error).message}` });
    return;
  }
  if (isRecord(data) && typeof data.Name === 'string' && Array.isArray(data.Properties)) {
    result.files.push({
      path: `kql/schemas/${data.Name}.json`,
      text: `${JSON.stringify(data, null, 2)}\n`,
      from,
    });
    return;
  }
  if (isRecord(data) && typeof data.name === 'string' && Array.isArray(data.columns)) {
    const plan = tablePlans.includes(data.plan as never) ? data.plan : undefined;
    result.files.push({
      path: `kql/schemas/${data.name}.json`,
      text: `${JSON.stringify({ ...data, ...(plan ? { plan } : {}) }, null, 2)}\n`,
      from,
    });
    return;
  }
  if (isRecord(data) && Array.isArray(data.resources)) {
    importArmTemplate(data, from, result);
    return;
  }
  if (isRecord(data) && typeof data.type === 'string' && isWorkspaceTableType(data.type)) {
    importWorkspaceTables(readWorkspaceTables(data), from, result);
    return;
  }
  // A Solution parser published as the resource alone (Solutions/Cisco Meraki Events via REST API/
  // Parsers/parser_CiscoMerakiNetworkClientsAliasFunction.json @aafaad0: a savedSearches resource
  // with functionAlias and query, no template around it).
  if (isRecord(data) && typeof data.type === 'string' && isSavedSearchType(data.type)) {
    importSavedSearchParser(data, from, result);
    return;
  }
  // A codeless connector's *_Tables.json: an array of workspace table resources.
  if (Array.isArray(data) && data.some((r) => isRecord(r) && isWorkspaceTableType(String(r.type)))) {
    importWorkspaceTables(readWorkspaceTables(data), from, result);
    return;
  }
  result.skipped.push({
    from,
    reason:
      'neither a table schema, a parser resource nor an ARM template (workbooks, playbooks and connectors are not imported)',
  });
}

/**
 * Analytics rules and watchlists of an ARM template: the portal's Export, `sentinel-kit build`'s
 * dist/azuredeploy.json, a Solution's Package/mainTemplate.json (rule templates nested in
 * contentTemplates, ids in variables) or a watchlist template (the Azure-Sentinel Watchlists/ folder).
 */
function importArmTemplate(template: Record<string, unknown>, from: string, result: ImportResult): void {
  let found = 0;
  for (const arm of armResources(template)) {
    const { resource, variables } = arm;
    if (typeof resource.type !== 'string') continue;
    const name = armLiteral(resource.name, variables) ?? String(resource.name ?? resource.type);
    const where = `${from}#${name}`;
    if (/\/watchlists$/i.test(resource.type)) {
      found++;
      importWatchlist(watchlistFromArm(arm), where, result);
      continue;
    }
    if (isWorkspaceTableType(resource.type)) {
      found++;
      importWorkspaceTables(readWorkspaceTables(resource, variables), where, result);
      continue;
    }
    if (isSavedSearchType(resource.type)) {
      found++;
      importSavedSearchParser(resource, where, result);
      continue;
    }
    if (!/\/(alertRules|alertRuleTemplates)$/i.test(resource.type)) {
      result.skipped.push({
        from: where,
        reason: `${resource.type} is not an analytics rule or a watchlist`,
      });
      continue;
    }
    found++;
    const kind = resource.kind;
    if (kind !== 'Scheduled' && kind !== 'NRT') {
      result.skipped.push({
        from: where,
        reason: `${String(kind)} rules are built into Sentinel; only Scheduled and NRT rules are content`,
      });
      continue;
    }
    const id = name.match(GUID)?.pop();
    if (!id || !isRecord(resource.properties)) {
      result.skipped.push({ from: where, reason: 'no rule GUID in the resource name, or no properties' });
      continue;
    }
    const rule = ruleFromArm(id, kind, resource.properties, arm.version);
    result.files.push({
      path: `kql/rules/imported/${slug(String(rule.name)) || id}.yaml`,
      text: toYaml(rule),
      from: where,
    });
  }
  if (found === 0)
    result.skipped.push({
      from,
      reason: 'an ARM template without analytics rules, watchlists, parsers or tables',
    });
}

/**
 * A parser a Solution package deploys, or a Solution publishes alone, as a `workspaces/savedSearches`
 * resource (readSavedSearchParser). One with `functionParameters` is left to its Parsers/*.yaml.
 */
function importSavedSearchParser(
  resource: Record<string, unknown>,
  from: string,
  result: ImportResult,
): void {
  const parser = readSavedSearchParser(resource);
  if (parser === undefined) {
    result.skipped.push({ from, reason: 'a saved search without functionAlias: a query, not a parser' });
    return;
  }
  if (isParserProblem(parser)) {
    result.skipped.push({
      from,
      reason: parser.unread ? `${parser.problem}: import its Parsers/*.yaml` : parser.problem,
    });
    return;
  }
  importParser(
    { ...parser, query: `${parser.query.replace(/\r\n/g, '\n').replace(/^\n+/, '').trimEnd()}\n` },
    from,
    result,
  );
}

/**
 * A Solution's own workspace tables (its data connector's `workspaces/tables` resources) as
 * kql/schemas/<name>.json in the repository's schema format, so its parsers and rules bind.
 */
function importWorkspaceTables(tables: WorkspaceTable[], from: string, result: ImportResult): void {
  if (tables.length === 0)
    result.skipped.push({
      from,
      reason:
        'a workspace table resource without a schema name and columns (or named by an expression the deployment decides)',
    });
  for (const { name, columns, notes } of tables) {
    result.files.push({
      path: `kql/schemas/${name}.json`,
      text: `${JSON.stringify({ name, columns }, null, 2)}\n`,
      from,
    });
    for (const note of notes) result.skipped.push({ from, reason: `${name}: ${note}` });
  }
}

function importWatchlist(
  watchlist: Record<string, unknown> | string,
  from: string,
  result: ImportResult,
): void {
  if (typeof watchlist === 'string') {
    result.skipped.push({ from, reason: watchlist });
    return;
  }
  result.files.push({
    path: `kql/watchlists/${watchlist.watchlistAlias}.yaml`,
    text: toYaml(watchlist),
    from,
  });
}

/** The alert-rule API's properties back as the repository's rule fields (compileAlertRule's inverse). */
function ruleFromArm(
  id: string,
  kind: string,
  p: Record<string, unknown>,
  contentVersion?: string,
): Record<string, unknown> {
  const techniques = (p.techniques as string[] | undefined) ?? [];
  const subTechniques = (p.subTechniques as string[] | undefined) ?? [];
  // A technique its sub-techniques name is implied by them (compile splits T1110.003 into both),
  // so each technique stands for its sub-techniques, in the order the techniques came.
  const subsOf = (t: string) => subTechniques.filter((sub) => sub.startsWith(`${t}.`));
  const relevantTechniques = [
    ...techniques.flatMap((t) => (subsOf(t).length > 0 ? subsOf(t) : [t])),
    ...subTechniques.filter((sub) => !techniques.includes(sub.split('.')[0])),
  ];
  const scheduled = kind === 'Scheduled';
  const rule: Record<string, unknown> = {
    id,
    name: p.displayName,
    description: p.description,
    severity: p.severity,
    kind,
    ...(scheduled
      ? {
          queryFrequency: p.queryFrequency,
          queryPeriod: p.queryPeriod,
          triggerOperator: p.triggerOperator,
          triggerThreshold: p.triggerThreshold,
        }
      : {}),
    tactics: p.tactics,
    relevantTechniques: relevantTechniques.length > 0 ? relevantTechniques : undefined,
    query: p.query,
    entityMappings: p.entityMappings,
    customDetails: p.customDetails,
    alertDetailsOverride: p.alertDetailsOverride,
    eventGroupingSettings: p.eventGroupingSettings,
    incidentConfiguration: p.incidentConfiguration,
    suppressionEnabled: p.suppressionEnabled,
    suppressionDuration: p.suppressionDuration,
    sentinelEntitiesMappings: p.sentinelEntitiesMappings,
    enabled: p.enabled === false ? false : undefined,
    requiredDataConnectors: p.requiredDataConnectors,
    version: typeof p.templateVersion === 'string' ? p.templateVersion : (contentVersion ?? '1.0.0'),
  };
  return Object.fromEntries(
    Object.entries(rule).filter(([, value]) => value !== undefined && value !== null),
  );
}

function toYaml(value: Record<string, unknown>): string {
  return new Document(value).toString({ lineWidth: 0, blockQuote: 'literal' });
}

function fieldOf(data: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(data).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : data[key];
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

/** Files that would overwrite something already in the repository with different content. */
export function conflicts(root: string, files: readonly ImportedFile[]): ImportedFile[] {
  return files.filter((f) => {
    const target = join(root, f.path);
    return existsSync(target) && readFileSync(target, 'utf8') !== f.text;
  });
}
