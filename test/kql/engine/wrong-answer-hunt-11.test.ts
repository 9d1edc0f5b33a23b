import { describe, expect, it } from 'vitest';
import { records, refusalAt } from './helpers.js';

// Issue 11, session 14: rows kept where the pages leave the choice open are refused at the construct
// that chooses, where another choice would show in a value the query reads
// (conformance/cases/wrong-answer-hunt-11.yaml holds the pages' rules case by case).
// arg_max: "Returns a row in the group that maximizes ExprToMaximize"
// (https://learn.microsoft.com/kusto/query/arg-max-aggregation-function); top: "Returns the first N
// records sorted by the specified column" (https://learn.microsoft.com/kusto/query/top-operator); take:
// "There is no guarantee which records are returned, unless the source data is sorted"
// (https://learn.microsoft.com/kusto/query/take-operator).

const T = 'let T = datatable(k:string, t:long, v:string)["a", 2, "x", "a", 2, "y", "b", 1, "z"];';

describe('arg_max/arg_min over tied rows', () => {
  it('is refused at the aggregate call, naming it', () => {
    expect(refusalAt(`${T} T | summarize arg_max(t, v) by k`)).toEqual({
      construct: 'arg_max() over tied rows that differ',
      at: 'arg_max(t, v)',
    });
    expect(refusalAt(`${T} T | summarize (m, w) = arg_min(t, v) by k | where w != ""`).at).toBe(
      'arg_min(t, v)',
    );
  });

  it('answers where the tied value cannot reach the result, through a let and a later summarize', () => {
    expect(records(`${T} let S = T | summarize arg_max(t, v) by k; S | count`)).toEqual([{ Count: 2 }]);
    expect(records(`${T} T | summarize arg_max(t, *) by k | summarize n = count() by t`)).toEqual([
      { t: 2, n: 1 },
      { t: 1, n: 1 },
    ]);
  });

  it('is refused where a later operator reads the value, even if it then drops it', () => {
    expect(refusalAt(`${T} T | summarize arg_max(t, *) by k | where v != "" | project k`).at).toBe(
      'arg_max(t, *)',
    );
  });
});

describe('top, sort | take, take and top-nested', () => {
  const S =
    'let S = datatable(k:string, n:long)["a", 3, "b", 2, "c", 2, "d", 1] | summarize n = sum(n) by k;';

  it('refuses top and sort | take at the operator where tied rows straddle the cut', () => {
    expect(refusalAt(`${S} S | top 2 by n`)).toEqual({
      construct: 'top over tied rows that differ',
      at: 'top 2 by n',
    });
    expect(refusalAt(`${S} S | order by n | take 2`)).toEqual({
      construct: 'sort | take over tied rows that differ',
      at: 'take 2',
    });
    expect(refusalAt(`${S} S | top-nested 2 of k by s = sum(n)`).construct).toBe(
      'top-nested over values tied across the cut',
    );
  });

  it('refuses take over a summarize where the rows differ, answers where they cannot show', () => {
    expect(refusalAt(`${S} S | take 1`)).toEqual({
      construct: 'take over rows in no defined order',
      at: 'take 1',
    });
    expect(refusalAt(`${S} S | limit 3 | project k`).at).toBe('limit 3');
    expect(records(`${S} S | take 1 | count`)).toEqual([{ Count: 1 }]);
    expect(records(`${S} S | where n == 2 | take 1 | project n`)).toEqual([{ n: 2 }]);
  });

  it('answers take over a datatable in its written order (no page says a datatable is unordered)', () => {
    expect(records('datatable(k:string)["a", "b", "c"] | take 2')).toEqual([{ k: 'a' }, { k: 'b' }]);
  });
});
