import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTables } from '../../scripts/import-ci-functions.js';
import { readPackedFile } from '../../src/kql/packed-tables.js';
import { folderWith } from '../support/files.js';

// Most Azure-Sentinel CI CustomTables files are `{"Name", "Properties": [{"Name","Type"}]}`, but some are a
// workspace table resource as a data connector deploys it:
// .script/tests/KqlvalidationsTests/CustomTables/SINECSecurityGuard_CL.json @3707420 is
// `{"name", "type": "Microsoft.OperationalInsights/workspaces/tables", "properties": {"schema": {"name",
// "columns": [{"name","type"}]}}}`. Its rule (Solutions/SINEC Security Guard/Analytic Rules/
// SSG_Azure_Sentinel_analytic_rule.yaml) reads source_ip, destination_ip, signature_id, signature_name.
const columnsOf = (dir: string, name: string) =>
  readPackedFile(join(dir, 'catalog', 'tables.ndjson'))
    .get(name)
    ?.columns.map((c) => `${c.name}:${c.type}`);

describe('CustomTables files written as a workspace table resource', () => {
  it('add the table with the columns of its schema, as the connector creates them', () => {
    const dir = folderWith('sk-ci-resource-form-', {
      'catalog/tables.ndjson': '',
      'catalog/stubs.ndjson': '',
      'ci/SINECSecurityGuard_CL.json': `{
    "name": "SINECSecurityGuard_CL",
    "type": "Microsoft.OperationalInsights/workspaces/tables",
    "apiVersion": "2023-01-01",
    "tags": {},
    "properties": {
        "schema": {
            "name": "SINECSecurityGuard_CL",
\t\t\t"columns": [
            { "name": "destination_ip", "type": "string" },
            { "name": "signature_id", "type": "int" },
            { "name": "detected_at", "type": "datetime" },
            { "name": "evidence", "type": "dynamic" }
          ]
        }
    }
}`,
    });
    const record = importTables(join(dir, 'ci'), undefined, {}, join(dir, 'catalog'));
    expect(record.SINECSecurityGuard_CL?.added).toBe('table');
    expect(columnsOf(dir, 'SINECSecurityGuard_CL')).toEqual([
      'destination_ip:string',
      'signature_id:int',
      'detected_at:datetime',
      'evidence:dynamic',
    ]);
  });

  it('write no table for a file that names no column (every query over it would fail to bind)', () => {
    const dir = folderWith('sk-ci-no-columns-', {
      'catalog/tables.ndjson': '',
      'catalog/stubs.ndjson': '',
      'ci/Contoso_CL.json': '{"Name":"Contoso_CL","Properties":{"columns":"not a list"}}',
    });
    expect(importTables(join(dir, 'ci'), undefined, {}, join(dir, 'catalog'))).toEqual({});
    expect(columnsOf(dir, 'Contoso_CL')).toBeUndefined();
  });
});
