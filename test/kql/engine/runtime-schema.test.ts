/**
 * Operators whose columns come from the data (schema-less bag_unpack, pivot) followed by operators
 * that read them: resolved at run time, as Kusto does (src/kql/lower/runtime-schema.ts). Each test
 * here was refused by the engine before ("cannot be followed by ...", "evaluate pivot is not
 * supported") or pins a refusal where the docs leave the answer open.
 */

import { describe, expect, it } from 'vitest';
import { emptyCatalog, loadCatalog } from '../../../src/kql/catalog.js';
import { KqlError, planQuery, runQuery, UnsupportedError } from '../../../src/kql/index.js';
import { catalogTable } from '../../support/catalog.js';
import { expectKustoSchema, records, run, schemaOf } from './helpers.js';

function failure(query: string): KqlError {
  try {
    run(query);
  } catch (error) {
    if (error instanceof KqlError) return error;
    throw error;
  }
  throw new Error(`expected ${query} to fail`);
}

const BAGS = `datatable(id:long, d:dynamic)[1, dynamic({'b':'x', 'a':1}), 2, dynamic({'a':2})]`;

describe('schema-less bag_unpack read by later operators', () => {
  it('resolves the unpacked columns (sorted, typed from the values) for extend, where, project and summarize', () => {
    const query = `${BAGS} | evaluate bag_unpack(d) | extend c = a * 10 | where a > 0 | project id, b, c`;
    expect(schemaOf(query)).toEqual(['id:long', 'b:string', 'c:long']);
    expect(records(query)).toEqual([
      { id: 1, b: 'x', c: 10 },
      { id: 2, b: '', c: 20 },
    ]);
    expect(records(`${BAGS} | evaluate bag_unpack(d) | summarize n = sum(a) by b`)).toEqual([
      { b: 'x', n: 1 },
      { b: '', n: 2 },
    ]);
  });

  it('checks the re-bound query against Kusto.Language: the plan is open until the data is seen', () => {
    const query = `${BAGS} | evaluate bag_unpack(d) | extend c = a * 10`;
    expect(planQuery(query, emptyCatalog()).op).toBe('runtime-schema');
    // The answer's columns are the ones Kusto.Language computes for the query with them declared.
    const declared = `${BAGS} | evaluate bag_unpack(d) : (id:long, a:long, b:string) | extend c = a * 10`;
    expectKustoSchema(declared, run(query));
  });

  it("fails with the binder's error at its place in the query when a column is missing at run time", () => {
    // "a query that is referencing unpacked columns may become 'broken' at any time" (bag_unpack page).
    const query = `${BAGS} | evaluate bag_unpack(d) | extend z = tolong(a) | extend w = absent_col`;
    const error = failure(query);
    expect(error).not.toBeInstanceOf(UnsupportedError);
    expect(error.diagnostics[0].code).toBe('KS142');
    expect(query.slice(error.diagnostics[0].start, error.diagnostics[0].start + 10)).toBe('absent_col');
  });

  it('over an empty table keeps only the other columns, so column_ifexists gives its default', () => {
    const query = `datatable(id:long, d:dynamic)[] | evaluate bag_unpack(d) | extend k = column_ifexists('k', 'none')`;
    expect(schemaOf(query)).toEqual(['id:long', 'k:string']);
    expect(
      failure(`datatable(id:long, d:dynamic)[] | evaluate bag_unpack(d) | extend k = a`).diagnostics[0].code,
    ).toBe('KS142');
  });

  it('resolves a let-bound unpack read twice, and unpacks in a row', () => {
    expect(
      records(
        `let T = ${BAGS} | evaluate bag_unpack(d); T | join kind=inner (T | project id, c = a) on id | project id, a, c`,
      ),
    ).toEqual([
      { id: 1, a: 1, c: 1 },
      { id: 2, a: 2, c: 2 },
    ]);
    expect(
      records(
        `datatable(d:dynamic, e:dynamic)[dynamic({'a':'s'}), dynamic({'b':1})] | evaluate bag_unpack(d) | evaluate bag_unpack(e) | extend z = strcat(a, b)`,
      ),
    ).toEqual([{ a: 's', b: 1, z: 's1' }]);
  });

  it('reads a column columnsConflict moved among the unpacked ones', () => {
    // Both page examples print Age, Name: the conflicting column takes its slot's place
    // (https://learn.microsoft.com/kusto/query/bag-unpack-plugin).
    const source = `datatable(Name:string, d:dynamic)['x', dynamic({'Name':'John', 'Age':20})]`;
    expect(
      records(
        `${source} | evaluate bag_unpack(d, columnsConflict='replace_source') | extend y = strcat(Name, '!')`,
      ),
    ).toEqual([{ Age: 20, Name: 'John', y: 'John!' }]);
    expect(
      records(
        `${source} | evaluate bag_unpack(d, columnsConflict='keep_source') | extend y = strcat(Name, '!')`,
      ),
    ).toEqual([{ Age: 20, Name: 'x', y: 'x!' }]);
  });

  it('refuses ingestion_time() after it, as before any operator that rebuilds rows', () => {
    const catalog = loadCatalog(process.cwd());
    const query = `SecurityEvent | extend d = dynamic({'a':'x'}) | evaluate bag_unpack(d) | extend i = ingestion_time()`;
    // A row reaches the call (over no rows it is answered: the rows decide nothing there).
    const tables = new Map([
      ['SecurityEvent', catalogTable(catalog, 'SecurityEvent', [{ TimeGenerated: '2026-01-10T10:00:00Z' }])],
    ]);
    expect(() => runQuery(query, { catalog, tables })).toThrow('ingestion_time() after evaluate bag_unpack');
  });

  it("positions a later refusal in the user's query, not in the re-bound text", () => {
    const query = `${BAGS} | evaluate bag_unpack(d) | extend r = rand()`;
    const error = failure(query);
    expect(error).toBeInstanceOf(UnsupportedError);
    const at = (error as UnsupportedError).start;
    expect(query.slice(at, at + 6)).toBe('rand()');
  });
});

