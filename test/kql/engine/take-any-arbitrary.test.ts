import { describe, expect, it } from 'vitest';
import { records, refusalAt } from './helpers.js';

// Issue 11, session 13b: take_any/take_anyif pick an arbitrary row ("Arbitrarily chooses one record for
// each group", https://learn.microsoft.com/kusto/query/take-any-aggregation-function); where the
// candidates differ in a value the query reads, the pick is refused at the call
// (conformance/cases/take-any-arbitrary.yaml holds the page's rules case by case).

const T = 'let T = datatable(k:string, v:long, w:long)["a", 1, 5, "a", 2, 5, "b", 3, 7];';

describe('take_any over rows that differ', () => {
  it('is refused at the aggregate call', () => {
    expect(refusalAt(`${T} T | summarize take_any(v) by k`)).toEqual({
      construct: 'take_any() over rows that differ',
      at: 'take_any(v)',
    });
    expect(refusalAt(`${T} T | summarize x = take_anyif(v, w > 1) by k`)).toEqual({
      construct: 'take_anyif() over rows that differ',
      at: 'take_anyif(v, w > 1)',
    });
    // Read inside an expression over the aggregate.
    expect(refusalAt(`${T} T | summarize x = take_any(v) + 1 by k`).at).toBe('take_any(v)');
  });

  it('answers where the chosen value cannot reach the result', () => {
    // Through a let that only counts, and a later summarize that drops it.
    expect(records(`${T} let S = T | summarize take_any(v) by k; S | count`)).toEqual([{ Count: 2 }]);
    expect(records(`${T} T | summarize take_any(*) by k | summarize n = count() by w`)).toEqual([
      { w: 5, n: 1 },
      { w: 7, n: 1 },
    ]);
  });

  it('is refused where a later operator reads the value, even if it then drops it', () => {
    expect(refusalAt(`${T} T | summarize take_any(v) by k | where v > 1 | project k`).at).toBe('take_any(v)');
    expect(refusalAt(`${T} let S = T | summarize take_any(*) by k; S | project v`).at).toBe('take_any(*)');
  });
});
