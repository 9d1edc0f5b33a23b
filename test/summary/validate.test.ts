import { describe, expect, it } from 'vitest';
import { contentKindOf } from '../../src/content/validate.js';
import { validateSummaryFiles } from '../../src/summary/validate.js';
import { baseSummary, catalog, writeSummary } from './support.js';

function check(rule: Record<string, unknown> | string) {
  return validateSummaryFiles([writeSummary(rule)], { catalog }).diagnostics;
}

const errors = (rule: Record<string, unknown> | string) =>
  check(rule)
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);

function withQuery(query: string): Record<string, any> {
  const rule = baseSummary();
  rule.ruleDefinition.query = query;
  return rule;
}

describe('summary rule validation (summaryLogs, summary-rules on Learn)', () => {
  it('accepts the base rule and the starter rule, and classifies kql/summary files as summary rules', () => {
    expect(errors(baseSummary())).toEqual([]);
    const starter = validateSummaryFiles(['kql/summary/signin-failures-hourly.yaml'], { catalog });
    expect(starter.diagnostics).toEqual([]);
    expect(contentKindOf('kql/summary/signin-failures-hourly.yaml')).toBe('summary');
    expect(contentKindOf('kql/summary/signin-failures-hourly.test.yaml')).toBe('rule-test');
  });

  it('allows only the documented bin sizes (20, 30, 60, 120, 180, 360, 720, 1440 minutes)', () => {
    for (const binSize of [20, 30, 60, 120, 180, 360, 720, 1440]) {
      const rule = baseSummary();
      rule.ruleDefinition.binSize = binSize;
      expect(errors(rule)).toEqual([]);
    }
    const rule = baseSummary();
    rule.ruleDefinition.binSize = 45;
    const [error] = errors(rule);
    // name, description, ruleType, ruleDefinition, query: | and its 3 lines, then binSize on line 9.
    expect(error).toMatch(/^SK2101 9:\d+ binSize 45 is not allowed; use one of 20, 30, 60/);
  });

  it('requires a destination custom table ending in _CL', () => {
    const rule = baseSummary();
    rule.ruleDefinition.destinationTable = 'SigninFailures';
    expect(errors(rule)).toEqual([
      expect.stringMatching(/^SK2102 \d+:\d+ destinationTable 'SigninFailures' must be .* ending in _CL/),
    ]);
  });

  it('checks binDelay (minutes, up to 1440), binStartTime (whole hours) and timeSelector (TimeGenerated)', () => {
    const rule = baseSummary();
    rule.ruleDefinition.binDelay = 1441;
    rule.ruleDefinition.binStartTime = '2026-01-01T08:30Z';
    rule.ruleDefinition.timeSelector = '_TimeReceived';
    expect(errors(rule).map((e) => e.split(' ')[0])).toEqual(['SK2101', 'SK2101', 'SK2101']);
    rule.ruleDefinition.binDelay = 10;
    rule.ruleDefinition.binStartTime = '2026-01-01T08:00Z';
    rule.ruleDefinition.timeSelector = 'TimeGenerated';
    expect(errors(rule)).toEqual([]);
  });

  it('refuses unknown fields (the ARM properties are not an open type) and a ruleType other than User', () => {
    const rule = baseSummary();
    rule.ruleType = 'System';
    rule.ruleDefinition.frequency = 60;
    const found = errors(rule);
    expect(found).toContainEqual(expect.stringMatching(/^SK1010 3:11 'ruleType' must be one of User/));
    expect(found.some((e) => e.startsWith('SK1012') && e.includes('frequency'))).toBe(true);
  });

  it('binds the query: a table that is not in the catalog is an error at its position', () => {
    const [error] = errors(withQuery('NoSuchTable\n| summarize count()\n'));
    expect(error).toMatch(/^SK1103 \d+:\d+ .*NoSuchTable/);
  });

  it('refuses cross-resource and cross-service queries at the call', () => {
    const found = errors(
      withQuery(
        'union SigninLogs, workspace("other").SigninLogs\n| summarize count() by UserPrincipalName\n',
      ),
    );
    // Kusto.Language reports the unknown function too (SK1103); the refusal says why.
    expect(found[0]).toMatch(/^SK2103 6:23 workspace\(\) is a cross-resource/);
  });

  it('refuses the plugins that reshape the schema (bag_unpack, narrow, pivot)', () => {
    const found = errors(
      withQuery(
        'SigninLogs\n| project UserPrincipalName, LocationDetails\n| evaluate bag_unpack(LocationDetails)\n',
      ),
    );
    expect(found).toEqual([expect.stringMatching(/^SK2103 .*bag_unpack plugin reshapes the schema/)]);
  });

  it('refuses a result column of type timespan, which the destination table refuses (Azure-Sentinel#13239)', () => {
    const found = errors(
      withQuery(
        'SigninLogs\n| summarize Span = max(TimeGenerated) - min(TimeGenerated) by UserPrincipalName\n',
      ),
    );
    expect(found).toEqual([expect.stringMatching(/^SK2104 .*'Span' is a timespan/)]);
  });

  it('on a Basic table: one table, lookups only (up to five), no join or union', () => {
    expect(errors(withQuery('AppTraces_CL\n| summarize count() by Host\n'))).toEqual([]);
    expect(
      errors(
        withQuery(
          'AppTraces_CL\n| lookup kind=leftouter (IdentityInfo | project AccountUPN, Department) on $left.UserPrincipalName == $right.AccountUPN\n| summarize count() by Host, Department\n',
        ),
      ),
    ).toEqual([]);
    const found = errors(
      withQuery(
        'AppTraces_CL\n| join kind=inner (SigninLogs) on UserPrincipalName\n| summarize count() by Host\n',
      ),
    );
    expect(found).toEqual([expect.stringMatching(/^SK2103 7:\d+ 'join' on Basic table AppTraces_CL/)]);
  });

  it('reports duplicate rule names across files', () => {
    const first = writeSummary(baseSummary(), 'a.yaml');
    const second = writeSummary(baseSummary(), 'b.yaml');
    const { diagnostics } = validateSummaryFiles([first, second], { catalog });
    expect(diagnostics.map((d) => d.code)).toEqual(['SK2105']);
  });
});
