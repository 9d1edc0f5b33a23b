import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import type { Table } from '../../../src/kql/index.js';
import { catalogTable } from '../../support/catalog.js';
import { recordsOver } from './asim-fixtures.js';
import { bindingErrors } from './helpers.js';

// The tenth held-out corpus (issue 11, session 12: VMware SD-WAN and SASE, Cyfirma Digital Risk, Samsung
// Knox Asset Intelligence, SAP LogServ …) named tables the catalog lacked: the VMware ones are the
// Azure-Sentinel CI CustomTables files of those names (.script/tests/KqlvalidationsTests/CustomTables/
// VMware_VECO_EventLogs_CL.json @bd3bf57, VMware_CWS_DLPLogs_CL.json @92fb689, VMware_CWS_Weblogs_CL.json
// @0b24484, VMware_SDWAN_FirewallLogs_CL.json @c02d525); the others are the workspace tables the
// Solutions' connectors create (CyfirmaDigitalRiskAlerts_Tables.json @7d70858,
// azuredeploy_SamsungDataConnectorDefinition.json @3894652, SAPLogServ_PUSH_CCP/table.json @be32bee).
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const errors = (query: string) => bindingErrors(catalog, query);
const run = (query: string, name: string, records: Record<string, unknown>[]) =>
  recordsOver(catalog, query, new Map<string, Table>([[name, catalogTable(catalog, name, records)]]));

describe('tables of the tenth held-out corpus', () => {
  it('binds the published queries over the new tables (columns and types of their definitions)', () => {
    for (const query of [
      // VMware_SDWAN_FirewallLogs_CL declares edgeName datetime and severity int, as the CI file does
      'VMware_SDWAN_FirewallLogs_CL | project TimeGenerated, signature, severity, category, signatureId, actionTaken, edgeName, sourceIp, protocol, sourcePort, destinationIp, destinationPort, domainName, attackSource, attackTarget, firewallPolicyName',
      'VMware_CWS_DLPLogs_CL | join kind=innerunique VMware_CWS_Weblogs_CL on TimeGenerated | project policyName, ruleMatched, sha256, casbAppName',
      'CyfirmaDBWMDarkWebAlerts_CL | extend FirstSeen = first_seen, ThreatActors = threat_actors | where risk_score > 5',
      'CyfirmaSPEPIIAndCIIAlerts_CL | project posted_date, recommendation, breached_data, Alert_title',
      'Samsung_Knox_User_CL | where Name == "SUSPICIOUS_URL_ACCESSED" and ConfidenceScore > 0.9',
      'Samsung_Knox_Process_CL | project Euid, Fsuid, CmdLine, Atime',
      'SAPLogServ_CL | where clz_subdir == "hanaaudit" | extend raw_split = split(Raw, ";")',
    ])
      expect(errors(query), query).toEqual([]);
  });

  it('"VMware SD-WAN Edge - IDS/IPS Signature Update Failed" answers over VMware_VECO_EventLogs_CL rows', () => {
    // `extend todynamic(detail).data` names its column detail_data (the rule renames it), extract()
    // takes group 1 of the version pattern from tostring() of the bag, project-away drops detail.
    const rule = `VMware_VECO_EventLogs_CL
| where event == "MGD_ATPUP_APPLY_IDPS_SIGNATURE_FAILED"
| extend idpsSignatureVersion = extract("\\"version\\":\\"([0-9]+)\\"", 1, tostring(todynamic(detail).data))
| extend todynamic(detail).edgeSerialNumber
| extend todynamic(detail).data
| project-rename idpsSignatureData = detail_data
| project-rename edgeSerialNumber = detail_edgeSerialNumber
| project-away detail
| project TimeGenerated, event, idpsSignatureVersion, edgeSerialNumber, idpsSignatureData`;
    const rows = run(rule, 'VMware_VECO_EventLogs_CL', [
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        event: 'MGD_ATPUP_APPLY_IDPS_SIGNATURE_FAILED',
        detail: '{"edgeSerialNumber":"VC05200028","data":{"version":"1700"}}',
      },
      { TimeGenerated: '2026-01-10T11:05:00Z', event: 'EDGE_UP', detail: '{}' },
    ]);
    expect(rows).toEqual([
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        event: 'MGD_ATPUP_APPLY_IDPS_SIGNATURE_FAILED',
        idpsSignatureVersion: '1700',
        edgeSerialNumber: 'VC05200028',
        idpsSignatureData: { version: '1700' },
      },
    ]);
  });

  it('"CYFIRMA - … Ransomware Exposure Detected Rule" answers over its CCF table', () => {
    // Only Critical rows of the last 5 minutes (between is inclusive on both ends); Recommendation is ''.
    const rule = `let timeFrame = 5m;
CyfirmaDBWMRansomwareAlerts_CL
| where severity == 'Critical' and TimeGenerated between (ago(timeFrame) .. now())
| extend Description=description, RiskScore=risk_score, Recommendation='', ThreatActors= threat_actors
| project TimeGenerated, Description, RiskScore, Recommendation, ThreatActors`;
    const rows = run(rule, 'CyfirmaDBWMRansomwareAlerts_CL', [
      {
        TimeGenerated: '2026-01-10T11:57:00Z',
        severity: 'Critical',
        description: 'claimed',
        risk_score: 9,
        threat_actors: ['LockBit'],
      },
      { TimeGenerated: '2026-01-10T11:50:00Z', severity: 'Critical', description: 'too old', risk_score: 9 },
      { TimeGenerated: '2026-01-10T11:58:00Z', severity: 'High', description: 'not critical', risk_score: 5 },
    ]);
    expect(rows).toEqual([
      {
        TimeGenerated: '2026-01-10T11:57:00Z',
        Description: 'claimed',
        RiskScore: 9,
        Recommendation: '',
        ThreatActors: ['LockBit'],
      },
    ]);
  });
});
