import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTables, readCiFunction } from '../../../scripts/import-ci-functions.js';
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
    for (const fn of file.functions) {
      const args = fn.parameters.map((p) => `${p.name} = ${p.default}`).join(', ');
      const column = `['${fn.columns[0].name}']`;
      expect([fn.name, errorsOf(`${fn.name}(${args}) | project ${column}`, catalog)]).toEqual([fn.name, []]);
      expect([fn.name, errorsOf(`${fn.name} | project ${column}`, catalog)]).toEqual([fn.name, []]);
      expect(errorsOf(`${fn.name} | project NoSuchColumnAnywhere`, catalog)).not.toEqual([]);
    }
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
