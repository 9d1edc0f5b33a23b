import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, placeholders } from '../../src/build/index.js';
import { fixtureRepo, repoRoot } from '../build/support.js';
import { makeAjv, schemaIndex, schemasDir, validateResource, validateTemplate } from './schemas.js';

const fakeIds: Record<string, string> = {
  [placeholders.workspaceResourceId]:
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws',
  [placeholders.resourceGroupId]: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg',
  [placeholders.tenantId]: '11111111-1111-1111-1111-111111111111',
};

/** What main.bicep does to automationRules.json before deploying it. */
function fillPlaceholders(text: string): unknown {
  return JSON.parse(Object.entries(fakeIds).reduce((t, [token, id]) => t.replaceAll(token, id), text));
}

describe('infra/schemas', () => {
  it('every schema compiles and every file is listed in index.json', () => {
    const ajv = makeAjv();
    for (const file of Object.values(schemaIndex)) {
      expect(() => ajv.compile(JSON.parse(readFileSync(join(schemasDir, file), 'utf8'))), file).not.toThrow();
    }
    const onDisk = readdirSync(schemasDir).filter(
      (f) => f !== 'index.json' && f !== 'deploymentTemplate.json',
    );
    expect(onDisk.sort()).toEqual(Object.values(schemaIndex).sort());
  });

  it('reject what Azure rejects (the schemas are not vacuous)', () => {
    const ajv = makeAjv();
    const rule = {
      type: 'Microsoft.SecurityInsights/alertRules',
      apiVersion: '2024-09-01',
      name: '2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f',
      kind: 'Scheduled',
      properties: {
        displayName: 'x',
        enabled: true,
        severity: 'Medium',
        query: 'T',
        queryFrequency: '5m',
        queryPeriod: 'PT5M',
        triggerOperator: 'gt',
        triggerThreshold: 0,
        suppressionEnabled: false,
        suppressionDuration: 'PT5H',
        subTechniques: ['T1110.003'],
      },
    };
    const problems = validateResource(ajv, rule).join('\n');
    expect(problems).toMatch(/queryFrequency: must match pattern/);
    expect(problems).toMatch(/triggerOperator: must be equal to one of the allowed values/);
    expect(problems).toMatch(/must NOT have additional properties.*subTechniques/);
  });
});

describe.each([
  ['fixture repository', fixtureRepo],
  ['this repository', repoRoot],
])('generated ARM for the %s', (_name, root) => {
  const { files, diagnostics } = build(root);
  it('builds', () => expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]));

  it('dist/azuredeploy.json validates against the template and resource schemas', () => {
    const template = JSON.parse(files.get('dist/azuredeploy.json')!);
    expect(template.resources.length).toBeGreaterThan(2);
    expect(validateTemplate(template)).toEqual([]);
  });

  it('automation rules for main.bicep validate once their placeholders are filled', () => {
    const ajv = makeAjv();
    const rules = fillPlaceholders(files.get('infra/generated/automationRules.json')!) as any[];
    for (const rule of rules) {
      const resource = {
        type: 'Microsoft.SecurityInsights/automationRules',
        apiVersion: '2024-09-01',
        ...rule,
      };
      expect(validateResource(ajv, resource)).toEqual([]);
    }
  });
});
