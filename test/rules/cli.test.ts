import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/validate.js';
import { toSarif } from '../../src/report/sarif.js';
import { runCommand } from '../support/cli.js';
import { folderWith } from '../support/files.js';
import { fixtures } from './helpers.js';

const root = join(fixtures, 'repo');

/** Runs the command and returns its exit code and what it printed to stdout. */
async function validateCommand(...argv: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout } = await runCommand(run, ...argv);
  return { code, out: stdout };
}

describe('sentinel-kit validate', () => {
  it('prints file:line:col diagnostics and a summary, exiting 1 on errors', async () => {
    const { code, out } = await validateCommand('--root', root, '--no-git');
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines).toContain(
      `${root.replace(`${process.cwd()}/`, '')}/kql/rules/bad.yaml:7:14: error SK1203: queryPeriod (30m) is shorter than queryFrequency (1h): runs would leave gaps no query covers`,
    );
    expect(lines.some((line) => /bad\.yaml:12:11: error SK1103: .*ResultCode/.test(line))).toBe(true);
    expect(lines[lines.length - 1]).toBe('2 files checked (2 analytics rules): 2 errors, 0 warnings');
  });

  it('exits 0 when the given files are clean', async () => {
    const { code, out } = await validateCommand(
      '--root',
      root,
      '--no-git',
      join(root, 'kql', 'rules', 'good.yaml'),
    );
    expect(code).toBe(0);
    expect(out).toBe('1 file checked (1 analytics rule): 0 errors, 0 warnings');
  });

  it('prints SARIF 2.1.0 with codes as rule ids and 1-based regions', async () => {
    const { code, out } = await validateCommand('--root', root, '--no-git', '--format', 'sarif');
    expect(code).toBe(1);
    const sarif = JSON.parse(out);
    expect(sarif.version).toBe('2.1.0');
    const [run0] = sarif.runs;
    expect(run0.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['SK1103', 'SK1203']);
    expect(run0.tool.driver.rules[1].shortDescription.text).toBe('queryPeriod shorter than queryFrequency');
    const result = run0.results.find((r: { ruleId: string }) => r.ruleId === 'SK1203');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toMatch(/kql\/rules\/bad\.yaml$/);
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 7, startColumn: 14 });
  });

  it('reports a table defined twice naming both files and still checks every content file', async () => {
    // Issue 12's acceptance: "A table defined twice gets an error naming both files, and every other
    // error is still reported" — main stopped at the schema error and checked no rule at all.
    const table =
      '{"Name": "Contoso_CL", "Properties": [{"Name": "TimeGenerated", "Type": "DateTime"}, {"Name": "user_s", "Type": "String"}]}';
    const dir = folderWith('sk-dup-table-', {
      'sentinel-kit.config.yaml': 'schemas: [team]\n',
      'kql/schemas/Contoso_CL.json': table,
      'team/contoso.json': table,
      'kql/rules/r.yaml': `id: 0f6a1a8e-0000-4000-8000-000000000301
name: r
description: d
severity: Low
requiredDataConnectors: []
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - Discovery
relevantTechniques:
  - T1087
query: |
  Contoso_CL | project TimeGenerated, user_s
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: Name
        columnName: AccountName
version: 1.0.0
kind: Scheduled
`,
    });
    const { code, out } = await validateCommand('--root', dir, '--no-git');
    expect(code).toBe(1);
    expect(out).toMatch(
      /team\/contoso\.json:1:1: error SK0003: table 'Contoso_CL' is defined twice: in .*kql\/schemas\/Contoso_CL\.json and in .*team\/contoso\.json/,
    );
    // The rule binds against the first definition and its own error is reported.
    expect(out).toMatch(
      /r\.yaml:\d+:\d+: error SK1305: mapped column 'AccountName' is not a column of the query result/,
    );
    expect(out.split('\n').pop()).toBe('1 file checked (1 analytics rule): 2 errors, 0 warnings');
  });

  it('reports a parser file the catalog cannot read once, as the content file it also is', async () => {
    const dir = folderWith('sk-bad-parser-', { 'kql/parsers/Q.yaml': 'id: x\nname: [\n' });
    const { code, out } = await validateCommand('--root', dir, '--no-git');
    expect(code).toBe(1);
    expect(out.split('\n').filter((line) => /Q\.yaml:\d+:\d+: error/.test(line))).toHaveLength(1);
  });

  it('rejects a missing path and an unknown format with exit code 2', async () => {
    expect((await validateCommand('--root', root, join(root, 'nope'))).code).toBe(2);
    expect((await validateCommand('--root', root, '--format', 'xml')).code).toBe(2);
    expect((await validateCommand('--bogus')).code).toBe(2);
  });
});

describe('SARIF report', () => {
  it('maps severities to SARIF levels and keeps file-less diagnostics without a location', () => {
    const sarif = toSarif(
      [
        {
          code: 'A1',
          severity: 'info',
          message: 'note this',
          file: 'x.yaml',
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 9,
        },
        { code: 'A2', severity: 'warning', message: 'global' },
      ],
      { toolName: 't' },
    ) as { runs: { results: Record<string, any>[] }[] };
    const [note, global] = sarif.runs[0].results;
    expect(note.level).toBe('note');
    expect(note.locations[0].physicalLocation.region).toEqual({
      startLine: 2,
      startColumn: 3,
      endLine: 2,
      endColumn: 9,
    });
    expect(global.level).toBe('warning');
    expect(global.locations).toBeUndefined();
  });
});
