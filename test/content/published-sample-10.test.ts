import { describe, expect, it } from 'vitest';
import { publishedSample, sampleParser } from '../support/published-sample.js';

// Catalog gaps on a fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 10"):
// tables and parsers that published rules and parsers read and that no stored source of the catalog
// defined. Each file has the shape of the published one; the built-in catalog alone, as for content
// validated outside this repository.
const { errors } = publishedSample('10');
const parser = (name: string, body: string) =>
  sampleParser('0f6a1a8e-0000-4000-8000-0000000000b0', name, body);

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
