import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { defaultOperationsFile } from '../../functions/operations/config.js';
import { build } from '../../src/build/index.js';
import { repoRoot } from '../build/support.js';
import { bicepFiles, bicepMissing, compiledMain, runBicep } from './bicepCli.js';
import { hasResourceType, templateResources, validateTemplate } from './schemas.js';

/** Bicep CLI runs and converting large providers' types take tens of seconds on a busy 2-core machine. */
const heavy = 180_000;

const sources = bicepFiles.map((file) => ({ file, text: readFileSync(file, 'utf8') }));

function matches(pattern: RegExp): { file: string; value: string }[] {
  return sources.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => ({ file, value: m[1] })));
}

/** The template of the module deployment `name` in the compiled main.bicep. */
function moduleTemplate(name: string): any {
  const deployment = templateResources(compiledMain()).find(
    (r) => r.type === 'Microsoft.Resources/deployments' && r.name === name,
  );
  if (!deployment) throw new Error(`no module deployment '${name}' in the compiled main.bicep`);
  return deployment.properties.template;
}

describe('infra/*.bicep sources', () => {
  it('loads only generated files that the build produces, and modules that exist', () => {
    const { files } = build(repoRoot);
    const loaded = matches(/load(?:Json|Text)Content\('([^']+)'\)/g);
    expect(loaded.length).toBeGreaterThan(0);
    for (const { file, value } of loaded) {
      const path = join(dirname(file), value)
        .slice(repoRoot.length)
        .replace(/^[\\/]/, '');
      expect(files.has(path), `${file} loads ${value}`).toBe(true);
    }
    for (const { file, value } of matches(/^module\s+\w+\s+'([^']+)'/gm)) {
      expect(bicepFiles, `${file} uses ${value}`).toContain(join(dirname(file), value));
    }
  });

  it('describes every parameter and output', () => {
    for (const { file, text } of sources) {
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (/^(param|output)\s/.test(line)) {
          const above = lines.slice(Math.max(0, i - 4), i).join('\n');
          expect(above, `${file}:${i + 1} ${line}`).toMatch(/@description\(/);
        }
      });
    }
  });

  it('keeps secrets out of app settings: third-party keys are Key Vault references', () => {
    const functionApp = sources.find(({ file }) => file.endsWith('functionApp.bicep'))!.text;
    expect(functionApp).toContain('@Microsoft.KeyVault(SecretUri=');
    expect(functionApp).not.toMatch(/listKeys|AccountKey=/);
    expect(functionApp).toContain('allowSharedKeyAccess: false');
  });

  it.skipIf(bicepMissing)(
    `declares only resource types that the Azure type index has${bicepMissing ? ` (skipped: ${bicepMissing})` : ''}`,
    () => {
      const declared = matches(/^resource\s+\w+\s+'([^']+)'/gm);
      expect(declared.length).toBeGreaterThan(20);
      expect(declared.filter(({ value }) => !hasResourceType(value))).toEqual([]);
    },
  );
});

