import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/kql/index.js';
import { records } from './helpers.js';

// Issue 11, session 10c: answers no page documents are refused at the construct that meets them
// (conformance/cases/undocumented-answers.yaml holds the messages and the pages).

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

describe('undocumented answers are refused with their position', () => {
  it('a NaN summarize by key is reported at the by item, a NaN distinct at its column', () => {
    expect(refusal('range x from 0 to 2 step 1 | extend r = 0.0 / 0.0 | summarize count() by k = r')).toEqual(
      {
        construct: 'a NaN group key',
        at: 'k = r',
      },
    );
    // distinct of named columns at the column, distinct * at the operator
    expect(refusal('print x = 1, r = real(nan) | distinct x, r')).toEqual({
      construct: 'a NaN group key',
      at: 'r',
    });
    expect(refusal('print r = real(nan) | distinct *').at).toBe('distinct *');
  });

  it('dynamic ==, bool == number and tolong() of fraction text at their expressions', () => {
    expect(refusal('print a = dynamic([1]) == dynamic([1])')).toEqual({
      construct: '== between two dynamic values',
      at: 'dynamic([1]) == dynamic([1])',
    });
    expect(refusal('print a = true == 1').construct).toBe('== between bool and long');
    expect(refusal('print a = tolong("12.5")')).toEqual({
      construct: 'tolong() of text that is not an integer',
      at: 'tolong("12.5")',
    });
  });

  it('grouping by isnan() answers: the rewrite the NaN refusal names', () => {
    expect(
      records('range x from 0 to 2 step 1 | extend r = 0.0 / 0.0 | summarize count() by b = isnan(r)'),
    ).toEqual([{ b: true, count_: 3 }]);
  });
});
