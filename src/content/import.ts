import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { tablePlans } from '../config.js';
import { kqlTypes } from '../kql/values/types.js';
import { findFiles } from '../rules/load.js';
import { contentKindOf } from './validate.js';

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
  if (field('FunctionQuery') !== undefined || field('ParserQuery') !== undefined) {
    importParser(data, from, result);
    return;
  }
  if (typeof field('query') !== 'string') {
    result.skipped.push({ from, reason: 'no query: not a rule, hunting query or parser' });
    return;
  }
  const kind = contentKindOf(from);
  const isRule = kind !== 'hunting' && (field('severity') !== undefined || field('kind') !== undefined);
  const name = basename(file);
  result.files.push({
    path: isRule ? `kql/rules/${area}/${name}` : `kql/hunting/${name}`,
    text,
    from,
  });
}

/** Azure-Sentinel parsers: FunctionName/FunctionAlias/FunctionQuery (Solutions) or Parser* (ASIM). */
function importParser(data: Record<string, unknown>, from: string, result: ImportResult): void {
  const get = (...names: string[]) => names.map((n) => fieldOf(data, n)).find((v) => v !== undefined);
  const alias = get('FunctionAlias', 'ParserName', 'FunctionName');
  const query = get('FunctionQuery', 'ParserQuery');
  if (typeof alias !== 'string' || !/^[A-Za-z_]\w*$/.test(alias) || typeof query !== 'string') {
    result.skipped.push({ from, reason: 'a parser needs FunctionAlias (an identifier) and FunctionQuery' });
    return;
  }
  const params = get('FunctionParams', 'ParserParams');
  const parameters: Record<string, string>[] = [];
  for (const param of Array.isArray(params) ? params : []) {
    const name = isRecord(param) ? fieldOf(param, 'Name') : undefined;
    const type = isRecord(param) ? String(fieldOf(param, 'Type') ?? '').toLowerCase() : '';
    const fallback = isRecord(param) ? fieldOf(param, 'Default') : undefined;
    const kqlType = type.startsWith('table') ? 'table' : type;
    if (typeof name !== 'string' || !(kqlTypes as readonly string[]).concat('table').includes(kqlType)) {
      result.skipped.push({
        from,
        reason: `parameter ${JSON.stringify(param)} has no name or a type sentinel-kit does not know`,
      });
      return;
    }
    parameters.push({
      name,
      type: kqlType,
      ...(fallback !== undefined ? { default: String(fallback) } : {}),
    });
  }
  const title = fieldOf(isRecord(data.Function) ? data.Function : {}, 'Title');
  result.files.push({
    path: `kql/parsers/${alias}.yaml`,
    text: toYaml({
      functionName: alias,
      ...(typeof title === 'string' ? { description: title } : {}),
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
    importArmTemplate(data.resources, from, result);
    return;
  }
  result.skipped.push({
    from,
    reason:
      'neither a table schema nor an ARM template (workbooks, playbooks and connectors are not imported)',
  });
}

/** Analytics rules of an ARM template: the portal's Export, or `sentinel-kit build`'s dist/azuredeploy.json. */
function importArmTemplate(resources: unknown[], from: string, result: ImportResult): void {
  let found = 0;
  for (const resource of resources) {
    if (!isRecord(resource) || typeof resource.type !== 'string') continue;
    const where = `${from}#${String(resource.name ?? resource.type)}`;
    if (!/alertRules$/i.test(resource.type)) {
      result.skipped.push({ from: where, reason: `${resource.type} is not an analytics rule` });
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
    const id = String(resource.name ?? '')
      .match(GUID)
      ?.pop();
    if (!id || !isRecord(resource.properties)) {
      result.skipped.push({ from: where, reason: 'no rule GUID in the resource name, or no properties' });
      continue;
    }
    const rule = ruleFromArm(id, kind, resource.properties);
    result.files.push({
      path: `kql/rules/imported/${slug(String(rule.name)) || id}.yaml`,
      text: toYaml(rule),
      from: where,
    });
  }
  if (found === 0) result.skipped.push({ from, reason: 'an ARM template without analytics rules' });
}

/** The alert-rule API's properties back as the repository's rule fields (compileAlertRule's inverse). */
function ruleFromArm(id: string, kind: string, p: Record<string, unknown>): Record<string, unknown> {
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
    version: typeof p.templateVersion === 'string' ? p.templateVersion : '1.0.0',
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
