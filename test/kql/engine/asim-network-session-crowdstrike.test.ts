import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { commonSecurityLog, recordsOver, withDisabledParsers } from './asim-fixtures.js';

// The CrowdStrike Falcon leg of _Im_NetworkSession runs its published body (Azure/Azure-Sentinel
// Parsers/ASimNetworkSession/Parsers/vimNetworkSessionCrowdStrikeFalconHost.yaml @d3c903e9, 0.1.0; the store's
// default @8cf16773 reads tactic/technique/objective without parsing them and does not bind), with the
// scalar helper it calls, _ASIM_LookupICMPType, as published (ASIM/lib/functions/ASIM_LookupICMPType.yaml
// @84ca86a4). Before, the leg was a body not held, refused whenever CommonSecurityLog had rows. Expected
// values are read from those bodies.

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

const detection = {
  TimeGenerated: '2026-01-10T11:00:00Z',
  DeviceVendor: 'CrowdStrike',
  DeviceProduct: 'FalconHost',
  DeviceVersion: '1.0',
  DeviceEventClassID: 'Network Access In A Detection Summary Event',
  EventOutcome: '16',
  LogSeverity: '4',
  SourceIP: '10.0.0.1',
  DestinationIP: '8.8.8.8',
  SourcePort: 50000,
  DestinationPort: 443,
  DestinationHostName: 'ws01.contoso.com',
  DestinationUserName: 'CONTOSO\\alice',
  FileName: 'powershell.exe',
  FieldDeviceCustomNumber2: 1234,
  ExtID: 'dev123',
  DeviceCustomDate1: '2026-01-10T10:59:00Z',
  DeviceCustomString6Label: 'CommandLine',
  DeviceCustomString6: 'powershell -enc x',
  AdditionalExtensions:
    'CSMTRPatternDisposition=Killed;tactic=Execution;technique=PowerShell;objective=Follow Through',
};

