import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContent } from '../../src/content/import.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { runQuery, tableToRecords } from '../../src/kql/index.js';
import { NOW } from '../kql/engine/helpers.js';
import { folderWith } from '../support/files.js';
import { publishedSample, sampleHuntingQuery, sampleParser } from '../support/published-sample.js';

// A fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 12"): Solutions/
// SentinelOne, Cisco Meraki Events via REST API, Microsoft Exchange Security - Exchange Online,
// Cisco ISE (with its ASIM NetworkSession parser) and Global Secure Access. Each test keeps a shape
// the sample showed, citing its published file.
const { errors, validate } = publishedSample('12');

/** A hunting query of this sample's shape, tagged Discovery / T1046. */
const hunting = (id: string, query: string) =>
  sampleHuntingQuery(id, query, { tactic: 'Discovery', technique: 'T1046' });

/**
 * A parser published as a workspace function resource alone: Solutions/Cisco Meraki Events via REST
 * API/Parsers/parser_CiscoMerakiNetworkClientsAliasFunction.json @aafaad0, verbatim but for `query`.
 */
const savedSearch = (query: string, functionParameters = '') =>
  `${JSON.stringify(
    {
      name: 'CiscoMerakiNetworkClientsAliasFunction',
      apiVersion: '2023-09-01',
      type: 'Microsoft.OperationalInsights/workspaces/savedSearches',
      properties: {
        eTag: '*',
        displayName: 'CiscoMerakiNetworkClients',
        category: 'Microsoft Sentinel Parser',
        functionAlias: 'CiscoMerakiNetworkClients',
        query,
        functionParameters,
        version: 2,
      },
    },
    null,
    2,
  )}\n`;

const merakiQuery =
  'union isfuzzy=true CiscoMerakiNetworkClients_CL, SentinelCiscoMerakiNetworkClients\n| summarize arg_max(TimeGenerated, *) by NetworkId, ClientId';

describe('tables a Solution connector defines (workspaces/tables resources)', () => {
  it("SentinelOne's CCF tables bind with their types (SentinelOne_ccp/table - *.json)", async () => {
    // The published SentinelOne parser (Parsers/SentinelOne.yaml @0a45b72) unions these five tables and
    // reads these columns; before, each was an unknown table.
    const query = [
      'union isfuzzy=true SentinelOneActivities_CL, SentinelOneAgents_CL, SentinelOneAlerts_CL, SentinelOneGroups_CL, SentinelOneThreats_CL',
      '| extend DataUserName = tostring(parse_json(todynamic(Data)).userName), SrcDvcOs = OsName',
      '| where ActivityType == 27 or IsUninstalled or AgentInfected',
      '| project TimeGenerated, DataUserName, SrcDvcOs, LastActiveDate, Rank, AlertInfo, ThreatName',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/s1.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001201', query) }),
    ).toEqual([]);
    // Types as the resources give them: ActivityType real, LastActiveDate datetime, ThreatInfo dynamic.
    const typed = [
      'SentinelOneActivities_CL | where ActivityType > 1.5 | project ActivityType',
      '| union (SentinelOneAgents_CL | where LastActiveDate > ago(1d) | project ActivityType = real(0))',
      '| union (SentinelOneThreats_CL | extend n = tostring(ThreatInfo.name) | project ActivityType = real(1))',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/t.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001202', typed) }),
    ).toEqual([]);
  });

  it("Cisco Meraki's and Exchange Online's CCF tables bind (table_CiscoMeraki*.json, ESI-ModernExchangeOnlineCollector_table.json)", async () => {
    const query = [
      'CiscoMerakiNetworkClients_CL | where SmInstalled and Usage.sent > 0 | project NetworkId, ClientId, LastSeen',
      '| join kind=leftouter (CiscoMerakiOrganizations_CL | extend region = tostring(Cloud.region.name) | project NetworkId = OrganizationId, region) on NetworkId',
      '| join kind=leftouter (ESIAPIExchangeOnlineConfig_CL | where Identity_IsDeleted_b | project NetworkId = Identity_Name_s, WhenChanged_t) on NetworkId',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/m.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001203', query) }),
    ).toEqual([]);
  });
});

describe('tables the Azure-Sentinel CI declares (.script/tests/KqlvalidationsTests/CustomTables)', () => {
  it("Syslog has the CI's MG, TimeCollected and ManagementGroupName (Syslog.json @69ea94b)", async () => {
    // ASimNetworkSessionCiscoISE.yaml @0b24484 drops MG with project-away; the CI binds it against
    // its Syslog.json, which lists MG (the Azure Monitor table reference does not).
    const query = 'Syslog\n| project-away TenantId, MG, ManagementGroupName\n| extend c = TimeCollected';
    expect(
      await errors({ 'Hunting Queries/sys.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001204', query) }),
    ).toEqual([]);
  });

  it('ESIExchangeOnlineConfig_CL, the table MESCompareDataMRA reads (ESIExchangeOnlineConfig_CL.json @0b24484)', async () => {
    // Solutions/Microsoft Exchange Security - Exchange Online/Parsers/MESCompareDataMRA.yaml @0b24484.
    const query = [
      'ESIExchangeOnlineConfig_CL',
      '| where ESIEnvironment_s == "All" and Section_s == "MRA"',
      '| extend CmdletResultValue = parse_json(rawData_s)',
      '| project TimeGenerated, CmdletResultValue, WhenChanged = WhenChanged_t, WhenCreated = WhenCreated_t',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/esi.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001205', query) }),
    ).toEqual([]);
  });
});

