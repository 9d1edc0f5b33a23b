import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../../src/kql/catalog.js';
import type { Table } from '../../../src/kql/index.js';
import { recordsOver, rowsOf, withDisabledParsers } from './asim-fixtures.js';

// `_Im_Dns` / `imDns` run the published union imDns.yaml @0a8680b (13 legs) with the bodies of
// vimDnsEmpty @0a2f31b (the schema), vimDnsInfobloxNIOS @1519ab3 (Syslog), vimDnsZscalerZIA @1519ab3
// (CommonSecurityLog) and vimDnsAzureFirewall @1b4ccf6 (AzureDiagnostics); its other 9 legs are bodies not held (catalog/solution-parsers.json
// `bodiesNotHeld`, each with the table its published body reads). vimDnsMicrosoftOMS @1519ab3 is one of
// them: it renames DnsEvents.ReportReferenceLink, which the DnsEvents table page does not list. Before,
// `_Im_Dns` was known by its columns only and refused as soon as the data had any row. Expected values
// are derived by reading those bodies.

/** The project also deploys ASIM's ASimSourceType watchlist, here naming one Infoblox NIOS server. */
function withSourceTypes(items: Record<string, string>[]): Catalog {
  const catalog = withDisabledParsers();
  const watchlists = new Map(catalog.watchlists);
  watchlists.set('ASimSourceType', {
    alias: 'ASimSourceType',
    searchKey: 'SourceType',
    columns: [
      { name: 'SourceType', type: 'string' },
      { name: 'Source', type: 'string' },
    ],
    items,
  });
  return { ...catalog, watchlists };
}

const infoblox = withSourceTypes([
  { SourceType: 'ContosoDns', Source: 'contoso_machine1' },
  { SourceType: 'InfobloxNIOS', Source: 'ib1' },
]);

const run = (query: string, tables: Map<string, Table>, catalog: Catalog = infoblox) =>
  recordsOver(catalog, query, tables);

const query = 'client 10.0.0.5#53124: query: www.contoso.com IN A + (10.0.0.1)';
const syslog = new Map([
  [
    'Syslog',
    rowsOf('Syslog', [
      { TimeGenerated: '2026-01-10T11:00:00Z', Computer: 'ib1', ProcessName: 'named', SyslogMessage: query },
      // Same message from a machine the watchlist does not name as an Infoblox NIOS source.
      { TimeGenerated: '2026-01-10T11:01:00Z', Computer: 'web1', ProcessName: 'named', SyslogMessage: query },
      {
        TimeGenerated: '2026-01-10T11:02:00Z',
        Computer: 'ib1',
        ProcessName: 'sshd',
        SyslogMessage: 'client gone',
      },
    ]),
  ],
]);

/** A Zscaler ZIA DNS log row as its CEF connector writes it to CommonSecurityLog. */
const ziaDnsRow = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  TimeGenerated: '2026-01-10T11:00:00Z',
  DeviceVendor: 'Zscaler',
  DeviceProduct: 'NSSDNSlog',
  SourceIP: '10.0.0.7',
  DeviceCustomString5: 'bad.example',
  ...extra,
});
const zscalerLogs = (rows: Record<string, unknown>[]) =>
  new Map([['CommonSecurityLog', rowsOf('CommonSecurityLog', rows)]]);

