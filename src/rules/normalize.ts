import { type Document, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { z } from 'zod';

/**
 * Reads a rule document the way the Azure-Sentinel repository's CI does. Its validation
 * (.script/tests/detectionTemplateSchemaValidation) converts the YAML to JSON and binds it with
 * Newtonsoft.Json `JObject.ToObject`, which matches property names case-insensitively
 * (`datatypes` fills `dataTypes`) and leaves a property unset when its value is null
 * (`tactics:` with nothing after it). This edits the parsed YAML in place, before any check, so
 * positions still point at the user's text: keys and enum values are respelled as the schema
 * spells them, and null values of optional fields and null items of `tags` are removed.
 */
export function normalizeLikeSentinelCi(document: Document, schema: z.ZodType): void {
  const contents = document.contents as Node | null;
  if (isMap(contents)) normalizeMap(contents, schema);
}

interface Def {
  type: string;
  entries?: Record<string, string>;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under optional/nullable/default/transform wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
}

function normalizeMap(map: YAMLMap, schema: z.ZodType): void {
  const def = defOf(unwrap(schema));
  if (def.type !== 'object' || !def.shape) return;
  const shape = def.shape;
  const fields = Object.keys(shape);
  const present = new Set(map.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '')));
  map.items = map.items.filter((pair) => {
    if (!isScalar(pair.key)) return true;
    const key = String(pair.key.value);
    let field = shape[key] ? key : undefined;
    if (!field) {
      field = fields.find((f) => f.toLowerCase() === key.toLowerCase() && !present.has(f));
      if (field) pair.key.value = field;
    }
    if (!field) return true;
    const value = pair.value as Node | null;
    if (isNull(value)) return defOf(shape[field]).type !== 'optional';
    // Azure-Sentinel rules carry `tags:` lists with an empty item; the CI never reads tags.
    if (field === 'tags' && isSeq(value)) value.items = value.items.filter((item) => !isNull(item as Node));
    normalizeValue(value, shape[field]);
    return true;
  });
}

function normalizeValue(node: Node | null, schema: z.ZodType): void {
  const def = defOf(unwrap(schema));
  // The CI reads enums with StrictStringValueEnumConverter, a Newtonsoft StringEnumConverter that
  // refuses numbers but, like its base, matches names case-insensitively (`kind: scheduled`).
  if (def.type === 'enum' && def.entries && isScalar(node) && typeof node.value === 'string') {
    const value = node.value.toLowerCase();
    const spelling = Object.values(def.entries).find((entry) => entry.toLowerCase() === value);
    if (spelling) node.value = spelling;
    return;
  }
  if (isMap(node)) normalizeMap(node, schema);
  else if (isSeq(node) && def.type === 'array' && def.element) {
    for (const item of node.items) normalizeValue(item as Node, def.element as z.ZodType);
  }
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}
