import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFunctions, importTables, readCiFunction } from '../../../scripts/import-ci-functions.js';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { builtinCatalogDir, readPackedFile } from '../../../src/kql/packed-tables.js';
import { parseCiJson } from '../../../src/kql/sentinel-ci-json.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { folderWith } from '../../support/files.js';

// The Azure-Sentinel CI binds rules against .script/tests/KqlvalidationsTests/CustomFunctions/*.json
// (CustomJsonDirectoryFunctionsLoader in KqlValidationTests.cs); scripts/import-ci-functions.ts brings
// those declarations into catalog/ci-functions.json. The file shapes below are the ones the CI's
// folder holds (keys in either case, .NET type names, Default as KQL text).
const root = join(import.meta.dirname, '..', '..', '..');
const errorsOf = (query: string, catalog: Catalog) =>
  analyze(query, catalog)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);

describe('CustomFunctions declarations', () => {
  it('read parameters with their defaults and result columns in the CI spellings', () => {
    const { fn, notes } = readCiFunction(
      parseCiJson(`{
        "FunctionName": "ContosoNetworks",
        "FunctionParameters": [
          { "Name": "WatchlistAlias", "Type": "string", "Default": "'ContosoRanges'" },
          { "Name": "disabled", "Type": "Boolean", "IsRequired": false }
        ],
        "FunctionResultColumns": [
          { "name": "TimeGenerated", "type": "DateTime" },
          { "Name": "Score", "Type": "Int32" },
          { "Name": "Extra", "Type": "Object" },
          { "Name": "Session*", "Type": "String" },
          { "Name": "Flag", "Type": "binary" },
        ]
      }`),
    );
    expect(fn).toEqual({
      name: 'ContosoNetworks',
      parameters: [
        { name: 'WatchlistAlias', type: 'string', default: "'ContosoRanges'" },
        { name: 'disabled', type: 'bool', default: 'bool(null)' },
      ],
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Score', type: 'int' },
        { name: 'Extra', type: 'dynamic' },
      ],
    });
    expect(notes).toEqual([
      'column "Session*" of type "String" left out',
      'column "Flag" of type "binary" left out',
    ]);
  });

  it('leave out a declaration without result columns, which may be scalar or tabular', () => {
    const raw = { FunctionName: 'GetValue', FunctionParameters: [], FunctionResultColumns: [] };
    expect(readCiFunction(raw)).toEqual({ notes: ['no FunctionResultColumns'] });
  });

  it('bind every imported function, with and without its parameters, and refuse an unknown column', () => {
    const catalog = loadCatalog(root);
    const file = JSON.parse(readFileSync(join(builtinCatalogDir(), 'ci-functions.json'), 'utf8')) as {
      functions: {
        name: string;
        parameters: { name: string; default: string }[];
        columns: { name: string }[];
      }[];
    };
    expect(file.functions.length).toBeGreaterThan(0);
    const opened: string[] = [];
    for (const fn of file.functions) {
      const args = fn.parameters.map((p) => `${p.name} = ${p.default}`).join(', ');
      const column = `['${fn.columns[0].name}']`;
      expect([fn.name, errorsOf(`${fn.name}(${args}) | project ${column}`, catalog)]).toEqual([fn.name, []]);
      expect([fn.name, errorsOf(`${fn.name} | project ${column}`, catalog)]).toEqual([fn.name, []]);
      // A held body reading a watchlist the project does not define binds it with an open schema
      // (getWatchlistSymbol: Sentinel unpacks each item's columns), and Kusto.Language keeps a result
      // open through project and summarize, so an unknown column is accepted there (NOTES, "Left out").
      const body = catalog.builtinFunctions?.get(fn.name)?.body ?? '';
      if (body.includes('_GetWatchlist')) opened.push(fn.name);
      else expect(errorsOf(`${fn.name} | project NoSuchColumnAnywhere`, catalog)).not.toEqual([]);
    }
    expect(opened.length).toBeLessThan(file.functions.length / 10);
  });
});

