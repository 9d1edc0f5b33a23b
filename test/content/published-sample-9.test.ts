import { describe, expect, it } from 'vitest';
import { publishedSample, sampleParser, sampleRule } from '../support/published-sample.js';

// Catalog gaps on a fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 9"):
// tables and parsers that published rules and parsers read and that no stored source of the catalog
// defined. Each file has the shape of the published one; the built-in catalog alone, as for content
// validated outside this repository.
const { errors } = publishedSample('9');
const rule = (query: string) =>
  sampleRule('0f6a1a8e-0000-4000-8000-000000000009', query, {
    tactic: 'CredentialAccess',
    technique: 'T1110',
  });
const parser = (name: string, body: string) =>
  sampleParser('0f6a1a8e-0000-4000-8000-0000000000a9', name, body);

describe('tables of Solutions the catalog lacked', () => {
  it.each([
    // Solutions/SpyCloud Enterprise Protection/Analytic Rules/SpyCloudEnterpriseProtectionBreachRule.yaml;
    // the CI file is CustomTables/SpyCloudBreachDataWatchlist.json @3ba991b (no `_CL` in its file name).
    [
      "SpyCloudBreachDataWatchlist_CL | where Severity_s == '20' | project TimeGenerated, Document_Id_g, Email_s, Password_Plaintext_s, IP_Address_s",
    ],
    // Solutions/Morphisec/Analytic Rules/MorphisecDeviceAlertSurge.yaml
    // (Data Connectors/Morphisec_CCF/Morphisec_Table.json @2cfebc1)
    [
      'MorphisecAlerts_CL | where threatMessageArrivalTime >= ago(1h) | where attackSeverity in ("HIGH", "MEDIUM") | summarize arg_max(threatMessageArrivalTime, *) by id | summarize AlertCount = dcount(id) by hostname',
    ],
    // Solutions/Veritas NetBackup/Analytic Rules/NetBackup_many_login_fail.yaml (CustomTables/NetBackupAlerts_CL.json @febe25e)
    [
      'NetBackupAlerts_CL | where operation_s contains "LOGIN" and Message contains "authentication failed" | extend host = split(userName_s, "@")[1] | summarize Total=count() by tostring(host)',
    ],
    // Solutions/BitSight/Analytic Rules/BitSightNewBreachFound.yaml: BitSightBreaches
    // (Parsers/BitSightBreaches.yaml @233a98b) over CustomTables/Breaches_data_CL.json @51be4ea
    [
      'BitSightBreaches | extend Severity = toreal(Severity) | project Companyname, Severity, GUID, BreachedCompanies',
    ],
    // Solutions/Snowflake/Parsers/Snowflake.yaml @0257f64 reads the legacy Snowflake_CL (CustomTables @a082571)
    [
      'Snowflake_CL | where EVENT_TYPE_s == "LOGIN" | project EVENT_TIMESTAMP_t, END_TIME_t, CREDITS_USED_CLOUD_SERVICES_d',
    ],
  ])('binds %s', async (query) => {
    expect(await errors({ 'Analytic Rules/r.yaml': rule(query) })).toEqual([]);
  });
});

describe('Solution parsers over the tables their connectors define', () => {
  it('ArmisAlerts reads Armis_Alerts_CL (CustomTables/Armis_Alerts_CL.json @1b4ccf6)', async () => {
    // Solutions/Armis/Parsers/ArmisAlerts.yaml @419b232
    const body = `let ArmisAlerts_view = view () {
    Armis_Alerts_CL
    | extend EventVendor = "ArmisAlerts", AlertId = column_ifexists('alertId_d', ''), Title = column_ifexists('title_s', '')
    | project TimeGenerated, EventVendor, AlertId, Title
};
ArmisAlerts_view`;
    expect(await errors({ 'Parsers/ArmisAlerts.yaml': parser('ArmisAlerts', body) })).toEqual([]);
  });

  it('BitwardenEventLogs joins its three connector tables (workspace_tables.json @9ff85d6)', async () => {
    // Solutions/Bitwarden/Parsers/BitwardenEventLogs.yaml @9f1e734
    const body = `BitwardenEventLogs_CL
| extend eventTypeName = tostring(dynamic({"1000": "User_LoggedIn"})[tostring(eventType)])
| join kind = leftouter (BitwardenMembers_CL
  | where userId != ''
  | distinct userId, name, email
  | project actingUserId2=userId, actingUserName=name, actingUserEmail=email) on $left.actingUserId == $right.actingUserId2
| project-away actingUserId2
| join kind = leftouter (BitwardenGroups_CL
  | distinct groupId, name
  | project groupId2=groupId, groupName=name) on $left.groupId == $right.groupId2
| project-away groupId2`;
    expect(await errors({ 'Parsers/BitwardenEventLogs.yaml': parser('BitwardenEventLogs', body) })).toEqual(
      [],
    );
  });
});