describe('imDns runs its published union', () => {
  it('parses Infoblox NIOS queries from the machines the ASimSourceType watchlist names', () => {
    expect(
      run(
        '_Im_Dns | project EventProduct, EventType, EventSubType, EventResult, SrcIpAddr, SrcPortNumber, DnsQuery, DnsQueryClassName, DnsQueryTypeName, DnsFlags, Dvc',
        syslog,
      ),
    ).toEqual([
      {
        EventProduct: 'Infoblox DNS',
        EventType: 'Query',
        EventSubType: 'request',
        EventResult: 'Success',
        SrcIpAddr: '10.0.0.5',
        SrcPortNumber: 53124,
        DnsQuery: 'www.contoso.com',
        DnsQueryClassName: 'IN',
        DnsQueryTypeName: 'A',
        DnsFlags: '+',
        Dvc: 'ib1',
      },
    ]);
  });

  it("applies the built-in's filtering parameters, under both names", () => {
    expect(run("_Im_Dns(srcipaddr='10.0.0.5') | project DnsQuery", syslog)).toEqual([
      { DnsQuery: 'www.contoso.com' },
    ]);
    expect(run("imDns(srcipaddr='10.9.9.9') | count", syslog)).toEqual([{ Count: 0 }]);
  });

  it("drops every Infoblox row given domain_has_any: the body's last filter tests the response's IPs", () => {
    // "Post filtering step 2" of vimDnsInfobloxNIOS: `array_length(domain_has_any) == 0 or
    // has_any_ipv4_prefix(DnsResponseName, response_has_any_prefix)`; a request has an empty
    // DnsResponseName, which holds no IPv4 address (has_any_ipv4_prefix page: false then).
    expect(run("_Im_Dns(domain_has_any=dynamic(['contoso.com'])) | count", syslog)).toEqual([{ Count: 0 }]);
  });

  it('gives no Infoblox rows where the watchlist names no Infoblox NIOS source (as ASIM publishes it)', () => {
    const published = withSourceTypes([{ SourceType: 'ContosoDns', Source: 'contoso_machine1' }]);
    expect(run('_Im_Dns | count', syslog, published)).toEqual([{ Count: 0 }]);
  });

  it('refuses Syslog rows when the project lacks the ASimSourceType watchlist the Infoblox leg reads', () => {
    expect(() => run('_Im_Dns | count', syslog, withDisabledParsers())).toThrow(/ASimSourceType/);
  });

  // The Infoblox leg's rows come from Syslog only; the watchlist filters them (`where Computer in
  // (...)`), so over no Syslog rows the leg gives none whatever the watchlist holds.
  it('answers without the ASimSourceType watchlist where Syslog has no rows', () => {
    const csl = zscalerLogs([ziaDnsRow()]);
    expect(run('_Im_Dns | project EventProduct, SrcIpAddr, DnsQuery', csl, withDisabledParsers())).toEqual([
      { EventProduct: 'ZIA DNS', SrcIpAddr: '10.0.0.7', DnsQuery: 'bad.example' },
    ]);
  });

  it('normalizes Zscaler ZIA DNS logs from CommonSecurityLog, response code from DeviceCustomString6', () => {
    const csl = zscalerLogs([
      ziaDnsRow({ DeviceCustomString6: 'NXDOMAIN', DeviceCustomString3: 'Allow' }),
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        DeviceVendor: 'Zscaler',
        DeviceProduct: 'NSSWeblog',
        SourceIP: '10.0.0.8',
      },
    ]);
    expect(
      run(
        "_Im_Dns(responsecodename='NXDOMAIN') | project EventProduct, EventSubType, EventResult, DnsResponseCodeName, SrcIpAddr, DnsQuery",
        csl,
      ),
    ).toEqual([
      {
        EventProduct: 'ZIA DNS',
        EventSubType: 'response',
        EventResult: 'Failure',
        DnsResponseCodeName: 'NXDOMAIN',
        SrcIpAddr: '10.0.0.7',
        DnsQuery: 'bad.example',
      },
    ]);
  });

  it('parses Azure Firewall DNS proxy logs; the flags are term matches of the flag list', () => {
    const tables = new Map([
      [
        'AzureDiagnostics',
        rowsOf('AzureDiagnostics', [
          {
            TimeGenerated: '2026-01-10T11:00:00Z',
            Category: 'AzureFirewallDnsProxy',
            ResourceId: '/subscriptions/s/fw1',
            msg_s:
              'DNS Request: 10.0.0.4:54321 - 12345 A IN www.contoso.com. udp 44 false 512 NOERROR qr,rd,ra 60 0.001s',
          },
          {
            TimeGenerated: '2026-01-10T11:00:00Z',
            Category: 'AzureFirewallNetworkRule',
            msg_s: 'TCP request from 10.0.0.4:1 to 10.0.0.5:2. Action: Allow.',
          },
        ]),
      ],
    ]);
    expect(
      run(
        '_Im_Dns | project EventProduct, EventResult, EventSubType, SrcIpAddr, SrcPortNumber, DnsQuery, DnsQueryTypeName, NetworkProtocol, DnsResponseCodeName, DnsNetworkDuration, DnsFlagsRecursionAvailable, DnsFlagsAuthenticated, Dvc',
        tables,
      ),
    ).toEqual([
      {
        EventProduct: 'Azure Firewall',
        EventResult: 'Success',
        EventSubType: 'response',
        SrcIpAddr: '10.0.0.4',
        SrcPortNumber: 54321,
        DnsQuery: 'www.contoso.com',
        DnsQueryTypeName: 'A',
        NetworkProtocol: 'UDP',
        DnsResponseCodeName: 'NOERROR',
        // toint(0.001 * 1000)
        DnsNetworkDuration: 1,
        // `DnsFlags has "ra"`: "ra" is a term of "qr,rd,ra"; "aa" is not.
        DnsFlagsRecursionAvailable: true,
        DnsFlagsAuthenticated: false,
        Dvc: '/subscriptions/s/fw1',
      },
    ]);
  });

  it("answers DNS Essentials' Unexpected top level domains hunting query over Infoblox NIOS rows", () => {
    // Solutions/DNS Essentials/Hunting Queries/UnexpectedTopLevelDomains.yaml @14380f5, its query as published.
    const published = [
      'let looback=1d;',
      '_Im_Dns(starttime=ago(looback),endtime=now())',
      '| summarize Count=count() by SrcIpAddr, DnsQuery',
      '| extend TopLevelDomain = tostring(split(DnsQuery, ".")[-1])',
      '| where strlen(TopLevelDomain) > 4',
      '| order by Count',
      '| take 25',
      '| extend IP_0_Address = SrcIpAddr',
      '| extend DNS_0_DomainName = DnsQuery',
    ].join('\n');
    const row = (TimeGenerated: string, SyslogMessage: string) => ({
      TimeGenerated,
      Computer: 'ib1',
      ProcessName: 'named',
      SyslogMessage,
    });
    const tables = new Map([
      [
        'Syslog',
        rowsOf('Syslog', [
          row('2026-01-10T11:00:00Z', 'client 10.0.0.5#53124: query: a.example.intranet IN A + (10.0.0.1)'),
          row('2026-01-10T11:05:00Z', 'client 10.0.0.5#53125: query: a.example.intranet IN A + (10.0.0.1)'),
          row('2026-01-10T11:10:00Z', 'client 10.0.0.6#53000: query: b.example.com IN A + (10.0.0.1)'),
          // Outside the query's day.
          row('2026-01-08T11:00:00Z', 'client 10.0.0.7#53000: query: c.example.invalid IN A + (10.0.0.1)'),
        ]),
      ],
    ]);
    expect(run(published, tables)).toEqual([
      {
        SrcIpAddr: '10.0.0.5',
        DnsQuery: 'a.example.intranet',
        Count: 2,
        TopLevelDomain: 'intranet',
        IP_0_Address: '10.0.0.5',
        DNS_0_DomainName: 'a.example.intranet',
      },
    ]);
  });

  it('refuses data a leg without a held body reads, naming the leg', () => {
    const dnsEvents = new Map([
      ['DnsEvents', rowsOf('DnsEvents', [{ TimeGenerated: '2026-01-10T11:00:00Z', Name: 'a.example' }])],
    ]);
    expect(() => run('_Im_Dns | count', dnsEvents)).toThrow(/vimDnsMicrosoftOMS/);
  });
});
