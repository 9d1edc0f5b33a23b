import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { runRuleTests } from '../../src/rules/testing/index.js';

// A rule calling a Solution parser the catalog knows by its columns only (PRODAFTUstaCompromisedCredentials,
// from the Azure-Sentinel CI's CustomFunctions; MSBizAppsVIPUsers and ADOAuditLogs served until their
// published bodies were held):
// its test gives the parser's rows under its name, as for a table; a case that gives rows to other
// tables only is refused, since Azure's rows are unknown.
const catalog = loadCatalog(join(import.meta.dirname, '..', '..'));

const RULE = `id: 5f0e9b2a-7c41-4d3e-8a6b-1c2d3e4f5a6b
name: Failed sign-ins of users with leaked credentials
description: Failed sign-ins of users whose credentials USTA reports compromised
severity: Medium
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  SigninLogs
  | where ResultType != "0"
  | join kind=inner (PRODAFTUstaCompromisedCredentials | project UserPrincipalName = Username, Source) on UserPrincipalName
  | summarize Failures = count() by UserPrincipalName, Source
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: UserPrincipalName
`;

const TEST = `cases:
  - name: the parser's rows given under its name
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -10m, UserPrincipalName: ann@contoso.com, ResultType: "50126" }
        - { TimeGenerated: -12m, UserPrincipalName: bob@contoso.com, ResultType: "50126" }
      PRODAFTUstaCompromisedCredentials:
        - { TimeGenerated: -20m, Username: ann@contoso.com, Source: stealer-log }
    expect:
      alerts: 1
  - name: only the sign-ins given
    now: 2026-01-10T12:00:00Z
    tables:
      SigninLogs:
        - { TimeGenerated: -10m, UserPrincipalName: ann@contoso.com, ResultType: "50126" }
    expect:
      alerts: 0
`;

describe('rule tests of rules calling a parser known by its columns only', () => {
  it('take its rows under its name, and refuse a case that gives none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-parser-output-'));
    writeFileSync(join(dir, 'vip.yaml'), RULE);
    writeFileSync(join(dir, 'vip.test.yaml'), TEST);
    const [result] = runRuleTests([dir], catalog);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.passed, c.failures])).toEqual([
      ["the parser's rows given under its name", true, []],
      ['only the sign-ins given', false, []],
    ]);
    expect(result.cases[1].error).toContain('give rows for PRODAFTUstaCompromisedCredentials');
  });
});