describe('CustomTables files newer than the catalog', () => {
  it('add columns to Microsoft tables and stubs, add _CL tables, and declare other names as parser outputs', () => {
    const dir = folderWith('sk-ci-tables-', {
      'catalog/tables.ndjson': `${JSON.stringify({ name: 'PowerPlatformAdminActivity', columns: [{ name: 'TimeGenerated', type: 'datetime' }] })}\n`,
      'catalog/stubs.ndjson': `${JSON.stringify({ name: 'Infoblox', columns: [{ name: 'Log_Type', type: 'string' }] })}\n`,
      'ci/PowerPlatformAdminActivity.json':
        '{"Name":"PowerPlatformAdminActivity","Properties":[{"name":"TimeGenerated","type":"DateTime"},{"name":"PropertyCollection","type":"Dynamic"}]}',
      'ci/Infoblox.json':
        '{"Name":"Infoblox","Properties":[{"Name":"Log_Type","Type":"String"},{"Name":"SrcIpAddr","Type":"String"},]}',
      'ci/Contoso_CL.json': '{"Name":"Contoso_CL","Properties":[{"Name":"TimeGenerated","Type":"DateTime"}]}',
      'ci/OktaSSO.json': '{"Name":"OktaSSO","Properties":[{"Name":"eventType_s","Type":"String"}]}',
      'ci/commits.json': '{"OktaSSO.json":"39460674c97fc7e73f4868868be375941639425b"}',
    });
    const record = importTables(join(dir, 'ci'), undefined, {}, join(dir, 'catalog'));
    expect(Object.fromEntries(Object.entries(record).map(([name, r]) => [name, r.added]))).toEqual({
      Contoso_CL: 'table',
      Infoblox: 'parser output',
      OktaSSO: 'parser output',
      PowerPlatformAdminActivity: 'columns',
    });
    expect(record.OktaSSO.commit).toBe('39460674c97fc7e73f4868868be375941639425b');
    const columns = (file: string) =>
      Object.fromEntries(
        [...readPackedFile(join(dir, 'catalog', file))].map(([name, t]) => [
          name,
          t.columns.map((c) => c.name),
        ]),
      );
    expect(columns('tables.ndjson')).toEqual({
      Contoso_CL: ['TimeGenerated'],
      PowerPlatformAdminActivity: ['TimeGenerated', 'PropertyCollection'],
    });
    expect(columns('ci-tables.ndjson')).toEqual({
      Infoblox: ['Log_Type', 'SrcIpAddr'],
      OktaSSO: ['eventType_s'],
    });
    // A second run, with the first run's record, finds nothing new and keeps the _CL table the CI's.
    expect(importTables(join(dir, 'ci'), undefined, record, join(dir, 'catalog'))).toEqual(record);
  });
});

describe('CustomFunctions declarations of a parser the catalog has as a stub', () => {
  // CustomFunctions/SophosXGFirewall.json declares 7 result columns; the catalog's parser-output stub
  // (from an older CustomTables snapshot) has 5. The CI binds SophosXGFirewall | where Dst_IP ... .
  it("add the function's columns to the stub, served from ci-tables.ndjson, and keep it a table", () => {
    const col = (name: string, type = 'String') => `{"Name":"${name}","Type":"${type}"}`;
    const dir = folderWith('sk-ci-stub-fn-', {
      'catalog/tables.ndjson': '',
      'catalog/stubs.ndjson': `${JSON.stringify({ name: 'SophosXGFirewall', columns: [{ name: 'Src_IP', type: 'string' }] })}\n`,
      'functions/SophosXGFirewall.json': `{"FunctionName":"SophosXGFirewall","FunctionParameters":[],"FunctionResultColumns":[${[col('Src_IP'), col('Dst_IP'), col('CollectorHostName')].join(',')}]}`,
      'functions/commits.json': '{"SophosXGFirewall.json":"4c0a69c00eb2fb7cd6dd212721d422ab239eb071"}',
      'tables/Contoso_CL.json':
        '{"Name":"Contoso_CL","Properties":[{"Name":"TimeGenerated","Type":"DateTime"}]}',
    });
    const catalog = join(dir, 'catalog');
    const functions = importFunctions(join(dir, 'functions'), undefined, undefined, catalog);
    expect(functions.files).toEqual({});
    expect(functions.skipped['SophosXGFirewall.json']).toEqual([
      "a parser-output stub of the catalog has this name; the function's columns join it",
    ]);
    const tables = importTables(join(dir, 'tables'), undefined, {}, catalog, false, join(dir, 'functions'));
    expect(tables.SophosXGFirewall).toMatchObject({
      path: '.script/tests/KqlvalidationsTests/CustomFunctions/SophosXGFirewall.json',
      commit: '4c0a69c00eb2fb7cd6dd212721d422ab239eb071',
      added: 'parser output',
    });
    expect(
      readPackedFile(join(catalog, 'ci-tables.ndjson'))
        .get('SophosXGFirewall')
        ?.columns.map((c) => c.name),
    ).toEqual(['Src_IP', 'Dst_IP', 'CollectorHostName']);
    // A --merge run over another partial copy keeps the record and the columns.
    const again = importTables(join(dir, 'tables'), undefined, tables, catalog, true);
    expect(again.SophosXGFirewall).toEqual(tables.SophosXGFirewall);
    expect(readPackedFile(join(catalog, 'ci-tables.ndjson')).get('SophosXGFirewall')?.columns).toHaveLength(
      3,
    );
  });
});

