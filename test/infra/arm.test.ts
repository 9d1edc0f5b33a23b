import { describe, expect, it } from 'vitest';
import { build, placeholders } from '../../src/build/index.js';
import { fixtureRepo, repoRoot } from '../build/support.js';
import { bicepMissing, compiledMain } from './bicepCli.js';
import { makeAjv, templateResources, validateResource, validateTemplate } from './schemas.js';

/** Bicep CLI runs and converting large providers' types take tens of seconds on a busy 2-core machine. */
const heavy = 180_000;

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

const scheduledRule = {
  type: 'Microsoft.SecurityInsights/alertRules',
  name: '2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f',
  properties: {
    displayName: 'x',
    enabled: true,
    severity: 'Medium',
    query: 'T',
    queryFrequency: 'PT5M',
    queryPeriod: 'PT5M',
    triggerOperator: 'GreaterThan',
    triggerThreshold: 0,
    suppressionEnabled: false,
    suppressionDuration: 'PT5H',
  },
};

describe.skipIf(bicepMissing)('the full resource schemas (Azure.Bicep.Types.Az)', () => {
  it('reject what Azure rejects', () => {
    const ajv = makeAjv();
    const bad = {
      ...scheduledRule,
      apiVersion: '2025-09-01',
      kind: 'Scheduled',
      properties: { ...scheduledRule.properties, triggerOperator: 'gt', subTechniques: ['T1110.003'] },
    };
    const problems = validateResource(ajv, bad).join('\n');
    expect(problems).toMatch(/triggerOperator: must be equal to constant/);
    expect(problems).toMatch(/must NOT have additional properties.*subTechniques/);
  });

  it('knew that alertRules@2023-02-01-preview has no subTechniques for NRT rules (what main used to send)', () => {
    const nrt = {
      type: 'Microsoft.SecurityInsights/alertRules',
      name: 'b88180ff-0000-4000-8000-000000000000',
      kind: 'NRT',
      properties: {
        displayName: 'x',
        enabled: true,
        severity: 'High',
        query: 'T',
        suppressionEnabled: false,
        suppressionDuration: 'PT5H',
        techniques: ['T1078'],
        subTechniques: ['T1078.004'],
      },
    };
    const ajv = makeAjv();
    expect(validateResource(ajv, { ...nrt, apiVersion: '2023-02-01-preview' }).join('\n')).toMatch(
      /additional properties.*subTechniques/,
    );
    expect(validateResource(ajv, { ...nrt, apiVersion: '2025-10-01-preview' })).toEqual([]);
  });

  it('accept what Azure accepts: template fields the old hand-written subsets refused, and expressions', () => {
    const ajv = makeAjv();
    const rule = {
      ...scheduledRule,
      apiVersion: '2025-09-01',
      kind: 'Scheduled',
      scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspaceName'))]",
      dependsOn: ["[variables('workspaceId')]"],
      properties: {
        ...scheduledRule.properties,
        alertRuleTemplateName: '2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f',
        templateVersion: '1.0.0',
        severity: "[parameters('severity')]",
      },
    };
    expect(validateResource(ajv, rule)).toEqual([]);
  });
});

