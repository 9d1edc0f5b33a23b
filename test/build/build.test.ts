import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, staleFiles, writeBuild } from '../../src/build/index.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { copyFixtureRepo, editFile, fixtureRepo, repoRoot } from './support.js';

const goldenDir = new URL('./golden', import.meta.url).pathname;
const update = process.env.UPDATE_GOLDEN === '1';

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
      if (update) {
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
    const spray = rules.scheduled[0];
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
    expect(rules.nrt[0].properties).toMatchObject({
      techniques: ['T1078'],
      subTechniques: ['T1078.004'],
      enabled: false,
    });
    expect(rules.nrt[0].properties.queryFrequency).toBeUndefined();
  });

  it('uploads watchlists as RFC 4180 CSV', () => {
    const [vip] = JSON.parse(files.get('infra/generated/watchlists.json')!);
    expect(vip.properties.rawContent).toBe(
      'UserPrincipalName,Title\r\nceo@contoso.com,"Chief Executive Officer, Contoso"\r\n' +
        'it-admin@contoso.com,"Global ""break glass"" admin"\r\n',
    );
  });

  it('lists only the responders automation rules run, and keeps them out of the ARM template', () => {
    expect(JSON.parse(files.get('infra/generated/relays.json')!)).toEqual(['notify']);
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
  it('are up to date with kql/ and connectors/ (UPDATE_GOLDEN=1 rewrites them)', () => {
    const files = buildOk(repoRoot);
    if (update) writeBuild(repoRoot, files);
    // dist/ is build output and not committed; main.bicep reads infra/generated/.
    expect(staleFiles(repoRoot, files, (path) => path.startsWith('infra/generated/'))).toEqual([]);
  });
});
