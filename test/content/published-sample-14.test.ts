import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import {
  publishedSample,
  sampleHuntingQuery,
  sampleParser,
  sampleRule,
} from '../support/published-sample.js';

// A fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 14"): Solutions/
// Azure Firewall, Cloudflare, CrowdStrike Falcon Endpoint Protection, Zscaler Internet Access.
// Each test keeps a shape the sample showed, citing its file.
const { errors, validate } = publishedSample('14');
const catalog = loadCatalog(join(import.meta.dirname, '..', '..'));
const typeOf = (table: string, column: string) =>
  catalog.tables.get(table)?.columns.find((c) => c.name === column)?.type;

describe('CrowdStrike API tables', () => {
  it('the published CrowdStrike parser binds: five Azure Monitor tables and five CCF tables', async () => {
    // Solutions/CrowdStrike Falcon Endpoint Protection/Parsers/CrowdStrikeApi.yaml @b7ff8d0, verbatim
    // body. CrowdStrikeAlerts, CrowdStrikeCases, CrowdStrikeVulnerabilities: Azure Monitor reference
    // pages (crowdstrikealerts.md, crowdstrikecases.md @0797475, crowdstrikevulnerabilities.md
    // @2fb8815); CrowdStrikeDetections and CrowdStrikeHosts: the CI's CustomTables files (@48af35f,
    // @2c56815; their reference pages only include a file the index lacks); the V2 tables: the
    // connector's CrowdStrikeAPI_ccp/CrowdStrikeAPI_*V2_table.json. Before, 28 errors.
    const views = [
      'CrowdStrikeAlerts',
      'CrowdStrikeAlertsV2',
      'CrowdStrikeCases',
      'CrowdStrikeCasesV2',
      'CrowdStrikeDetections',
      'CrowdStrikeDetectionsV2',
      'CrowdStrikeHosts',
      'CrowdStrikeHostsV2',
      'CrowdStrikeVulnerabilities',
      'CrowdStrikeVulnerabilitiesV2',
    ];
    const body = [
      ...views.flatMap((view) => {
        const table = view.endsWith('V2') ? `${view}_CL` : view;
        const convert = view.startsWith('CrowdStrikeAlerts')
          ? ['    | extend TemplateInstanceId = tostring(TemplateInstanceId)']
          : [];
        return [`let ${view}_view = view () {`, `    ${table}`, ...convert, '};'];
      }),
      `union isfuzzy=true ${views.map((view) => `${view}_view`).join(', ')}`,
    ].join('\n');
    expect(
      await errors({
        'Parsers/CrowdStrikeApi.yaml': sampleParser(
          '1e44b9e5-f148-4330-b195-2398af594d58',
          'CrowdStrike',
          body,
        ),
      }),
    ).toEqual([]);
  });

  it('the tables keep the types their sources give', async () => {
    // crowdstrikealerts.md: Severity int, TemplateInstanceId int; the V2 table resource writes
    // TemplateInstanceId string (why the parser's views convert it); CrowdStrikeDetections.json: the
    // CI's Int32 and Object are int and dynamic.
    expect(typeOf('CrowdStrikeAlerts', 'TemplateInstanceId')).toBe('int');
    expect(typeOf('CrowdStrikeAlertsV2_CL', 'TemplateInstanceId')).toBe('string');
    const query = [
      'CrowdStrikeAlerts | where Severity > 50 and IsClosed == false | project Id, Name',
      '| union (CrowdStrikeDetections | where MaxSeverity >= 70 | extend t = tostring(Tactics[0]) | project Id, Name = t)',
      '| union (CrowdStrikeCasesV2_CL | where Severity > 50 | project Id, Name)',
      '| union (CrowdStrikeVulnerabilities | where UpdatedTimestamp > ago(1d) | project Id, Name = tostring(Cve.id))',
    ].join('\n');
    expect(
      await errors({
        'Analytic Rules/types.yaml': sampleRule('0c1d2e3f-0000-4000-8000-000000001401', query, {
          tactic: 'Execution',
          technique: 'T1204',
        }),
      }),
    ).toEqual([]);
  });

  it('the FDR parser reads the S3 connector table, its DateTime column a datetime', async () => {
    // Parsers/CrowdStrikeReplicatorV2.yaml @076edce unions CrowdStrike_Secondary_Data_CL, a table of
    // Data Connectors/CrowdStrikeS3FDR_ccp/CrowdStrike_Secondary_Data_CL.json @1fcec18, which writes
    // TimeGenerated's type `DateTime` (a warning KS205 of the fuzzy union before).
    const query = [
      'union isfuzzy=true',
      '(CrowdStrike_Secondary_Data_CL',
      '| where TimeGenerated > ago(1d)',
      '| project TimeGenerated, aid, ComputerName, AdditionalFields)',
    ].join('\n');
    expect(
      await validate({
        'Hunting Queries/fdr.yaml': sampleHuntingQuery('0c1d2e3f-0000-4000-8000-000000001402', query, {
          tactic: 'Discovery',
          technique: 'T1082',
        }),
      }),
    ).toEqual([]);
    expect(typeOf('CrowdStrike_Secondary_Data_CL', 'TimeGenerated')).toBe('datetime');
  });
});

