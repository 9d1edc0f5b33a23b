import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import type { Table } from '../../../src/kql/index.js';
import { catalogTable } from '../../support/catalog.js';
import { recordsOver } from './asim-fixtures.js';
import { bindingErrors } from './helpers.js';

// The eleventh held-out corpus (issue 11, session 13: NordPass, CyberArkAudit, Cyfirma Cyber Intelligence,
// CyrenThreatIntelligence, RSAIDPlus_AdminLogs_Connector, Anvilogic, SINEC Security Guard …) named tables
// the catalog lacked. The workspace tables the Solutions' connectors create: Solutions/NordPass/
// NordPass_table.json @802a688, CyrenThreatIntel_CCF/Cyren_Table.json @03aa629, CyfirmaCyberIntelligence_ccp/
// CyfirmaCyberIntel_Tables.json @46a06e2, RSIDPlus_AdminLogs_Connector_CCP/RSAIDPlus_AdminLogs_Table.json
// @c3b99ac, AnviLogic_CCF/Anvilogic_Table.json @b188254; and the Azure-Sentinel CI CustomTables files
// .script/tests/KqlvalidationsTests/CustomTables/CyberArk_AuditEvents_CL.json @45e1b3c and
// SINECSecurityGuard_CL.json @3707420 (a workspace table resource, read since this session).
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const errors = (query: string) => bindingErrors(catalog, query);
const run = (query: string, name: string, records: Record<string, unknown>[]) =>
  recordsOver(catalog, query, new Map<string, Table>([[name, catalogTable(catalog, name, records)]]));

describe('tables of the eleventh held-out corpus', () => {
  it('binds the published queries over the new tables (columns and types of their definitions)', () => {
    for (const query of [
      // NordPass: metadata is dynamic, timestamp long
      'NordPassEventLogs_CL | extend item_count = array_length(todynamic(metadata).items) | summarize total_items = sum(item_count) by user_email',
      // CyberArk: the CI file types timestamp as int, customData as string
      'CyberArk_AuditEvents_CL | extend EventTime = datetime(1970-01-01) + tolong(timestamp)*1s | project EventTime, CyberArkTenantId, username, identityType, accessMethod, action, target, safe, source, message',
      'Cyren_Indicators_CL | extend Risk = toint(risk_d) | summarize make_set(category_s) by IP = ip_s, Source = source_s, Domain = domain_s, URL = url_s',
      "CyfirmaIndicators_CL | where ConfidenceScore >= 80 and pattern !contains 'file:hashes' | extend parsed = parse_json(extensions) | project ThreatActors, RecommendedActions, Sources, Roles, Country, IPAbuse, name, Description, IndicatorID, created, modified, valid_from, Tags, ThreatType, SecurityVendors",
      "RSAIDPlus_AdminLogs_CL |where activityKey == 'LOCKED_ADMIN_ACCOUNT' |project TimeGenerated, customerName, adminUserName, adminUserRole, activityKey, sourceIPAddress",
      "Anvilogic_Alerts_CL | where avl_rule_mode!='Warn' | project coi_account, src_nt_domain, ssid, coi_host, coi_ip, url, coi_app, file_name, file_path, process_id, process_exec, registry_hive, registry_key_name, registry_value_name, registry_value_data, registry_value_type",
      'SINECSecurityGuard_CL | where ipv4_is_private(source_ip) or ipv4_is_private(destination_ip) | project source_ip, destination_ip, signature_id, signature_name',
      // Halcyon_Commands_CL (Halcyon_ccp/Halcyon_table_commands.json @c11ad55): device is dynamic
      'Halcyon_Commands_CL | summarize arg_max(TimeGenerated, *) by HalcyonAlertId | extend DeviceName = tostring(device.hostname)',
    ])
      expect(errors(query), query).toEqual([]);
  });

  it('keeps the published Halcyon rule an error: SecurityAlert.ExtendedProperties is a string, not dynamic', () => {
    // Solutions/Halcyon/Analytics Rules/HalcyonTriggersRule.json @26746df: `ExtendedProperties["HalcyonAlertId"]`
    // on a string column is KS147 in Kusto.Language, which the service parses with; the rule is not run.
    const codes = errors(
      'SecurityAlert | extend HalcyonAlertId = tostring(ExtendedProperties["HalcyonAlertId"]) | project HalcyonAlertId',
    ).map((d) => d.code);
    expect(codes).toEqual(['KS147']);
  });

  it('"NordPass - User fails authentication" answers over NordPassEventLogs_CL rows', () => {
    // More than two failed logins of one user in the window; the IP and provider come from the dynamic
    // metadata column (a missing member is null).
    const rule = `let threshold = 2;
let filteredData = materialize(
    NordPassEventLogs_CL
    | where event_type == "login" and action == "user_login_failed"
);
let users = filteredData
    | summarize Count = count() by user_email
    | where Count > threshold
    | project user_email;
filteredData
| where user_email in (users)
| extend TargetEmail = user_email, IPAddress = metadata.ip_address, Provider = metadata.provider
| project TimeGenerated, TargetEmail, IPAddress, Provider`;
    const failed = (at: string, user: string, metadata: Record<string, unknown>) => ({
      TimeGenerated: at,
      event_type: 'login',
      action: 'user_login_failed',
      user_email: user,
      metadata,
    });
    const rows = run(rule, 'NordPassEventLogs_CL', [
      failed('2026-01-10T11:00:00Z', 'a@contoso.com', { ip_address: '203.0.113.7', provider: 'sso' }),
      failed('2026-01-10T11:01:00Z', 'a@contoso.com', { ip_address: '203.0.113.8' }),
      failed('2026-01-10T11:02:00Z', 'a@contoso.com', {}),
      failed('2026-01-10T11:03:00Z', 'b@contoso.com', { ip_address: '203.0.113.9' }),
    ]);
    expect(rows).toEqual([
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        TargetEmail: 'a@contoso.com',
        IPAddress: '203.0.113.7',
        Provider: 'sso',
      },
      {
        TimeGenerated: '2026-01-10T11:01:00Z',
        TargetEmail: 'a@contoso.com',
        IPAddress: '203.0.113.8',
        Provider: null,
      },
      {
        TimeGenerated: '2026-01-10T11:02:00Z',
        TargetEmail: 'a@contoso.com',
        IPAddress: null,
        Provider: null,
      },
    ]);
  });

  it('"SSG_Security_Incidents" keeps the alerts with a private source or destination', () => {
    // ipv4_is_private: 10/8, 172.16/12 and 192.168/16 (ipv4-is-private-function.md).
    const rule = `SINECSecurityGuard_CL
| where ipv4_is_private(source_ip) or ipv4_is_private(destination_ip)
| project source_ip, destination_ip, signature_id, signature_name`;
    const alert = (source_ip: string, destination_ip: string, signature_id: number) => ({
      TimeGenerated: '2026-01-10T11:00:00Z',
      source_ip,
      destination_ip,
      signature_id,
      signature_name: `sig ${signature_id}`,
    });
    const rows = run(rule, 'SINECSecurityGuard_CL', [
      alert('10.1.2.3', '198.51.100.1', 1),
      alert('198.51.100.2', '172.31.0.9', 2),
      alert('198.51.100.3', '172.32.0.1', 3),
    ]);
    expect(rows.map((r) => r.signature_id)).toEqual([1, 2]);
  });
});
