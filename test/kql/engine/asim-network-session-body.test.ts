import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { publishedParsers } from '../../../src/kql/solution-parsers.js';
import { recordsOver, rowsOf, withDisabledParsers } from './asim-fixtures.js';

// `_Im_NetworkSession` / `imNetworkSession` run the published union imNetworkSession.yaml @853c895
// (0.6, 27 legs) with the bodies of vimNetworkSessionEmpty @06bb353 (the schema) and
// vimNetworkSessionMicrosoft365Defender @cbdb7df (DeviceNetworkEvents), and of two legs the engine
// refuses (below); its other 24 legs are bodies not held (catalog/solution-parsers.json `bodiesNotHeld`, each with the tables its published body
// reads). Before, `_Im_NetworkSession` was known by its columns only and refused as soon as the data
// had any row. Expected values are derived by reading the M365 Defender body: ActionType picks the
// direction (its DirectionLookup), the local end is the source of an outbound event and the
// destination of an inbound one, RemoteUrl's first label is the remote hostname.

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

const mde = new Map([
  [
    'DeviceNetworkEvents',
    rowsOf('DeviceNetworkEvents', [
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        ActionType: 'ConnectionSuccess',
        DeviceId: 'd1',
        DeviceName: 'host1.contoso.com',
        LocalIP: '10.0.0.5',
        LocalPort: 50000,
        RemoteIP: '203.0.113.7',
        RemotePort: 443,
        RemoteUrl: 'https://www.example.com',
        Protocol: 'Tcp',
        InitiatingProcessAccountDomain: 'contoso',
        InitiatingProcessAccountName: 'alice',
        InitiatingProcessFileName: 'chrome.exe',
      },
      {
        TimeGenerated: '2026-01-10T11:01:00Z',
        ActionType: 'InboundConnectionAccepted',
        DeviceId: 'd2',
        DeviceName: 'srv1',
        LocalIP: '10.0.0.9',
        LocalPort: 3389,
        RemoteIP: '198.51.100.4',
        RemotePort: 51000,
        Protocol: 'Tcp',
        InitiatingProcessAccountDomain: '',
        InitiatingProcessAccountName: 'system',
      },
      {
        TimeGenerated: '2026-01-10T11:02:00Z',
        ActionType: 'ConnectionFailed',
        DeviceId: 'd1',
        DeviceName: 'host1.contoso.com',
        LocalIP: '10.0.0.5',
        LocalPort: 50001,
        RemoteIP: '192.0.2.1',
        RemotePort: 8080,
        Protocol: 'Udp',
      },
    ]),
  ],
]);

