import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableToRecords, UnsupportedError } from '../../../src/kql/index.js';
import { catalogTable } from '../../support/catalog.js';
import { bindingErrors, NOW } from './helpers.js';

// The ninth held-out corpus (issue 11, session 11: MimecastSEG, MimecastTTP, MimecastAudit, Cyfirma
// Attack Surface / Brand Intelligence / Compromised Accounts, Pathlock_TDnR, Votiro, Radiflow, Infoblox
// SOC Insights …) named tables the catalog lacked and two Solution parsers it knew by columns only.
// The tables are the Azure-Sentinel CI CustomTables files of those names
// (.script/tests/KqlvalidationsTests/CustomTables/<name>.json); the parsers are the Solutions' published
// bodies (Solutions/Radiflow/Parsers/RadiflowEvent.yaml, Solutions/Infoblox SOC
// Insights/Parsers/InfobloxCDC_SOCInsights.yaml, both over CommonSecurityLog;
// Solutions/CiscoUmbrella/Parsers/Cisco_Umbrella.yaml, views over the Cisco_Umbrella_*_CL tables).
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const errors = (query: string) => bindingErrors(catalog, query);

const csl = (records: Record<string, unknown>[]): Map<string, Table> =>
  new Map([['CommonSecurityLog', catalogTable(catalog, 'CommonSecurityLog', records)]]);

