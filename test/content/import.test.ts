import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { build } from '../../src/build/index.js';
import { importContent } from '../../src/content/import.js';
import { validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { compileAlertRule } from '../../src/rules/compile/alertRule.js';
import { findRuleFiles, loadRuleFile } from '../../src/rules/load.js';

const root = join(import.meta.dirname, '..', '..');
const solution = join(import.meta.dirname, 'fixtures', 'Contoso SSO');

function writeAll(files: { path: string; text: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-import-'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.text);
  }
  return dir;
}

describe('sentinel-kit import', () => {
  it('imports a Solution folder: rules, hunting queries, parsers by FunctionAlias, custom tables', async () => {
    const result = importContent(solution);
    expect(result.files.map((f) => f.path).sort()).toEqual([
      'kql/hunting/ContosoSSORareCountry.yaml',
      'kql/parsers/ContosoSSO.yaml',
      'kql/rules/contoso-sso/ContosoSSOBruteForce.yaml',
      'kql/schemas/Contoso_CL.json',
    ]);
    expect(result.skipped.map((s) => s.from).sort()).toEqual([
      'Package/mainTemplate.json',
      'Workbooks/ContosoSSO.json',
    ]);
    expect(result.skipped.find((s) => s.from.startsWith('Workbooks'))?.reason).toMatch(/workbooks/);

    // What was imported validates together: the rule calls the parser, the parser reads the table.
    const dir = writeAll(result.files);
    const catalog = loadCatalog(dir);
    expect(catalog.functions.get('ContosoSSO')?.parameters).toEqual([
      { name: 'disabled', type: 'bool', default: 'false' },
    ]);
    const { diagnostics } = await validateContent([join(dir, 'kql')], {
      root: dir,
      catalog,
      compareWithGit: false,
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('gives back equivalent rules from the ARM template sentinel-kit build writes (round trip)', () => {
    const built = build(root);
    const template = built.files.get('dist/azuredeploy.json');
    expect(template).toBeDefined();
    const dir = writeAll([{ path: 'azuredeploy.json', text: template as string }]);
    const result = importContent(join(dir, 'azuredeploy.json'));
    const imported = writeAll(result.files);
    const originals = findRuleFiles([join(root, 'kql', 'rules')]).map((path) => loadRuleFile(path).rule);
    const again = findRuleFiles([join(imported, 'kql', 'rules')]).map((path) => loadRuleFile(path));
    expect(again.flatMap((l) => l.diagnostics.filter((d) => d.severity === 'error'))).toEqual([]);
    expect(again).toHaveLength(originals.length);
    const byId = new Map(again.map((l) => [l.rule?.id, l.rule]));
    for (const original of originals) {
      if (!original) throw new Error('a starter rule does not load');
      const copy = byId.get(original.id.toLowerCase()) ?? byId.get(original.id);
      expect(copy && compileAlertRule(copy)).toEqual(compileAlertRule(original));
    }
    // Watchlists come back too (their CSV columns as strings, as every starter watchlist's are).
    const watchlists = (at: string) =>
      [...loadCatalog(at, { builtin: false }).watchlists.values()].map(({ file, ...w }) => w);
    expect(watchlists(imported)).toEqual(watchlists(root));
    expect(watchlists(root).length).toBeGreaterThan(0);
    // Its parsers come back too where they take no parameters (a saved search's functionParameters
    // is not read from a template), with the same query.
    const parser = result.files.find((f) => f.path === 'kql/parsers/SshAuthentication.yaml');
    const queryOf = (text: string) => (parseDocument(text).toJS() as { query: string }).query.trimEnd();
    expect(parser && queryOf(parser.text)).toBe(
      queryOf(readFileSync(join(root, 'kql', 'parsers', 'SshAuthentication.yaml'), 'utf8')),
    );
    // Everything else in the template (automation, DCRs...) is reported, not dropped silently.
    expect(result.skipped.length).toBeGreaterThan(0);
    expect(
      result.skipped.every((s) =>
        /is not an analytics rule or a watchlist|takes parameters \(functionParameters\)/.test(s.reason),
      ),
    ).toBe(true);
  });

  it("imports the portal's Export template (workspace-provider resource names), skipping built-in rule kinds", () => {
    const exported = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      parameters: { workspace: { type: 'String' } },
      resources: [
        {
          id: "[concat(resourceId('Microsoft.OperationalInsights/workspaces/providers', parameters('workspace'), 'Microsoft.SecurityInsights'),'/alertRules/3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b')]",
          name: "[concat(parameters('workspace'),'/Microsoft.SecurityInsights/3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b')]",
          type: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
          kind: 'Scheduled',
          apiVersion: '2023-12-01-preview',
          properties: {
            displayName: 'Sign-ins from a blocked country',
            description: 'Exported from the portal.',
            severity: 'High',
            enabled: true,
            query: 'SigninLogs\n| where Location == "KP"',
            queryFrequency: 'PT1H',
            queryPeriod: 'PT1H',
            triggerOperator: 'GreaterThan',
            triggerThreshold: 0,
            suppressionDuration: 'PT5H',
            suppressionEnabled: false,
            tactics: ['InitialAccess'],
            techniques: ['T1078'],
            subTechniques: [],
            alertRuleTemplateName: null,
            templateVersion: null,
            entityMappings: null,
          },
        },
        {
          name: "[concat(parameters('workspace'),'/Microsoft.SecurityInsights/BuiltInFusion')]",
          type: 'Microsoft.OperationalInsights/workspaces/providers/alertRules',
          kind: 'Fusion',
          properties: { enabled: true, alertRuleTemplateName: 'f71aba3d-28fb-450b-b192-4e76a83015c8' },
        },
      ],
    };
    const dir = writeAll([{ path: 'export.json', text: JSON.stringify(exported) }]);
    const result = importContent(join(dir, 'export.json'));
    expect(result.files.map((f) => f.path)).toEqual([
      'kql/rules/imported/sign-ins-from-a-blocked-country.yaml',
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^Fusion rules are built into Sentinel/),
    ]);
    const loaded = loadRuleFile(join(writeAll(result.files), result.files[0].path));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.rule).toMatchObject({
      id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
      triggerOperator: 'gt',
      relevantTechniques: ['T1078'],
    });
  });

  it('reports files it cannot import and why', () => {
    const dir = writeAll([
      { path: 'loose/notes.yaml', text: 'just: a mapping\n' },
      { path: 'loose/broken.json', text: '{' },
      { path: 'loose/run.ps1', text: 'Write-Host hi' },
    ]);
    const reasons = importContent(join(dir, 'loose')).skipped.map((s) => `${s.from}: ${s.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/^broken\.json: not valid JSON/),
      expect.stringMatching(/^notes\.yaml: no query/),
      expect.stringMatching(/^run\.ps1: not content/),
    ]);
  });
});
