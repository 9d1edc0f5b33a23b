import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/migrate.js';
import { migrateFile } from '../../src/detections/migrate.js';
import { validateDetectionFiles } from '../../src/detections/validate.js';
import { findRuleFiles } from '../../src/rules/load.js';
import { catalog, mitre } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'sk-migrate-test-'));
let counter = 0;
function writeRule(lines: string[]): string {
  const path = join(dir, `rule-${++counter}.yaml`);
  writeFileSync(path, lines.join('\n'));
  return path;
}

const convertible = [
  'id: 6f1d3a52-0c4e-4d7a-9a51-1f0e4b9c2d11',
  'name: Office spawns encoded PowerShell',
  'description: Office apps starting PowerShell with an encoded command.',
  'severity: High',
  'kind: Scheduled',
  'queryFrequency: 1h',
  'queryPeriod: 4h',
  'triggerOperator: gt',
  'triggerThreshold: 0',
  'tactics: [Execution]',
  'relevantTechniques: [T1059.001]',
  'query: |',
  '  DeviceProcessEvents',
  '  | where InitiatingProcessFileName =~ "winword.exe" and FileName =~ "powershell.exe"',
  '  | project TimeGenerated, ReportId, DeviceId, DeviceName, AccountName, AccountDomain',
  'entityMappings:',
  '  - entityType: Host',
  '    fieldMappings: [{ identifier: HostName, columnName: DeviceName }]',
  '  - entityType: Account',
  '    fieldMappings: [{ identifier: Name, columnName: AccountName }, { identifier: NTDomain, columnName: AccountDomain }]',
];

afterEach(() => vi.restoreAllMocks());

describe('migrate', () => {
  it('converts a rule Defender can run as-is, into a detection that validates and keeps the schedule', () => {
    const { migration, yaml } = migrateFile(writeRule(convertible), catalog, mitre);
    expect(migration?.reasons).toEqual([]);
    expect(migration?.detection).toMatchObject({
      id: '6f1d3a52-0c4e-4d7a-9a51-1f0e4b9c2d11',
      schedule: { frequency: 'PT1H', lookback: 'PT4H' },
      detectionAction: {
        alertTemplate: {
          severity: 'high',
          entityMappings: {
            hosts: [{ nameColumn: 'DeviceName' }],
            accounts: [{ nameColumn: 'AccountName', ntDomainColumn: 'AccountDomain' }],
          },
          tactics: [{ tactic: 'Execution', techniques: [{ technique: 'T1059.001' }] }],
        },
      },
    });
    expect(yaml).toMatch(/queryText: \|/);
  });

  it('says exactly why a rule cannot move: frequency, lookback, trigger, suppression, entity fields', () => {
    const rule = convertible
      .map((line) =>
        line
          .replace('queryFrequency: 1h', 'queryFrequency: 2h')
          .replace('queryPeriod: 4h', 'queryPeriod: 1h')
          .replace('triggerThreshold: 0', 'triggerThreshold: 5')
          .replace('identifier: HostName', 'identifier: FullName'),
      )
      .concat(['suppressionEnabled: true', 'suppressionDuration: 5h']);
    const { migration } = migrateFile(writeRule(rule), catalog, mitre);
    expect(migration?.convertible).toBe(false);
    expect(migration?.reasons).toEqual([
      "queryPeriod PT1H is shorter than queryFrequency PT2H; a custom detection's lookback must be at least its frequency",
      "trigger 'gt 5': a custom detection alerts on every result row and has no threshold (filter in the query instead)",
      'suppression: custom detections have no "stop running after alert"',
      expect.stringMatching(/^entity mapping Host.FullName: no Graph entity-mapping field/),
      expect.stringMatching(/Custom frequency.*DeviceProcessEvents.*\[SK2003\]$/),
      expect.stringMatching(/at least the frequency \[SK2003\]$/),
    ]);
  });

  it('gives every starter rule a verdict; NRT rules on Sentinel tables and joins are refused by name', () => {
    const verdicts = new Map(
      findRuleFiles(['kql/rules']).map((path) => {
        const { migration, errors } = migrateFile(path, catalog, mitre);
        expect(errors).toEqual([]);
        return [path.replace(/.*[\\/]/, ''), migration!] as const;
      }),
    );
    expect(verdicts.size).toBeGreaterThan(10);
    expect(verdicts.get('security-log-cleared.yaml')?.reasons).toContain(
      'as a custom detection: Continuous (NRT) frequency: SecurityEvent does not support Continuous (NRT) frequency [SK2004]',
    );
    expect(verdicts.get('lsass-access.yaml')?.reasons).toContain(
      "as a custom detection: Continuous (NRT) frequency: 'join' is not allowed in a continuous query [SK2004]",
    );
    expect(verdicts.get('encoded-powershell.yaml')?.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^entity mapping Process.CommandLine/)]),
    );
    for (const migration of verdicts.values())
      expect(migration.convertible).toBe(migration.reasons.length === 0);
  });

  it('the CLI writes the detection only when the rule converts, and it validates where it lands', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sk-migrate-out-'));
    const target = join(out, 'detections');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    const good = writeRule(convertible);
    const bad = writeRule(convertible.map((l) => l.replace('queryFrequency: 1h', 'queryFrequency: 5m')));
    expect(await run([good, bad, '--out', target])).toBe(0);
    expect(lines[0]).toMatch(/can become a custom detection \(written to/);
    expect(lines.some((l) => /cannot become a custom detection/.test(l))).toBe(true);
    const written = findRuleFiles([target]);
    expect(written).toHaveLength(1);
    expect(readFileSync(written[0], 'utf8')).toMatch(/^# Migrated from the analytics rule/);
    expect(validateDetectionFiles(written, { catalog, mitre }).diagnostics).toEqual([]);
  });
});