describe('tables and parsers of the ninth held-out corpus', () => {
  it('binds the published queries over the CI tables (columns and types of the CI files)', () => {
    // Each query reads columns only the CI file declares, with the type it declares (taggedMalicious_b
    // Bool, risk_score int, possible_vulnerabilities dynamic, Bytes long).
    for (const query of [
      'MimecastSIEM_CL | where mimecastEventId_s == "mail_ttp_url" and reason_s != "clean"',
      'MimecastDLP_CL | where action_s == "hold" | project senderAddress_s, recipientAddress_s',
      'union MimecastTTPImpersonation_CL | where taggedMalicious_b == true',
      'union MimecastTTPAttachment_CL | where result_s <> "safe"',
      'union MimecastTTPUrl_CL | where scanResult_s == "malicious" and action_s != "allow"',
      'MimecastAudit_CL | where src_s != "" and auditType_s == "Logon Authentication Failed"',
      'Votiro_CL | extend x = strcat_delim(" ", SrcFileName, SrcFileSHA256, ConnectorName)',
      'Pathlock_TDnR_CL | where DataSource == "USER_LOGINS" | summarize sum(Bytes) by Bname, SrcIp',
      'CyfirmaASDomainIPVulnerabilityAlerts_CL | mv-expand p = possible_vulnerabilities | where risk_score > 5',
      'CyfirmaASCertificatesAlerts_CL | where self_signed == true | project valid_to, cert_hash',
      'CyfirmaBIDomainITAssetAlerts_CL | project signature, suspected_threat_actor, registered_date',
      'CyfirmaCompromisedAccounts_CL | where Category has "Compromised Employees" | project pass_hash, uid',
    ])
      expect(errors(query), query).toEqual([]);
  });

  it('"Radiflow - Policy Violation Detected" answers from the published RadiflowEvent body', () => {
    // The body keeps CommonSecurityLog rows of vendor radiflow (=~), reads the key/value pairs of
    // AdditionalExtensions with parse-kv (pair ';', key/value '='; `id: long`), takes the host name only
    // where it matches its 1-15 character pattern, and SourceIP = coalesce(DeviceAddress, SourceIP)
    // (coalesce: the first value that is not null or, for strings, empty).
    const rule = `RadiflowEvent
| where DeviceProduct =~ 'iSID'
| where EventClassID in ("5", "156")
| extend EventMessage = iif(EventMessage == ' ', 'Policy Violation', EventMessage)
| project EventClassID, EventID, EventMessage, Protocol, Port, SourceHostName, DestinationHostName, SourceIP, SourceMACAddress, SourceVLAN`;
    const rows = tableToRecords(
      runQuery(rule, {
        catalog,
        now: NOW,
        tables: csl([
          {
            TimeGenerated: '2026-01-10T10:00:00Z',
            DeviceVendor: 'Radiflow',
            DeviceProduct: 'iSID',
            DeviceEventClassID: '156',
            Activity: ' ',
            DeviceAddress: '10.1.2.3',
            SourceIP: '10.9.9.9',
            AdditionalExtensions:
              'id=4711;pt=502;PtName=Modbus;SrcName=PLC-7;DstName=an engineering workstation;SrcMac=00:1d:9c:aa:bb:cc;DstMac=00:1d:9c:dd:ee:ff;SrcVlan=10',
          },
          {
            TimeGenerated: '2026-01-10T10:05:00Z',
            DeviceVendor: 'Other',
            DeviceProduct: 'iSID',
            DeviceEventClassID: '156',
            Activity: 'not radiflow',
          },
        ]),
      }),
    );
    expect(rows).toEqual([
      {
        EventClassID: '156',
        EventID: 4711,
        EventMessage: 'Policy Violation',
        Protocol: 'Modbus',
        Port: '502',
        SourceHostName: 'PLC-7',
        // 26 characters: longer than the pattern's 15, so the body gives an empty name
        DestinationHostName: '',
        SourceIP: '10.1.2.3',
        SourceMACAddress: '00:1d:9c:aa:bb:cc',
        SourceVLAN: '10',
      },
    ]);
  });

  it('InfobloxCDC_SOCInsights answers from its published body', () => {
    // extract() of each `Key=(.*?);` after a ';' is appended to AdditionalExtensions; toint() of the
    // counts; case() maps InfobloxThreatLevel 3 to High.
    const query = `InfobloxCDC_SOCInsights
| summarize arg_max(TimeGenerated, *) by InfobloxInsightID
| project InfobloxInsightID, ThreatClass, ThreatFamily, BlockedCount, NotBlockedCount, ThreatLevel, IncidentSeverity, Status`;
    const rows = tableToRecords(
      runQuery(query, {
        catalog,
        now: NOW,
        tables: csl([
          {
            TimeGenerated: '2026-01-10T09:00:00Z',
            DeviceVendor: 'Infoblox',
            DeviceProduct: 'Data Connector',
            DeviceEventClassID: 'BloxOne-InsightsNotification-Log',
            AdditionalExtensions:
              'InfobloxInsightId=ab12;InfobloxThreatClass=Phishing;InfobloxThreatFamily=Lookalike;InfobloxEventsBlockedCount=7;InfobloxEventsNotBlockedCount=2;InfobloxThreatLevel=3;status=Active',
          },
          {
            TimeGenerated: '2026-01-10T09:30:00Z',
            DeviceVendor: 'Infoblox',
            DeviceProduct: 'Data Connector',
            DeviceEventClassID: 'RPZ',
            AdditionalExtensions: 'InfobloxInsightId=zz',
          },
        ]),
      }),
    );
    expect(rows).toEqual([
      {
        InfobloxInsightID: 'ab12',
        ThreatClass: 'Phishing',
        ThreatFamily: 'Lookalike',
        BlockedCount: 7,
        NotBlockedCount: 2,
        ThreatLevel: 'High',
        IncidentSeverity: 'High',
        Status: 'Active',
      },
    ]);
  });

  it('"Cisco Umbrella - Rare User Agent Detected" runs the published Cisco_Umbrella body', () => {
    const rule = `let lookBack = 14d;
let timeframe = 1d;
let user_agents_list = Cisco_Umbrella
| where EventType == "proxylogs"
| where TimeGenerated > ago(lookBack) and TimeGenerated < ago(timeframe)
| summarize count() by HttpUserAgentOriginal
| summarize make_list(HttpUserAgentOriginal);
Cisco_Umbrella
| where EventType == "proxylogs"
| where TimeGenerated > ago(timeframe)
| where HttpUserAgentOriginal !in (user_agents_list)
| project SrcIpAddr, UrlOriginal, HttpUserAgentOriginal`;
    // Rows only in a table the body does not read: its views and legs are empty, so no row (known by
    // columns only, the parser was refused once any table had rows).
    const other = csl([{ TimeGenerated: '2026-01-10T10:00:00Z', DeviceVendor: 'Other' }]);
    expect(tableToRecords(runQuery(rule, { catalog, now: NOW, tables: other }))).toEqual([]);
    // A proxy row reaches the body's EventEndTime = column_ifexists('Timestamp_t', ''): the CI table's
    // Timestamp_t is a datetime and the default a string, which the column_ifexists page leaves open.
    // The rule never reads EventEndTime (liveness follows it out of the body to the caller's project),
    // so the rule answers: the row is within the last day and no user agent was seen before it.
    const proxy = new Map([
      [
        'Cisco_Umbrella_proxy_CL',
        catalogTable(catalog, 'Cisco_Umbrella_proxy_CL', [
          { TimeGenerated: '2026-01-10T10:00:00Z', EventType_s: 'proxylogs', userAgent_s: 'curl/8.0' },
        ]),
      ],
    ]);
    expect(tableToRecords(runQuery(rule, { catalog, now: NOW, tables: proxy }))).toEqual([
      { SrcIpAddr: '', UrlOriginal: '', HttpUserAgentOriginal: 'curl/8.0' },
    ]);
    // A query that reads it is still refused at the undocumented value.
    const readsIt = 'Cisco_Umbrella | where EventType == "proxylogs" | project EventEndTime';
    expect(() => runQuery(readsIt, { catalog, now: NOW, tables: proxy })).toThrow(UnsupportedError);
    expect(() => runQuery(readsIt, { catalog, now: NOW, tables: proxy })).toThrow(
      /column_ifexists.*Timestamp_t/,
    );
  });

  it('VectraDetectionsCombined (seventh corpus) runs its published body', () => {
    // Solutions/Vectra XDR/Parsers/VectraDetectionsCombined.yaml reads column_ifexists('entity_type', '')
    // and alike over `union isfuzzy=true Detections_Data_CL, Detections_Data_CCF_CL` (the CCF table:
    // Solutions/Vectra XDR/Data Connectors/VectraCCFConnector/VectraRUX_Table_Detections.json). Before,
    // the parser was known by its declared columns only and refused once any table had rows.
    const rule = `VectraDetectionsCombined
| where ["Entity Type"] == "account"
| summarize arg_max(TimeGenerated, *) by ["Detection ID"]
| project ["Detection Name"], URL, ["Source IP"]`;
    const other = csl([{ TimeGenerated: '2026-01-10T10:00:00Z', DeviceVendor: 'Other' }]);
    expect(tableToRecords(runQuery(rule, { catalog, now: NOW, tables: other }))).toEqual([]);
    // A detection row reaches the body's column_ifexists of CCF columns with defaults of another type
    // (event_timestamp is a datetime, its default ''), which the column_ifexists page leaves open. The
    // rule's project drops ["Last Updated"] after arg_max(TimeGenerated, *), which only copies it
    // (session 13 liveness), so its value cannot change the answer; a rule that keeps it is refused.
    const detections = new Map([
      [
        'Detections_Data_CCF_CL',
        catalogTable(catalog, 'Detections_Data_CCF_CL', [
          {
            TimeGenerated: '2026-01-10T10:00:00Z',
            entity_type: 'account',
            detection_type: 'Kerberos Brute-Sweep',
          },
        ]),
      ],
    ]);
    expect(tableToRecords(runQuery(rule, { catalog, now: NOW, tables: detections }))).toEqual([
      { 'Detection Name': 'Kerberos Brute-Sweep', URL: '', 'Source IP': '' },
    ]);
    expect(() =>
      runQuery(rule.replace('URL,', 'URL, ["Last Updated"],'), { catalog, now: NOW, tables: detections }),
    ).toThrow(/column_ifexists of the existing \w+ column/);
  });
});