describe.skipIf(bicepMissing)(`the Bicep CLI${bicepMissing ? ` (skipped: ${bicepMissing})` : ''}`, () => {
  it(
    'compiles infra/main.bicep with no diagnostic at all',
    () => {
      // Was: BCP138 (concat of for-expressions in analyticsRules.bicep), BCP178 (app settings loop
      // over runtime values in functionApp.bicep), BCP187/BCP037 in relays.bicep.
      const run = runBicep(['build', join(repoRoot, 'infra/main.bicep'), '--stdout']);
      expect(run.diagnostics).toEqual([]);
      expect(run.status).toBe(0);
    },
    heavy,
  );

  it(
    'lints every .bicep file under infra/ with infra/bicepconfig.json: 0 errors, 0 warnings',
    () => {
      // Was: secure-secrets-in-params, no-unnecessary-dependson, use-recent-api-versions,
      // what-if-short-circuiting (module outputs used as resource names).
      const run = runBicep(['lint', '--pattern', `${repoRoot}/infra/**/*.bicep`]);
      expect(run.diagnostics).toEqual([]);
      expect(run.status).toBe(0);
    },
    heavy,
  );

  it(
    'infra/bicepconfig.json makes the core linter rules errors',
    () => {
      const config = JSON.parse(readFileSync(join(repoRoot, 'infra/bicepconfig.json'), 'utf8'));
      for (const rule of [
        'no-unused-params',
        'no-unused-vars',
        'use-secure-value-for-secure-inputs',
        'outputs-should-not-contain-secrets',
        'use-recent-api-versions',
        'no-hardcoded-env-urls',
        'use-resource-id-functions',
        'secure-secrets-in-params',
        'no-unnecessary-dependson',
      ]) {
        expect(config.analyzers.core.rules[rule]?.level, rule).toBe('error');
      }
      // ... and the CLI reads it that way: an unused parameter fails the lint.
      const dir = mkdtempSync(join(tmpdir(), 'sk-lint-'));
      copyFileSync(join(repoRoot, 'infra/bicepconfig.json'), join(dir, 'bicepconfig.json'));
      writeFileSync(join(dir, 'unused.bicep'), "@description('x')\nparam unused string\n");
      const run = runBicep(['lint', join(dir, 'unused.bicep')]);
      expect(run.diagnostics.join('\n')).toMatch(/Error no-unused-params/);
      expect(run.status).not.toBe(0);
    },
    heavy,
  );

  it(
    'the compiled ARM passes the full resource schemas of every type it deploys',
    () => {
      const resources = templateResources(compiledMain());
      expect(new Set(resources.map((r) => r.type)).size).toBeGreaterThan(15);
      expect(validateTemplate(compiledMain())).toEqual([]);
    },
    heavy,
  );

  it('reads no keys at deployment time (listKeys raced the Flex Consumption storage role) and shares none', () => {
    const text = JSON.stringify(compiledMain());
    expect(text).not.toMatch(/listKeys|x-functions-key|functionKey/);
  });

  it('relays call their responder with their own managed identity and can read Sentinel', () => {
    const relays = moduleTemplate('relay-playbooks');
    const resources = templateResources(relays);
    const workflow = resources.find((r) => r.type === 'Microsoft.Logic/workflows');
    expect(workflow.identity).toEqual({ type: 'SystemAssigned' });
    const call = workflow.properties.definition.actions.Call_responder.inputs;
    expect(call.authentication.type).toBe('ManagedServiceIdentity');
    expect(relays.variables.tokenAudience).toBe('[environment().resourceManager]');
    // One Microsoft Sentinel Responder assignment per relay identity, on the workspace.
    const readers = resources.filter(
      (r) =>
        r.type === 'Microsoft.Authorization/roleAssignments' &&
        r.properties.principalId.includes("resourceId('Microsoft.Logic/workflows'"),
    );
    expect(readers).toHaveLength(1);
    expect(readers[0].copy.count).toBe("[length(parameters('relays'))]");
    expect(readers[0].scope).toContain('Microsoft.OperationalInsights/workspaces');
    expect(readers[0].properties.roleDefinitionId).toContain('sentinelResponder');
    expect(relays.variables.roles.sentinelResponder).toBe('3e150937-b8fe-4cfb-8069-0eaf05ecd056');
  });

  it('grants Sentinel the right to run the relays on every deployment (the principal id is required)', () => {
    const parameter = compiledMain().parameters.sentinelAutomationPrincipalId;
    expect(parameter.defaultValue).toBeUndefined();
    const relays = templateResources(moduleTemplate('relay-playbooks'));
    const grant = relays.find(
      (r) =>
        r.type === 'Microsoft.Authorization/roleAssignments' &&
        JSON.stringify(r.properties).includes('sentinelAutomationContributor'),
    );
    expect(grant.condition ?? 'unconditional').not.toMatch(/sentinelAutomationPrincipalId/);
  });

  it(
    "gives the soc-operations timer its settings: the workspace, the packaged model, each tier's Teams webhook as a Key Vault reference",
    () => {
      // main.bicep's own declaration, evaluated by the CLI: exported from a copy beside a copy of the
      // generated file it loads, and read back through a parameters file that imports it.
      const main = readFileSync(join(repoRoot, 'infra/main.bicep'), 'utf8');
      const declaration = /^var tierWebhookSecrets = [\s\S]*?^\)$/m.exec(main)?.[0];
      expect(declaration).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'sk-ops-'));
      mkdirSync(join(dir, 'generated'));
      copyFileSync(join(repoRoot, 'infra/generated/operations.json'), join(dir, 'generated/operations.json'));
      writeFileSync(join(dir, 'values.bicep'), `@export()\n${declaration}\n`);
      writeFileSync(
        join(dir, 'values.bicepparam'),
        "using none\nimport { tierWebhookSecrets } from 'values.bicep'\nparam webhooks = tierWebhookSecrets\n",
      );
      const run = runBicep(['build-params', join(dir, 'values.bicepparam'), '--stdout']);
      expect(run.diagnostics).toEqual([]);
      const values = JSON.parse(JSON.parse(run.stdout).parametersJson).parameters;
      const model = JSON.parse(readFileSync(join(repoRoot, 'infra/generated/operations.json'), 'utf8')).model;
      const settings: string[] = model.tiers.flatMap((t: any) => t.teams?.webhookSetting ?? []);
      expect(settings).toEqual([
        'TEAMS_WEBHOOK_L1',
        'TEAMS_WEBHOOK_L2',
        'TEAMS_WEBHOOK_L3',
        'TEAMS_WEBHOOK_L4',
      ]);
      expect(values.webhooks.value).toEqual({
        TEAMS_WEBHOOK_L1: 'teams-webhook-l1',
        TEAMS_WEBHOOK_L2: 'teams-webhook-l2',
        TEAMS_WEBHOOK_L3: 'teams-webhook-l3',
        TEAMS_WEBHOOK_L4: 'teams-webhook-l4',
      });

      const app = templateResources(compiledMain()).find((r) => r.name === 'function-app').properties
        .parameters;
      expect(app.keyVaultReferences.value).toBe(
        "[union(variables('tierWebhookSecrets'), parameters('keyVaultReferences'))]",
      );
      expect(app.settings.value).toMatch(
        /'SENTINEL_WORKSPACE_RESOURCE_ID', reference\([^)]*'workspace'\)[^,]*,[^,]*\)\.outputs\.id\.value/,
      );
      expect(app.settings.value).toContain(`'SOC_OPERATIONS_FILE', '${defaultOperationsFile}'`);
      // Key Vault references become app settings in functionApp.bicep, never the URLs themselves.
      expect(JSON.stringify(compiledMain())).not.toMatch(/webhook\.office\.com|logic\.azure\.com/);
    },
    heavy,
  );

  it('deploys parsers as workspace functions before the rules that call them', () => {
    const parsers = templateResources(moduleTemplate('parsers'));
    expect(parsers.map((r) => r.type)).toContain('Microsoft.OperationalInsights/workspaces/savedSearches');
    const analytics = templateResources(compiledMain()).find((r) => r.name === 'analytics-rules');
    expect(analytics.dependsOn).toContain("[resourceId('Microsoft.Resources/deployments', 'parsers')]");
  });
});
