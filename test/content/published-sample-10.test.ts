import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { folderWith } from '../support/files.js';

// Catalog gaps on a fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 9"):
// tables and parsers that published rules and parsers read and that no stored source of the catalog
// defined. Each file has the shape of the published one; the built-in catalog alone, as for content
// validated outside this repository.
const empty = folderWith('sk-sample10-root-', {});
const catalog = loadCatalog(empty);
const errors = async (files: Record<string, string>) => {
  const dir = folderWith('sk-sample10-', files);
  const { diagnostics } = await validateContent(
    Object.keys(files).map((path) => join(dir, path)),
    { root: empty, catalog, compareWithGit: false },
  );
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);
};

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

const rule = (query: string) =>
  `id: 0f6a1a8e-0000-4000-8000-000000000010
name: Sample
description: sample
severity: Medium
requiredDataConnectors: []
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - CredentialAccess
relevantTechniques:
  - T1110
query: |
${indent(query, '  ')}
version: 1.0.0
kind: Scheduled
`;

const parser = (name: string, body: string) =>
  `id: 0f6a1a8e-0000-4000-8000-0000000000b0
Function:
  Title: Parser for ${name}
  Version: '1.0.0'
  LastUpdated: '2026-12-03'
Category: Microsoft Sentinel Parser
FunctionName: ${name}
FunctionAlias: ${name}
FunctionQuery: |
${indent(body, '    ')}
`;

describe('tables of Solutions the catalog lacked (session 10 sample)', () => {
  it('JBossEvent reads JBossLogs_CL, a text-log table of TimeGenerated and RawData', async () => {
    // Solutions/JBoss/Parsers/JBossEvent.yaml @419b232, as published. The table is the one Sentinel's
    // "Custom Logs via AMA" page names for JBoss (a text-file DCR), whose required columns Azure
    // Monitor's "Collect logs from a text file with Azure Monitor Agent" gives: TimeGenerated, RawData.
    const body = [
      'JBossLogs_CL',
      "| extend EventVendor = 'Red Hat'",
      "| extend EventProduct = 'JBoss Enterprise Application Platform'",
      '| extend EventCount = 1',
      '| extend EventSchemaVersion = 0.2',
      "| extend EventSeverity = extract(@'\\d{2},\\d{3}\\s(\\w+)\\s+\\[', 1, RawData)",
      "| extend ActingProcessName = extract(@'\\[([A-Za-z0-9.-]+)\\]', 1, RawData)",
      "| extend ActingProcessThread = extract(@'\\]\\s+\\((.*?)\\)', 1, RawData)",
      '| extend EventOriginalType = extract(@"([A-Z]+[0-9]+)(:)",1, RawData)',
      "| extend EventMessage = extract(@'\\)\\s([A-Z0-9]+:\\s)?(.*)', 2, RawData)",
      '| project-away RawData',
    ].join('\n');
    expect(await errors({ 'Parsers/JBossEvent.yaml': parser('JBossEvent', body) })).toEqual([]);
  });
});
