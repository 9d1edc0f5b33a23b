import { describe, expect, it } from 'vitest';
import { records, refusalAt } from './helpers.js';

// Issue 11, session 10c: answers no page documents are refused at the construct that meets them
// (conformance/cases/undocumented-answers.yaml holds the messages and the pages).

describe('undocumented answers are refused with their position', () => {
  it('a NaN summarize by key is reported at the by item, a NaN distinct at its column', () => {
    expect(
      refusalAt('range x from 0 to 2 step 1 | extend r = 0.0 / 0.0 | summarize count() by k = r'),
    ).toEqual({
      construct: 'a NaN group key',
      at: 'k = r',
    });
    // distinct of named columns at the column, distinct * at the operator
    expect(refusalAt('print x = 1, r = real(nan) | distinct x, r')).toEqual({
      construct: 'a NaN group key',
      at: 'r',
    });
    expect(refusalAt('print r = real(nan) | distinct *').at).toBe('distinct *');
  });

  it('dynamic ==, bool == number and tolong() of fraction text at their expressions', () => {
    expect(refusalAt('print a = dynamic([1]) == dynamic([1])')).toEqual({
      construct: '== between two dynamic values',
      at: 'dynamic([1]) == dynamic([1])',
    });
    expect(refusalAt('print a = true == 1').construct).toBe('== between bool and long');
    expect(refusalAt('print a = tolong("12.5")')).toEqual({
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

// Issue 11, session 11 (conformance/cases/wrong-answer-hunt-8.yaml holds the messages and the pages).
describe('round 8 refusals name the construct and its position', () => {
  it('a dynamic scalar against a value of another kind, at the comparison', () => {
    expect(refusalAt('print d = dynamic({"a":"3"}) | where d.a > 2')).toEqual({
      construct: 'comparison of a dynamic string with a long',
      at: 'd.a > 2',
    });
    expect(refusalAt('print d = dynamic({"a":1}) | where d.a == "1"').construct).toBe(
      'comparison of a dynamic number with a string',
    );
  });

  it('number text beyond the printed forms, at the conversion', () => {
    expect(refusalAt('print x = 1 | extend r = toreal("1e3")')).toEqual({
      construct: 'toreal() of number text in an undocumented form',
      at: 'toreal("1e3")',
    });
    expect(refusalAt('print s = "v=1e3" | parse s with "v=" v:real').construct).toBe(
      'a parse capture typed real of number text in an undocumented form',
    );
  });

  it('a NaN counted by dcount(), at the aggregate', () => {
    expect(refusalAt('print x = real(nan) | summarize n = dcount(x)')).toEqual({
      construct: 'dcount() of a NaN value',
      at: 'dcount(x)',
    });
  });

  it('an empty regex match after a match, a format part, a clamped month, a null offset, at the call', () => {
    expect(refusalAt('print a = replace_regex("baaab", "a*", "-")')).toEqual({
      construct: 'an empty regex match right after another match',
      at: 'replace_regex("baaab", "a*", "-")',
    });
    expect(refusalAt("print a = format_datetime(now(), 'ddd')").at).toBe("format_datetime(now(), 'ddd')");
    expect(refusalAt("print a = datetime_add('month', 1, datetime(2020-01-31))")).toEqual({
      construct: 'datetime_add() of months onto a day the target month lacks',
      at: "datetime_add('month', 1, datetime(2020-01-31))",
    });
    expect(refusalAt('print a = startofmonth(datetime(2020-01-31), int(null))').construct).toBe(
      'startofmonth() with a null offset',
    );
  });
});
