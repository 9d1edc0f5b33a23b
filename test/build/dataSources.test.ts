import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { copyFixtureRepo, editFile, repoRoot } from './support.js';

const sprayFile = 'kql/rules/identity/password-spray.yaml';
const vipFile = 'kql/rules/identity/vip-signin-new-country.yaml';
/** The fixture rules declare the Entra ID connector; these replace (or drop) that declaration. */
const declared = /requiredDataConnectors:\n(?: {2}.*\n)+/;
const declareConnectors = (connectors: string) => (text: string) =>
  text.replace(declared, connectors ? `requiredDataConnectors:\n${connectors}` : '');

describe('rules gated on the data their queries read', () => {
  it('refuses a rule that reads a table no requiredDataConnectors entry lists, at file:line:col', () => {
    const root = copyFixtureRepo();
    for (const file of [sprayFile, vipFile]) editFile(root, file, declareConnectors(''));
    const { diagnostics } = build(root);
    const errors = diagnostics.filter((d) => d.code === 'SK1602').map(formatDiagnostic);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^kql\/rules\/identity\/password-spray\.yaml:14:8: error SK1602: the query reads SigninLogs, which no requiredDataConnectors entry lists/,
    );
  });

  it('groups connectors that supply the same table as alternatives, and tables it creates need none', () => {
    const root = copyFixtureRepo();
    editFile(
      root,
      sprayFile,
      declareConnectors(
        '  - connectorId: AzureActiveDirectory\n    dataTypes: [SigninLogs]\n' +
          '  - connectorId: AzureActiveDirectoryAma\n    dataTypes: [SigninLogs]\n' +
          '  - connectorId: DemoApi\n    dataTypes: [DemoAudit_CL]\n',
      ),
    );
    const { files, diagnostics } = build(root);
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const rules = JSON.parse(files.get('infra/generated/analyticsRules.json')!);
    const spray = rules.find((r: any) => r.name === '2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f');
    // DemoAudit_CL is the demo connector's custom table, created by the same deployment.
    expect(spray.requires).toEqual([['AzureActiveDirectory', 'AzureActiveDirectoryAma']]);

    // The standalone ARM template deploys the rule only when one of them is enabled.
    const arm = JSON.parse(files.get('dist/azuredeploy.json')!);
    const resource = arm.resources.find((r: any) => r.name === spray.name);
    expect(resource.condition).toBe(
      "[not(empty(intersection(createArray('AzureActiveDirectory', 'AzureActiveDirectoryAma'), parameters('enabledDataConnectors'))))]",
    );
    expect(arm.parameters.enabledDataConnectors.defaultValue).toEqual([]);
  });
});

describe('parsers of this repository', () => {
  const { files } = build(repoRoot);
  const parsers = JSON.parse(files.get('infra/generated/parsers.json')!);
  const rules = JSON.parse(files.get('infra/generated/analyticsRules.json')!);

  it('become workspace functions with their parameters, listing the rules that call them', () => {
    const ti = parsers.find((p: any) => p.name === 'ThreatIntelActiveIPs');
    expect(ti.properties).toMatchObject({
      functionAlias: 'ThreatIntelActiveIPs',
      functionParameters: 'lookback:timespan = 14d',
    });
    const callers = rules.filter((r: any) => r.properties.query.includes('ThreatIntelActiveIPs('));
    expect(callers.length).toBeGreaterThan(0);
    expect(ti.usedBy).toEqual(callers.map((r: any) => r.name).sort());
  });

  it('are deployed by the ARM template only with a rule that calls them', () => {
    const arm = JSON.parse(files.get('dist/azuredeploy.json')!);
    const ssh = arm.resources.find(
      (r: any) => r.type.endsWith('/savedSearches') && r.name.includes('SshAuthentication'),
    );
    expect(ssh.condition).toBe(
      "[not(empty(intersection(createArray('Syslog', 'SyslogAma'), parameters('enabledDataConnectors'))))]",
    );
    const caller = arm.resources.find(
      (r: any) => r.type.endsWith('/alertRules') && r.properties.query.includes('SshAuthentication'),
    );
    expect(caller.dependsOn).toContain(
      "[resourceId('Microsoft.OperationalInsights/workspaces/savedSearches', parameters('workspaceName'), 'SshAuthentication')]",
    );
  });
});

describe('the tables a rule reads come from the binder, not from its text', () => {
  // With ~900 catalog tables, `Operation`, `Event` and `Update` are both tables and common column
  // names: an OfficeActivity rule filtering on its Operation column reads OfficeActivity only.
  it('does not count a column or string spelled like a catalog table as a table the rule reads', () => {
    const root = copyFixtureRepo();
    editFile(root, sprayFile, (text) =>
      declareConnectors('  - connectorId: Office365\n    dataTypes: [OfficeActivity]\n')(text).replace(
        /query: \|\n(?: {2}.*\n)+/,
        'query: |\n  OfficeActivity\n  | where Operation == "Event" and OfficeWorkload != "Update"\n',
      ),
    );
    const { diagnostics } = build(root);
    const spray = diagnostics.filter((d) => d.file?.endsWith('password-spray.yaml') && d.code === 'SK1602');
    expect(spray.map(formatDiagnostic)).toEqual([]);
  });
});
