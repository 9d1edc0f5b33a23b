import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTables } from '../../scripts/import-ci-functions.js';
import { readPackedFile } from '../../src/kql/packed-tables.js';
import { folderWith } from '../support/files.js';

// CustomTables/CrowdStrikeDetections.json @48af35f declares a table Azure Monitor documents
// (articles/azure-monitor/reference/tables/crowdstrikedetections.md @2a9862c), whose page only
// includes its columns from reusable-content, a file the index does not hold. Without a `_CL` suffix
// the importer took any such name for a parser's output (ci-tables.ndjson, run as `parser-output`);
// `monitor-pages.json` beside the files says which are Microsoft tables.
const names = (dir: string, file: string) =>
  existsSync(join(dir, 'catalog', file)) ? [...readPackedFile(join(dir, 'catalog', file)).keys()] : [];

describe('CustomTables files of tables Azure Monitor documents', () => {
  it('join tables.ndjson as tables, with the page recorded; other names stay parser outputs', () => {
    const page =
      'MicrosoftDocs/azure-monitor-docs articles/azure-monitor/reference/tables/crowdstrikedetections.md@2a9862c';
    const dir = folderWith('sk-ci-monitor-pages-', {
      'catalog/tables.ndjson': '',
      'catalog/stubs.ndjson': '',
      'ci/CrowdStrikeDetections.json':
        '{"Name":"CrowdStrikeDetections","Properties":[{"name":"TimeGenerated","type":"DateTime"},{"name":"MaxSeverity","type":"Int32"},{"name":"EmailSent","type":"SByte"},{"name":"Behaviors","type":"Object"}]}',
      'ci/OktaSSO.json': '{"Name":"OktaSSO","Properties":[{"Name":"TimeGenerated","Type":"DateTime"}]}',
      'ci/monitor-pages.json': JSON.stringify({ 'CrowdStrikeDetections.json': page }),
    });
    const record = importTables(join(dir, 'ci'), undefined, {}, join(dir, 'catalog'));
    expect(record.CrowdStrikeDetections?.added).toBe('table');
    expect(record.CrowdStrikeDetections?.notes?.[0]).toContain(page);
    expect(record.OktaSSO?.added).toBe('parser output');
    expect(names(dir, 'tables.ndjson')).toEqual(['CrowdStrikeDetections']);
    expect(names(dir, 'ci-tables.ndjson')).toEqual(['OktaSSO']);
    expect(
      readPackedFile(join(dir, 'catalog', 'tables.ndjson'))
        .get('CrowdStrikeDetections')
        ?.columns.map((c) => `${c.name}:${c.type}`),
    ).toEqual(['TimeGenerated:datetime', 'MaxSeverity:int', 'EmailSent:bool', 'Behaviors:dynamic']);
    // monitor-pages.json itself declares no table.
    expect(Object.keys(record).sort()).toEqual(['CrowdStrikeDetections', 'OktaSSO']);
  });

  it('move an earlier run of a file monitor-pages.json now names from the parser outputs to the tables', () => {
    // AWSSecurityHubFindings.json @0b24484 was imported as a parser output (catalog of 975e20b);
    // awssecurityhubfindings.md @0b8303a documents the table (its columns in an include the index lacks).
    const page =
      'MicrosoftDocs/azure-monitor-docs articles/azure-monitor/reference/tables/awssecurityhubfindings.md@0b8303a';
    const earlier = {
      AWSSecurityHubFindings: {
        repo: 'Azure/Azure-Sentinel',
        path: '.script/tests/KqlvalidationsTests/CustomTables/AWSSecurityHubFindings.json',
        commit: '0b24484',
        added: 'parser output',
      },
    };
    const dir = folderWith('sk-ci-monitor-pages-earlier-', {
      'catalog/tables.ndjson': '',
      'catalog/stubs.ndjson': '',
      'catalog/ci-tables.ndjson':
        '{"name":"AWSSecurityHubFindings","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Resources","type":"dynamic"}]}\n',
      'ci/monitor-pages.json': JSON.stringify({ 'AWSSecurityHubFindings.json': page }),
    });
    const record = importTables(join(dir, 'ci'), undefined, earlier, join(dir, 'catalog'), true);
    expect(record.AWSSecurityHubFindings).toMatchObject({ added: 'table', commit: '0b24484' });
    expect(record.AWSSecurityHubFindings?.notes?.[0]).toContain(page);
    expect(names(dir, 'tables.ndjson')).toEqual(['AWSSecurityHubFindings']);
    expect(names(dir, 'ci-tables.ndjson')).toEqual([]);
    // A second run keeps it a table.
    const again = importTables(join(dir, 'ci'), undefined, record, join(dir, 'catalog'), true);
    expect(again.AWSSecurityHubFindings?.added).toBe('table');
    expect(names(dir, 'tables.ndjson')).toEqual(['AWSSecurityHubFindings']);
  });
});