describe('Cloudflare', () => {
  it('a hunting query reading NetworkRuleName binds to the CI declaration of the Cloudflare parser', async () => {
    // Hunting Queries/CloudflareTopNetworkRules.yaml @3ecd726, verbatim query: the CI's
    // CustomTables/Cloudflare.json @04486ed declares NetworkRuleName (String), which the catalog's
    // older snapshot of that file lacked (2 errors before).
    const query = [
      'Cloudflare',
      '| where TimeGenerated > ago(24h)',
      '| where isnotempty(NetworkRuleName)',
      '| summarize count() by NetworkRuleName, EdgeRequestHost',
      '| order by count_',
      '| extend CloudAppCustomEntity = EdgeRequestHost',
    ].join('\n');
    expect(
      await errors({
        'Hunting Queries/CloudflareTopNetworkRules.yaml': sampleHuntingQuery(
          'eb7b88ab-47b1-483f-95b3-2b315d98d465',
          query,
          { tactic: 'InitialAccess', technique: 'T1190' },
        ),
      }),
    ).toEqual([]);
  });

  it('a column neither the CI declaration nor the parser gives stays an error (CloudflareBadClientIp.yaml)', async () => {
    // Analytic Rules/CloudflareBadClientIp.yaml @4356a3f builds a URL from ClientRequestHost: the
    // parser's final `project` keeps HttpRequestHeaderHost, not ClientRequestHost, and the CI's
    // Cloudflare.json @04486ed does not declare it, so the CI's binder rejects the rule too.
    const query = [
      "let ip_reputation = dynamic(['unknown', 'badHost', 'greylist', 'securityScanner', 'scan', 'tor']);",
      'Cloudflare',
      '| where ClientIPClass in~ (ip_reputation)',
      '| extend IPCustomEntity = SrcIpAddr',
      '| extend CompleteUrl = strcat(ClientRequestScheme, "://", ClientRequestHost,ClientRequestPath)',
    ].join('\n');
    const found = await errors({
      'Analytic Rules/CloudflareBadClientIp.yaml': sampleRule('a7ce6135-9d55-4f14-b058-adc2e920a4fa', query, {
        tactic: 'InitialAccess',
        technique: 'T1190',
      }),
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^SK1103 .*'ClientRequestHost'/);
  });

  it('the Cloudflare parser reads the CCF table; its missing comma stays an error', async () => {
    // Parsers/Cloudflare.yaml @276b202: the CloudflareV2_CL leg reads the connector's table
    // (Cloudflare_ccp/Cloudflare_Table.json, unknown before), and the final `project` lacks a comma
    // after OriginTlsStatus, a syntax error for Kusto.Language as for the CI's parser check.
    const body = [
      'let Cloudflarev2_view = view () {',
      '    CloudflareV2_CL',
      "    | extend ClientRequestHost=column_ifexists('ClientRequestHost', '')",
      '};',
      'union isfuzzy=true (Cloudflarev2_view)',
      '| project',
      '    OriginTlsStatus',
      '    ProxyProtocol',
    ].join('\n');
    const found = await errors({
      'Parsers/Cloudflare.yaml': sampleParser('fa3baaab-10b6-452c-9d07-76aa3f1c592e', 'Cloudflare', body),
    });
    expect(found).toEqual([expect.stringMatching(/^SK1103 \d+:\d+ Expected: , \[KS005\]$/)]);
    expect(typeOf('CloudflareV2_CL', 'EdgeResponseStatus')).toBe('int');
  });
});

describe('Azure Firewall', () => {
  it('entities mapped to columns a final project drops stay errors (Azure Firewall - Port Sweep.yaml)', async () => {
    // @1208e2b extends IPCustomEntity/URLCustomEntity, then `| project bin(TimeGenerated, BinTime),
    // SourceIp, DestinationPort, AlertTimedCountHostsInBinTime` drops them; the mappings name them.
    const rule = sampleRule(
      '720335f4-ee8c-4270-9424-d0859222168c',
      [
        'AZFWNetworkRule',
        '| extend IPCustomEntity = SourceIp, URLCustomEntity = DestinationIp',
        '| summarize Hosts = make_set(DestinationIp) by SourceIp, bin(TimeGenerated, 30s), DestinationPort',
        '| project bin(TimeGenerated, 30s), SourceIp, DestinationPort, Hosts',
      ].join('\n'),
      { tactic: 'Discovery', technique: 'T1046' },
    ).replace(
      'version: 1.0.0',
      [
        'entityMappings:',
        '  - entityType: IP',
        '    fieldMappings:',
        '      - identifier: Address',
        '        columnName: IPCustomEntity',
        'version: 1.0.0',
      ].join('\n'),
    );
    const found = await errors({ 'Analytic Rules/Azure Firewall - Port Sweep.yaml': rule });
    expect(found).toEqual([expect.stringMatching(/^SK1305 .*'IPCustomEntity'/)]);
  });

  it('a published rule writing the ARM spelling GreaterThan validates (Elevation of Privilege attempt detected.yaml)', async () => {
    // @070a38a writes `triggerOperator: GreaterThan`, the REST API's spelling beside the repository's `gt`.
    const rule = sampleRule(
      '7a0f78b3-9a55-4ad0-a56d-b6616fdbff6a',
      'AZFWIdpsSignature\n| where Severity >= 1\n| summarize TotalHits = count() by SourceIp, ThreatCategory = Category',
      { tactic: 'InitialAccess', technique: 'T1078' },
    ).replace('triggerOperator: gt', 'triggerOperator: GreaterThan');
    expect(await validate({ 'Analytic Rules/rule.yaml': rule })).toEqual([]);
  });
});
