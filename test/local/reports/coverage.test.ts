import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coverageMatrix } from '../../../src/local/reports/coverage.js';
import { loadMitre, parseMitre } from '../../../src/rules/mitre.js';
import type { AnalyticsRule } from '../../../src/rules/model.js';
import { repoRoot } from '../../build/support.js';

const attack = parseMitre({
  version: 'test',
  tactics: [
    { name: 'CredentialAccess', id: 'TA0006', displayName: 'Credential Access' },
    { name: 'Persistence', id: 'TA0003', displayName: 'Persistence' },
  ],
  techniques: [
    { id: 'T1110', name: 'Brute Force', tactics: ['CredentialAccess'] },
    { id: 'T1110.003', name: 'Password Spraying', tactics: ['CredentialAccess'] },
    { id: 'T1003', name: 'OS Credential Dumping', tactics: ['CredentialAccess'] },
    { id: 'T1098', name: 'Account Manipulation', tactics: ['Persistence', 'PrivilegeEscalation'] },
  ],
});

const rule = (name: string, tactics: string[], relevantTechniques: string[], enabled = true) =>
  ({ name, tactics, relevantTechniques, enabled }) as unknown as AnalyticsRule;

describe('the ATT&CK coverage matrix of the local SOC', () => {
  it('lists every technique of every tactic, covered or not, with the rules that cover it', () => {
    const matrix = coverageMatrix(
      [
        rule('spray', ['CredentialAccess'], ['T1110.003']),
        rule('brute', ['CredentialAccess'], ['T1110']),
        rule('off', ['Persistence'], ['T1098'], false),
      ],
      attack,
    );
    expect(matrix.map((c) => c.tactic)).toEqual(['CredentialAccess', 'Persistence']);
    expect(matrix[0].techniques).toEqual([
      { technique: 'T1110', name: 'Brute Force', rules: ['spray', 'brute'] },
      { technique: 'T1003', name: 'OS Credential Dumping', rules: [] },
    ]);
    // A disabled rule covers nothing: the gap shows.
    expect(matrix[1].techniques).toEqual([{ technique: 'T1098', name: 'Account Manipulation', rules: [] }]);
  });

  it('spans the whole Enterprise matrix of kql/mitre', () => {
    const mitre = loadMitre(join(repoRoot, 'kql/mitre/attack-enterprise.json'));
    const matrix = coverageMatrix([], mitre);
    expect(matrix).toHaveLength(14);
    const parents = [...mitre.techniques.values()].filter((t) => !t.id.includes('.'));
    // Every technique appears once under each of its (Enterprise) tactics.
    const cells = matrix.reduce((n, c) => n + c.techniques.length, 0);
    expect(cells).toBe(parents.reduce((n, t) => n + t.tactics.length, 0));
    expect(matrix.every((c) => c.techniques.every((t) => t.rules.length === 0))).toBe(true);
  });
});
