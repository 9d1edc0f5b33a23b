import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCiFunction } from '../../../scripts/import-ci-functions.js';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { builtinCatalogDir } from '../../../src/kql/packed-tables.js';
import { parseCiJson } from '../../../src/kql/sentinel-ci-json.js';
import { analyze } from '../../../src/kql/syntax/index.js';

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
