import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, isCommittedOutput, staleFiles, writeBuild } from '../../src/build/index.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { copyFixtureRepo, editFile, fixtureRepo, repoRoot } from './support.js';

const goldenDir = new URL('./golden', import.meta.url).pathname;
const update = process.env.UPDATE_GOLDEN === '1';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('golden files', () => {
  it('cannot be rewritten in CI: UPDATE_GOLDEN=1 would make the test agree with the code under test', () => {
    expect(
      process.env.CI === 'true' && update,
      'UPDATE_GOLDEN=1 is refused under CI=true; regenerate golden files locally and review the diff',
    ).toBe(false);
  });

  it('are exactly the files the build produces (no leftover golden file goes unchecked)', () => {
    const produced = [...build(fixtureRepo).files.keys()].sort();
    expect(filesUnder(goldenDir).sort()).toEqual(produced);
  });
});

function buildOk(root: string): Map<string, string> {
  const result = build(root);
  expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return result.files;
}

describe('build of the fixture repository', () => {
  const files = buildOk(fixtureRepo);

  it('matches the golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
    for (const [path, content] of files) {
      const golden = join(goldenDir, path);
      if (update && process.env.CI !== 'true') {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, content);
      }
      expect(existsSync(golden), `${golden} missing; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(content, path).toBe(readFileSync(golden, 'utf8'));
    }
  });

  it('is deterministic: a second build gives the same bytes', () => {
    expect(buildOk(fixtureRepo)).toEqual(files);
  });

  it('maps rule YAML to ARM alert rule properties', () => {
    const rules = JSON.parse(files.get('infra/generated/analyticsRules.json')!);
    const spray = rules.find((rule: any) => rule.kind === 'Scheduled');
    const nrt = rules.find((rule: any) => rule.kind === 'NRT');
    expect(spray.name).toBe('2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f');
    expect(spray.properties).toMatchObject({
      queryFrequency: 'PT1H',
      suppressionDuration: 'PT1H30M',
      triggerOperator: 'GreaterThan',
      techniques: ['T1110'],
      incidentConfiguration: {
        groupingConfiguration: { lookbackDuration: 'PT5H', matchingMethod: 'Selected' },
      },
    });
    // The GA API version has no subTechniques; the NRT (preview) one splits them out.
    expect(spray.properties.subTechniques).toBeUndefined();
    expect(nrt.properties).toMatchObject({
      techniques: ['T1078'],
      subTechniques: ['T1078.004'],
      enabled: false,
    });
    expect(nrt.properties.queryFrequency).toBeUndefined();
  });

  it('uploads watchlists as RFC 4180 CSV', () => {
    const [vip] = JSON.parse(files.get('infra/generated/watchlists.json')!);
    expect(vip.properties.rawContent).toBe(
      'UserPrincipalName,Title\r\nceo@contoso.com,"Chief Executive Officer, Contoso"\r\n' +
        'it-admin@contoso.com,"Global ""break glass"" admin"\r\n',
    );
  });

  it('lists a relay per responder and trigger kind that automation rules run, and keeps them out of the ARM template', () => {
    // Sentinel runs only alert-trigger playbooks from alert-created automation rules.
    expect(JSON.parse(files.get('infra/generated/relays.json')!)).toEqual([
      { name: 'relay-notify', responder: 'notify', trigger: 'incident' },
      { name: 'relay-notify-alert', responder: 'notify', trigger: 'alert' },
    ]);
    const compiled = JSON.parse(files.get('infra/generated/automationRules.json')!);
    const onAlerts = compiled.find((rule: any) => rule.properties.triggeringLogic.triggersOn === 'Alerts');
    expect(onAlerts.properties.actions[0].actionConfiguration.logicAppResourceId).toBe(
      '{{resourceGroupId}}/providers/Microsoft.Logic/workflows/relay-notify-alert',
    );
    const arm = JSON.parse(files.get('dist/azuredeploy.json')!);
    const automation = arm.resources.filter(
      (r: any) => r.type === 'Microsoft.SecurityInsights/automationRules',
    );
    expect(automation.map((r: any) => r.name)).toEqual(['5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b']);
  });
});

describe('a rule change', () => {
  it('changes exactly that rule resource and nothing else', () => {
    const root = copyFixtureRepo();
    const before = buildOk(root);
    editFile(root, 'kql/rules/identity/password-spray.yaml', (text) =>
      text.replace('FailedUsers >= 10', 'FailedUsers >= 20'),
    );
    const after = buildOk(root);

    const changedFiles = [...after.keys()].filter((path) => after.get(path) !== before.get(path));
    // The rule reads SigninLogs through the Entra ID connector, so the Repositories layout (which
    // deploys every item it holds) leaves it out; only the template and generated list change.
    expect(changedFiles.sort()).toEqual(['dist/azuredeploy.json', 'infra/generated/analyticsRules.json']);

    const oldArm = JSON.parse(before.get('dist/azuredeploy.json')!);
    const newArm = JSON.parse(after.get('dist/azuredeploy.json')!);
    expect(newArm.resources).toHaveLength(oldArm.resources.length);
    const changed = newArm.resources.filter(
      (resource: unknown, i: number) => JSON.stringify(resource) !== JSON.stringify(oldArm.resources[i]),
    );
    expect(changed.map((r: any) => r.name)).toEqual(['2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f']);
    expect(changed[0].properties.query).toContain('FailedUsers >= 20');
    const { resources: _new, ...restNew } = newArm;
    const { resources: _old, ...restOld } = oldArm;
    expect(restNew).toEqual(restOld);
  });
});

describe('generated files committed in this repository', () => {
  it('are up to date with kql/, connectors/ and infra/main.parameters.json (UPDATE_GOLDEN=1 rewrites them)', () => {
    const files = buildOk(repoRoot);
    if (update && process.env.CI !== 'true') writeBuild(repoRoot, files);
    // dist/ is build output and not committed; main.bicep reads infra/generated/.
    expect(staleFiles(repoRoot, files, isCommittedOutput)).toEqual([]);
  });
});
