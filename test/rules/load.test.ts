import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentKindOf, findRuleFiles, loadRuleFile } from '../../src/rules/load.js';
import { fixtures, goodRule, positions, validate, withLines, writeTemp } from './helpers.js';

describe('loading rule files', () => {
  it('loads a valid rule with normalized fields', () => {
    const loaded = loadRuleFile(writeTemp(goodRule));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.rule?.kind).toBe('Scheduled');
    expect(loaded.rule?.triggerOperator).toBe('gt');
    expect(loaded.rule?.query.startsWith('SigninLogs\n| where')).toBe(true);
  });

  it('accepts the ARM spelling of trigger operators', () => {
    const loaded = loadRuleFile(writeTemp(withLines(8, 8, 'triggerOperator: GreaterThan')));
    expect(loaded.rule?.triggerOperator).toBe('gt');
  });

  const azureSentinel = join(fixtures, 'azure-sentinel');
  it.each(readdirSync(azureSentinel))('loads the Azure-Sentinel rule %s unchanged', (name) => {
    const loaded = loadRuleFile(join(azureSentinel, name));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.rule?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(loaded.rule?.query.length).toBeGreaterThan(50);
  });

  it('keeps loading when a field is unknown, with a warning at the key', () => {
    const loaded = loadRuleFile(writeTemp(withLines(5, 5, 'kind: Scheduled', 'owner: soc-team')));
    expect(loaded.rule?.name).toBe('Password spray from one IP');
    expect(positions(loaded.diagnostics, 'SK1012')).toEqual(['6:1']);
    expect(loaded.diagnostics[0].severity).toBe('warning');
    expect(loaded.diagnostics[0].message).toContain("'owner'");
  });

  it('suggests the field a misspelt key was meant to be', () => {
    const diagnostics = validate(withLines(6, 6, 'queryFrequncy: 1h'));
    expect(positions(diagnostics, 'SK1012')).toEqual(['6:1']);
    expect(diagnostics.find((d) => d.code === 'SK1012')?.message).toContain("did you mean 'queryFrequency'?");
    expect(diagnostics.find((d) => d.code === 'SK1206')?.message).toBe(
      "Scheduled rules need 'queryFrequency'",
    );
  });

  it('still checks the query when other fields are invalid', () => {
    const diagnostics = validate(
      withLines(4, 4, 'severity: Critical').map((l) => l.replace('ResultType ==', 'ResultTyp ==')),
    );
    expect(diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual([
      'SK1010@4:11',
      'SK1103@16:11',
    ]);
  });

  it('reports unknown nested fields with their path', () => {
    const loaded = loadRuleFile(
      writeTemp(withLines(22, 22, '        columnName: IPAddress', '        column: X')),
    );
    expect(positions(loaded.diagnostics, 'SK1012')).toEqual(['23:9']);
    expect(loaded.diagnostics[0].message).toContain('entityMappings[0].fieldMappings[0].column');
    expect(loaded.rule).toBeDefined();
  });

  it('reports malformed YAML at the syntax error', () => {
    const diagnostics = validate(withLines(11, 11, '  - [CredentialAccess'));
    expect(diagnostics.map((d) => d.code)).toContain('SK1003');
    expect(diagnostics[0].line).toBeGreaterThanOrEqual(11);
  });

  it('reports a duplicate key at the second occurrence', () => {
    const diagnostics = validate(withLines(4, 4, 'severity: Medium', 'severity: High'));
    expect(positions(diagnostics, 'SK1004')).toEqual(['5:1']);
  });

  it('reports wrong types at the offending value', () => {
    const diagnostics = validate(
      withLines(9, 11, 'triggerThreshold: many', 'tactics: CredentialAccess').concat('enabled: yes please'),
    );
    expect(positions(diagnostics, 'SK1010')).toEqual(['9:19', '10:10', '27:10']);
    const messages = diagnostics.map((d) => d.message).join('\n');
    expect(messages).toContain('\'triggerThreshold\' must be a number (got string "many")');
    expect(messages).toContain("'tactics' must be an array (got string");
  });

  it('explains an unquoted numeric version', () => {
    const diagnostics = validate(withLines(27, 27, 'version: 1.0'));
    expect(positions(diagnostics, 'SK1010')).toEqual(['27:10']);
    expect(diagnostics[0].message).toContain('quote it');
  });

  it('reports an invalid enum value with the allowed values', () => {
    const diagnostics = validate(withLines(4, 4, 'severity: Critical'));
    expect(positions(diagnostics, 'SK1010')).toEqual(['4:11']);
    expect(diagnostics[0].message).toContain('Informational, Low, Medium, High');
  });

  it('reports missing required fields', () => {
    const diagnostics = validate(goodRule.filter((line) => !line.startsWith('name:')));
    expect(diagnostics.filter((d) => d.code === 'SK1011').map((d) => d.message)).toEqual([
      "missing required field 'name'",
    ]);
  });

  it('reports a bad GUID and a bad duration', () => {
    const diagnostics = validate(
      withLines(1, 1, 'id: rule-1').map((l) => l.replace('queryPeriod: 1h', 'queryPeriod: 1 hour')),
    );
    expect(positions(diagnostics, 'SK1010')).toEqual(['1:5', '7:14']);
  });

  it('reports bytes that are not UTF-8 at their position', () => {
    const text = Buffer.concat([Buffer.from('id: x\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const diagnostics = loadRuleFile(writeTemp(text)).diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'SK1002', line: 2, column: 10 });
    expect(diagnostics[0].message).toContain('0xE9');
  });

  it('accepts multi-byte UTF-8 and a byte order mark', () => {
    const loaded = loadRuleFile(writeTemp(`\uFEFF${goodRule.join('\n').replace('one IP', 'één IP ✓')}`));
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.rule?.name).toBe('Password spray from één IP ✓');
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '  \n\n'],
  ])('reports an %s file', (_name, text) => {
    const diagnostics = loadRuleFile(writeTemp(text)).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(['SK1005']);
  });

  it('reports a document that is not a mapping', () => {
    expect(loadRuleFile(writeTemp('- just\n- a list\n')).diagnostics.map((d) => d.code)).toEqual(['SK1006']);
  });

  it('reports a file that cannot be read', () => {
    expect(loadRuleFile(join(fixtures, 'no-such-rule.yaml')).diagnostics.map((d) => d.code)).toEqual([
      'SK1001',
    ]);
  });

  it('reports a 5 MB query against the 10,000-character limit without analyzing it', () => {
    const huge = `  SigninLogs | where UserPrincipalName in (${Array.from({ length: 600_000 }, (_, i) => `'u${i}'`).join(',')})`;
    expect(huge.length).toBeGreaterThan(5_000_000);
    const diagnostics = validate(withLines(15, 17, huge));
    expect(positions(diagnostics, 'SK1101')).toEqual(['15:3']);
    expect(diagnostics.find((d) => d.code === 'SK1101')?.message).toContain('at most 10,000');
    expect(diagnostics.map((d) => d.code)).toContain('SK1105');
    expect(diagnostics.map((d) => d.code)).not.toContain('SK1103');
  });

  it('positions KQL errors the same in a file with CRLF line endings', () => {
    const lines = withLines(16, 16, '  | where ResultTyp == 1');
    const diagnostics = validate(lines.join('\r\n'));
    expect(positions(diagnostics, 'SK1103')).toEqual(['16:11']);
  });

  // Found by the property below: the yaml package throws on an alias without an anchor only when
  // the document is converted, after parsing reported no error.
  it('reports an alias without an anchor at its position', () => {
    const loaded = loadRuleFile(writeTemp('id: *missing\nname: x\n', 'alias.yaml'));
    expect(loaded.rule).toBeUndefined();
    expect(loaded.diagnostics).toMatchObject([
      {
        code: 'SK1003',
        line: 1,
        column: 5,
        message: 'YAML: unknown alias *missing: no anchor &missing before it',
      },
    ]);
  });

  // A "billion laughs" file: nine levels of nine aliases expand to 9^9 nodes. It used to escape as
  // an uncaught ReferenceError from the yaml package; the expansion is now counted (memoized, so
  // the work is linear in the file) and refused at the alias that crosses the limit.
  it('reports an alias bomb at its position without expanding it', () => {
    const levels = 'abcdefghi'.split('');
    const lines = levels.map((name, i) =>
      i === 0
        ? `${name}: &${name} [${Array(9).fill('"lol"').join(',')}]`
        : `${name}: &${name} [${Array(9)
            .fill(`*${levels[i - 1]}`)
            .join(',')}]`,
    );
    const loaded = loadRuleFile(writeTemp(`id: x\nname: bomb\n${lines.join('\n')}\nquery: T\n`, 'bomb.yaml'));
    expect(loaded.rule).toBeUndefined();
    expect(loaded.diagnostics).toMatchObject([
      {
        code: 'SK1003',
        severity: 'error',
        line: 9,
        column: 8,
        message: expect.stringContaining('alias *f expands to more than'),
      },
    ]);
  });

  it('reports an alias inside the node it names', () => {
    const loaded = loadRuleFile(writeTemp('id: x\nname: &a [1, *a]\n', 'loop.yaml'));
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['SK1003']);
  });

  it('accepts aliases that expand to a reasonable document', () => {
    const loaded = loadRuleFile(
      writeTemp(
        'a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
        'ok.yaml',
      ),
    );
    expect(loaded.diagnostics.filter((d) => d.code === 'SK1003')).toEqual([]);
  });

  it('never throws on arbitrary file content', () => {
    const yamlish = fc.stringMatching(/^[a-z:|>\-[\]{}"' \n#&*!?,0-9]{0,80}$/);
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string(), fc.uint8Array({ maxLength: 64 })), (content) => {
        const loaded = loadRuleFile(
          writeTemp(typeof content === 'string' ? content : Buffer.from(content), 'fuzz.yaml'),
        );
        expect(loaded.rule !== undefined || loaded.diagnostics.some((d) => d.severity === 'error')).toBe(
          true,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('finds rule files, skipping rule tests, and tells hunting queries apart', () => {
    const dir = join(fixtures, 'tree');
    expect(findRuleFiles([dir]).map((f) => f.slice(dir.length + 1))).toEqual([
      'hunting/rare-app.yaml',
      'rules/a.yaml',
      'rules/nested/b.yml',
    ]);
    expect(documentKindOf('kql/hunting/rare-app.yaml')).toBe('hunting');
    expect(documentKindOf('Solutions/X/Hunting Queries/q.yaml')).toBe('hunting');
    expect(documentKindOf('kql/rules/hunting-ish.yaml')).toBe('analytics');
  });
});
