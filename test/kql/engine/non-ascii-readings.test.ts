import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/kql/index.js';
import { records } from './helpers.js';

// Issue 11, session 12 (conformance/cases/wrong-answer-hunt-9.yaml holds the pages): a string operator
// whose answer over non-ASCII text differs between the 2020 and 2023 string operators pages is refused
// at the operator's expression, naming the operator.

function refusal(query: string): { construct: string; at: string } {
  try {
    records(query);
  } catch (e) {
    expect(e).toBeInstanceOf(UnsupportedError);
    const error = e as UnsupportedError;
    return { construct: error.construct, at: query.slice(error.start, error.start + error.length) };
  }
  throw new Error(`answered: ${query}`);
}

describe('non-ASCII readings of the string operators are refused at the operator', () => {
  it('a column filter with a constant (the compiled fast path) names its expression', () => {
    expect(refusal('datatable(s:string)["café"] | where s has "caf"')).toEqual({
      construct: 'has',
      at: 's has "caf"',
    });
    expect(refusal('datatable(s:string)["ÀB"] | where s in~ ("àb")')).toEqual({
      construct: 'in~',
      at: 's in~ ("àb")',
    });
  });

  it('the generic operators name theirs', () => {
    expect(refusal('print x = "É" | extend y = x =~ "é"')).toEqual({ construct: '=~', at: 'x =~ "é"' });
    expect(refusal('print x = "É" | extend y = x !contains "é"')).toEqual({
      construct: '!contains',
      at: 'x !contains "é"',
    });
    expect(refusal('print x = "xcafé" | extend y = x hassuffix_cs strcat("ca", "f")').construct).toBe(
      'hassuffix_cs',
    );
  });

  it('ASCII rows of the same filter answer', () => {
    expect(records('datatable(s:string)["cafe x", "caf x", "CAF"] | where s has "caf"')).toEqual([
      { s: 'caf x' },
      { s: 'CAF' },
    ]);
  });
});
