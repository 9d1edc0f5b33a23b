// JSON Schemas for ARM resources, converted from the Azure resource type index that Bicep itself
// type-checks with (NuGet package Azure.Bicep.Types.Az, generated from the REST API specs in
// Azure/azure-rest-api-specs; scripts/install-bicep.sh extracts it to .tools/bicep-types). Every
// property of every type@apiVersion, nothing hand-written: the type format is documented in
// Azure/bicep-types (src/bicep-types/src/types.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { Ajv, type ValidateFunction } from 'ajv';

export const typesDir = fileURLToPath(new URL('../../.tools/bicep-types', import.meta.url));
export const typesInstalled = existsSync(join(typesDir, 'index.json.deflated'));

/** Template-language keys of a resource that are not part of the resource body. */
const templateKeys = ['dependsOn', 'copy', 'condition', 'comments', 'scope', 'existing', 'metadata'];

/**
 * Properties that Azure documents and accepts but the type definitions lack (each reported as a
 * Bicep BCP037/BCP187 warning and suppressed on the line in the .bicep file, with the source).
 */
const knownTypeGaps: Record<string, string[]> = {
  // learn.microsoft.com/azure/logic-apps/authenticate-with-managed-identity: a managed-identity
  // API connection of a Consumption logic app has kind V1 and parameterValueType Alternative.
  'microsoft.web/connections@2016-06-01': ['kind', 'properties.parameterValueType'],
};

/**
 * The older spelling of Sentinel resources in templates (`<workspace>/Microsoft.SecurityInsights/<id>`
 * under workspaces/providers), which Sentinel's own content and Repositories use: the same
 * resource as the extension type.
 */
const legacyTypes: Record<string, string> = {
  'microsoft.operationalinsights/workspaces/providers/alertrules': 'Microsoft.SecurityInsights/alertRules',
  'microsoft.operationalinsights/workspaces/providers/automationrules':
    'Microsoft.SecurityInsights/automationRules',
};

/** Stands in for an ARM template expression ("[...]"), whose value is only known at deployment. */
const expressionMarker = '\u0000arm-expression';

type BicepType = { $type: string; [key: string]: any };
type Ref = { $ref: string };

function readDeflated(path: string): any {
  return JSON.parse(inflateRawSync(readFileSync(join(typesDir, `${path}.deflated`))).toString('utf8'));
}

let index: Map<string, Ref> | undefined;
function resourceIndex(): Map<string, Ref> {
  if (!index) {
    const { resources } = readDeflated('index.json') as { resources: Record<string, Ref> };
    // Resource types are case-insensitive in ARM.
    index = new Map(Object.entries(resources).map(([key, ref]) => [key.toLowerCase(), ref]));
  }
  return index;
}

const files = new Map<string, BicepType[]>();
function typesFile(path: string): BicepType[] {
  let types = files.get(path);
  if (!types) {
    types = readDeflated(path) as BicepType[];
    files.set(path, types);
  }
  return types;
}

/** Whether the type index has `type@apiVersion`. */
export function hasResourceType(typeAtVersion: string): boolean {
  return resourceIndex().has(typeAtVersion.toLowerCase());
}