describe.skipIf(bicepMissing).each([
  ['fixture repository', fixtureRepo],
  ['this repository', repoRoot],
])('generated content of the %s', (_name, root) => {
  const { files, diagnostics } = build(root);
  const json = (path: string) => JSON.parse(files.get(path)!);

  /** type@apiVersion of a resource the compiled main.bicep deploys from module `module`. */
  const apiVersionIn = (module: string, type: string, kind?: string): string => {
    const deployment = templateResources(compiledMain()).find((r) => r.name === module);
    const resource = templateResources(deployment.properties.template).find(
      (r) => r.type === type && !r.existing && (kind === undefined || r.kind === kind),
    );
    return resource.apiVersion;
  };

  it('builds', () => expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]));

  it(
    'dist/azuredeploy.json passes the full resource schemas',
    () => {
      const template = json('dist/azuredeploy.json');
      expect(template.resources.length).toBeGreaterThan(2);
      expect(validateTemplate(template)).toEqual([]);
    },
    heavy,
  );

  it(
    'the Microsoft Sentinel Repositories layout: one valid template per item, each of one content type',
    () => {
      const layout = [...files.keys()].filter((path) => path.startsWith('sentinel/'));
      expect(layout.length).toBeGreaterThan(0);
      const contentTypes: Record<string, string> = {
        AnalyticsRules: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
        AutomationRules: 'Microsoft.OperationalInsights/workspaces/providers/automationRules',
        Parsers: 'Microsoft.OperationalInsights/workspaces/savedSearches',
      };
      for (const path of layout) {
        const template = json(path);
        // The Repositories script passes -workspace <name> and deploys a template only when every
        // resource is of a selected content type.
        expect(Object.keys(template.parameters), path).toEqual(['workspace']);
        expect(
          template.resources.map((r: any) => r.type),
          path,
        ).toEqual([contentTypes[path.split('/')[1]]]);
        expect(validateTemplate(template), path).toEqual([]);
      }
      const config = json('sentinel-deployment.config');
      expect(config.prioritizedcontentfiles.every((p: string) => files.has(p))).toBe(true);
      expect(config.excludecontentfiles).not.toContain('sentinel');
    },
    heavy,
  );

  it(
    'each generated item passes the schema of the resource the compiled Bicep module makes of it',
    () => {
      const ajv = makeAjv();
      const problems: string[] = [];
      const check = (resource: { type: string; apiVersion: string; name: string; [key: string]: unknown }) =>
        problems.push(...validateResource(ajv, resource));

      for (const rule of json('infra/generated/analyticsRules.json')) {
        const type = 'Microsoft.SecurityInsights/alertRules';
        const { requires: _requires, ...resource } = rule;
        check({ type, apiVersion: apiVersionIn('analytics-rules', type, rule.kind), ...resource });
      }
      for (const parser of json('infra/generated/parsers.json')) {
        const type = 'Microsoft.OperationalInsights/workspaces/savedSearches';
        const { usedBy: _usedBy, ...resource } = parser;
        check({ type, apiVersion: apiVersionIn('parsers', type), ...resource });
      }
      const automation = fillPlaceholders(files.get('infra/generated/automationRules.json')!) as any[];
      for (const { analyticRules: _rules, ...resource } of automation) {
        const type = 'Microsoft.SecurityInsights/automationRules';
        check({ type, apiVersion: apiVersionIn('automation-rules', type), ...resource });
      }
      for (const watchlist of json('infra/generated/watchlists.json')) {
        const type = 'Microsoft.SecurityInsights/watchlists';
        check({ type, apiVersion: apiVersionIn('watchlists', type), ...watchlist });
      }
      for (const table of json('infra/generated/tables.json')) {
        const type = 'Microsoft.OperationalInsights/workspaces/tables';
        check({ type, apiVersion: apiVersionIn('custom-tables', type), ...table });
      }
      for (const rule of json('infra/generated/summaryRules.json')) {
        const type = 'Microsoft.OperationalInsights/workspaces/summaryLogs';
        check({ type, apiVersion: apiVersionIn('summary-rules', type), ...rule });
      }
      for (const dcr of json('infra/generated/dataCollectionRules.json')) {
        // The part of the DCR the module takes from the generated file, as dataCollection.bicep builds it.
        const type = 'Microsoft.Insights/dataCollectionRules';
        check({
          type,
          apiVersion: apiVersionIn('data-collection', type),
          name: `dcr-${dcr.connector}`,
          kind: 'Direct',
          location: 'westeurope',
          properties: {
            streamDeclarations: dcr.streamDeclarations,
            destinations: {
              logAnalytics: [{ name: 'workspace', workspaceResourceId: fakeIds['{{workspaceResourceId}}'] }],
            },
            dataFlows: dcr.dataFlows.map((flow: object) => ({ ...flow, destinations: ['workspace'] })),
          },
        });
      }
      for (const ccf of json('infra/generated/ccfConnectors.json')) {
        // As ccfConnectors.bicep makes them: the definition as generated, the poller with its
        // {{parameters}} filled and the dcrConfig of the DCR it sends to.
        const definitionType = 'Microsoft.SecurityInsights/dataConnectorDefinitions';
        check({
          type: definitionType,
          apiVersion: apiVersionIn('ccf-connectors', definitionType),
          ...ccf.definition,
        });
        const type = 'Microsoft.SecurityInsights/dataConnectors';
        const filled = JSON.parse(
          JSON.stringify(ccf.poller.properties).replace(
            /\{\{(\w+)\}\}/g,
            (_: string, name: string) => `value-of-${name}`,
          ),
        );
        check({
          type,
          apiVersion: apiVersionIn('ccf-connectors', type),
          name: ccf.poller.name,
          kind: ccf.poller.kind,
          properties: {
            ...filled,
            dcrConfig: {
              streamName: ccf.poller.properties.dcrConfig.streamName,
              dataCollectionEndpoint: 'https://sk-dce-abcd.westeurope-1.ingest.monitor.azure.com',
              dataCollectionRuleImmutableId: 'dcr-00000000000000000000000000000000',
            },
          },
        });
      }
      expect(problems).toEqual([]);
    },
    heavy,
  );
});