describe('evaluate pivot (https://learn.microsoft.com/kusto/query/pivot-plugin)', () => {
  const T = `datatable(State:string, EventType:string, Deaths:long)[
    'ALABAMA', 'Wind', 2, 'ALASKA', 'Wind', 1, 'ALABAMA', 'Wind', 3, 'ALASKA', 'Cold', 4]`;

  it('counts per value by default, grouped by the other columns, 0 where a group has no such rows', () => {
    expect(
      records(`${T} | project State, EventType | evaluate pivot(State) | project EventType, ALABAMA, ALASKA`),
    ).toEqual([
      { EventType: 'Wind', ALABAMA: 2, ALASKA: 1 },
      { EventType: 'Cold', ALABAMA: 0, ALASKA: 1 },
    ]);
  });

  it('aggregates with sum() by the listed columns', () => {
    expect(
      records(`${T} | evaluate pivot(State, sum(Deaths), EventType) | project EventType, ALASKA, ALABAMA`),
    ).toEqual([
      { EventType: 'Wind', ALASKA: 1, ALABAMA: 5 },
      { EventType: 'Cold', ALASKA: 4, ALABAMA: 0 },
    ]);
  });

  it("refuses a result whose answer shows the value columns' order, which the page does not document", () => {
    const error = failure(`${T} | evaluate pivot(State, sum(Deaths), EventType)`);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain("order of pivot's data-dependent columns");
    // One value column has no order to show.
    expect(records(`${T} | where State == 'ALASKA' | evaluate pivot(State, sum(Deaths), EventType)`)).toEqual(
      [
        { EventType: 'Wind', ALASKA: 1 },
        { EventType: 'Cold', ALASKA: 4 },
      ],
    );
  });

  it('positions the order refusal at the pivot after an earlier run-time schema was written in', () => {
    const query = `datatable(d:dynamic)[dynamic({'k':'A', 'v':1}), dynamic({'k':'B', 'v':2})]
      | evaluate bag_unpack(d) | extend g = 'x' | evaluate pivot(k, sum(v), g)`;
    const error = failure(query);
    expect(error).toBeInstanceOf(UnsupportedError);
    const at = (error as UnsupportedError).start;
    expect(query.slice(at, at + (error as UnsupportedError).length)).toBe('evaluate pivot(k, sum(v), g)');
  });

  it('refuses a missing cell under an aggregate whose empty value the page does not show', () => {
    // Without ALABAMA's second Wind row, so that take_any's candidates agree (take-any page: the row is
    // chosen arbitrarily; ALABAMA/Wind's 2 and 3 are refused, below).
    const query = `${T} | where Deaths != 3 | evaluate pivot(State, take_any(Deaths), EventType) | project EventType, ALABAMA`;
    const error = failure(query);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain("a group without rows for 'ALABAMA'");
    expect(failure(`${T} | evaluate pivot(State, take_any(Deaths), EventType)`).message).toContain(
      'arbitrarily chosen row',
    );
    // Every group has every value: answered.
    expect(
      records(
        `${T} | where EventType == 'Wind' and Deaths != 3 | evaluate pivot(State, take_any(Deaths), EventType) | project EventType, ALASKA`,
      ),
    ).toEqual([{ EventType: 'Wind', ALASKA: 1 }]);
  });
});

