import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parserDeployment } from '../../src/content/solution-package.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../src/kql/index.js';
import { NOW } from '../kql/engine/helpers.js';
import { folderWith } from '../support/files.js';
import {
  publishedSample,
  sampleHuntingQuery,
  sampleParser,
  sampleRule,
} from '../support/published-sample.js';

// A fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 13"): Solutions/
// Salesforce Service Cloud and others. Each test keeps a shape the sample showed, citing its file.
const { errors } = publishedSample('13');
const root = join(import.meta.dirname, '..', '..');
const catalog = loadCatalog(root);

describe('Salesforce tables', () => {
  it('the published SalesforceAuditLogs parser binds: two Azure Monitor tables and two CCF tables', async () => {
    // Solutions/Salesforce Service Cloud/Parsers/SalesforceAuditLogs.yaml @07c6272, verbatim body.
    // SalesforceAuditTrail and SalesforceLoginHistory are Azure Monitor tables (reference pages
    // salesforceaudittrail.md @0797475, salesforceloginhistory.md @19acc6a); the V2 tables are the
    // connector's (SalesforceAuditLogs_Salesforce{AuditTrail,LoginHistory}V2_table.json). Before,
    // all four were unknown names: 12 errors.
    const body = [
      'let SalesforceAuditTrail_view = view () {',
      '    SalesforceAuditTrail',
      '};',
      'let SalesforceAuditTrailV2_view = view () {',
      '    SalesforceAuditTrailV2_CL',
      '};',
      'let SalesforceLoginHistory_view = view () {',
      '    SalesforceLoginHistory',
      '};',
      'let SalesforceLoginHistoryV2_view = view () {',
      '    SalesforceLoginHistoryV2_CL',
      '};',
      'union isfuzzy=true SalesforceAuditTrail_view, SalesforceAuditTrailV2_view, SalesforceLoginHistory_view, SalesforceLoginHistoryV2_view',
    ].join('\n');
    expect(
      await errors({
        'Parsers/SalesforceAuditLogs.yaml': sampleParser(
          '6625e5b8-e65c-4f91-8216-bb0b59122a44',
          'SalesforceAuditLogs',
          body,
        ),
      }),
    ).toEqual([]);
  });

  it('the tables keep the types their sources give', async () => {
    const query = [
      'SalesforceAuditTrail | where CreatedDate > ago(1d) | project Id, CreatedByName',
      '| union (SalesforceLoginHistory | where OptionsIsGet and LoginTime > ago(1d) | project Id = UserId, CreatedByName = SourceIp)',
      '| union (SalesforceMarketingCloudSecurityEvents_CL | where LoginStatusId > 1 | project Id = UserName, CreatedByName = IpAddress)',
      '| union (SalesforceServiceCloudV2_CL | where TimestampDerived > ago(1d) | project Id = UserId, CreatedByName = User)',
    ].join('\n');
    expect(
      await errors({
        'Analytic Rules/types.yaml': sampleRule('0c1d2e3f-0000-4000-8000-000000001301', query, {
          tactic: 'InitialAccess',
          technique: 'T1078',
        }),
      }),
    ).toEqual([]);
    expect(
      catalog.tables.get('SalesforceLoginHistory')?.columns.find((c) => c.name === 'OptionsIsGet')?.type,
    ).toBe('bool');
  });

  it('an entity mapped to a column the query does not return stays an error (Salesforce-BruteForce.yaml)', async () => {
    // @0dcd56f maps `columnName: user`; the query returns `User` (Kusto names are case-sensitive).
    const rule = sampleRule(
      '5a6ce089-e756-40fb-b022-c8e8864a973a',
      'SalesforceServiceCloud\n| summarize FailureCount = countif(LoginStatus != "LOGIN_NO_ERROR") by User',
      { tactic: 'CredentialAccess', technique: 'T1110' },
    ).replace(
      'version: 1.0.0',
      'entityMappings:\n  - entityType: IP\n    fieldMappings:\n      - identifier: Address\n        columnName: user\nversion: 1.0.0',
    );
    expect(await errors({ 'Analytic Rules/bf.yaml': rule })).toEqual([
      expect.stringMatching(
        /^SK1305 .*mapped column 'user' is not a column of the query result; did you mean 'User'\?/,
      ),
    ]);
  });
});

