import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { commonSecurityLog, recordsOver, rowsOf, withDisabledParsers } from './asim-fixtures.js';

// The Barracuda WAF leg of _Im_NetworkSession runs its published body
// (Azure/Azure-Sentinel Parsers/ASimNetworkSession/Parsers/vimNetworkSessionBarracudaWAF.yaml @09d90500,
// 0.1, Jun 13 2023): a barracuda_CL half and a CommonSecurityLog half, both of LogType/DeviceEventCategory
// "NF". It bound once barracuda_CL is in the catalog (.script/tests/KqlvalidationsTests/CustomTables/
// barracuda_CL.json @fa66bb2b, the CI's own table); before, it was a body not held, refused whenever either
// table had rows. The held imNetworkSession (@853c8959) calls no vimNetworkSessionBarracudaCEF, so the CEF
// half reads rows no other NetworkSession leg reads. Expected values are read from the body text.

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

// 2026-01-10T11:00:00Z and one minute later, in Unix milliseconds (the body reads them with
// unixtime_milliseconds_todatetime(tolong(...))).
const T0 = '1768042800000';
const T1 = '1768042860000';

const custom = rowsOf('barracuda_CL', [
  {
    TimeGenerated: '2026-01-10T11:00:05Z',
    LogType_s: 'NF',
    DeviceReceiptTime_s: T0,
    ActionID_s: 'DENY',
    Severity_s: '3',
    Protocol_s: 'ICMP',
    UnitName_s: 'waf1',
    host_s: 'waf1.contoso.com',
    HostIP_s: '10.1.1.1',
    SourceIP: '10.0.0.5',
    DestinationIP_s: '10.0.0.9',
    DestinationPort_d: 443,
    SourcePort_d: 5555,
  },
  // A web-firewall (WF) row: not a network session.
  { TimeGenerated: '2026-01-10T11:00:06Z', LogType_s: 'WF', ActionID_s: 'DENY', SourceIP: '10.0.0.6' },
]);

const cef = commonSecurityLog([
  {
    TimeGenerated: '2026-01-10T11:01:05Z',
    DeviceVendor: 'Barracuda',
    DeviceProduct: 'WAF',
    DeviceEventCategory: 'NF',
    ReceiptTime: T1,
    DeviceAction: 'ALLOW',
    LogSeverity: '6',
    Protocol: 'TCP',
    DeviceName: 'waf2',
    SourceIP: '10.3.3.3',
    DestinationIP: '10.2.2.2',
    DestinationPort: 80,
    SourcePort: 40000,
  },
  // A web-firewall row of the same device: vimWebSessionBarracudaCEF's, not this leg's.
  {
    TimeGenerated: '2026-01-10T11:01:06Z',
    DeviceVendor: 'Barracuda',
    DeviceProduct: 'WAF',
    DeviceEventCategory: 'WF',
    DeviceAction: 'DENY',
  },
]);

const both = new Map([...cef, ['barracuda_CL', custom]]);

const COLUMNS =
  'EventStartTime, EventEndTime, EventResult, DvcAction, EventSeverity, NetworkProtocol, NetworkProtocolVersion, Dvc, DvcHostname, DvcIpAddr, SrcIpAddr, DstIpAddr, IpAddr, Src, Dst, SrcPortNumber, DstPortNumber, EventCount, EventProduct, EventVendor, EventSchemaVersion, EventType';