describe('_ASIM_GetUsernameType, the ASIM helper parsers call (ASIM/lib/functions/ASIM_GetUsernameType.yaml @1b73eb28)', () => {
  it('binds as a string where ASimNetworkSessionCiscoISE.yaml calls it', async () => {
    const query = [
      'Syslog',
      '| extend DstUsername = coalesce(HostName, Computer)',
      '| extend DstUsernameType = _ASIM_GetUsernameType(DstUsername)',
      '| where DstUsernameType startswith "U"',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/u.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001206', query) }),
    ).toEqual([]);
  });

  it("runs the published body: '@' is a UPN, a backslash Windows, CN=/OU=/DC= a DN, else Simple", () => {
    const catalog = loadCatalog(folderWith('sk-sample12-run-', {}));
    const query =
      'datatable(u:string)["ann@contoso.com", @"CONTOSO\\ann", "CN=ann,OU=Staff,DC=contoso", "ann", "a@b\\\\c"]\n| extend t = _ASIM_GetUsernameType(u)';
    const rows = tableToRecords(runQuery(query, { catalog, tables: new Map(), now: NOW }));
    expect(rows.map((r) => r.t)).toEqual(['UPN', 'Windows', 'DN', 'Simple', 'UPN']);
  });
});

describe('parsers published as a workspace function resource (Parsers/*.json)', () => {
  it('import writes the parser under its functionAlias', () => {
    const dir = folderWith('sk-sample12-import-', {
      'Parsers/parser_CiscoMerakiNetworkClientsAliasFunction.json': savedSearch(merakiQuery),
    });
    const result = importContent(dir);
    expect(result.skipped).toEqual([]);
    expect(result.files).toEqual([
      {
        path: 'kql/parsers/CiscoMerakiNetworkClients.yaml',
        text: `functionName: CiscoMerakiNetworkClients\nquery: |\n  ${merakiQuery.replace('\n', '\n  ')}\n`,
        from: join('Parsers', 'parser_CiscoMerakiNetworkClientsAliasFunction.json'),
      },
    ]);
  });

  it('import leaves one with functionParameters, saying why', () => {
    const dir = folderWith('sk-sample12-import-params-', {
      'Parsers/p.json': savedSearch(merakiQuery, 'disabled:bool=False'),
    });
    expect(importContent(dir)).toEqual({
      files: [],
      skipped: [
        {
          from: join('Parsers', 'p.json'),
          reason:
            'CiscoMerakiNetworkClients takes parameters (functionParameters), which sentinel-kit does not read from a saved search: import its Parsers/*.yaml',
        },
      ],
    });
  });

  it('validate checks its query, with positions inside the JSON string', async () => {
    expect(await validate({ 'Parsers/ok.json': savedSearch(merakiQuery) })).toEqual([
      expect.stringMatching(/^warning SK1103 10:64 The fuzzy name 'SentinelCiscoMerakiNetworkClients'/),
    ]);
    // Without the fuzzy leg no table defines, the union's columns are known and a wrong one is reported
    // where it sits in the file: line 10, the column of the name inside the escaped JSON string.
    const text = savedSearch(
      'CiscoMerakiNetworkClients_CL\n| summarize arg_max(TimeGenerated, *) by NetworkID',
    );
    const column = (text.split('\n')[9] ?? '').indexOf('NetworkID') + 1;
    expect(column).toBeGreaterThan(60);
    expect(await errors({ 'Parsers/bad.json': text })).toEqual([
      expect.stringMatching(
        new RegExp(`^SK1103 10:${column} The name 'NetworkID' does not refer to any known column`),
      ),
    ]);
  });

  it('validate says one with functionParameters is not checked (a warning), and skips other JSON there', async () => {
    expect(await validate({ 'Parsers/p.json': savedSearch('NoSuchTable', 'disabled:bool=False') })).toEqual([
      expect.stringMatching(/^warning SK1010 1:1 .*takes parameters \(functionParameters\).*not checked/),
    ]);
    expect(await validate({ 'Parsers/notes.json': '{"title": "not a parser"}\n' })).toEqual([]);
  });

  it('a rule calling it binds to its body', async () => {
    const rule = hunting(
      '0c1d2e3f-0000-4000-8000-000000001207',
      'CiscoMerakiNetworkClients\n| where Status == "Online"\n| project ClientId, IpAddress',
    );
    expect(
      await errors({ 'Parsers/p.json': savedSearch(merakiQuery), 'Hunting Queries/h.yaml': rule }),
    ).toEqual([]);
  });
});

describe('defects of published files that stay errors', () => {
  it('a missing parenthesis (GSA Office 365 - Malicious_Inbox_Rule.yaml @0152972, line 38)', async () => {
    const query = [
      'OfficeActivity',
      '| extend Keyword = iff(isnotempty(OfficeId), OfficeId, (iff(isnotempty(UserId), UserId, ClientIP ))',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/p.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001208', query) }),
    ).toEqual([expect.stringMatching(/^SK1103 \d+:\d+ Expected: \) \[KS005\]/)]);
  });

  it('a column of a (*) table parameter read inside the function (MESOfficeActivityLogs.yaml @0b24484)', async () => {
    // Learn "User-defined functions": with `T:(*)` "any table can be passed to a function, and no
    // table columns can be referenced inside the function".
    const body = [
      'let Check = (T:(*)) {',
      '    T | where TargetObject == "x" | project TargetObject',
      '    };',
      'OfficeActivity | extend TargetObject = OfficeId | invoke Check()',
    ].join('\n');
    const found = await errors({
      'Parsers/p.yaml': sampleParser('0c1d2e3f-0000-4000-8000-000000001209', 'P', body),
    });
    expect(found).toContainEqual(
      expect.stringMatching(/^SK1103 11:\d+ The name 'TargetObject' does not refer to any known column/),
    );
  });
});
