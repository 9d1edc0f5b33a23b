import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { recordsOver, rowsOf, withDisabledParsers } from './asim-fixtures.js';

// The Sysmon for Linux leg of _Im_NetworkSession runs its published body (Azure/Azure-Sentinel
// Parsers/ASimNetworkSession/Parsers/vimNetworkSessionMicrosoftLinuxSysmon.yaml @51be4ea9, 0.4, Feb 2023,
// the version the store holds; the catalog's earlier name @00ae781, 0.3, filters `where Initiated`
// before the `invoke parser()` that parses Initiated and does not bind: KS142). Before, the leg was a
// body not held, refused whenever Syslog had rows. A row is Sysmon's event 3 (network connect) XML in
// SyslogMessage, elements written one after another as the body's parse pattern expects; the body
// calls a connection outbound when its SourceIp is the row's HostIP (or a loopback/any address).
// Expected values are read from the body.

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

const outbound = `<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>3</EventID><Version>5</Version><Level>4</Level><Task>3</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-01-10T11:00:00.123456000Z"/><EventRecordID>101</EventRecordID><Correlation/><Execution ProcessID="1012" ThreadID="1012"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web01</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2026-01-10 11:00:00.120</Data><Data Name="ProcessGuid">{4f6a1b2c-0000-0000-0000-000000000001}</Data><Data Name="ProcessId">2345</Data><Data Name="Image">/usr/bin/curl</Data><Data Name="User">root</Data><Data Name="Protocol">tcp</Data><Data Name="Initiated">true</Data><Data Name="SourceIsIpv6">false</Data><Data Name="SourceIp">10.0.0.5</Data><Data Name="SourceHostname">-</Data><Data Name="SourcePort">50000</Data><Data Name="SourcePortName">-</Data><Data Name="DestinationIsIpv6">false</Data><Data Name="DestinationIp">93.184.216.34</Data><Data Name="DestinationHostname">-</Data><Data Name="DestinationPort">443</Data><Data Name="DestinationPortName">-</Data></EventData></Event>`;
const inbound = `<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>3</EventID><Version>5</Version><Level>4</Level><Task>3</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-01-10T11:00:00.123456000Z"/><EventRecordID>102</EventRecordID><Correlation/><Execution ProcessID="1012" ThreadID="1012"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web01</Computer><Security UserId="0"/></System><EventData><Data Name="RuleName">-</Data><Data Name="UtcTime">2026-01-10 11:00:00.120</Data><Data Name="ProcessGuid">{4f6a1b2c-0000-0000-0000-000000000001}</Data><Data Name="ProcessId">812</Data><Data Name="Image">/usr/sbin/sshd</Data><Data Name="User">root</Data><Data Name="Protocol">tcp</Data><Data Name="Initiated">false</Data><Data Name="SourceIsIpv6">false</Data><Data Name="SourceIp">198.51.100.4</Data><Data Name="SourceHostname">-</Data><Data Name="SourcePort">51000</Data><Data Name="SourcePortName">-</Data><Data Name="DestinationIsIpv6">false</Data><Data Name="DestinationIp">10.0.0.5</Data><Data Name="DestinationHostname">-</Data><Data Name="DestinationPort">22</Data><Data Name="DestinationPortName">-</Data></EventData></Event>`;
const syslog = new Map([
  [
    'Syslog',
    rowsOf('Syslog', [
      {
        TimeGenerated: '2026-01-10T11:00:01Z',
        Computer: 'web01',
        HostIP: '10.0.0.5',
        ProcessName: 'sysmon',
        SyslogMessage: outbound,
      },
      {
        TimeGenerated: '2026-01-10T11:00:02Z',
        Computer: 'web01',
        HostIP: '10.0.0.5',
        ProcessName: 'sysmon',
        SyslogMessage: inbound,
      },
      // Not a Sysmon event: the body's has_all on the provider and EventID 3 leaves it out.
      {
        TimeGenerated: '2026-01-10T11:00:03Z',
        Computer: 'web01',
        HostIP: '10.0.0.5',
        ProcessName: 'sshd',
        SyslogMessage: 'Accepted password for root from 198.51.100.4 port 51000 ssh2',
      },
    ]),
  ],
]);

describe('ASIM NetworkSession: Sysmon for Linux leg over Syslog', () => {
  it('normalizes an outbound and an inbound network-connect event', () => {
    expect(
      run(
        'vimNetworkSessionLinuxSysmon | project EventOriginalUid, NetworkDirection, SrcIpAddr, SrcPortNumber, DstIpAddr, DstPortNumber, NetworkProtocol, SrcProcessId, SrcProcessName, SrcAppName, SrcUsername, SrcUsernameType, DstProcessId, DstProcessName, DstUsername, DvcHostname, DvcIpAddr, EventEndTime, EventVendor, EventProduct, EventResult, EventOriginalType, IpAddr | order by EventOriginalUid asc',
        syslog,
      ),
    ).toEqual([
      {
        EventOriginalUid: '101',
        // SourceIp 10.0.0.5 is the row's HostIP.
        NetworkDirection: 'Outbound',
        SrcIpAddr: '10.0.0.5',
        SrcPortNumber: 50000,
        DstIpAddr: '93.184.216.34',
        DstPortNumber: 443,
        // toupper of Sysmon's lower-case protocol.
        NetworkProtocol: 'TCP',
        SrcProcessId: '2345',
        SrcProcessName: '/usr/bin/curl',
        SrcAppName: '/usr/bin/curl',
        SrcUsername: 'root',
        SrcUsernameType: 'Simple',
        DstProcessId: '',
        DstProcessName: '',
        DstUsername: '',
        DvcHostname: 'web01',
        DvcIpAddr: '10.0.0.5',
        // UtcTime, parsed as a datetime.
        EventEndTime: '2026-01-10T11:00:00.12Z',
        EventVendor: 'Microsoft',
        EventProduct: 'Sysmon for Linux',
        EventResult: 'Success',
        EventOriginalType: '3',
        IpAddr: '10.0.0.5',
      },
      {
        EventOriginalUid: '102',
        NetworkDirection: 'Inbound',
        SrcIpAddr: '198.51.100.4',
        SrcPortNumber: 51000,
        DstIpAddr: '10.0.0.5',
        DstPortNumber: 22,
        NetworkProtocol: 'TCP',
        SrcProcessId: '',
        SrcProcessName: '',
        SrcAppName: '',
        SrcUsername: '',
        SrcUsernameType: '',
        // The inbound side's process and user are the destination's.
        DstProcessId: '812',
        DstProcessName: '/usr/sbin/sshd',
        DstUsername: 'root',
        DvcHostname: 'web01',
        DvcIpAddr: '10.0.0.5',
        EventEndTime: '2026-01-10T11:00:00.12Z',
        EventVendor: 'Microsoft',
        EventProduct: 'Sysmon for Linux',
        EventResult: 'Success',
        EventOriginalType: '3',
        IpAddr: '198.51.100.4',
      },
    ]);
  });

  it('filters by its parameters: a destination port, and any action (it returns nothing then)', () => {
    const none = 'datetime(null), datetime(null), dynamic([]), dynamic([]), dynamic([])';
    expect(run(`vimNetworkSessionLinuxSysmon(${none}, 22) | project EventOriginalUid`, syslog)).toEqual([
      { EventOriginalUid: '102' },
    ]);
    expect(
      run(
        `vimNetworkSessionLinuxSysmon(${none}, int(null), dynamic([]), dynamic(['Allow'])) | count`,
        syslog,
      ),
    ).toEqual([{ Count: 0 }]);
  });
});
