import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { formatDateTime, parseDateTime } from '../../src/kql/values/index.js';
import {
  formatJUnit,
  formatTextReport,
  loadRuleTestFile,
  resolveTime,
  runRuleTests,
} from '../../src/rules/testing/index.js';
import { testCatalog } from '../support/catalog.js';

const catalog = testCatalog({
  SigninLogs: {
    TimeGenerated: 'datetime',
    UserPrincipalName: 'string',
    IPAddress: 'string',
    ResultType: 'string',
    DurationMs: 'long',
  },
});

const RULE = `id: 0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e
name: Failed sign-ins
description: Failed sign-ins per IP
severity: Low
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  SigninLogs
  | where ResultType != "0"
  | summarize Failures = count() by IPAddress
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
customDetails:
  Failures: Failures
alertDetailsOverride:
  alertDisplayNameFormat: "{{Failures}} failures from {{IPAddress}}"
eventGroupingSettings:
  aggregationKind: AlertPerResult
`;

/** A fresh folder with the rule, its test file and any extra files. */
function workspace(test: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-ruletest-'));
  writeFileSync(join(dir, 'failed.yaml'), RULE);
  writeFileSync(join(dir, 'failed.test.yaml'), test);
  for (const [name, text] of Object.entries(extra)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const NOW = parseDateTime('2026-01-10T12:00:00Z')!;

describe('relative fixture times', () => {
  it.each([
    ['-10m', '2026-01-10T11:50:00Z'],
    ['-2h', '2026-01-10T10:00:00Z'],
    ['-1d', '2026-01-09T12:00:00Z'],
    ['+5m', '2026-01-10T12:05:00Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
  ])('%s resolves against now = 2026-01-10T12:00:00Z to %s', (input, expected) => {
    expect(formatDateTime(resolveTime(input, NOW)!)).toBe(expected);
  });

  it('rejects text that is neither relative nor absolute', () => {
    expect(resolveTime('yesterday', NOW)).toBeNull();
    expect(resolveTime('-10 parsecs', NOW)).toBeNull();
  });
});

describe('test file diagnostics', () => {
  const diagnosticsOf = (test: string, extra?: Record<string, string>) => {
    const dir = workspace(test, extra);
    return loadRuleTestFile(join(dir, 'failed.test.yaml'), catalog).diagnostics.map((d) => ({
      code: d.code,
      line: d.line,
      column: d.column,
      message: d.message,
    }));
  };

  it('an unknown table is reported at its key', () => {
    const found = diagnosticsOf(`cases:
  - name: c
    now: 2026-01-10T12:00:00Z
    tables:
      SignInLog: []
    expect: { alerts: 0 }
`);
    expect(found).toEqual([expect.objectContaining({ code: 'SK0403', line: 5, column: 7 })]);
  });

  it('a column not in the table schema is reported at the cell', () => {
    const found = diagnosticsOf(`cases:
  - name: c
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -5m, IpAddress: 203.0.113.5 }
    expect: { alerts: 0 }
`);
    expect(found).toEqual([expect.objectContaining({ code: 'SK0404', line: 6, column: 33 })]);
    expect(found[0].message).toContain("'IpAddress'");
  });

  it('a bad time in a fixture and a bad now are reported with positions', () => {
    const found = diagnosticsOf(`cases:
  - name: c
    now: tomorrow
    expect: { alerts: 0 }
  - name: d
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: ten minutes ago }
    expect: { alerts: 0 }
`);
    expect(found.map((d) => [d.code, d.line])).toEqual([
      ['SK0405', 3],
      ['SK0405', 9],
    ]);
  });

  it('a missing rule file is reported', () => {
    const found = diagnosticsOf(`rule: ./nope.yaml
cases:
  - { name: c, now: 2026-01-10T12:00:00Z, expect: { alerts: 0 } }
`);
    expect(found).toEqual([expect.objectContaining({ code: 'SK0406', line: 1, column: 7 })]);
  });

  it('a value of the wrong type and a typo in a field name are errors', () => {
    const found = diagnosticsOf(`cases:
  - name: c
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -5m, DurationMs: lots }
    expect: { alert: 1 }
`);
    expect(found.map((d) => d.code).sort()).toEqual(['SK0402', 'SK0408', 'SK0409']);
  });

  it('bad NDJSON and CSV fixture lines are reported in the fixture file', () => {
    const found = diagnosticsOf(
      `cases:
  - name: c
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: fixtures/rows.ndjson }
    expect: { alerts: 0 }
  - name: d
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: fixtures/rows.csv }
    expect: { alerts: 0 }
`,
      {
        'fixtures/rows.ndjson': '{"TimeGenerated":"-5m"}\n{not json\n',
        'fixtures/rows.csv': 'TimeGenerated,Bogus\n-5m,x\n',
      },
    );
    expect(found.map((d) => [d.code, d.line])).toEqual([
      ['SK0407', 2],
      ['SK0404', 2],
    ]);
  });
});

describe('running test files', () => {
  const rows = (ip: string, n: number) =>
    Array.from(
      { length: n },
      (_, i) => `        - { TimeGenerated: -${i + 1}m, IPAddress: ${ip}, ResultType: "50126" }`,
    ).join('\n');

  it('runs inline, NDJSON and CSV fixtures and checks alert details', () => {
    const dir = workspace(
      `cases:
  - name: inline rows
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
${rows('203.0.113.5', 3)}
    expect:
      alerts: 1
      alertDetails:
        - name: 3 failures from 203.0.113.5
          severity: Low
          entities: [ { type: IP, identifiers: { Address: 203.0.113.5 } } ]
          customDetails: { Failures: "3" }
  - name: ndjson rows, one outside the window
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: fixtures/rows.ndjson }
    expect: { alerts: 1, alertDetails: [ { name: 1 failures from 198.51.100.7 } ] }
  - name: csv rows
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: fixtures/rows.csv }
    expect: { alerts: 2 }
`,
      {
        'fixtures/rows.ndjson':
          '{"TimeGenerated":"-10m","IPAddress":"198.51.100.7","ResultType":"50126"}\n{"TimeGenerated":"-2h","IPAddress":"198.51.100.7","ResultType":"50126"}\n',
        'fixtures/rows.csv':
          'TimeGenerated,IPAddress,ResultType\n-5m,192.0.2.1,50126\n2026-01-10T11:30:00Z,192.0.2.2,50126\n-5m,192.0.2.3,0\n',
      },
    );
    const [result] = runRuleTests([dir], catalog);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.passed, c.failures])).toEqual([
      ['inline rows', true, []],
      ['ndjson rows, one outside the window', true, []],
      ['csv rows', true, []],
    ]);
  });

  // externaldata is served from local files the test maps each URL to; an unmapped URL is refused
  // rather than read as empty (https://learn.microsoft.com/kusto/query/externaldata-operator).
  it('externalData maps the URLs a rule reads to fixture files, per file and per case', () => {
    const rule = RULE.replace(
      'SigninLogs\n',
      'let Bad = externaldata(IP:string) [@"https://example.com/bad.csv?sig=secret"] with (format="csv");\n  SigninLogs\n  | where IPAddress in (Bad)\n',
    );
    const dir = workspace(
      `rule: ./bad.yaml
externalData:
  "https://example.com/bad.csv?sig=secret": fixtures/bad.csv
cases:
  - name: file-level list
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -10m, IPAddress: 203.0.113.5, ResultType: "50126" }
        - { TimeGenerated: -10m, IPAddress: 198.51.100.7, ResultType: "50126" }
    expect: { alerts: 1, alertDetails: [ { name: 1 failures from 203.0.113.5 } ] }
  - name: case-level list replaces it
    now: 2026-01-10T12:00:00Z
    externalData: { "https://example.com/bad.csv?sig=secret": fixtures/other.csv }
    tables:
      SigninLogs:
        - { TimeGenerated: -10m, IPAddress: 203.0.113.5, ResultType: "50126" }
        - { TimeGenerated: -10m, IPAddress: 198.51.100.7, ResultType: "50126" }
    expect: { alerts: 1, alertDetails: [ { name: 1 failures from 198.51.100.7 } ] }
`,
      { 'bad.yaml': rule, 'fixtures/bad.csv': '203.0.113.5\n', 'fixtures/other.csv': '198.51.100.7\n' },
    );
    const [result] = runRuleTests([dir], catalog);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.error, c.failures])).toEqual([
      ['file-level list', undefined, []],
      ['case-level list replaces it', undefined, []],
    ]);

    const unmapped = workspace(
      `rule: ./bad.yaml
cases:
  - { name: c, now: 2026-01-10T12:00:00Z, expect: { alerts: 0 } }
`,
      { 'bad.yaml': rule },
    );
    const [refused] = runRuleTests([unmapped], catalog);
    expect(refused.cases[0].passed).toBe(false);
    expect(refused.cases[0].error).toContain('has no local content');
    expect(refused.cases[0].error).not.toContain('secret');
  });

  it('an externalData file that cannot be read is reported at its entry', () => {
    const dir = workspace(`externalData:
  "https://example.com/x.csv": fixtures/missing.csv
cases:
  - { name: c, now: 2026-01-10T12:00:00Z, expect: { alerts: 0 } }
`);
    const found = loadRuleTestFile(join(dir, 'failed.test.yaml'), catalog).diagnostics;
    expect(found.map((d) => [d.code, d.line])).toEqual([['SK0407', 2]]);
  });

  it('a row with _IngestionTime later than the run execution (T + 5m) is not seen', () => {
    const dir = workspace(`cases:
  - name: late row missed
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -10m, _IngestionTime: +6m, IPAddress: 203.0.113.5, ResultType: "50126" }
        - { TimeGenerated: -10m, _IngestionTime: +4m, IPAddress: 198.51.100.7, ResultType: "50126" }
    expect: { alerts: 1, alertDetails: [ { name: 1 failures from 198.51.100.7 } ] }
`);
    expect(runRuleTests([dir], catalog)[0].cases.map((c) => c.failures)).toEqual([[]]);
  });

  // The docs fix the window length and the 5-minute delay, not which end of [T - queryPeriod, T] is
  // closed nor whether now() is T or the execution time: a case whose outcome depends on either is
  // flagged, whatever it expects.
  // https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#query-scheduling
  it('a row exactly on a window edge makes the case boundary-sensitive (a warning, not a failure)', () => {
    const dir = workspace(`cases:
  - name: on the window start
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: [ { TimeGenerated: -1h, IPAddress: 203.0.113.5, ResultType: "50126" } ] }
    expect: { alerts: 1 }
  - name: well inside the window
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: [ { TimeGenerated: -30m, IPAddress: 203.0.113.5, ResultType: "50126" } ] }
    expect: { alerts: 1 }
`);
    const [result] = runRuleTests([dir], catalog);
    expect(result.cases.map((c) => [c.passed, c.warnings.length])).toEqual([
      [true, 1],
      [true, 0],
    ]);
    expect(result.cases[0].warnings[0]).toMatch(/boundary-sensitive: .*which end is inclusive/);
    expect(formatTextReport([result])).toContain('warning: boundary-sensitive');
    expect(formatJUnit([result])).toContain('<system-out>warning: boundary-sensitive');
  });

  it('a case whose outcome depends on now() at T or at T + 5m is boundary-sensitive', () => {
    const ruleWithAgo = RULE.replace(
      '| where ResultType != "0"',
      '| where ResultType != "0" and TimeGenerated > ago(10m)',
    );
    const dir = workspace(`cases:
  - name: 8 minutes old
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: [ { TimeGenerated: -8m, IPAddress: 203.0.113.5, ResultType: "50126" } ] }
    expect: { alerts: 1 }
  - name: 2 minutes old
    now: 2026-01-10T12:00:00Z
    tables: { SigninLogs: [ { TimeGenerated: -2m, IPAddress: 203.0.113.5, ResultType: "50126" } ] }
    expect: { alerts: 1 }
`);
    writeFileSync(join(dir, 'failed.yaml'), ruleWithAgo);
    const [result] = runRuleTests([dir], catalog);
    expect(result.cases.map((c) => [c.passed, c.warnings])).toEqual([
      [true, [expect.stringMatching(/now\(\)\/ago\(\) at the scheduled time vs at execution/)]],
      [true, []],
    ]);
  });

  // "By design, NRT rules will only work properly on log sources with an ingestion delay of less than 12 hours."
  // https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#considerations
  it('an NRT case with a row ingested 12 hours or more late warns about the NRT ingestion-delay caveat', () => {
    const nrt = RULE.replace('kind: Scheduled', 'kind: NRT')
      .replace('queryFrequency: 1h\n', '')
      .replace('queryPeriod: 1h\n', '')
      .replace('triggerOperator: gt\n', '')
      .replace('triggerThreshold: 0\n', '');
    const dir = workspace(`cases:
  - name: a day late
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -1d, _IngestionTime: -30s, IPAddress: 203.0.113.5, ResultType: "50126" }
    expect: { alerts: 1 }
`);
    writeFileSync(join(dir, 'failed.yaml'), nrt);
    const [result] = runRuleTests([dir], catalog);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.cases.map((c) => [c.passed, c.warnings])).toEqual([
      [true, [expect.stringMatching(/SigninLogs: 1 row\(s\) ingested 12 hours or more after TimeGenerated/)]],
    ]);
  });

  // An ingestion-delay rule reads ingestion_time() (https://learn.microsoft.com/kusto/query/ingestion-time-function);
  // a fixture row's _IngestionTime is what it reads, and a row without one is ingested at its TimeGenerated.
  it("a rule reading ingestion_time() sees each fixture row's _IngestionTime", () => {
    const delayed = RULE.replace(
      '  | where ResultType != "0"\n',
      '  | where ResultType != "0" and ingestion_time() - TimeGenerated > 30m\n',
    );
    const dir = workspace(`cases:
  - name: only the late row
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -50m, _IngestionTime: -5m, IPAddress: 203.0.113.5, ResultType: "50126" }
        - { TimeGenerated: -40m, IPAddress: 198.51.100.7, ResultType: "50126" }
    expect: { alerts: 1, alertDetails: [ { name: 1 failures from 203.0.113.5 } ] }
`);
    writeFileSync(join(dir, 'failed.yaml'), delayed);
    const [result] = runRuleTests([dir], catalog);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.cases.map((c) => c.failures)).toEqual([[]]);
  });

  it('reports readable differences and JUnit failures for a wrong expectation', () => {
    const dir = workspace(`cases:
  - name: expects the wrong things
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
${rows('203.0.113.5', 2)}
    expect:
      alerts: 1
      alertDetails:
        - name: 3 failures from 203.0.113.5
          entities: [ { type: IP, identifiers: { Address: 203.0.113.9 } } ]
          customDetails: { Failures: "3" }
`);
    const results = runRuleTests([dir], catalog);
    const [c] = results[0].cases;
    expect(c.passed).toBe(false);
    expect(c.failures).toEqual([
      'alert 1 name:\n    expected "3 failures from 203.0.113.5"\n    actual   "2 failures from 203.0.113.5"',
      'alert 1 entities: missing IP(Address=203.0.113.9)',
      'alert 1 entities: unexpected IP(Address=203.0.113.5)',
      'alert 1 customDetails.Failures:\n    expected ["3"]\n    actual   ["2"]',
    ]);
    expect(formatTextReport(results)).toContain('FAIL expects the wrong things');
    const junit = formatJUnit(results);
    expect(junit).toContain('<testsuites name="sentinel-kit rule tests" tests="1" failures="1" errors="0">');
    expect(junit).toContain('<failure message="alert 1 name:">');
    expect(junit).toContain('expected &quot;3 failures from 203.0.113.5&quot;');
  });

  it('a test file that cannot load becomes a JUnit error, not a crash', () => {
    const dir = workspace(
      'cases: [ { name: c, now: 2026-01-10T12:00:00Z, tables: { Nope: [] }, expect: { alerts: 0 } } ]\n',
    );
    const results = runRuleTests([dir], catalog);
    expect(results[0].cases).toEqual([]);
    expect(formatJUnit(results)).toContain('errors="1"');
  });
});
