import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { commonSecurityLog, recordsOver, withDisabledParsers } from './asim-fixtures.js';

// The Cisco ASA leg of _Im_NetworkSession runs its published body (Azure/Azure-Sentinel
// Parsers/ASimNetworkSession/Parsers/vimNetworkSessionCiscoASA.yaml @012b8b4d, 1.1.5, the version the
// catalog's imNetworkSession @853c895 names; ParserParams end in `disabled`, as the union's positional
// call passes it), with the library function it reads, _ASIM_GetWatchlistRaw (ASIM/lib/functions/
// ASIM_GetWatchlistRaw.yaml @cbdb7df). Before, the leg was a body not held, refused whenever
// CommonSecurityLog had rows, and it comes before every other unheld CEF leg of the union.
// Rows follow Cisco's message formats (302013 "Built inbound TCP connection ..."; 106018 "... packet type
// ... denied by outbound list ...") and Azure-Sentinel's Sample Data/ASIM/Cisco_ASA_NetworkSession_
// IngestedLogs.csv (the 106100 row); expected values are read from the body.

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

const asa = {
  TimeGenerated: '2026-01-10T11:00:00Z',
  DeviceVendor: 'Cisco',
  DeviceProduct: 'ASA',
  DeviceVersion: '9.16(4)',
  Computer: 'asa1',
};
const built = {
  ...asa,
  DeviceEventClassID: '302013',
  Message:
    '%ASA-6-302013: Built inbound TCP connection 1234 for outside:198.51.100.7/51000 (198.51.100.7/51000) to inside:10.0.0.5/443 (10.0.0.5/443)',
  SourceIP: '198.51.100.7',
  SourcePort: 51000,
  DestinationIP: '10.0.0.5',
  DestinationPort: 443,
  Protocol: 'TCP',
};
const accessList = {
  ...asa,
  DeviceEventClassID: '106100',
  Message:
    '106100: Deny TCP access-list Rule-BlockSSH denied tcp inside/10.10.40.5(55222) -> outside/203.0.113.10(22) hit-cnt 1 first hit',
  SourceIP: '10.10.40.5',
  SourcePort: 55222,
  DestinationIP: '203.0.113.10',
  DestinationPort: 22,
  Protocol: 'TCP',
  CommunicationDirection: 'Outbound',
  DeviceCustomString2: 'Rule-BlockSSH',
};
const icmpDenied = (rule: string) => ({
  ...asa,
  DeviceEventClassID: '106018',
  Message: '%ASA-2-106018: ICMP packet type 8 denied by outbound list acl_out src 10.0.0.5 dest 203.0.113.9',
  SourceIP: '10.0.0.5',
  DestinationIP: '203.0.113.9',
  Protocol: 'ICMP',
  DeviceCustomString2: rule,
});