describe('held Syslog parser bodies give the Syslog columns the CI declares', () => {
  // DigitalGuardianDLPEvent, ESETPROTECT, OpenVpnEvent and VMwareESXi were held before the catalog took
  // Syslog's MG, TimeCollected and ManagementGroupName from the CI's CustomTables/Syslog.json (session
  // 12): MG was listed as a declared column their bodies lack, so calls bound with the CI's columns
  // only. Re-imported from their published files (@bd3bf57, @419b232), the bodies pass those Syslog
  // columns on, and calls bind with what the body gives.
  const syslog = (record: Record<string, unknown>) =>
    new Map([['Syslog', tableFromRecords(catalog.tables.get('Syslog')?.columns ?? [], [record])]]);

  it('a rule reading a Syslog column OpenVpnEvent and VMwareESXi pass on binds', async () => {
    const query = [
      'OpenVpnEvent | project SrcUsername, TimeCollected, ManagementGroupName',
      '| union (VMwareESXi | project SrcUsername = UserName, TimeCollected, ManagementGroupName)',
    ].join('\n');
    expect(
      await errors({
        'Analytic Rules/ovpn.yaml': sampleRule('0c1d2e3f-0000-4000-8000-000000001302', query, {
          tactic: 'InitialAccess',
          technique: 'T1078',
        }),
      }),
    ).toEqual([]);
  });

  it('OpenVpnEvent keeps MG and TimeCollected from its Syslog row', () => {
    const tables = syslog({
      TimeGenerated: '2026-01-10T11:00:00Z',
      TimeCollected: '2026-01-10T11:00:05Z',
      ProcessName: 'openvpn',
      MG: 'mg-1',
      SyslogMessage: 'alice/10.0.0.1:5555 TLS: Initial packet from',
    });
    const result = runQuery('OpenVpnEvent | project SrcUsername, MG, TimeCollected', {
      catalog,
      tables,
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([
      { SrcUsername: 'alice', MG: 'mg-1', TimeCollected: '2026-01-10T11:00:05Z' },
    ]);
  });

  it('the four re-imported entries no longer list MG as a column their bodies lack', () => {
    const held = JSON.parse(readFileSync(join(root, 'catalog', 'solution-parsers.json'), 'utf8')) as {
      parsers: { name: string; unproduced?: string[]; columns: { name: string }[] }[];
    };
    for (const name of ['DigitalGuardianDLPEvent', 'ESETPROTECT', 'OpenVpnEvent', 'VMwareESXi']) {
      const entry = held.parsers.find((p) => p.name === name);
      expect(entry?.unproduced ?? []).not.toContain('MG');
      expect(entry?.columns.map((c) => c.name)).toContain('MG');
    }
  });
});

/** A hunting query of this sample's shape, tagged InitialAccess / T1078. */
const hunting = (id: string, query: string) =>
  sampleHuntingQuery(id, query, { tactic: 'InitialAccess', technique: 'T1078' });

describe('SlackAudit and Cisco Duo tables', () => {
  it('the SlackAudit parser binds its legacy and CCF legs; the native-poller leg no file defines stays an error', async () => {
    // Solutions/SlackAudit/Parsers/SlackAudit.yaml @1b4ccf6, abridged: views over SlackAudit_CL (the CI's
    // CustomTables/SlackAudit_CL.json @baac0a0), SlackAuditNativePoller_CL (created by the APIPolling
    // connector from ingested data: no table resource, DCR or CI file defines it; a view leg Kusto.Language
    // rejects, KS204, as for 42Crunch's apifirewall_log_1_CL) and SlackAuditV2_CL
    // (SlackAuditLog_CCP/SlackAuditLog_Table.json @03a8006).
    const body = [
      'let SlackAudit_view = view () {',
      'SlackAudit_CL',
      "| extend EntityFileName=column_ifexists('entity_file_name_s', ''), ContextSessionId=column_ifexists('context_session_id_d', '')",
      '};',
      'let SlackAuditV1_view = view () {',
      'SlackAuditNativePoller_CL',
      "| extend EntityFileName=column_ifexists('entity_file_name_s', ''), ContextSessionId=column_ifexists('context_session_id_d', '')",
      '};',
      'let SlackAuditV2_view = view () {',
      'SlackAuditV2_CL',
      '| extend entity = todynamic(Entity)',
      "| extend EntityFileName=tostring(entity['file']['name']), ContextSessionId=todouble(DateCreate)",
      '};',
      'union isfuzzy=true',
      '(SlackAudit_view),',
      '(SlackAuditV1_view),',
      '(SlackAuditV2_view)',
      '| project TimeGenerated, EntityFileName, ContextSessionId',
    ].join('\n');
    const found = await errors({
      'Parsers/SlackAudit.yaml': sampleParser('fb5aaeb6-14fa-45e8-bb4a-6d4c642a710e', 'SlackAudit', body),
    });
    // Every error is the native-poller leg's (before, SlackAudit_CL and SlackAuditV2_CL were unknown too).
    expect(found.length).toBeGreaterThan(0);
    for (const error of found) expect(error).toContain("'SlackAuditNativePoller_CL'");
  });

  it("a hunting query over Cisco Duo's CCF authentication table binds (CiscoDuoUnpatchedAccessDevices.yaml)", async () => {
    // @df84f5e reads DuoAuthentication_CL (CiscoDuoAuth_CCF/CiscoDuoAuth_Table.json @b7ff8d0, a JSON array).
    const query = [
      "let os_latest = 'x.x.xxx';",
      'DuoAuthentication_CL',
      '| where TimeGenerated > ago(24h) and EventTimestamp > 0.5 and array_length(UserGroups) > 0',
      '| where AccessDeviceOsVersion != os_latest',
      '| project TimeGenerated, AccessDeviceIp, UserName',
      '| union (DuoActivity_CL | where Ts > ago(1d) | project TimeGenerated, AccessDeviceIp, UserName = ActorName)',
      '| union (DuoTelephony_CL | where Credits > 1 | project TimeGenerated, AccessDeviceIp = Phone, UserName = TxId)',
    ].join('\n');
    expect(
      await errors({ 'Hunting Queries/duo.yaml': hunting('9de62fee-f601-43c9-8757-2098e59fedeb', query) }),
    ).toEqual([]);
  });

  it('real defects of the sample stay errors: an undefined let (SlackAuditSuspiciousFilesDownloaded.yaml)', async () => {
    // @06f516f reads `ago(lbtime)`, never declared (its sibling FailedLoginsUnknownUsername declares it).
    const query = "SlackAudit\n| where TimeGenerated > ago(lbtime)\n| where DvcAction =~ 'file_downloaded'";
    expect(
      await errors({ 'Hunting Queries/s.yaml': hunting('31e54776-f2db-4465-b951-410880e009ad', query) }),
    ).toContainEqual(expect.stringMatching(/KS142.*'lbtime'|'lbtime'.*KS142/));
  });
});

describe('one reader of a Solution package', () => {
  it('sees a Package/mainTemplate.json added after a first read in the same process', () => {
    // The catalog import (scripts/import-solution-parsers.ts) now reads packages through
    // parserDeployment too, and may run over a folder before and after its package is copied in.
    const dir = folderWith('sk-package-later-', { 'Sk Later/Parsers/sk_later.yaml': 'FunctionAlias: x\n' });
    const parser = join(dir, 'Sk Later/Parsers/sk_later.yaml');
    expect(parserDeployment(parser)).toBeUndefined();
    mkdirSync(join(dir, 'Sk Later/Package'), { recursive: true });
    const savedSearch = {
      type: 'Microsoft.OperationalInsights/workspaces/savedSearches',
      properties: { functionAlias: 'sk_later', query: 'print 1' },
    };
    writeFileSync(
      join(dir, 'Sk Later/Package/mainTemplate.json'),
      JSON.stringify({ resources: [savedSearch] }),
    );
    expect(parserDeployment(parser)).toEqual({ file: parser, aliases: ['sk_later'] });
  });
});

describe('callers of a parser the CI declares bind to the declaration, as the CI binds them', () => {
  it("Box's hunting query summing FileSize beside the published BoxEvents parser (BoxUserDownloadsByVolume.yaml)", async () => {
    // Solutions/Box/Parsers/BoxEvents.yaml @ef98c33, abridged: the body renames
    // `column_ifexists('additional_details_size_d', '')`, which Kusto.Language types string (its default's
    // type) although BoxEvents_CL has the column as real; the CI declares BoxEvents' FileSize real and
    // accepts the hunting query (Hunting Queries/BoxUserDownloadsByVolume.yaml @d2a6eb6).
    const body = [
      'BoxEvents_CL',
      '| extend',
      "    additional_details_size_d=column_ifexists('additional_details_size_d', ''),",
      "    created_by_name_s=column_ifexists('created_by_name_s', ''),",
      "    event_type_s=column_ifexists('event_type_s', '')",
      '| project-rename FileSize=additional_details_size_d, SrcUserName=created_by_name_s, EventType=event_type_s',
    ].join('\n');
    const query = [
      'BoxEvents',
      '| where TimeGenerated > ago(24h)',
      "| where EventType =~ 'DOWNLOAD'",
      "| summarize ['DataVolume(Bytes)'] = sum(FileSize) by SrcUserName",
    ].join('\n');
    expect(
      await errors({
        'Parsers/BoxEvents.yaml': sampleParser('231a04da-9a8d-4cd6-8a20-2da7ded173ba', 'BoxEvents', body),
        'Hunting Queries/BoxUserDownloadsByVolume.yaml': hunting(
          '47e0a82d-fd66-4d6e-a64a-ac377f136426',
          query,
        ),
      }),
    ).toEqual([]);
  });

  it('a parser no declaration covers is still the function its callers bind to', async () => {
    const body = "Syslog\n| extend SkSize = column_ifexists('SkMissing', '')";
    const query = 'SkNoDeclaration\n| summarize sum(SkSize)';
    expect(
      await errors({
        'Parsers/SkNoDeclaration.yaml': sampleParser(
          '0c1d2e3f-0000-4000-8000-000000001303',
          'SkNoDeclaration',
          body,
        ),
        'Hunting Queries/h.yaml': hunting('0c1d2e3f-0000-4000-8000-000000001304', query),
      }),
    ).toEqual([expect.stringMatching(/KS138/)]);
  });
});
