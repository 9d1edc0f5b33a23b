import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSummaryTests } from '../../src/summary/testing.js';
import { baseSummary, catalog, writeSummary } from './support.js';

describe('summary rule tests (*.test.yaml under summary/)', () => {
  it('runs the starter rule cases: bin window, bin delay, late rows, standard columns', () => {
    const [file] = runSummaryTests(['kql/summary'], catalog);
    expect(file.diagnostics).toEqual([]);
    expect(file.cases.map((c) => [c.name, c.passed, c.failures])).toEqual(
      file.cases.map((c) => [c.name, true, []]),
    );
    expect(file.cases).toHaveLength(3);
  });

  it('renames a reserved result column to <name>_Original and stamps TimeGenerated with the bin start', () => {
    const rule = baseSummary();
    rule.ruleDefinition.query =
      'SigninLogs\n| summarize TimeGenerated = max(TimeGenerated), Type = "x" by UserPrincipalName\n';
    const path = writeSummary(rule, 'reserved.yaml');
    writeFileSync(
      join(dirname(path), 'reserved.test.yaml'),
      [
        'cases:',
        '  - name: reserved columns',
        '    now: 2026-01-10T12:30:00Z',
        '    tables:',
        '      SigninLogs:',
        '        - { TimeGenerated: 2026-01-10T11:20:00Z, UserPrincipalName: erin@contoso.com, ResultType: "50126" }',
        '    expect:',
        '      rows: 1',
        '      rowDetails:',
        '        - { TimeGenerated: 2026-01-10T11:00:00Z, TimeGenerated_Original: 2026-01-10T11:20:00Z, Type_Original: x, _BinSize: 60 }',
        '',
      ].join('\n'),
    );
    const [file] = runSummaryTests([dirname(path)], catalog);
    expect(file.diagnostics).toEqual([]);
    expect(file.cases[0].failures).toEqual([]);
    expect(file.cases[0].passed).toBe(true);
  });

  it('reports a wrong expectation with the rows written', () => {
    const path = writeSummary(baseSummary(), 'wrong.yaml');
    writeFileSync(
      join(dirname(path), 'wrong.test.yaml'),
      [
        'cases:',
        '  - name: expects too much',
        '    now: 2026-01-10T12:30:00Z',
        '    tables:',
        '      SigninLogs:',
        '        - { TimeGenerated: -70m, UserPrincipalName: erin@contoso.com, ResultType: "50126" }',
        '    expect: { rows: 1, rowDetails: [{ UserPrincipalName: erin@contoso.com, Failures: 2 }] }',
        '',
      ].join('\n'),
    );
    const [result] = runSummaryTests([dirname(path)], catalog)[0].cases;
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      expect.stringContaining(
        'row 1: expected a row with {"UserPrincipalName":"erin@contoso.com","Failures":"2"}',
      ),
    ]);
    expect(result.failures[0]).toContain('"Failures":"1"');
  });

  it('refuses an alert expectation in a summary-rule case, at its position', () => {
    const path = writeSummary(baseSummary(), 'alerts.yaml');
    writeFileSync(
      join(dirname(path), 'alerts.test.yaml'),
      [
        'cases:',
        '  - name: expects alerts',
        '    now: 2026-01-10T12:30:00Z',
        '    expect: { alerts: 1 }',
        '',
      ].join('\n'),
    );
    const [file] = runSummaryTests([dirname(path)], catalog);
    expect(file.cases).toEqual([]);
    expect(file.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([
      'SK0409 4:15',
      'SK0402 4:5',
    ]);
  });
});