describe('ASIM NetworkSession: Cisco ASA leg over CommonSecurityLog', () => {
  it('normalizes a built-connection row (302013) and an access-list row (106100)', () => {
    expect(
      run(
        'vimNetworkSessionCiscoASA | project EventOriginalType, EventVendor, EventProduct, EventSubType, DvcAction, EventResult, EventSeverity, NetworkSessionId, SessionId, SrcInterfaceName, DstInterfaceName, SrcNatIpAddr, SrcNatPortNumber, DstNatIpAddr, DstNatPortNumber, SrcUsername, DstUsername, SrcIpAddr, DstIpAddr, Src, Dst, IpAddr, NetworkProtocol, NetworkDirection, NetworkRuleName, Rule, EventCount, Dvc | order by EventOriginalType asc',
        commonSecurityLog([built, accessList]),
      ),
    ).toEqual([
      {
        EventOriginalType: '106100',
        EventVendor: 'Cisco',
        EventProduct: 'ASA',
        EventSubType: '',
        // all_106100_parsed: "denied" in the message -> Deny, and Deny -> Failure.
        DvcAction: 'Deny',
        EventResult: 'Failure',
        EventSeverity: 'Low',
        NetworkSessionId: '',
        SessionId: '',
        // "access-list " * " " * " " * " " SrcInterfaceName "/" ... ") -> " DstInterfaceName "/" ... hit-cnt 1.
        SrcInterfaceName: 'inside',
        DstInterfaceName: 'outside',
        SrcNatIpAddr: '',
        SrcNatPortNumber: null,
        DstNatIpAddr: '',
        DstNatPortNumber: null,
        SrcUsername: '',
        DstUsername: '',
        SrcIpAddr: '10.10.40.5',
        DstIpAddr: '203.0.113.10',
        Src: '10.10.40.5',
        Dst: '203.0.113.10',
        IpAddr: '10.10.40.5',
        // ProtocolLookup is keyed by number: "TCP" misses it, then toupper(Protocol).
        NetworkProtocol: 'TCP',
        NetworkDirection: 'Outbound',
        NetworkRuleName: 'Rule-BlockSSH',
        Rule: 'Rule-BlockSSH',
        EventCount: 1,
        Dvc: 'asa1',
      },
      {
        EventOriginalType: '302013',
        EventVendor: 'Cisco',
        EventProduct: 'ASA',
        EventSubType: 'Start',
        // ActionResultLookup: 302013 -> Allow, Success.
        DvcAction: 'Allow',
        EventResult: 'Success',
        EventSeverity: 'Informational',
        NetworkSessionId: '1234',
        SessionId: '1234',
        SrcInterfaceName: 'outside',
        DstInterfaceName: 'inside',
        SrcNatIpAddr: '198.51.100.7',
        SrcNatPortNumber: 51000,
        DstNatIpAddr: '10.0.0.5',
        DstNatPortNumber: 443,
        // The text between ")" and "to " is one space, trimmed by @"\s?\(?\)?\s?".
        SrcUsername: '',
        DstUsername: '',
        SrcIpAddr: '198.51.100.7',
        DstIpAddr: '10.0.0.5',
        Src: '198.51.100.7',
        Dst: '10.0.0.5',
        IpAddr: '198.51.100.7',
        NetworkProtocol: 'TCP',
        // No CommunicationDirection, and no NetworkAddresses watchlist rows to name the interfaces.
        NetworkDirection: '',
        NetworkRuleName: '',
        Rule: '',
        EventCount: 1,
        Dvc: 'asa1',
      },
    ]);
  });

  it('filters by its positional parameters (dstportnumber, disabled) before normalizing', () => {
    const rows = commonSecurityLog([built, accessList]);
    const args = 'datetime(null), datetime(null), dynamic([]), dynamic([]), dynamic([])';
    expect(run(`vimNetworkSessionCiscoASA(${args}, 22) | project EventOriginalType`, rows)).toEqual([
      { EventOriginalType: '106100' },
    ]);
    expect(
      run(`vimNetworkSessionCiscoASA(${args}, int(null), dynamic([]), dynamic([]), '*', true) | count`, rows),
    ).toEqual([{ Count: 0 }]);
  });

  // all_106018 parses the rule name into NetworkRuleName, which the row already has (DeviceCustomString2
  // renamed): Kusto.Language keeps the input's and names the parsed one NetworkRuleName1; the parse page
  // does not say which the service keeps. Where both agree the body answers; where they differ and the
  // body reads NetworkRuleName (`Rule = NetworkRuleName`), the row is refused.
  it('answers a 106018 row whose parsed rule name agrees with the row, refuses one that does not', () => {
    expect(
      run(
        'vimNetworkSessionCiscoASA | project NetworkIcmpType, NetworkRuleName, Rule, DvcAction, EventResult',
        commonSecurityLog([icmpDenied('acl_out')]),
      ),
    ).toEqual([
      {
        NetworkIcmpType: '8',
        NetworkRuleName: 'acl_out',
        Rule: 'acl_out',
        DvcAction: 'Deny',
        EventResult: 'Failure',
      },
    ]);
    expect(() => run('vimNetworkSessionCiscoASA | count', commonSecurityLog([icmpDenied('')]))).toThrow(
      /a row parses 'NetworkRuleName' to another value/,
    );
  });

  it('refuses where the project has a NetworkAddresses watchlist (not written to the raw Watchlist table)', () => {
    const watchlists = new Map(catalog.watchlists);
    watchlists.set('NetworkAddresses', {
      alias: 'NetworkAddresses',
      searchKey: 'Range Name',
      columns: [
        { name: 'Range Name', type: 'string' },
        { name: 'Tags', type: 'string' },
      ],
      items: [{ 'Range Name': 'inside', Tags: 'Internal' }],
    });
    expect(() =>
      recordsOver(
        { ...catalog, watchlists },
        'vimNetworkSessionCiscoASA | count',
        commonSecurityLog([built]),
      ),
    ).toThrow(/_ASIM_GetWatchlistRaw.*NetworkAddresses/);
  });

  it('lets _Im_NetworkSession run past it over CommonSecurityLog, to the next leg not held', {
    timeout: 180_000,
  }, () => {
    expect(() => run('_Im_NetworkSession | count', commonSecurityLog([built]))).toThrow(
      /vimNetworkSessionForcePointFirewall/,
    );
  });
});
