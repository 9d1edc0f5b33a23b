import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { copyFixtureRepo, editFile, fixtureRepo } from './support.js';

describe('build of summary rules (kql/summary → Microsoft.OperationalInsights/workspaces/summaryLogs)', () => {
  it('emits each rule as a summaryLogs resource of the stable API, after the custom tables, and no destination table', () => {
    const { files } = build(fixtureRepo);
    const template = JSON.parse(files.get('dist/azuredeploy.json')!);
    const rules = template.resources.filter(
      (r: any) => r.type === 'Microsoft.OperationalInsights/workspaces/summaryLogs',
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      apiVersion: '2025-07-01',
      name: "[format('{0}/{1}', parameters('workspaceName'), 'SigninFailuresHourly')]",
      properties: {
        ruleType: 'User',
        ruleDefinition: { binSize: 60, binDelay: 10, destinationTable: 'SigninFailuresHourly_CL' },
      },
    });
    expect(rules[0].dependsOn).toContain(
      "[resourceId('Microsoft.OperationalInsights/workspaces/tables', parameters('workspaceName'), 'DemoAudit_CL')]",
    );
    // Azure Monitor creates the destination table from the query on the first bin.
    const tables = template.resources.filter(
      (r: any) => r.type === 'Microsoft.OperationalInsights/workspaces/tables',
    );
    expect(tables.map((t: any) => t.name).join()).not.toContain('SigninFailuresHourly_CL');
    expect(JSON.parse(files.get('infra/generated/summaryRules.json')!)).toEqual([
      { name: 'SigninFailuresHourly', properties: rules[0].properties },
    ]);
  });

  it('stops on an invalid summary rule with a positioned error and writes nothing', () => {
    const root = copyFixtureRepo();
    editFile(root, 'kql/summary/signin-failures-hourly.yaml', (text) =>
      text.replace('binSize: 60', 'binSize: 90'),
    );
    const { files, diagnostics } = build(root);
    expect(files.size).toBe(0);
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /^kql\/summary\/signin-failures-hourly\.yaml:14:12: error SK2101: binSize 90 is not allowed/,
      ),
    ]);
  });
});
