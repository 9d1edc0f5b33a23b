import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContent } from '../../src/content/import.js';
import { folderWith } from '../support/files.js';
import { publishedSample, sampleHuntingQuery, sampleParser } from '../support/published-sample.js';

// A fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 11"): 76 files of
// Solutions/AtlassianJiraAudit, ApacheHTTPServer, Endpoint Threat Protection Essentials and PostgreSQL.
// Each test keeps a shape the sample showed, citing its published file.
const { errors, validate } = publishedSample('11');

/** A hunting query of this sample's shape, tagged Impact / T1529. */
const hunting = (id: string, query: string) =>
  sampleHuntingQuery(id, query, { tactic: 'Impact', technique: 'T1529' });

/**
 * A custom detection as the repository publishes it beside a Solution's rules, converted from the
 * analytics rule (Solutions/Endpoint Threat Protection Essentials/XDR Detections/
 * SecurityEventLogCleared.yaml @ae7fb8b, contentProvenance shortened).
 */
const xdrDetection = (queryText: string) => `schemaVersion: 1.0.0
kind: CustomDetection
resourceType: Microsoft.Security/detectionRules
apiVersion: 2026-06-01-preview
contentProvenance:
  source:
    platform: Microsoft Sentinel
    kind: AnalyticsRule
    id: 80da0a8f-cfe1-4cd0-a895-8bc1771a720e
    path: Analytic Rules/SecurityEventLogCleared.yaml
  conversion:
    tool: sentinel-to-xdr-migration
    status: converted
properties:
  id: xdr-security-event-log-cleared-80da0a8f
  displayName: Security Event log cleared
  status: disabled
  queryCondition:
    queryText: |-
${queryText
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
  schedule:
    frequency: P1D
  detectionAction:
    alertTemplate:
      title: Security Event log cleared
      severity: medium
      entityMappings:
        accounts:
        - id: account1
          nameColumn: Name
          upnSuffixColumn: UPNSuffix
      tactics:
      - tactic: DefenseEvasion
        techniques:
        - technique: T1070
`;

const clearedQuery = [
  'SecurityEvent',
  '| where EventID == 1102 and EventSourceName =~ "Microsoft-Windows-Eventlog"',
  '| summarize StartTimeUtc = min(TimeGenerated), EndTimeUtc = max(TimeGenerated), EventCount = count() by Computer, Account, EventID, Activity',
  '| extend Name=tostring(split(Account, "@")[0]), UPNSuffix=tostring(split(Account, "@")[1])',
].join('\n');

describe('custom detections as the repository publishes them (XDR Detections/)', () => {
  it('is a custom detection, not an analytics rule missing every field; only its query is checked', async () => {
    const diagnostics = await validate({
      'XDR Detections/SecurityEventLogCleared.yaml': xdrDetection(clearedQuery),
    });
    expect(diagnostics.filter((d) => d.startsWith('error '))).toEqual([]);
    expect(diagnostics).toEqual([expect.stringMatching(/^warning SK2008 2:1 .*only its query is checked/)]);
  });

  it('is read by its content outside an XDR Detections folder', async () => {
    expect(await errors({ 'SecurityEventLogCleared.yaml': xdrDetection(clearedQuery) })).toEqual([]);
  });

  it('still has its query bound: an unknown table is an error at its line under properties', async () => {
    const query = clearedQuery.replace('SecurityEvent\n', 'SecurityEvents\n');
    expect(await errors({ 'XDR Detections/d.yaml': xdrDetection(query) })).toEqual([
      expect.stringMatching(/^SK1103 20:7 The name 'SecurityEvents' does not refer to any known table/),
    ]);
  });

  it('is reported by import with why it is not converted', () => {
    const dir = folderWith('sk-sample11-import-', {
      'XDR Detections/SecurityEventLogCleared.yaml': xdrDetection(clearedQuery),
    });
    const result = importContent(dir);
    expect(result.files).toEqual([]);
    expect(result.skipped).toEqual([
      {
        from: join('XDR Detections', 'SecurityEventLogCleared.yaml'),
        reason: expect.stringMatching(
          /Microsoft\.Security\/detectionRules, apiVersion 2026-06-01-preview.*not converted/,
        ),
      },
    ]);
  });
});

