import { describe, expect, it } from 'vitest';
import { publishedSample, sampleRule } from '../support/published-sample.js';

// False errors of ours on a fresh sample of published Azure-Sentinel content (NOTES "Issue 12,
// session 7"): each file below has the shape of a published one, in the repository's layout. The
// built-in catalog alone, as for content validated outside this repository (`--root` of an empty folder).
const { validate, errors } = publishedSample('7');
const rule = (query: string) =>
  sampleRule('0f6a1a8e-0000-4000-8000-000000000001', query, { tactic: 'Persistence', technique: 'T1098' });

describe('tables of newer Solutions, from the Azure-Sentinel CI CustomTables', () => {
  it.each([
    // Solutions/1Password/Analytics Rules/1Password - Vault Export.yaml (CustomTables/OnePasswordEventLogs_CL.json @08feb59)
    [
      'OnePasswordEventLogs_CL | where action == "export" | extend SrcIpAddr = session.ip, Actor = actor_details.email',
    ],
    // ... and the columns its connector creates (Data Connectors/1Password_ccpv2/1Password_tables.json @b7ff8d0),
    // where the CI file writes object_Type and action_Type.
    [
      'OnePasswordEventLogs_CL | where object_type == "vault" and action_type == "mfa_ok" | project account_uuid',
    ],
    // Solutions/42Crunch API Protection/Analytic Rules/APIBOLA.yaml: the table its connector creates
    // (Data Connectors/42Crunch_CCF/table_FortyTwoCrunchAPIProtectionV2.json @5b6d724).
    [
      'FortyTwoCrunchAPIProtectionV2_CL | project-away NonBlockingMode, SourcePort, Uuid | where InstanceName == "Instance_5" and UriPath has "/api/login" and Status == 200 | top 1 by Timestamp desc',
    ],
    // Solutions/Authomize/Analytic Rules/User_without_MFA.yaml (CustomTables/Authomize_v2_CL.json @4d31d56)
    ['Authomize_v2_CL | extend Policy = policy_name_s, URL = url_s | project Policy, URL, Category'],
    // Solutions/LastPass/Hunting Queries/FailedSigninsDueToMFA.yaml (CustomTables/LastPass_BYOC_CL.json @204c51a)
    ['LastPass_BYOC_CL | where Action_s == "Log in" | extend T = todatetime(Time_s), IP = IP_Address_s'],
    // Solutions/AWS Security Hub/Analytic Rules/IAMRootUserMFADisabled.yaml (CustomTables/AWSSecurityHubFindings.json @0b24484)
    [
      'AWSSecurityHubFindings | where RecordState == "ACTIVE" | extend Arn = tostring(Resources[0].Id) | project AwsAccountId, ComplianceSecurityControlId, Arn',
    ],
  ])('binds %s', async (query) => {
    expect(await errors({ 'Analytic Rules/r.yaml': rule(query) })).toEqual([]);
  });
});

describe('_ItemId, a standard column of Log Analytics tables', () => {
  // Solutions/UEBA Essentials/Hunting Queries/Anomalous Account Creation.yaml
  it('binds AuditLogs._ItemId joined with BehaviorAnalytics.SourceRecordId', async () => {
    const hunting = `id: 0454c8d8-d0a6-42a4-8d03-f5b4fdcbd173
name: Anomalous Account Creation
description: sample
requiredDataConnectors: []
tactics:
  - Persistence
relevantTechniques:
  - T1136
query: |
  BehaviorAnalytics
  | where ActionType =~ "Add user"
  | join kind=inner (AuditLogs) on $left.SourceRecordId == $right._ItemId
  | project TimeGenerated, UserPrincipalName, SourceIPAddress
version: 2.0.0
`;
    expect(await errors({ 'Hunting Queries/h.yaml': hunting })).toEqual([]);
    expect(
      await errors({ 'Analytic Rules/r.yaml': rule('SecurityEvent | project EventID, _ItemId') }),
    ).toEqual([]);
  });

  it('is not added to a table whose source declares no standard columns (a CI _CL file)', async () => {
    // CustomTables/Armorblox_CL.json lists neither _IsBillable nor _ItemId.
    expect(await errors({ 'Analytic Rules/r.yaml': rule('Armorblox_CL | project _ItemId') })).toHaveLength(1);
  });
});

describe('union isfuzzy=true over names the catalog does not know', () => {
  // Parsers/ASimAlertEvent/Parsers/imAlertEvent.yaml: a union of vim* parsers deployed beside it.
  const parser = `Parser:
  Title: Alert Event ASIM parser
  Version: '0.1.0'
ParserName: imAlertEventSample
EquivalentBuiltInParser: _Im_AlertEventSample
ParserParams:
  - Name: disabled
    Type: bool
    Default: false
ParserQuery: |
  union isfuzzy=true
    vimAlertEventSampleOne (disabled=disabled),
    vimAlertEventSampleTwo (disabled=disabled)
`;

  it('is a warning: Kusto.Language (the CI) accepts it, and the workspace may hold them', async () => {
    const found = await validate({ 'Parsers/ASimAlertEvent/Parsers/imAlertEventSample.yaml': parser });
    expect(found.filter((d) => d.startsWith('error'))).toEqual([]);
    expect(found.some((d) => d.startsWith('warning SK1103') && d.includes('[KS-FUZZY]'))).toBe(true);
  });

  it('keeps a wildcard that matches no table an error, as Kusto.Language reports it', async () => {
    expect(await errors({ 'Analytic Rules/r.yaml': rule('union isfuzzy=true NoSuchSample*') })).not.toEqual(
      [],
    );
  });
});
