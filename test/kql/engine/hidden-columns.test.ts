import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table } from '../../../src/kql/index.js';
import { testCatalog } from '../../support/catalog.js';
import { expectKustoSchema, NOW } from './helpers.js';

// Learn "Standard columns in Azure Monitor Logs"
// (https://learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns, azure-monitor-docs
// log-standard-columns.md @04f72d4): "Some of the standard columns will not show in the schema view
// or intellisense in Log Analytics, and they won't show in query results unless you explicitly
// specify the column in the output." `_ItemId` is the one of them the catalog's tables carry (the
// table reference lists the others: src/kql/lower/hidden-columns.ts).

const catalog = testCatalog({
  Events: { TimeGenerated: 'datetime', Name: 'string', _IsBillable: 'string', _ItemId: 'string' },
});

const events: Table = {
  columns: catalog.tables.get('Events')?.columns.map(({ name, type }) => ({ name, type })) ?? [],
  rows: [[NOW, 'a', 'True', 'item-1']],
};

function columns(query: string): string[] {
  const table = runQuery(query, { catalog, tables: new Map([['Events', events]]), now: NOW });
  expectKustoSchema(query, table, catalog);
  expect(table.rows.every((row) => row.length === table.columns.length)).toBe(true);
  return table.columns.map((c) => c.name);
}

describe('hidden standard columns (Log Analytics)', () => {
  it('are left out of a result that passes the table on: the table, take, where, sort, extend, project-rename, parse', () => {
    const shown = ['TimeGenerated', 'Name', '_IsBillable'];
    expect(columns('Events')).toEqual(shown);
    expect(columns('Events | take 10')).toEqual(shown);
    expect(columns('Events | where _ItemId != "" | sort by Name | top 5 by Name')).toEqual(shown);
    expect(columns('Events | extend Id = _ItemId')).toEqual([...shown, 'Id']);
    expect(columns('Events | project-away Name')).toEqual(['TimeGenerated', '_IsBillable']);
    expect(columns('let recent = Events | where TimeGenerated > ago(1d); recent | take 1')).toEqual(shown);
    expect(columns('Events | project-rename Who = Name')).toEqual(['TimeGenerated', 'Who', '_IsBillable']);
    expect(columns('Events | parse Name with First:string "-" *')).toEqual([...shown, 'First']);
  });

  it('show when the query specifies them in the output', () => {
    expect(columns('Events | project Name, _ItemId')).toEqual(['Name', '_ItemId']);
    expect(columns('Events | summarize count() by _ItemId')).toEqual(['_ItemId', 'count_']);
    expect(columns('Events | distinct _ItemId')).toEqual(['_ItemId']);
    expect(columns('Events | project-rename Id = _ItemId')).toEqual([
      'TimeGenerated',
      'Name',
      '_IsBillable',
      'Id',
    ]);
    expect(columns('Events | project-reorder _ItemId')).toEqual([
      '_ItemId',
      'TimeGenerated',
      'Name',
      '_IsBillable',
    ]);
    expect(columns('Events | extend _ItemId = strcat("x", _ItemId) | take 1')).toEqual([
      'TimeGenerated',
      'Name',
      '_IsBillable',
      '_ItemId',
    ]);
  });

  it('keep their values for the operators that read them', () => {
    const table = runQuery('Events | where _ItemId == "item-1" | project Id = _ItemId', {
      catalog,
      tables: new Map([['Events', events]]),
      now: NOW,
    });
    expect(table.rows).toEqual([['item-1']]);
  });

  it('stay visible where the page does not settle it (join, union), and for a datatable', () => {
    expect(columns('union Events, Events')).toContain('_ItemId');
    expect(columns('Events | join kind=inner (Events) on Name')).toContain('_ItemId');
    expect(columns('datatable(_ItemId: string, A: long)["x", 1] | take 1')).toEqual(['_ItemId', 'A']);
  });

  it('apply to the built-in catalog tables, which carry _ItemId beside _IsBillable', () => {
    const builtin = loadCatalog(mkdtempSync(join(tmpdir(), 'hidden-columns-')));
    const result = runQuery('SecurityEvent | take 10', { catalog: builtin, tables: new Map(), now: NOW });
    const names = result.columns.map((c) => c.name);
    expect(names).toContain('_IsBillable');
    expect(names).not.toContain('_ItemId');
    expect(
      runQuery('SecurityEvent | project _ItemId', { catalog: builtin, tables: new Map() }).columns,
    ).toEqual([{ name: '_ItemId', type: 'string' }]);
  });
});