describe('ASIM built-in parser names of the ProcessEvent schema', () => {
  it('_ASim_ProcessEvent_Create binds (ASimProcessEventCreate.yaml @37b0706: EquivalentBuiltInParser)', async () => {
    // Solutions/Endpoint Threat Protection Essentials/Hunting Queries/ASimProcess_WindowsSystemShutdownReboot.yaml @c3b99ac.
    const query = '_ASim_ProcessEvent_Create\n| where Process has "shutdown.exe"';
    expect(
      await errors({ 'Hunting Queries/h.yaml': hunting('5db1f6f9-0000-4000-8000-000000000011', query) }),
    ).toEqual([]);
  });

  it('ASimProcessEventTerminate binds, and the unifying parsers ASIM does not have are unknown', async () => {
    // ASimProcessEventTerminate.yaml @03fa120; Parsers/ASimProcessEvent/Parsers has no ASimProcessCreate.yaml.
    expect(
      await errors({
        'Hunting Queries/t.yaml': hunting(
          '5db1f6f9-0000-4000-8000-000000000012',
          'ASimProcessEventTerminate',
        ),
      }),
    ).toEqual([]);
    expect(
      await errors({
        'Hunting Queries/c.yaml': hunting('5db1f6f9-0000-4000-8000-000000000013', '_ASim_ProcessCreate'),
      }),
    ).toEqual([expect.stringMatching(/^SK1103 .*'_ASim_ProcessCreate' does not refer to any known/)]);
  });
});

/** Solutions/AtlassianJiraAudit/Data Connectors/JiraAuditAPISentinelConnector_ccpv2/JiraAudit_tables.json @bbcca24 (columns shortened). */
const jiraTables = JSON.stringify({
  name: 'Jira_Audit_v2_CL',
  apiVersion: '2021-03-01-privatepreview',
  type: 'Microsoft.OperationalInsights/workspaces/tables',
  location: '{{location}}',
  properties: {
    schema: {
      name: 'Jira_Audit_v2_CL',
      columns: [
        { name: 'AssociatedItems', type: 'dynamic', isDefaultDisplay: false, isHidden: false },
        { name: 'EventCreationTime', type: 'datetime', isDefaultDisplay: false, isHidden: false },
        { name: 'EventId', type: 'int', isDefaultDisplay: false, isHidden: false },
        { name: 'TimeGenerated', type: 'datetime', isDefaultDisplay: false, isHidden: false },
      ],
    },
  },
});

describe("a Solution's own workspace table definitions", () => {
  it('Jira_Audit_v2_CL is in the built-in catalog, with the types its definition gives', async () => {
    // The JiraAudit parser (Parsers/JiraAudit.yaml @c4414ba) reads it beside Jira_Audit_CL.
    const query =
      'Jira_Audit_v2_CL\n| where EventCreationTime > ago(1d) and EventId > 0\n| extend item = tostring(objectItem.name)\n| project EventCreationTime, item, AssociatedItems';
    expect(
      await errors({ 'Hunting Queries/j.yaml': hunting('5db1f6f9-0000-4000-8000-000000000014', query) }),
    ).toEqual([]);
  });

  it('import writes a table resource from Data Connectors/ as kql/schemas/<table>.json', () => {
    const dir = folderWith('sk-sample11-tables-', {
      'Data Connectors/JiraAuditAPISentinelConnector_ccpv2/JiraAudit_tables.json': jiraTables,
    });
    const result = importContent(dir);
    expect(result.skipped).toEqual([]);
    expect(result.files.map((f) => [f.path, JSON.parse(f.text)])).toEqual([
      [
        'kql/schemas/Jira_Audit_v2_CL.json',
        {
          name: 'Jira_Audit_v2_CL',
          columns: [
            { name: 'AssociatedItems', type: 'dynamic' },
            { name: 'EventCreationTime', type: 'datetime' },
            { name: 'EventId', type: 'int' },
            { name: 'TimeGenerated', type: 'datetime' },
          ],
        },
      ],
    ]);
  });

  it('import takes the table resources of an ARM template beside its rules', () => {
    const dir = folderWith('sk-sample11-template-', {
      'template.json': JSON.stringify({
        resources: [JSON.parse(jiraTables), { type: 'Microsoft.Web/sites', name: 'app' }],
      }),
    });
    const result = importContent(join(dir, 'template.json'));
    expect(result.files.map((f) => f.path)).toEqual(['kql/schemas/Jira_Audit_v2_CL.json']);
    expect(result.skipped).toEqual([
      { from: 'template.json#app', reason: 'Microsoft.Web/sites is not an analytics rule or a watchlist' },
    ]);
  });
});