describe('ASIM NetworkSession: CrowdStrike Falcon leg over CommonSecurityLog', () => {
  const rows = commonSecurityLog([detection]);

  it('normalizes a network-access detection row', () => {
    expect(
      run(
        'vimNetworkSessionCrowdStrikeFalconHost | project DvcOriginalAction, DvcAction, EventResult, EventSeverity, EventOriginalSeverity, EventStartTime, EventEndTime, EventOriginalType, EventOriginalResultDetails, EventProductVersion, SrcIpAddr, DstIpAddr, Src, Dst, IpAddr, SrcPortNumber, DstPortNumber, SrcHostname, SrcDomain, SrcFQDN, SrcDomainType, Hostname, SrcUsername, User, SrcUsernameType, SrcUserType, SrcProcessName, SrcAppName, SrcProcessId, SrcAppId, SrcAppType, DvcId, Dvc, DvcIdType, NetworkProtocolVersion, EventCount, EventType, EventVendor, EventProduct, AdditionalFields',
        rows,
      ),
    ).toEqual([
      {
        // ActionLookup on EventOutcome: "16" -> Prevention-killed, Deny, Failure.
        DvcOriginalAction: 'Prevention-killed',
        DvcAction: 'Deny',
        EventResult: 'Failure',
        // EventSeverityLookup: "4" -> High; LogSeverity renamed EventOriginalSeverity.
        EventSeverity: 'High',
        EventOriginalSeverity: '4',
        // todatetime(DeviceCustomDate1); EventEndTime = EventStartTime.
        EventStartTime: '2026-01-10T10:59:00Z',
        EventEndTime: '2026-01-10T10:59:00Z',
        EventOriginalType: 'Network Access In A Detection Summary Event',
        // The CSMTRPatternDisposition extension.
        EventOriginalResultDetails: 'Killed',
        EventProductVersion: '1.0',
        SrcIpAddr: '10.0.0.1',
        DstIpAddr: '8.8.8.8',
        // Src = coalesce(SrcFQDN, SrcHostname, SrcIpAddr), from _ASIM_ResolveSrcFQDN('DestinationHostName').
        Src: 'ws01.contoso.com',
        Dst: '8.8.8.8',
        IpAddr: '10.0.0.1',
        SrcPortNumber: 50000,
        DstPortNumber: 443,
        SrcHostname: 'ws01',
        SrcDomain: 'contoso.com',
        SrcFQDN: 'ws01.contoso.com',
        SrcDomainType: 'FQDN',
        Hostname: 'ws01',
        // DestinationUserName renamed SrcUsername.
        SrcUsername: 'CONTOSO\\alice',
        User: 'CONTOSO\\alice',
        SrcUsernameType: 'Windows',
        // _ASIM_GetUserType(SrcUsername, ""): no SID, no trailing $, not empty -> Other.
        SrcUserType: 'Other',
        SrcProcessName: 'powershell.exe',
        SrcAppName: 'powershell.exe',
        SrcProcessId: '1234',
        SrcAppId: '1234',
        SrcAppType: 'Process',
        DvcId: 'dev123',
        Dvc: 'dev123',
        DvcIdType: 'Other',
        // DstIpAddr contains "." -> IPv4.
        NetworkProtocolVersion: 'IPv4',
        EventCount: 1,
        EventType: 'EndpointNetworkSession',
        EventVendor: 'CrowdStrike',
        EventProduct: 'FalconHost',
        AdditionalFields: {
          CSMTRPatternDisposition: 'Killed',
          Tactic: 'Execution',
          Technique: 'PowerShell',
          Objective: 'Follow Through',
          CommandLine: 'powershell -enc x',
        },
      },
    ]);
  });

  it('filters by its parameters', () => {
    const count = (call: string) => run(`${call} | count`, rows);
    expect(count("vimNetworkSessionCrowdStrikeFalconHost(eventresult='Success')")).toEqual([{ Count: 0 }]);
    expect(count("vimNetworkSessionCrowdStrikeFalconHost(eventresult='Failure')")).toEqual([{ Count: 1 }]);
    expect(count('vimNetworkSessionCrowdStrikeFalconHost(dstportnumber=443)')).toEqual([{ Count: 1 }]);
    expect(count('vimNetworkSessionCrowdStrikeFalconHost(dstportnumber=80)')).toEqual([{ Count: 0 }]);
    expect(
      count("vimNetworkSessionCrowdStrikeFalconHost(srcipaddr_has_any_prefix=dynamic(['10.0.']))"),
    ).toEqual([{ Count: 1 }]);
    expect(count("vimNetworkSessionCrowdStrikeFalconHost(hostname_has_any=dynamic(['ws02']))")).toEqual([
      { Count: 0 },
    ]);
  });

  it('takes its positional arguments in its ParserParams order (dvcaction before hostname_has_any)', () => {
    // ParserParams put dvcaction 7th; imNetworkSession passes hostname_has_any 7th, by position.
    expect(
      run(
        "vimNetworkSessionCrowdStrikeFalconHost(datetime(null), datetime(null), dynamic([]), dynamic([]), dynamic([]), int(null), dynamic(['Deny'])) | count",
        rows,
      ),
    ).toEqual([{ Count: 1 }]);
    expect(
      run(
        "vimNetworkSessionCrowdStrikeFalconHost(datetime(null), datetime(null), dynamic([]), dynamic([]), dynamic([]), int(null), dynamic(['Allow'])) | count",
        rows,
      ),
    ).toEqual([{ Count: 0 }]);
  });

  it("refuses reading a firewall-match row's ICMP type: _ASIM_LookupICMPType takes an int, the leg passes the string 'icmpType'", () => {
    const firewall = commonSecurityLog([
      detection,
      {
        TimeGenerated: '2026-01-10T11:01:00Z',
        DeviceVendor: 'CrowdStrike',
        DeviceProduct: 'FalconHost',
        DeviceEventClassID: 'FirewallMatchEvent',
        AdditionalExtensions:
          'connectionDirection=2;localAddress=10.0.0.1;remoteAddress=1.1.1.1;ruleAction=2',
      },
    ]);
    // Kusto.Language binds the call; the value passed is not documented, so reading NetworkIcmpType over the
    // firewall row refuses, naming the call.
    expect(() => run('vimNetworkSessionCrowdStrikeFalconHost | project NetworkIcmpType', firewall)).toThrow(
      /_ASIM_LookupICMPType\('icmpType'\)/,
    );
    // No later operator of the leg reads NetworkIcmpType (its union's legs are followed to the call,
    // liveness.ts unobservedBeyond), so a query that does not read it is answered: the detection row and
    // the firewall row.
    expect(run('vimNetworkSessionCrowdStrikeFalconHost | count', firewall)).toEqual([{ Count: 2 }]);
  });
});

describe('_ASIM_LookupICMPType', () => {
  it('names the ICMP types of its table', () => {
    // "8":"Echo", "0":"Echo Reply", "255":"Reserved" in the published ICMPTypeTable.
    expect(
      run(
        'print a = _ASIM_LookupICMPType(8), b = _ASIM_LookupICMPType(0), c = _ASIM_LookupICMPType(255)',
        new Map(),
      ),
    ).toEqual([{ a: 'Echo', b: 'Echo Reply', c: 'Reserved' }]);
  });
});