describe('ASIM NetworkSession: Barracuda WAF leg over barracuda_CL and CommonSecurityLog', () => {
  it('normalizes the NF rows of both tables and no other row', () => {
    expect(run(`vimNetworkSessionBarracudaWAF | project ${COLUMNS} | order by Dvc asc`, both)).toEqual([
      {
        // unixtime_milliseconds_todatetime(tolong(DeviceReceiptTime_s)); EventEndTime = EventStartTime.
        EventStartTime: '2026-01-10T11:00:00Z',
        EventEndTime: '2026-01-10T11:00:00Z',
        // EventResultLookup: "DENY" -> Failure, Deny.
        EventResult: 'Failure',
        DvcAction: 'Deny',
        // SeverityLookup: 3 -> Medium.
        EventSeverity: 'Medium',
        // ProtocolLookup: "ICMP" -> ICMP, IPV4.
        NetworkProtocol: 'ICMP',
        NetworkProtocolVersion: 'IPV4',
        // Dvc = UnitName_s, DvcHostname = host_s, DvcIpAddr = HostIP_s.
        Dvc: 'waf1',
        DvcHostname: 'waf1.contoso.com',
        DvcIpAddr: '10.1.1.1',
        SrcIpAddr: '10.0.0.5',
        DstIpAddr: '10.0.0.9',
        IpAddr: '10.0.0.5',
        Src: '10.0.0.5',
        Dst: '10.0.0.9',
        SrcPortNumber: 5555,
        DstPortNumber: 443,
        EventCount: 1,
        EventProduct: 'WAF',
        EventVendor: 'Barracuda',
        EventSchemaVersion: '0.2.6',
        EventType: 'NetworkSession',
      },
      {
        // unixtime_milliseconds_todatetime(tolong(ReceiptTime)).
        EventStartTime: '2026-01-10T11:01:00Z',
        EventEndTime: '2026-01-10T11:01:00Z',
        // EventResultLookup on DeviceAction: "ALLOW" -> Success, Allow.
        EventResult: 'Success',
        DvcAction: 'Allow',
        // SeverityLookup: toint(LogSeverity) 6 -> Informational.
        EventSeverity: 'Informational',
        // ProtocolLookup on Protocol: "TCP" -> TCP and an empty version.
        NetworkProtocol: 'TCP',
        NetworkProtocolVersion: '',
        // Dvc = DvcHostname = DeviceName; DvcIpAddr = DestinationIP (as published).
        Dvc: 'waf2',
        DvcHostname: 'waf2',
        DvcIpAddr: '10.2.2.2',
        SrcIpAddr: '10.3.3.3',
        DstIpAddr: '10.2.2.2',
        IpAddr: '10.3.3.3',
        Src: '10.3.3.3',
        Dst: '10.2.2.2',
        SrcPortNumber: 40000,
        DstPortNumber: 80,
        EventCount: 1,
        EventProduct: 'WAF',
        EventVendor: 'Barracuda',
        EventSchemaVersion: '0.2.6',
        EventType: 'NetworkSession',
      },
    ]);
  });

  it('applies its filtering parameters to each half', () => {
    const dvcs = (call: string) =>
      run(`${call} | project Dvc | order by Dvc asc`, both).map((r) => r.Dvc as string);
    expect(dvcs('vimNetworkSessionBarracudaWAF(dstportnumber=443)')).toEqual(['waf1']);
    expect(dvcs("vimNetworkSessionBarracudaWAF(eventresult='Success')")).toEqual(['waf2']);
    expect(dvcs("vimNetworkSessionBarracudaWAF(dvcaction=dynamic(['Deny']))")).toEqual(['waf1']);
    // hostname_has_any: host_s in the barracuda_CL half, DeviceName in the CEF half.
    expect(dvcs("vimNetworkSessionBarracudaWAF(hostname_has_any=dynamic(['waf2']))")).toEqual(['waf2']);
    expect(dvcs("vimNetworkSessionBarracudaWAF(srcipaddr_has_any_prefix=dynamic(['10.0.']))")).toEqual([
      'waf1',
    ]);
    expect(dvcs('vimNetworkSessionBarracudaWAF(disabled=true)')).toEqual([]);
  });

  // Binds the whole published union (every held leg's body): more than the default minute under load.
  it('runs inside imNetworkSession over barracuda_CL rows, each row once', { timeout: 180_000 }, () => {
    // CommonSecurityLog rows still reach legs not held (CiscoASA and others), so the union is run over the
    // custom table alone.
    const tables = new Map([['barracuda_CL', custom]]);
    expect(run('_Im_NetworkSession | summarize count() by EventVendor, EventProduct', tables)).toEqual([
      { EventVendor: 'Barracuda', EventProduct: 'WAF', count_: 1 },
    ]);
    expect(run('imNetworkSession | summarize count() by EventVendor', tables)).toEqual([
      { EventVendor: 'Barracuda', count_: 1 },
    ]);
  });
});
