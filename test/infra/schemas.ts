import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

export const schemasDir = fileURLToPath(new URL('../../infra/schemas', import.meta.url));

/** `type@apiVersion` → schema file, from infra/schemas/index.json. */
export const schemaIndex: Record<string, string> = JSON.parse(
  readFileSync(join(schemasDir, 'index.json'), 'utf8'),
);

export function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  return ajv;
}

/** Validates a template against the deployment-template subset and each resource against its type's schema. */
export function validateTemplate(template: unknown): string[] {
  const ajv = makeAjv();
  const problems: string[] = [];
  const top = ajv.compile(JSON.parse(readFileSync(join(schemasDir, 'deploymentTemplate.json'), 'utf8')));
  if (!top(template))
    problems.push(...(top.errors ?? []).map((e) => `template${e.instancePath}: ${e.message}`));
  for (const resource of (template as { resources?: any[] }).resources ?? []) {
    problems.push(...validateResource(ajv, resource));
  }
  return problems;
}

export function validateResource(
  ajv: Ajv,
  resource: { type: string; apiVersion: string; name: string },
): string[] {
  const key = `${resource.type}@${resource.apiVersion}`;
  const file = schemaIndex[key];
  if (!file) return [`${key}: no schema in infra/schemas/index.json`];
  if (!ajv.getSchema(key)) ajv.addSchema(JSON.parse(readFileSync(join(schemasDir, file), 'utf8')), key);
  const validate = ajv.getSchema(key)!;
  if (validate(resource)) return [];
  return (validate.errors ?? []).map(
    (e) => `${key} ${resource.name}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`,
  );
}
