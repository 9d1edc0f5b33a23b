import { describe, expect, it } from 'vitest';
import { records, run, schemaOf } from './helpers.js';

// One test per Kusto semantic trap the engine must get right (see the list).
const X = `let X = datatable(Key:string, Value1:long)['a',1,'b',2,'b',3,'c',4];`;
const Y = `let Y = datatable(Key:string, Value2:long)['b',10,'c',20,'c',30,'d',40];`;

describe('KQL semantic traps', () => {
  it('default join is innerunique: duplicate left keys are dropped before joining', () => {
    // Which of b's two left rows is kept is random (join-innerunique page: "may yield two possible
    // outputs and both are correct"), so the query reading Value1 is refused; without it, one row
    // per right match whichever left row was kept.
    expect(() => run(`${X}${Y} X | join Y on Key`)).toThrow(/innerunique.*differ in 'Value1'/);
    const rows = records(`${X}${Y} X | join Y on Key | project Key, Value2 | order by Value2 asc`);
    expect(rows).toEqual([
      { Key: 'b', Value2: 10 },
      { Key: 'c', Value2: 20 },
      { Key: 'c', Value2: 30 },
    ]);
  });

  it('kind=inner keeps every left duplicate', () => {
    const rows = records(`${X}${Y} X | join kind=inner Y on Key | where Key == 'b'`);
    expect(rows.map((r) => r.Value1).sort()).toEqual([2, 3]);
  });

  it('sort is descending by default, nulls last; asc puts nulls first', () => {
    const q = `datatable(a:long)[2, long(null), 5, 1]`;
    expect(records(`${q} | sort by a`).map((r) => r.a)).toEqual([5, 2, 1, null]);
    expect(records(`${q} | sort by a asc`).map((r) => r.a)).toEqual([null, 1, 2, 5]);
    expect(records(`${q} | sort by a asc nulls last`).map((r) => r.a)).toEqual([1, 2, 5, null]);
  });

  it('arg_max(*) puts the maximized column first, then the other non-key columns in input order', () => {
    const q = `datatable(a:long, b:string, c:datetime)[1,'x',datetime(2020-01-01), 2,'x',datetime(2020-01-02), 3,'y',datetime(2020-01-01)]`;
    expect(schemaOf(`${q} | summarize arg_max(c, *) by b`)).toEqual(['b:string', 'c:datetime', 'a:long']);
    expect(records(`${q} | summarize arg_max(c, *) by b | order by b asc`)).toEqual([
      { b: 'x', c: '2020-01-02T00:00:00Z', a: 2 },
      { b: 'y', c: '2020-01-01T00:00:00Z', a: 3 },
    ]);
  });

  it('union of columns with the same name and different types yields name_type columns', () => {
    expect(schemaOf(`union (print a=1), (print a='x')`)).toEqual(['a_long:long', 'a_string:string']);
    expect(records(`union (print a=1), (print a='x')`)).toEqual([
      { a_long: 1, a_string: '' },
      { a_long: null, a_string: 'x' },
    ]);
  });

  it('mv-expand: null yields one row with null, [] and {} yield no row', () => {
    const rows = records(
      `datatable(a:long, d:dynamic)[1, dynamic([1,2]), 2, dynamic(null), 3, dynamic([]), 4, dynamic({})] | mv-expand d`,
    );
    expect(rows).toEqual([
      { a: 1, d: 1 },
      { a: 1, d: 2 },
      { a: 2, d: null },
    ]);
  });

  it('bin() aligns to multiples of the bin size from the epoch, not to the first row', () => {
    const rows = records(
      `datatable(t:datetime)[datetime(2020-01-01 00:07:59), datetime(2020-01-01 00:03), datetime(2020-01-01 00:05)] | summarize n=count() by b=bin(t, 5m) | order by b asc`,
    );
    expect(rows).toEqual([
      { b: '2020-01-01T00:00:00Z', n: 1 },
      { b: '2020-01-01T00:05:00Z', n: 2 },
    ]);
  });

  it('count() returns long', () => {
    expect(schemaOf(`datatable(a:int)[1] | summarize count()`)).toEqual(['count_:long']);
    expect(schemaOf(`datatable(a:int)[1] | count`)).toEqual(['Count:long']);
  });

  // The summarize page's "Aggregates default values": avg is NaN there, "due to dividing by 0"
  // (https://learn.microsoft.com/kusto/query/summarize-operator).
  it('summarize with no rows and no by returns one row of defaults; with by it returns none', () => {
    expect(records(`datatable(a:long)[] | summarize count(), sum(a), avg(a), make_set(a)`)).toEqual([
      { count_: 0, sum_a: 0, avg_a: 'NaN', set_a: [] },
    ]);
    expect(run(`datatable(a:long, b:string)[] | summarize count() by b`).rows).toEqual([]);
  });

  it('strings are never null: a missing string in an outer join is empty', () => {
    const rows = records(`${X}${Y} X | join kind=leftouter Y on Key | where Key == 'a'`);
    expect(rows).toEqual([{ Key: 'a', Value1: 1, Key1: '', Value2: null }]);
  });

  it('prev() and row_number() after a where see the kept rows, not the rows before the filter', () => {
    const evens = 'range x from 1 to 6 step 1 | where x % 2 == 0';
    expect(records(`${evens} | where prev(x, 1, 0) == 2 | project x`)).toEqual([{ x: 4 }]);
    expect(records(`${evens} | summarize m = max(x) by b = row_number() % 2 | order by b asc`)).toEqual([
      { b: 0, m: 4 },
      { b: 1, m: 6 },
    ]);
    expect(records(`${evens} | where x > 2 | summarize n = count(), a = arg_max(x, x * 10)`)).toEqual([
      { n: 2, a: 6, max_x_arg1: 60 },
    ]);
  });

  it('time(n) and timespan(n) with a bare number count days', () => {
    expect(records(`print a = time(2), b = timespan(1.5), c = time(-0.25)`)).toEqual([
      { a: '2.00:00:00', b: '1.12:00:00', c: '-06:00:00' },
    ]);
  });

  // Kusto.Language binds every item of one extend in the operator's input row scope (its Binder's
  // VisitExtendOperator binds all expressions against RowScope): a column an earlier item added is not
  // in scope (KS142) and a replaced column still refers to the input's.
  it('extend items read the input row, not the columns earlier items of the same extend assigned', () => {
    expect(records(`print a=1 | extend a = a * 10, b = a + 1`)).toEqual([{ a: 10, b: 2 }]);
    expect(() => records(`print a=1 | extend c = a * 10, d = c + 1`)).toThrow(/KS142/);
  });
});
