import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// DNS Essentials' rules read the two watchlists the Solution deploys with them (Azure/Azure-Sentinel
// Solutions/DNS Essentials/Data/Solution_DNS.json, "Watchlists"): DNS_Solution_Monitoring_Configuration
// (Watchlists/DNS_Solution_Monitoring_Configuration.json @14380f5) and DNS_Solution_Domain_IOCs (the
// `watchlist2-id` resource of Package/mainTemplate.json @0aad1e3; the Watchlists/ file is not stored).
// Before, a project that had not added them to kql/watchlists had 5 of the Solution's rules refused
// (eighth held-out corpus). Expected values are the templates' CSV rows.
const root = mkdtempSync(join(tmpdir(), 'sk-heldout-watchlists-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const catalog = loadCatalog(root);
const query = (text: string) => tableToRecords(runQuery(text, { catalog, tables: new Map(), now: NOW }));

describe('DNS Essentials watchlists', () => {
  it('the static threshold the published rule reads (Excessive NXDOMAIN DNS Queries,Detection,200,NA)', () => {
    // Analytic Rules/ExcessiveNXDOMAINDNSQueriesStaticThresholdBased.yaml, its `let threshold`.
    const text = [
      "_GetWatchlist('DNS_Solution_Monitoring_Configuration')",
      "| where wl_RuleName == 'Excessive NXDOMAIN DNS Queries' and wl_Type == 'Detection'",
      '| project threshold=toint(wl_Threshold)',
    ].join('\n');
    expect(query(text)).toEqual([{ threshold: 200 }]);
  });

  it('the anomaly threshold of the anomaly-based rule (…,Detection,NA,2.5)', () => {
    const text = [
      "_GetWatchlist('DNS_Solution_Monitoring_Configuration')",
      "| where wl_RuleName == 'Anomaly - Excessive NXDOMAIN DNS Queries' and wl_Type == 'Detection'",
      '| project t = todouble(wl_AnomalyThreshold), s = toint(wl_Threshold), SearchKey',
    ].join('\n');
    // "NA" is not a number: toint gives null (learn.microsoft.com kusto/query/toint-function: "If the
    // conversion is successful, the result is an integer. Otherwise, the result is null").
    expect(query(text)).toEqual([{ t: 2.5, s: null, SearchKey: 'Anomaly - Excessive NXDOMAIN DNS Queries' }]);
  });

  it('a quoted CSV field of the IOC list stays one column (.click,…,"CommandAndControl,Exfiltration",…)', () => {
    const text = [
      "_GetWatchlist('DNS_Solution_Domain_IOCs')",
      "| where wl_DNSDomain == '.click'",
      '| project wl_Type, wl_Severity, wl_Tactic, wl_Name, wl_Enabled',
    ].join('\n');
    expect(query(text)).toEqual([
      {
        wl_Type: 'Hunting',
        wl_Severity: 'Medium',
        wl_Tactic: 'CommandAndControl,Exfiltration',
        wl_Name: 'DNS lookups for commonly abused TLDs',
        wl_Enabled: 'TRUE',
      },
    ]);
  });

  it("the published IOC rule's domain list keeps Detection rows only", () => {
    // Analytic Rules/DNSRequestToKnownDomainIOCs.yaml: `where wl_Type == 'Detection' and wl_Enabled == 'TRUE'`.
    const text = [
      "let d = toscalar(_GetWatchlist('DNS_Solution_Domain_IOCs')",
      "  | where wl_Type == 'Detection' and wl_Enabled == 'TRUE' | summarize make_set(wl_DNSDomain));",
      "print noip = set_has_element(d, 'noip.com'), webhook = set_has_element(d, 'webhook.site'),",
      "  click = set_has_element(d, '.click'), dropbox = set_has_element(d, 'dropbox.com')",
    ].join('\n');
    expect(query(text)).toEqual([{ noip: true, webhook: true, click: false, dropbox: false }]);
  });

  it('a published static-threshold rule runs over empty tables', () => {
    // ExcessiveNXDOMAINDNSQueriesStaticThresholdBased.yaml's query (whole), no DNS events: no alert.
    const text = `let lookback = 1h;
let threshold = materialize (_GetWatchlist('DNS_Solution_Monitoring_Configuration')
  | where wl_RuleName == 'Excessive NXDOMAIN DNS Queries'
      and wl_Type == 'Detection'
  | project threshold=toint(wl_Threshold));
_Im_Dns(starttime=ago(lookback), responsecodename='NXDOMAIN')
| summarize NXDOMAINCount=count() by SrcIpAddr, bin(TimeGenerated, 15m)
| where NXDOMAINCount > toscalar(threshold)
| join kind=inner (_Im_Dns(starttime=ago(lookback), responsecodename='NXDOMAIN')
  | summarize DNSQueries = makeset(DnsQuery) by SrcIpAddr)
  on SrcIpAddr
| extend NXDOMAINthreshold=toint(toscalar(threshold))
| project-away SrcIpAddr1`;
    expect(query(text)).toEqual([]);
  });
});

describe('Microsoft Business Applications: MSBizApps-Configuration', () => {
  // Solutions/Microsoft Business Applications/Watchlists/MSBizApps-Configuration.json @b26ecdf publishes
  // `rawContent: "Category,Data\n_,_\n"`, a placeholder row the Solution's DataverseSharePointSites
  // parser reads (`_GetWatchlist(MSBizAppsConfigurationWatchlistAlias) | where SearchKey == "SharePoint"`).
  // Before, the parser was refused as soon as the workspace had any rows (BizApps_Executable_SharePoint,
  // BizApps_Mass_download_SharePoint in the seventh held-out corpus).
  it('the published placeholder row, with its search key', () => {
    expect(query("_GetWatchlist('MSBizApps-Configuration') | project Category, Data, SearchKey")).toEqual([
      { Category: '_', Data: '_', SearchKey: '_' },
    ]);
  });

  it('DataverseSharePointSites gives no site over the published watchlist, with data in the workspace', () => {
    const syslog = tableFromRecords(catalog.tables.get('Syslog')?.columns ?? [], [
      { TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage: 'x' },
    ]);
    const rows = tableToRecords(
      runQuery('DataverseSharePointSites | count', {
        catalog,
        tables: new Map([['Syslog', syslog]]),
        now: NOW,
      }),
    );
    expect(rows).toEqual([{ Count: 0 }]);
  });
});
