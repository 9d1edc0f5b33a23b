import { describe, expect, it } from 'vitest';
import { records, refusalAt } from './helpers.js';

// Issue 11, session 12 (conformance/cases/wrong-answer-hunt-9.yaml holds the pages): a string operator
// whose answer over non-ASCII text differs between the 2020 and 2023 string operators pages is refused
// at the operator's expression, naming the operator.

describe('non-ASCII readings of the string operators are refused at the operator', () => {
  it('a column filter with a constant (the compiled fast path) names its expression', () => {
    expect(refusalAt('datatable(s:string)["café"] | where s has "caf"')).toEqual({
      construct: 'has',
      at: 's has "caf"',
    });
    expect(refusalAt('datatable(s:string)["ÀB"] | where s in~ ("àb")')).toEqual({
      construct: 'in~',
      at: 's in~ ("àb")',
    });
  });

  it('the generic operators name theirs', () => {
    expect(refusalAt('print x = "É" | extend y = x =~ "é"')).toEqual({ construct: '=~', at: 'x =~ "é"' });
    expect(refusalAt('print x = "É" | extend y = x !contains "é"')).toEqual({
      construct: '!contains',
      at: 'x !contains "é"',
    });
    expect(refusalAt('print x = "xcafé" | extend y = x hassuffix_cs strcat("ca", "f")').construct).toBe(
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
