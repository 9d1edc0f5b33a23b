import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRuleFile } from '../../src/rules/load.js';
import { positions, validate, withLines, writeTemp } from './helpers.js';

/** KQL diagnostics inside `query:` land on the file position of the offending token, for every scalar style. */
describe('query positions for each YAML scalar style', () => {
  const badQuery = 'SigninLogs | where NoSuchColumn == 1';
  const cases: [style: string, lines: string[], expected: string][] = [
    ['literal |', ['query: |', '  SigninLogs', '  | where NoSuchColumn == 1'], '16:11'],
    [
      'literal |- with comment',
      ['query: |- # the detection', '    SigninLogs', '    | where NoSuchColumn == 1'],
      '16:13',
    ],
    [
      'literal with indentation indicator',
      ['query: |2', '   SigninLogs', '  | where NoSuchColumn == 1'],
      '16:11',
    ],
    ['folded >', ['query: >', '  SigninLogs', '  | where NoSuchColumn == 1'], '16:11'],
    [
      'folded > with blank line',
      ['query: >-', '  SigninLogs', '', '  | where', '  NoSuchColumn == 1'],
      '18:3',
    ],
    ['plain one line', [`query: ${badQuery}`], '14:27'],
    ['plain multi-line', ['query: SigninLogs', '  | where', '     NoSuchColumn == 1'], '16:6'],
    ['double-quoted with escapes', ['query: "SigninLogs\\n| where \\"x\\" != NoSuchColumn"'], '14:38'],
    ['double-quoted multi-line', ['query: "SigninLogs', '  | where NoSuchColumn == 1"'], '15:11'],
    ['double-quoted escaped line break', ['query: "SigninLogs | wh\\', '  ere NoSuchColumn == 1"'], '15:7'],
    ["single-quoted with ''", ["query: 'SigninLogs | where ''a'' == NoSuchColumn'"], '14:37'],
  ];

  it.each(cases)('%s', (_style, queryLines, expected) => {
    const diagnostics = validate(withLines(14, 17, ...queryLines));
    expect(positions(diagnostics, 'SK1103')).toContain(expected);
    const error = diagnostics.find((d) => d.code === 'SK1103');
    expect(error?.message).toContain('NoSuchColumn');
  });

  it('maps every character of any string back to the same character in the file', () => {
    const styles = [
      { blockQuote: 'literal', defaultStringType: 'BLOCK_LITERAL' },
      { blockQuote: 'folded', defaultStringType: 'BLOCK_FOLDED' },
      { defaultStringType: 'QUOTE_DOUBLE' },
      { defaultStringType: 'QUOTE_SINGLE' },
      { defaultStringType: 'PLAIN' },
    ] as const;
    const line = fc.stringMatching(/^[A-Za-z0-9|=<>()'" ]{0,30}$/);
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...styles),
        (lines, style) => {
          const query = lines.join('\n');
          if (query.trim() === '') return;
          const text = stringify({ query }, { ...style, lineWidth: 20, minContentWidth: 5 });
          const loaded = loadRuleFile(writeTemp(text, 'property.yaml'));
          const mapped = loaded.source?.scalarAt(['query']);
          if (!mapped || mapped.value !== query || !loaded.queryOffset) return;
          checked++;
          const fileLines = text.split('\n');
          for (let offset = 0; offset < query.length; offset++) {
            const ch = query[offset];
            if (/\s|'|"/.test(ch)) continue; // quotes may be escaped; whitespace may come from folding
            const { line: l, column: c } = loaded.queryOffset(offset);
            expect(fileLines[l - 1][c - 1], `offset ${offset} of ${JSON.stringify(query)} in\n${text}`).toBe(
              ch,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(200);
  });
});