describe('imNetworkSession runs its published union', () => {
  // Binds the whole published union (every held leg's body): more than the default minute under load.
  it('normalizes M365 Defender DeviceNetworkEvents by direction', { timeout: 180_000 }, () => {
    expect(
      run(
        '_Im_NetworkSession | project EventProduct, NetworkDirection, EventResult, EventOriginalResultDetails, SrcIpAddr, SrcPortNumber, DstIpAddr, DstPortNumber, NetworkProtocol, DvcHostname, DvcDomain, SrcHostname, DstHostname, DstFQDN, SrcUsername, DstUsername, Hostname | order by DstPortNumber asc',
        mde,
      ),
    ).toEqual([
      {
        EventProduct: 'M365 Defender for Endpoint',
        NetworkDirection: 'Outbound',
        EventResult: 'Success',
        EventOriginalResultDetails: 'ConnectionSuccess',
        SrcIpAddr: '10.0.0.5',
        SrcPortNumber: 50000,
        DstIpAddr: '203.0.113.7',
        DstPortNumber: 443,
        NetworkProtocol: 'TCP',
        DvcHostname: 'host1',
        DvcDomain: 'contoso.com',
        SrcHostname: 'host1',
        DstHostname: 'www',
        DstFQDN: 'www.example.com',
        SrcUsername: 'contoso\\alice',
        DstUsername: '',
        Hostname: 'www',
      },
      {
        EventProduct: 'M365 Defender for Endpoint',
        NetworkDirection: 'Inbound',
        EventResult: 'Success',
        EventOriginalResultDetails: 'InboundConnectionAccepted',
        SrcIpAddr: '198.51.100.4',
        SrcPortNumber: 51000,
        DstIpAddr: '10.0.0.9',
        DstPortNumber: 3389,
        NetworkProtocol: 'TCP',
        DvcHostname: 'srv1',
        DvcDomain: '',
        SrcHostname: '',
        DstHostname: 'srv1',
        DstFQDN: '',
        SrcUsername: '',
        DstUsername: 'system',
        Hostname: '',
      },
      {
        EventProduct: 'M365 Defender for Endpoint',
        NetworkDirection: 'Outbound',
        EventResult: 'Failure',
        EventOriginalResultDetails: 'ConnectionFailed',
        SrcIpAddr: '10.0.0.5',
        SrcPortNumber: 50001,
        DstIpAddr: '192.0.2.1',
        DstPortNumber: 8080,
        NetworkProtocol: 'UDP',
        DvcHostname: 'host1',
        DvcDomain: 'contoso.com',
        SrcHostname: 'host1',
        DstHostname: '',
        DstFQDN: '',
        SrcUsername: '',
        DstUsername: '',
        Hostname: '',
      },
    ]);
  });

  // Eight binds of the whole published union (every leg's body): 27 s in a loaded CI run, so more
  // than the default minute of headroom.
  it('filters by the parameters under both names', { timeout: 180_000 }, () => {
    for (const name of ['_Im_NetworkSession', 'imNetworkSession']) {
      expect(run(`${name}(dstportnumber=443) | project DstIpAddr`, mde)).toEqual([
        { DstIpAddr: '203.0.113.7' },
      ]);
      expect(run(`${name}(eventresult='Failure') | project DstIpAddr`, mde)).toEqual([
        { DstIpAddr: '192.0.2.1' },
      ]);
      // An outbound event matches a source prefix on its local address; the inbound one's source
      // (its remote address) does not match, and no destination prefix was asked: "No match".
      expect(
        run(
          `${name}(srcipaddr_has_any_prefix=dynamic(['10.0.0.'])) | project DstIpAddr, ASimMatchingIpAddr | order by DstIpAddr asc`,
          mde,
        ),
      ).toEqual([
        { DstIpAddr: '192.0.2.1', ASimMatchingIpAddr: 'SrcIpAddr' },
        { DstIpAddr: '203.0.113.7', ASimMatchingIpAddr: 'SrcIpAddr' },
      ]);
      // The M365 Defender body returns nothing when filtered by action ("if filtered by action
      // return nothing").
      expect(run(`${name}(dvcaction=dynamic(['Allow'])) | count`, mde)).toEqual([{ Count: 0 }]);
    }
  });

  it("answers Network Session Essentials' port scan rule over M365 Defender rows", () => {
    // Solutions/Network Session Essentials/Analytic Rules/PortScan.yaml @1b4ccf67: more than 50 ports
    // from one public source in 5 minutes. 60 inbound connections from 198.51.100.4 to ports 1..60 of
    // one device; 3 from a private source, which the rule leaves out.
    const inbound = (from: string, port: number) => ({
      TimeGenerated: '2026-01-10T11:01:00Z',
      ActionType: 'InboundConnectionAccepted',
      DeviceName: 'srv1',
      LocalIP: '10.0.0.9',
      LocalPort: port,
      RemoteIP: from,
      RemotePort: 40000 + port,
      Protocol: 'Tcp',
    });
    const rows = [
      ...Array.from({ length: 60 }, (_, k) => inbound('198.51.100.4', k + 1)),
      ...Array.from({ length: 3 }, (_, k) => inbound('10.0.0.7', k + 1)),
    ];
    const tables = new Map([['DeviceNetworkEvents', rowsOf('DeviceNetworkEvents', rows)]]);
    expect(
      run(
        [
          'let PortScanThreshold = 50;',
          '_Im_NetworkSession',
          '| where ipv4_is_private(SrcIpAddr) == False',
          '| where SrcIpAddr !in ("127.0.0.1", "::1")',
          '| summarize AttemptedPortsCount=dcount(DstPortNumber), AttemptedPorts=make_set(DstPortNumber, 100), ReportedBy=make_set(strcat(EventVendor, "/", EventProduct), 20) by SrcIpAddr, bin(TimeGenerated, 5m)',
          '| where AttemptedPortsCount > PortScanThreshold',
          '| project SrcIpAddr, Ports = array_length(AttemptedPorts), ReportedBy',
        ].join('\n'),
        tables,
      ),
    ).toEqual([
      { SrcIpAddr: '198.51.100.4', Ports: 60, ReportedBy: ['Microsoft/M365 Defender for Endpoint'] },
    ]);
  });

  it('refuses data a leg without a held body reads, naming the leg', () => {
    const vmConnection = new Map([
      [
        'VMConnection',
        rowsOf('VMConnection', [{ TimeGenerated: '2026-01-10T11:00:00Z', Direction: 'outbound' }]),
      ],
    ]);
    expect(() => run('imNetworkSession | count', vmConnection)).toThrow(/vimNetworkSessionVMConnection/);
  });

  // vimNetworkSessionMicrosoftWindowsEventFirewall @0a38e21 (SecurityEvent, WindowsEvent) and
  // vimNetworkSessionMD4IoTAgent @3ecd726 (SecurityIoTRawEvent) are held. Each `parse`s into a column
  // its input already has (ProcessId, DeviceId): Kusto.Language keeps the input's and names the parsed
  // one ProcessId1/DeviceId1, and the parse operator page does not say whether the service does so or
  // replaces the input's. Both readings give one answer where the renamed column never reaches what
  // the query observes (followed through the legs' unions and the bodies to the call) and the two
  // values agree where the input's is read; so `count` runs them. The 5156 row passes the Firewall
  // body's SecurityEvent_5156_5157 filters, which test only EventID and the parameters (unset here).
  it('runs the Windows Firewall and MD4IoT Agent bodies where the re-parsed column is not observed', () => {
    for (const leg of ['vimNetworkSessionMicrosoftWindowsEventFirewall', 'vimNetworkSessionMD4IoTAgent']) {
      expect(publishedParsers().get(leg)?.published).toBe(true);
    }
    const securityEvent = new Map([
      ['SecurityEvent', rowsOf('SecurityEvent', [{ TimeGenerated: '2026-01-10T11:00:00Z', EventID: 5156 }])],
    ]);
    expect(run('_Im_NetworkSession | summarize count() by EventProduct', securityEvent)).toEqual([
      { EventProduct: 'Windows Firewall', count_: 1 },
    ]);
    expect(run('_Im_NetworkSession | count', mde)).toEqual([{ Count: 3 }]);
  });

  it('still refuses a leg called directly whose re-parsed column the query keeps to its result', () => {
    expect(() => run('vimNetworkSessionMicrosoftWindowsEventFirewall', mde)).toThrow(
      /vimNetworkSessionMicrosoftWindowsEventFirewall is a parser .*parse into 'ProcessId'/,
    );
  });
});
