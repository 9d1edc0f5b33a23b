import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, DiagnosticError } from '../../src/diagnostics.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { validateFiles } from '../../src/rules/validate/index.js';
import { folderWith } from '../support/files.js';
import { scheduledRule } from './helpers.js';

const repo = (files: Record<string, string>) => folderWith('sk-plans-', files);

const rule = (id: string, query: string) =>
  scheduledRule({ id, name: `Plan check ${id.slice(-2)}`, description: 'Reads a table.' }, [
    `query: ${query}`,
    'version: 1.0.0',
  ]);

describe('table plans', () => {
  const dir = repo({
    'sentinel-kit.config.yaml': 'tablePlans:\n  Verbose_CL: Auxiliary\n',
    'kql/schemas/Verbose_CL.json': JSON.stringify({
      name: 'Verbose_CL',
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Msg', type: 'string' },
      ],
    }),
    'kql/schemas/Cheap_CL.json': JSON.stringify({
      name: 'Cheap_CL',
      plan: 'Basic',
      columns: [{ name: 'TimeGenerated', type: 'datetime' }],
    }),
    'kql/parsers/VerboseParser.yaml':
      'functionName: VerboseParser\nquery: |\n  Verbose_CL | project TimeGenerated, Msg\n',
    'kql/rules/through-parser.yaml': rule('6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e51', 'VerboseParser | take 1'),
    'kql/rules/basic.yaml': rule('6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e52', 'Cheap_CL | take 1'),
    'kql/rules/analytics.yaml': rule('6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e53', 'SigninLogs | take 1'),
    'kql/hunting/hunt.yaml': [
      'id: 6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e54',
      'name: Hunt',
      'description: Hunting may read any plan.',
      'query: Verbose_CL | take 1',
    ].join('\n'),
  });
  const catalog = loadCatalog(dir);
  const files = [
    'rules/through-parser.yaml',
    'rules/basic.yaml',
    'rules/analytics.yaml',
    'hunting/hunt.yaml',
  ];
  const diagnostics = validateFiles(
    files.map((f) => join(dir, 'kql', f)),
    { catalog, compareWithGit: false },
  ).diagnostics;

  it('warns when a scheduled rule reads a Basic or Auxiliary table, also through a parser', () => {
    const warned = diagnostics.filter((d) => d.code === 'SK1106');
    expect(warned.map((d) => `${d.file?.split('/').pop()} ${d.severity}`)).toEqual([
      'basic.yaml warning',
      'through-parser.yaml warning',
    ]);
    expect(warned[1].message).toMatch(/'Verbose_CL' is on the Auxiliary plan/);
  });

  it('reports nothing else for these files', () => {
    expect(diagnostics.filter((d) => d.code !== 'SK1106')).toEqual([]);
  });
});

describe('which tables may take the Basic plan', () => {
  // learn.microsoft.com/azure/azure-monitor/logs/basic-logs-azure-tables (catalog/basic-plan.json):
  // custom tables and the Azure tables it lists support Basic; SecurityEvent and SigninLogs are not listed.
  // A warning rather than an error: our copy of the list is dated and Microsoft adds tables to it.
  const findingsFor = (files: Record<string, string>) => {
    const format = (d: Diagnostic) =>
      `${d.file?.split('/').pop()}:${d.line}:${d.column} ${d.code} ${d.severity} ${d.message.split(':')[0]}`;
    try {
      return (loadCatalog(repo(files)).warnings ?? []).map(format);
    } catch (error) {
      return (error as DiagnosticError).diagnostics.map(format);
    }
  };

  it('warns about Basic in tablePlans for an Azure table that does not support it, at its entry', () => {
    const config =
      'tablePlans:\n  ContainerLogV2: Basic\n  AppTraces: Basic\n  SecurityEvent: Basic\n  Verbose_CL: Basic\n';
    expect(findingsFor({ 'sentinel-kit.config.yaml': config })).toEqual([
      "sentinel-kit.config.yaml:4:18 SK0005 warning table 'SecurityEvent' does not support the Basic plan",
    ]);
  });

  it('warns about Basic in a schema file that redefines such a table, and accepts other plans', () => {
    const schema = (name: string, plan: string) =>
      JSON.stringify({ name, plan, columns: [{ name: 'TimeGenerated', type: 'datetime' }] });
    const findings = findingsFor({
      'kql/schemas/SigninLogs.json': schema('SigninLogs', 'Basic'),
      'kql/schemas/SecurityEvent.json': schema('SecurityEvent', 'Analytics'),
      'kql/schemas/StorageBlobLogs.json': schema('StorageBlobLogs', 'Basic'),
      'sentinel-kit.config.yaml': 'tablePlans:\n  Syslog: Auxiliary\n  NotAnAzureTable: Basic\n',
    });
    expect(findings).toEqual([
      "SigninLogs.json:1:1 SK0005 warning table 'SigninLogs' does not support the Basic plan",
    ]);
  });

  it('keeps the warning beside the errors when another schema stops loading', () => {
    expect(
      findingsFor({
        'kql/schemas/Broken.json': '{',
        'sentinel-kit.config.yaml': 'tablePlans:\n  SecurityEvent: Basic\n',
      }).map((f) => f.split(' ').slice(1, 3).join(' ')),
    ).toEqual(['SK0001 error', 'SK0005 warning']);
  });
});