describe('a partial copy of the CI folders (--merge), as the search tools fetch them file by file', () => {
  const column = (name: string, type = 'String') => `{"Name":"${name}","Type":"${type}"}`;
  const fn = (name: string, columns: string[]) =>
    `{"FunctionName":"${name}","FunctionParameters":[],"FunctionResultColumns":[${columns.join(',')}]}`;
  const table = (name: string, columns: string[]) => `{"Name":"${name}","Properties":[${columns.join(',')}]}`;
  const names = (dir: string, file: string) => [...readPackedFile(join(dir, 'catalog', file)).keys()];

  it('keeps what earlier runs imported from files the folder does not hold, and loses no column', () => {
    const dir = folderWith('sk-ci-merge-', {
      'catalog/tables.ndjson': `${JSON.stringify({ name: 'AzureDiagnostics', columns: [{ name: 'TimeGenerated', type: 'datetime' }] })}\n`,
      'catalog/stubs.ndjson': '',
      'first/functions/RadiflowEvent.json': fn('RadiflowEvent', [column('EventTime', 'dateTime')]),
      'first/tables/OktaSSO.json': table('OktaSSO', [column('eventType_s')]),
      'first/tables/Contoso_CL.json': table('Contoso_CL', [column('TimeGenerated', 'DateTime')]),
      'first/tables/AzureDiagnostics.json': table('AzureDiagnostics', [column('ruleGroup_s')]),
      'second/functions/corelight_http.json': fn('corelight_http', [column('id_orig_h')]),
      'second/tables/Entities_Data_CL.json': table('Entities_Data_CL', [column('name')]),
    });
    const catalog = join(dir, 'catalog');
    const firstFunctions = importFunctions(join(dir, 'first', 'functions'), 'c1', undefined, catalog);
    const firstTables = importTables(join(dir, 'first', 'tables'), 'c1', {}, catalog);
    const functions = importFunctions(join(dir, 'second', 'functions'), 'c2', firstFunctions, catalog, true);
    const tables = importTables(join(dir, 'second', 'tables'), 'c2', firstTables, catalog, true);

    expect(Object.keys(functions.files).sort()).toEqual(['RadiflowEvent', 'corelight_http']);
    expect(functions.files.RadiflowEvent.commit).toBe('c1');
    const written = JSON.parse(readFileSync(join(catalog, 'ci-functions.json'), 'utf8')) as {
      functions: { name: string }[];
    };
    expect(written.functions.map((f) => f.name).sort()).toEqual(['RadiflowEvent', 'corelight_http']);
    expect(
      Object.fromEntries(Object.entries(tables).map(([name, r]) => [name, [r.added, r.commit]])),
    ).toEqual({
      AzureDiagnostics: ['columns', 'c1'],
      Contoso_CL: ['table', 'c1'],
      Entities_Data_CL: ['table', 'c2'],
      OktaSSO: ['parser output', 'c1'],
    });
    expect(names(dir, 'tables.ndjson').sort()).toEqual([
      'AzureDiagnostics',
      'Contoso_CL',
      'Entities_Data_CL',
    ]);
    expect(
      readPackedFile(join(catalog, 'tables.ndjson'))
        .get('AzureDiagnostics')
        ?.columns.map((c) => c.name),
    ).toEqual(['TimeGenerated', 'ruleGroup_s']);
    expect(names(dir, 'ci-tables.ndjson')).toEqual(['OktaSSO']);
  });

  it('without --merge, a folder is the whole CI: what it does not hold is dropped', () => {
    const dir = folderWith('sk-ci-whole-', {
      'catalog/tables.ndjson': '',
      'catalog/stubs.ndjson': '',
      'first/RadiflowEvent.json': fn('RadiflowEvent', [column('EventTime')]),
      'second/corelight_http.json': fn('corelight_http', [column('id_orig_h')]),
    });
    const catalog = join(dir, 'catalog');
    const first = importFunctions(join(dir, 'first'), undefined, undefined, catalog);
    expect(Object.keys(importFunctions(join(dir, 'second'), undefined, first, catalog).files)).toEqual([
      'corelight_http',
    ]);
  });
});