describe('parsers a Solution package deploys (Package/mainTemplate.json)', () => {
  // Solutions/PostgreSQL/Package/mainTemplate.json @37b0706: PostgreSQLEvent as a workspace function,
  // once in its contentTemplate and once at the top (query shortened; the package's CRLF kept).
  const savedSearch = {
    type: 'Microsoft.OperationalInsights/workspaces/savedSearches',
    apiVersion: '2021-06-01',
    name: "[variables('_parserName1')]",
    properties: {
      eTag: '*',
      displayName: 'PostgreSQLEvent',
      category: 'Samples',
      functionAlias: 'PostgreSQLEvent',
      query: "\nPostgreSQL_CL\r\n| extend EventVendor = 'PostgreSQL'\r\n| project-away RawData",
      version: 1,
    },
  };
  const template = {
    variables: {
      parserName1: 'PostgreSQLEvent',
      _parserName1: "[concat(parameters('workspace'),'/',variables('parserName1'))]",
    },
    resources: [
      {
        type: 'Microsoft.Resources/templateSpecs/versions',
        name: "[concat(variables('parserTemplateSpecName1'),'/',variables('parserVersion1'))]",
        properties: { mainTemplate: { resources: [savedSearch] } },
      },
      savedSearch,
    ],
  };

  it('imports the parser once, as kql/parsers/<functionAlias>.yaml', () => {
    const dir = folderWith('sk-sample11-package-', { 'mainTemplate.json': JSON.stringify(template) });
    const result = importContent(join(dir, 'mainTemplate.json'));
    expect(result.files.map((f) => [f.path, f.text])).toEqual([
      [
        'kql/parsers/PostgreSQLEvent.yaml',
        "functionName: PostgreSQLEvent\nquery: |\n  PostgreSQL_CL\n  | extend EventVendor = 'PostgreSQL'\n  | project-away RawData\n",
      ],
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      "kql/parsers/PostgreSQLEvent.yaml is also imported from mainTemplate.json#[variables('_parserName1')]",
    ]);
  });

  it('leaves a packaged parser with functionParameters to its Parsers/*.yaml, saying why', () => {
    const withParameters = {
      resources: [
        {
          ...savedSearch,
          properties: { ...savedSearch.properties, functionParameters: 'disabled:bool=False' },
        },
      ],
    };
    const dir = folderWith('sk-sample11-package2-', { 'mainTemplate.json': JSON.stringify(withParameters) });
    const result = importContent(join(dir, 'mainTemplate.json'));
    expect(result.files).toEqual([]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'PostgreSQLEvent takes parameters (functionParameters), which sentinel-kit does not read from a saved search: import its Parsers/*.yaml',
    ]);
  });
});

describe('a Solution parser whose body does not bind', () => {
  // Solutions/AtlassianJiraAudit: 20 rules and hunting queries call JiraAudit (Parsers/JiraAudit.yaml
  // @c4414ba), which the CI declares by its columns (CustomFunctions; catalog/stubs.ndjson JiraAudit).
  const rule = (fn: string) =>
    hunting(
      '8c90f30f-0000-4000-8000-000000000015',
      `${fn}\n| where EventMessage =~ 'User created'\n| project EventCreationTime, UserName`,
    );
  const body = 'Jira_Audit_v2_CL\n| project EventCreationTime, EventMessage, UserName, NoSuchColumn';

  it('is reported once, on the parser, where the CI declares the function: its callers bind to the declaration', async () => {
    const found = await errors({
      'Parsers/JiraAudit.yaml': sampleParser('4ed36a9b-0000-4000-8000-000000000016', 'JiraAudit', body),
      'Hunting Queries/h.yaml': rule('JiraAudit'),
    });
    expect(found).toEqual([
      expect.stringMatching(/^SK1103 .*'NoSuchColumn' does not refer to any known column/),
    ]);
  });

  it('still fails its callers where no declaration stands in for it', async () => {
    const found = await errors({
      'Parsers/ContosoAudit.yaml': sampleParser('4ed36a9b-0000-4000-8000-000000000017', 'ContosoAudit', body),
      'Hunting Queries/h.yaml': rule('ContosoAudit'),
    });
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/error in called function 'ContosoAudit'/),
        expect.stringMatching(/'NoSuchColumn' does not refer to any known column/),
      ]),
    );
  });
});
