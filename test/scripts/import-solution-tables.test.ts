import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTables } from '../../scripts/import-ci-functions.js';
import { readSolutionTables } from '../../scripts/import-solution-tables.js';
import { mergeTableColumns, type TableProvenance } from '../../scripts/import-xdr-tables.js';
import type { TableSchema } from '../../src/kql/catalog.js';
import { readPackedFile } from '../../src/kql/packed-tables.js';
import { folderWith } from '../support/files.js';

// The shape of Solutions/1Password/Data Connectors/1Password_ccpv2/1Password_tables.json: the
// workspace table a Solution's connector creates, where the CI's CustomTables file of the same table
// (OnePasswordEventLogs_CL.json @08feb59) writes `object_Type`.
const definition = {
  name: 'OnePasswordEventLogs_CL',
  apiVersion: '2022-10-01',
  type: 'Microsoft.OperationalInsights/workspaces/tables',
  properties: {
    schema: {
      name: 'OnePasswordEventLogs_CL',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'object_type', type: 'string' },
        { name: 'aux_id', type: 'int' },
        { name: 'blob', type: 'binary' },
      ],
    },
  },
};
const origin = { source: 'solution', repo: 'Azure/Azure-Sentinel', path: (file: string) => file };
const path = 'Solutions/1Password/Data Connectors/1Password_ccpv2/1Password_tables.json';

describe('Solution table definitions', () => {
  it('read a table resource or a template of them, leaving out a type KQL lacks', () => {
    const table = {
      name: 'OnePasswordEventLogs_CL',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'object_type', type: 'string' },
        { name: 'aux_id', type: 'int' },
      ],
      notes: ['column {"name":"blob","type":"binary"} left out'],
    };
    expect(readSolutionTables(definition)).toEqual([table]);
    expect(readSolutionTables({ resources: [{ type: 'Microsoft.Web/sites' }, definition] })).toEqual([table]);
  });

  it("add the columns the catalog's table lacks, and a rerun keeps the CI file's columns", () => {
    const ci: TableSchema = {
      name: 'OnePasswordEventLogs_CL',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'object_Type', type: 'string' },
      ],
    };
    const tables = new Map([[ci.name, ci]]);
    const provenance: TableProvenance = {};
    const [page] = readSolutionTables(definition);
    const pages = [{ file: path, commit: 'b7ff8d0', page }];
    mergeTableColumns(pages, tables, provenance, origin);
    const names = () => tables.get(ci.name)?.columns.map((c) => c.name);
    expect(names()).toEqual(['TimeGenerated', 'object_Type', 'object_type', 'aux_id']);
    expect(provenance[ci.name].sources).toEqual([
      {
        source: 'solution',
        repo: 'Azure/Azure-Sentinel',
        commit: 'b7ff8d0',
        path,
        added_columns: ['object_type', 'aux_id'],
        notes: ['column {"name":"blob","type":"binary"} left out'],
      },
    ]);
    mergeTableColumns(pages, tables, provenance, origin);
    expect(names()).toEqual(['TimeGenerated', 'object_Type', 'object_type', 'aux_id']);
  });

  it('keeps the columns they added when import-ci-functions reads the CI file of that table again', () => {
    const dir = folderWith('sk-solution-tables-', {
      'catalog/tables.ndjson': `${JSON.stringify({
        name: 'OnePasswordEventLogs_CL',
        columns: [
          { name: 'object_Type', type: 'string' },
          { name: 'object_type', type: 'string' },
        ],
      })}\n`,
      'catalog/stubs.ndjson': '',
      'catalog/provenance.json': JSON.stringify({
        tables: {
          OnePasswordEventLogs_CL: {
            sources: [{ source: 'solution', path, added_columns: ['object_type'] }],
          },
        },
      }),
      'tables/OnePasswordEventLogs_CL.json':
        '{"Name":"OnePasswordEventLogs_CL","Properties":[{"Name":"object_Type","Type":"string"}]}',
    });
    const catalog = join(dir, 'catalog');
    const previous = { OnePasswordEventLogs_CL: { repo: 'r', path: 'p', added: 'table' as const } };
    importTables(join(dir, 'tables'), undefined, previous, catalog, true);
    expect(
      readPackedFile(join(catalog, 'tables.ndjson'))
        .get('OnePasswordEventLogs_CL')
        ?.columns.map((c) => c.name),
    ).toEqual(['object_Type', 'object_type']);
  });
});
