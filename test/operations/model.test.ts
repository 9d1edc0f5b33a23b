import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as validate } from '../../src/cli/commands/validate.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { loadOperationsFile, type OperationsContext } from '../../src/operations/load.js';
import { loadOperationsRepository } from '../../src/operations/repository.js';
import { repoRoot } from '../build/support.js';
import { runCommand } from '../support/cli.js';

const context: OperationsContext = {
  ruleTags: new Set(['Identity', 'CredentialDumping']),
  watchlists: new Map([
    ['VIPUsers', { alias: 'VIPUsers', searchKey: 'UserPrincipalName', columns: [], items: [] }],
  ]),
  tactics: new Set(['CredentialAccess', 'Persistence']),
};

const base = `tiers:
  - name: L1
    owner: { objectId: 6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f1, type: Group }
  - name: L2
    owner: { userPrincipalName: l2@contoso.com }
sla:
  High: { acknowledge: 15m, close: 4h }
  Medium: { acknowledge: 1h, close: 1d }
  Low: { acknowledge: 4h, close: 3d }
  Informational: { acknowledge: 1d, close: 7d }
routing:
  defaultTier: L1
  routes:
    - name: VIPs
      tier: L2
      when: { watchlist: { alias: VIPUsers, entity: Account } }
qa:
  - tier: L1
    sample: { FalsePositive: 0.25 }
`;

function check(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sk-ops-'));
  const path = join(dir, 'operations.yaml');
  writeFileSync(path, text);
  return loadOperationsFile(path, 'kql/operations.yaml', context).diagnostics.map(formatDiagnostic);
}

function edit(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`base has no '${from}'`);
  return base.replace(from, to);
}

describe('operations model', () => {
  it('accepts a complete model', () => {
    expect(check(base)).toEqual([]);
  });

  it.each([
    [
      'a route to a tier that does not exist',
      edit('      tier: L2', '      tier: L3'),
      "kql/operations.yaml:15:13: error SK0703: no tier named 'L3'; did you mean 'L1'? (tiers: L1, L2)",
    ],
    [
      'a rule tag no analytics rule carries',
      edit('{ watchlist: { alias: VIPUsers, entity: Account } }', '{ ruleTags: [Identity, Identiy] }'),
      "kql/operations.yaml:16:36: error SK0704: no analytics rule in kql/rules has tag 'Identiy'; did you mean 'Identity'?",
    ],
    [
      'an unknown watchlist',
      edit('alias: VIPUsers', 'alias: VIPUser'),
      "kql/operations.yaml:16:35: error SK0706: no watchlist 'VIPUser' in kql/watchlists; did you mean 'VIPUsers'?",
    ],
    [
      'an unknown tactic',
      edit(
        '{ watchlist: { alias: VIPUsers, entity: Account } }',
        '{ tactics: [CredentialAccess, Persistance] }',
      ),
      "kql/operations.yaml:16:43: error SK0705: unknown MITRE ATT&CK tactic 'Persistance'; did you mean 'Persistence'?",
    ],
    [
      'acknowledge longer than close',
      edit('High: { acknowledge: 15m, close: 4h }', 'High: { acknowledge: 5h, close: 4h }'),
      'kql/operations.yaml:7:24: error SK0708: time to acknowledge (5h) is longer than time to close (4h)',
    ],
    [
      'a duration that is not one',
      edit('close: 1d', 'close: one day'),
      'kql/operations.yaml:8:37: error SK0701: sla.Medium.close: must be a positive duration such as 15m, 4h, 2d or ISO 8601 PT15M',
    ],
    [
      'a QA share above 1',
      edit('FalsePositive: 0.25', 'FalsePositive: 25'),
      'kql/operations.yaml:19:30: error SK0701: qa.0.sample.FalsePositive: must be between 0 and 1',
    ],
    [
      'a Group owner without object id',
      edit('{ userPrincipalName: l2@contoso.com }', '{ userPrincipalName: l2@contoso.com, type: Group }'),
      'kql/operations.yaml:5:5: error SK0701: tiers.1.owner.objectId: a Group owner needs its objectId',
    ],
    [
      'a tier defined twice',
      edit('  - name: L2\n', '  - name: L1\n'),
      "kql/operations.yaml:4:11: error SK0702: tier 'L1' is defined twice",
    ],
    [
      'an unknown field',
      edit('routing:\n', 'routng: {}\nrouting:\n'),
      'kql/operations.yaml:1:1: error SK0701: Unrecognized key: "routng"',
    ],
  ])('reports %s at its position', (_, text, expected) => {
    expect(check(text)).toContain(expected);
  });

  it('warns about a severity without an SLA', () => {
    expect(check(edit('  Informational: { acknowledge: 1d, close: 7d }\n', ''))).toEqual([
      'kql/operations.yaml:7:3: warning SK0707: no SLA for Informational incidents: they never breach or escalate',
    ]);
  });

  it("the repository's kql/operations.yaml is valid against its rules, watchlists and ATT&CK", () => {
    const repo = loadOperationsRepository(repoRoot);
    expect(repo?.loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(repo?.loaded.model?.tiers.map((t) => t.name)).toEqual(['L1', 'L2', 'L3', 'L4']);
  });

  it('validate checks kql/operations.yaml beside the rules', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sk-ops-repo-'));
    cpSync(join(repoRoot, 'kql'), join(root, 'kql'), { recursive: true });
    const file = join(root, 'kql', 'operations.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('defaultTier: L1', 'defaultTier: L9'));
    const result = await runCommand(validate, '--root', root, '--no-git', join(root, 'kql', 'rules'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/kql\/operations\.yaml:\d+:16: error SK0703: no tier named 'L9'/);
  });
});
