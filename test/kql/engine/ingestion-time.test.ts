import { describe, expect, it } from 'vitest';
import { type Catalog, emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableToRecords, UnsupportedError } from '../../../src/kql/index.js';
import { parseDateTime } from '../../../src/kql/values/index.js';
import { testCatalog } from '../../support/catalog.js';
import { expectKustoSchema, NOW } from './helpers.js';

// ingestion_time() reads the hidden $IngestionTime of the table's records; outside the context of a
// table it is null, and so it is when the table does not record it (IngestionTime policy off).
// https://learn.microsoft.com/kusto/query/ingestion-time-function
// https://learn.microsoft.com/kusto/management/ingestion-time-policy

const at = (iso: string) => parseDateTime(iso) as bigint;
const catalog: Catalog = testCatalog({
  Events: { TimeGenerated: 'datetime', Name: 'string' },
  Other: { TimeGenerated: 'datetime', Name: 'string' },
});

function events(ingestion?: (bigint | null)[]): Table {
  return {
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'Name', type: 'string' },
    ],
    rows: [
      [at('2026-01-10T10:00:00Z'), 'early'],
      [at('2026-01-10T10:00:00Z'), 'late'],
      [at('2026-01-10T11:00:00Z'), 'unknown'],
    ],
    ingestion,
  };
}

const INGESTED = [at('2026-01-10T10:01:00Z'), at('2026-01-10T11:30:00Z'), null];

function run(query: string, tables: Map<string, Table>, cat: Catalog = catalog) {
  const table = runQuery(query, { catalog: cat, tables, now: NOW });
  expectKustoSchema(query, table, cat);
  return tableToRecords(table);
}

function refusal(query: string): UnsupportedError {
  try {
    // Rows in both tables, so the call is reached (a call no row reaches is answered: see below).
    run(
      query,
      new Map([
        ['Events', events(INGESTED)],
        ['Other', events(INGESTED)],
      ]),
    );
  } catch (error) {
    if (error instanceof UnsupportedError) return error;
    throw error;
  }
  throw new Error(`not refused: ${query}`);
}

describe('ingestion_time()', () => {
  it("reads each record's ingestion time from its table, in where and extend", () => {
    const tables = new Map([['Events', events(INGESTED)]]);
    expect(
      run('Events | where ingestion_time() > datetime(2026-01-10T11:00:00Z) | project Name', tables),
    ).toEqual([{ Name: 'late' }]);
    expect(run('Events | extend At = ingestion_time() | project Name, At', tables)).toEqual([
      { Name: 'early', At: '2026-01-10T10:01:00Z' },
      { Name: 'late', At: '2026-01-10T11:30:00Z' },
      { Name: 'unknown', At: null },
    ]);
  });

  it('keeps each row its own time through sort, take, top, project-rename and let', () => {
    const tables = new Map([['Events', events(INGESTED)]]);
    expect(
      run(
        'let E = Events | project-rename What = Name; E | sort by What desc | take 2 | extend At = ingestion_time() | project What, At',
        tables,
      ),
    ).toEqual([
      { What: 'unknown', At: null },
      { What: 'late', At: '2026-01-10T11:30:00Z' },
    ]);
    expect(
      run('Events | top 1 by Name asc | project Lag = ingestion_time() - TimeGenerated', tables),
    ).toEqual([{ Lag: '00:01:00' }]);
  });

  it('follows each union leg to its own table, and is null for a leg that is not a table', () => {
    const other: Table = {
      ...events([at('2026-01-09T00:00:00Z'), null, null]),
      rows: events().rows.slice(0, 1),
    };
    const tables = new Map([
      ['Events', events(INGESTED)],
      ['Other', other],
    ]);
    expect(
      run(
        'union (Events | where Name == "late"), (Other), (datatable(TimeGenerated:datetime, Name:string) [datetime(2026-01-01), "literal"]) | project Name, At = ingestion_time()',
        tables,
      ),
    ).toEqual([
      { Name: 'late', At: '2026-01-10T11:30:00Z' },
      { Name: 'early', At: '2026-01-09T00:00:00Z' },
      { Name: 'literal', At: null },
    ]);
  });

  it('is null outside the context of a table, and for a table that does not record it', () => {
    expect(run('print At = ingestion_time()', new Map(), emptyCatalog())).toEqual([{ At: null }]);
    // take 1 of a table may return any of its rows (take-operator page), so only At is kept: every
    // row gives the same null.
    expect(run('Events | project At = ingestion_time() | take 1', new Map([['Events', events()]]))).toEqual([
      { At: null },
    ]);
  });

  it('is refused, at the call, once an operator has rebuilt the rows', () => {
    for (const [query, operator] of [
      ['Events | summarize count() by Name | extend At = ingestion_time()', 'summarize'],
      ['Events | project Name | extend At = ingestion_time()', 'a project that drops columns'],
      ['Events | join kind=inner (Other) on Name | extend At = ingestion_time()', 'join'],
      ['Events | distinct Name, TimeGenerated | where ingestion_time() > ago(1d)', 'summarize (or distinct'],
      ['Events | mv-expand x = pack_array(1, 2) | extend At = ingestion_time()', 'mv-expand'],
    ]) {
      const error = refusal(query);
      expect(error.start, query).toBe(query.indexOf('ingestion_time()'));
      expect(error.message, query).toContain(`ingestion_time() after ${operator}`);
    }
  });

  it('answers such a call that no row reaches: the rows decide nothing there (BitSight rules, s8 corpus)', () => {
    // Over an empty table, or rows a filter drops before the call, the result is the same whatever
    // ingestion_time() would read after the rebuilding operator; only a row that evaluates it is refused.
    const empty = new Map([['Events', { ...events(), rows: [] }]]);
    expect(run('Events | summarize n = count() by Name | extend At = ingestion_time()', empty)).toEqual([]);
    expect(run('Events | project Name | where ingestion_time() > ago(1d)', empty)).toEqual([]);
    const rows = new Map([['Events', events(INGESTED)]]);
    expect(
      run(
        'Events | summarize n = count() by Name | where Name == "nobody" | extend At = ingestion_time()',
        rows,
      ),
    ).toEqual([]);
    expect(
      refusal('Events | summarize n = count() by Name | where Name == "late" | extend At = ingestion_time()')
        .message,
    ).toContain('ingestion_time() after summarize');
  });
});
