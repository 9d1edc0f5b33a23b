import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { run as validate } from '../../src/cli/commands/validate.js';
import { tablePlans } from '../../src/config.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { catalogOf, type TableSchema } from '../../src/kql/catalog.js';
import { tierDiagnostics } from '../../src/kql/tiers.js';
import { bicepMissing, infraDir, runBicep } from '../infra/bicepCli.js';
import { resourceSchema, validateTemplate } from '../infra/schemas.js';
import { runCommand } from '../support/cli.js';
import { copyFixtureRepo, editFile } from './support.js';

const heavy = 180_000;

/** The fixture repository with its connector table declared on `plan`. */
function repoWithPlan(plan: string): string {
  const root = copyFixtureRepo();
  editFile(root, 'connectors/demo/table.json', (t) =>
    t.replace('"name": "DemoAudit_CL",', `"name": "DemoAudit_CL",\n  "plan": "${plan}",`),
  );
  return root;
}

function generatedTables(root: string): { name: string; properties: { plan: string } }[] {
  const result = build(root);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return JSON.parse(result.files.get('infra/generated/tables.json')!);
}

describe('custom tables declare their plan (Microsoft.OperationalInsights/workspaces/tables properties.plan)', () => {
  it('build emits the plan table.json declares, Analytics when it declares none', () => {
    expect(generatedTables(repoWithPlan('Auxiliary'))[0].properties.plan).toBe('Auxiliary');
    expect(generatedTables(repoWithPlan('Basic'))[0].properties.plan).toBe('Basic');
    expect(generatedTables(copyFixtureRepo())[0].properties.plan).toBe('Analytics');
  });

  it('build refuses a plan Log Analytics does not have, at its position', () => {
    const result = build(repoWithPlan('Archive'));
    expect(result.files.size).toBe(0);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toContain(
      "connectors/demo/table.json:3:11: error SK0605: plan 'Archive' must be one of Analytics, Basic, Auxiliary",
    );
  });

  it.skipIf(bicepMissing)(
    'the real Bicep CLI compiles infra/modules/customTables.bicep with the emitted plan, and the ARM passes the tables schema',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'sk-plans-'));
      copyFileSync(join(infraDir, 'modules', 'customTables.bicep'), join(dir, 'customTables.bicep'));
      const compile = (tables: unknown) => {
        writeFileSync(join(dir, 'tables.json'), JSON.stringify(tables));
        writeFileSync(
          join(dir, 'main.bicep'),
          "module tables 'customTables.bicep' = {\n" +
            "  name: 'custom-tables'\n" +
            "  params: { workspaceName: 'ws-sentinel', tables: loadJsonContent('tables.json') }\n}\n",
        );
        const run = runBicep(['build', join(dir, 'main.bicep'), '--stdout']);
        expect(run.diagnostics).toEqual([]);
        return JSON.parse(run.stdout);
      };
      const tables = generatedTables(repoWithPlan('Basic'));
      const template = compile(tables);
      expect(JSON.stringify(template)).toContain('"plan":"Basic"');
      expect(validateTemplate(template)).toEqual([]);
      // The plans sentinel-kit accepts are the ones the tables API documents.
      const schema = JSON.stringify(
        resourceSchema('Microsoft.OperationalInsights/workspaces/tables@2025-07-01'),
      );
      for (const plan of tablePlans) expect(schema).toContain(`"const":"${plan}"`);
    },
    heavy,
  );
});

describe('tierDiagnostics: what a Basic or Auxiliary table does not support', () => {
  const tables: TableSchema[] = [
    {
      name: 'Verbose_CL',
      plan: 'Basic',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Host', type: 'string' },
      ],
    },
    {
      name: 'Archive_CL',
      plan: 'Auxiliary',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Host', type: 'string' },
      ],
    },
    {
      name: 'SigninLogs',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Host', type: 'string' },
      ],
    },
  ];
  const catalog = catalogOf(tables);
  const found = (query: string) =>
    tierDiagnostics(query, catalog).map((d) => `${query.slice(d.start, d.start + d.length)} | ${d.message}`);

  it('externaldata in a query that reads a Basic or Auxiliary table', () => {
    const query = 'Archive_CL | join (externaldata(Host:string)["https://example.com/hosts.csv"]) on Host';
    expect(found(query)).toEqual([
      'externaldata(Host:string)["https://example.com/hosts.csv"] | externaldata is not supported in a query that reads a Basic or Auxiliary table: Archive_CL (Auxiliary)',
    ]);
  });

  it('a lookback beyond the 30 days a Basic table answers for; Auxiliary spans its retention', () => {
    expect(found('Verbose_CL | where TimeGenerated > ago(90d)')).toEqual([
      'ago(90d) | Basic tables can be queried over the last 30 days only (Verbose_CL (Basic)); older data needs a search job',
    ]);
    expect(found('Verbose_CL | where TimeGenerated > ago(30d)')).toEqual([]);
    expect(found('Archive_CL | where TimeGenerated > ago(365d)')).toEqual([]);
  });

  it('nothing for Analytics tables, and joins across tiers are allowed (current basic-logs-query page)', () => {
    expect(
      found(
        'SigninLogs | where TimeGenerated > ago(90d) | join (externaldata(Host:string)["https://x"]) on Host',
      ),
    ).toEqual([]);
    expect(found('Verbose_CL | join kind=inner (SigninLogs) on Host')).toEqual([]);
  });
});

describe('validate warns with file:line:col when a hunting query uses what the plan does not support', () => {
  it('SK1107 on a hunting query over a Basic custom table', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sk-tier-'));
    mkdirSync(join(root, 'kql', 'schemas'), { recursive: true });
    mkdirSync(join(root, 'kql', 'hunting'), { recursive: true });
    writeFileSync(
      join(root, 'kql', 'schemas', 'Verbose_CL.json'),
      JSON.stringify({
        name: 'Verbose_CL',
        plan: 'Basic',
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'Host', type: 'string' },
        ],
      }),
    );
    writeFileSync(
      join(root, 'kql', 'hunting', 'old-hosts.yaml'),
      readFileSync(join(import.meta.dirname, 'fixtures', 'hunting-basic.yaml'), 'utf8'),
    );
    const { code, stdout } = await runCommand(validate, '--root', root, '--no-git');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /kql\/hunting\/old-hosts\.yaml:6:27: warning SK1107: Basic tables can be queried over the last 30 days only \(Verbose_CL \(Basic\)\)/,
    );
  });
});
