import { describe, expect, it } from 'vitest';
import { publishedSample, sampleRule } from '../support/published-sample.js';

// Catalog gaps on a fresh sample of published Azure-Sentinel content (NOTES "Issue 12, session 8"):
// tables and a parser that published rules and hunting queries read and that no stored source of the
// catalog defined. Each query has the shape of the published one; the built-in catalog alone, as for
// content validated outside this repository.
const { errors } = publishedSample('8');
const rule = (query: string) =>
  sampleRule('0f6a1a8e-0000-4000-8000-000000000008', query, { tactic: 'Reconnaissance', technique: 'T1593' });

describe('tables of Solutions the catalog lacked', () => {
  it.each([
    // Solutions/Cortex XDR/Analytic Rules/CortexXDR_High.yaml (CustomTables/CortexXDR_Incidents_CL.json @b7d9fb2)
    [
      'CortexXDR_Incidents_CL | where severity_s contains "high" | where host_count_d > 0 or user_count_d > 0 | project TimeGenerated, incident_id_s, xdr_url_s, hosts_s, users_s, creation_time_d',
    ],
    // Solutions/ForescoutHostPropertyMonitor/Analytic Rules/ForeScout-DNSSniffEventMonitor.yaml
    // (CustomTables/ForescoutHostProperties_CL.json @0828c87)
    [
      'ForescoutHostProperties_CL | extend ipaddress = iif(isnotempty(HostProperties_Ipv4Addr_s), HostProperties_Ipv4Addr_s, HostProperties_IpAddr_s) | summarize NumEvents_d = count() by ipaddress, HostProperties_EmIpAddr_s',
    ],
    // Solutions/Flare/Analytic Rules/FlareChat.yaml: the table its connector creates
    // (Data Connectors/FlareFireworkEventLogs_ccp/FlareFireworkEventLogs_Table.json @b188254), with
    // `Url` and `url` as two columns (Kusto names are case-sensitive).
    [
      'FireworkV2_CL | where notempty(uid) and RiskScore >= 3 | extend index_name = split(uid, "/")[0] | project Url, url, index_name',
    ],
    // Solutions/SailPointIdentityNow/Analytic Rules/SailPointIdentityNowFailedEvents_CCF.yaml
    // (Data Connectors/SearchEvent_CCF/table_SailPointIDN_EventsV2.json @07c019e)
    ['SailPointIDN_EventsV2_CL | where Status == "FAILED" | project TechnicalName, Operation, EventType'],
    // Solutions/Dynatrace, the V3 connectors' tables (DynatraceProblemsV3/…_Problems_table.json @91267e7,
    // DynatraceRuntimeVulnerabilitiesV3/…_RuntimeVulnerabilities_table.json @af8bdf6)
    [
      'DynatraceProblemsV3_CL | where event_status == "ACTIVE" and maintenance_is_under_maintenance == false | project problem_id, affected_entity_ids',
    ],
    [
      'DynatraceSecurityProblemsV3_CL | where vulnerability_risk_score > 8.0 | project vulnerability_display_id, vulnerability_references_cve',
    ],
    // Solutions/VaronisSaaS/Analytic Rules (session 6's rule-driven gap: the CI's VaronisAlerts_CL.json lacks
    // AlertSeverity_s): the table the connector creates (Data Connectors/VaronisSaaS_ccf/table.json @6b403ba),
    // beside the CI's columns, and its V2 table (VaronisSaaS_CCF/VaronisSaaS_Table.json @b7ff8d0).
    [
      'VaronisAlerts_CL | where AlertSeverity_s == "High" | project AlertId_g, ThreatDetectionPolicyName_s, Severity_s',
    ],
    [
      'VaronisAlertsV2_CL | where AlertSeverity_s == "High" and ContainsMaliciousExternalIPs_b | project AlertId_g',
    ],
  ])('binds %s', async (query) => {
    expect(await errors({ 'Analytic Rules/r.yaml': rule(query) })).toEqual([]);
  });
});

describe('the Fortiweb parser of its Solution', () => {
  // Solutions/Fortinet FortiWeb Cloud WAF-as-a-Service connector for Microsoft Sentinel/Analytic Rules/
  // Fortiweb - WAF Allowed threat.yaml and Hunting Queries/owaspTop10-Threatsyaml.yaml; the parser is
  // Parsers/Fortiweb.yaml @1b4ccf6 (over CommonSecurityLog), which the CI does not declare.
  it.each([
    ["Fortiweb | where EventType =~ 'Attack' | where DvcAction =~ 'Allow' | summarize count() by SrcIpAddr"],
    [
      'Fortiweb | where isnotempty(owaspTop10) | summarize owaspCount = count() by owaspTop10, EventSubType, SrcIpAddr',
    ],
  ])('binds %s', async (query) => {
    expect(await errors({ 'Analytic Rules/r.yaml': rule(query) })).toEqual([]);
  });
});