describe('the Windows event-data pattern of Azure-Sentinel rules', () => {
  const event = (id: string, name: string, op: string) =>
    `'<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><Data Name="ObjectName">${name}</Data><Data Name="ObjectValueName">SD</Data><Data Name="OperationType">${op}</Data></EventData>', '${id}'`;
  const table = (rows: string[]) => `datatable(EventData:string, Computer:string)[${rows.join(', ')}]`;
  const query = (source: string) => `${source}
    | extend EventData = parse_xml(EventData).EventData.Data
    | mv-expand bagexpansion=array EventData
    | evaluate bag_unpack(EventData)
    | extend Key = tostring(column_ifexists('@Name', "")), Value = column_ifexists('#text', "")
    | evaluate pivot(Key, any(Value), Computer)
    | extend ObjectName = column_ifexists('ObjectName', ""), OperationType = column_ifexists('OperationType', "")
    | where ObjectName has 'TaskCache' and OperationType == "%%1906"
    | project Computer, ObjectName`;

  it('parses, unpacks and pivots each event into its named fields', () => {
    const rows = [event('pc1', 'Schedule/TaskCache/Tree/x', '%%1906'), event('pc2', 'other', '%%1905')];
    expect(records(query(table(rows)))).toEqual([
      { Computer: 'pc1', ObjectName: 'Schedule/TaskCache/Tree/x' },
    ]);
  });

  it('runs over an empty table: the pivot yields only its group column and column_ifexists its defaults', () => {
    expect(records(query(table([])))).toEqual([]);
    expect(schemaOf(query(table([])))).toEqual(['Computer:string', 'ObjectName:string']);
  });

  it('refuses an event field whose XML text the parse_xml page leaves open', () => {
    const error = failure(query(table([event('pc1', '0x3e7', '%%1906')])));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain("parse_xml() of XML with the value '0x3e7'");
  });
});

describe('column_ifexists of an existing column (https://learn.microsoft.com/kusto/query/column-ifexists-function)', () => {
  it("returns the column when its type is the default's", () => {
    expect(records(`print a = 'x' | extend b = column_ifexists('a', '')`)).toEqual([{ a: 'x', b: 'x' }]);
  });

  it('refuses a column of another type than the default, which Kusto.Language types the call by', () => {
    const error = failure(`print a = 1 | extend b = column_ifexists('a', '')`);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain("existing long column 'a' with a string default");
  });

  it('returns an existing dynamic column with a dynamic default (the entropy_fl page prints its values)', () => {
    expect(records(`print a = dynamic([1]) | extend b = column_ifexists('a', dynamic(null))`)).toEqual([
      { a: [1], b: [1] },
    ]);
  });

  it("refuses an existing dynamic column with a default of another type: the page's note and its Returns section disagree", () => {
    const error = failure(`print a = dynamic([1]) | extend b = column_ifexists('a', '')`);
    expect(error.message).toContain("existing dynamic column 'a'");
  });
});