/** The JSON Schema of a resource body (`{ name, type, apiVersion, kind, properties, ... }`). */
export function resourceSchema(typeAtVersion: string): object | undefined {
  const ref = resourceIndex().get(typeAtVersion.toLowerCase());
  if (!ref) return undefined;
  const [file, pointer] = ref.$ref.split('#/');
  const types = typesFile(file);
  const definitions: Record<string, object> = {};
  const gaps = knownTypeGaps[typeAtVersion.toLowerCase()] ?? [];

  const refTo = (r: Ref, path: string): object => {
    const n = Number(r.$ref.split('/').pop());
    const key = `t${n}`;
    // Gaps are per property path, so a type reached through a gap-carrying path is converted apart.
    const gapped = gaps.some((g) => g.startsWith(path ? `${path}.` : ''));
    const name = gapped ? `${key}_${path.replaceAll('.', '_')}` : key;
    if (!(name in definitions)) {
      definitions[name] = {};
      definitions[name] = orExpression(convert(types[n], gapped ? path : undefined));
    }
    return { $ref: `#/definitions/${name}` };
  };

  const objectSchema = (
    properties: Record<string, { type: Ref; flags: number }>,
    additional: Ref | undefined,
    path: string | undefined,
  ): object => {
    const out: Record<string, object> = {};
    const required: string[] = [];
    for (const [key, property] of Object.entries(properties)) {
      out[key] = refTo(property.type, path === undefined ? '' : join2(path, key));
      if (property.flags & 1) required.push(key);
    }
    for (const gap of gaps) {
      const prefix = path ? `${path}.` : '';
      if (path !== undefined && gap.startsWith(prefix) && !gap.slice(prefix.length).includes('.')) {
        out[gap.slice(prefix.length)] = {};
      }
    }
    return {
      type: 'object',
      properties: out,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: additional ? refTo(additional, '') : false,
    };
  };

  const convert = (t: BicepType, path: string | undefined): object => {
    switch (t.$type) {
      case 'AnyType':
        return {};
      case 'NullType':
        return { type: 'null' };
      case 'BooleanType':
        return { type: 'boolean' };
      case 'IntegerType':
        return { type: 'integer', minimum: t.minValue, maximum: t.maxValue };
      case 'StringType':
        return {
          type: 'string',
          minLength: t.minLength,
          maxLength: t.maxLength,
          pattern: jsPattern(t.pattern),
        };
      case 'StringLiteralType':
        return { const: t.value };
      case 'UnionType':
        return { anyOf: t.elements.map((e: Ref) => refTo(e, '')) };
      case 'ArrayType':
        return { type: 'array', items: refTo(t.itemType, ''), minItems: t.minLength, maxItems: t.maxLength };
      case 'ObjectType':
        return objectSchema(t.properties, t.additionalProperties, path);
      case 'DiscriminatedObjectType': {
        const values = Object.keys(t.elements);
        return {
          type: 'object',
          required: [t.discriminator],
          properties: { [t.discriminator]: { enum: values } },
          allOf: values.map((value) => {
            const element = types[Number(t.elements[value].$ref.split('/').pop())];
            return {
              if: { properties: { [t.discriminator]: { const: value } } },
              // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords
              then: objectSchema(
                { ...t.baseProperties, ...element.properties },
                element.additionalProperties,
                path,
              ),
            };
          }),
        };
      }
      case 'ResourceType':
        return convert(types[Number(t.body.$ref.split('/').pop())], path);
      default:
        return {};
    }
  };

  const root = convert(types[Number(pointer)], '');
  return { ...root, definitions };
}

function join2(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** An expression stands for any value of the type; the marker passes, anything else is checked. */
function orExpression(schema: object): object {
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keywords
  return { if: { const: expressionMarker }, then: true, else: schema };
}

/** .NET patterns from the specs; the few JavaScript cannot compile are left unchecked. */
function jsPattern(pattern: string | undefined): string | undefined {
  if (pattern === undefined) return undefined;
  try {
    new RegExp(pattern, 'u');
    return pattern;
  } catch {
    return undefined;
  }
}

export function makeAjv(): Ajv {
  return new Ajv({ allErrors: true, strict: false });
}

const compiled = new Map<string, ValidateFunction | undefined>();

/**
 * Problems of one template resource against the full schema of its type@apiVersion; template
 * expressions ("[...]") are accepted wherever a value is expected.
 */
export function validateResource(
  ajv: Ajv,
  resource: { type: string; apiVersion: string; name: string; [key: string]: unknown },
): string[] {
  const type = legacyTypes[resource.type.toLowerCase()] ?? resource.type;
  const key = `${type}@${resource.apiVersion}`;
  if (!compiled.has(key.toLowerCase())) {
    const schema = resourceSchema(key);
    compiled.set(key.toLowerCase(), schema && ajv.compile(schema));
  }
  const validate = compiled.get(key.toLowerCase());
  if (!validate) return [`${key}: not in the Azure resource type index`];
  const body = Object.fromEntries(
    Object.entries({ ...resource, type }).filter(([k]) => !templateKeys.includes(k)),
  );
  if (validate(markExpressions(body))) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => `${key} ${resource.name}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
}

function markExpressions(value: unknown): unknown {
  if (typeof value === 'string') return /^\[(?!\[)[\s\S]*\]$/.test(value) ? expressionMarker : value;
  if (Array.isArray(value)) return value.map(markExpressions);
  if (value !== null && typeof value === 'object') {
    const { copy, ...rest } = value as Record<string, unknown>;
    const marked = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, markExpressions(v)]));
    // Property iteration ("copy": [{ name, count, input }]) builds the named properties at deployment.
    if (Array.isArray(copy))
      for (const loop of copy) marked[(loop as { name: string }).name] = expressionMarker;
    else if (copy !== undefined) marked.copy = markExpressions(copy);
    return marked;
  }
  return value;
}

/** Every resource of a template, nested deployments' templates included (languageVersion 2.0 too). */
export function templateResources(template: any): any[] {
  const list: any[] = Array.isArray(template.resources)
    ? template.resources
    : Object.values(template.resources ?? {});
  return list.flatMap((resource) => [
    resource,
    ...(resource.type === 'Microsoft.Resources/deployments' && resource.properties?.template
      ? templateResources(resource.properties.template)
      : []),
  ]);
}

/** Problems of every resource a template deploys (`existing` references are not deployed). */
export function validateTemplate(template: unknown): string[] {
  const ajv = makeAjv();
  return templateResources(template)
    .filter((resource) => resource.existing !== true)
    .flatMap((resource) => validateResource(ajv, resource));
}
