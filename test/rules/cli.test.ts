import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/validate.js';
import { toSarif } from '../../src/report/sarif.js';
import { runCommand } from '../support/cli.js';
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
