import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { commonSecurityLog, recordsOver, rowsOf, withDisabledParsers } from './asim-fixtures.js';

// The Fortinet FortiGate ASIM legs run their published bodies over CommonSecurityLog:
// vimWebSessionFortinetFortiGate.yaml @793112e and vimNetworkSessionFortinetFortiGate.yaml @08fcfd98
// (Parsers/ASim<Schema>/Parsers), with the library function they invoke,
// ASIM/lib/functions/ASIM_ResolveNetworkProtocol.yaml @c93fd15, and the scalar helper
// `_ASIM_GetUsernameType` (ASIM_GetUsernameType.yaml @bc043b8). Before, both legs were bodies not
// held, refused whenever CommonSecurityLog had rows. Expected values are derived by reading those
// bodies (lookups, parse-kv keys, the IANA protocol table), not printed by the engine.

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

/** A FortiGate web-filter row, a FortiGate traffic row and a Palo Alto row neither leg reads. */
const csl = (extra: Record<string, unknown>[] = []) =>
  commonSecurityLog([
    {
      TimeGenerated: '2026-01-10T11:00:00Z',
      DeviceVendor: 'Fortinet',
      DeviceProduct: 'Fortigate',
      Activity: 'webfilter: utm blocked',
      DeviceAction: 'blocked',
      Protocol: '6',
      SourceIP: '10.0.0.1',
      DestinationIP: '1.2.3.4',
      SourceUserName: 'alice@contoso.com',
      RequestURL: 'https://www.contoso.com/a',
      LogSeverity: '5',
      AdditionalExtensions: 'FortinetFortiGatepolicyid=7;ad.httpmethod=GET;x-forwarded-for=9.9.9.9;',
      ReceivedBytes: 10,
      SentBytes: 5,
    },
    {
      TimeGenerated: '2026-01-10T11:01:00Z',
      DeviceVendor: 'Fortinet',
      DeviceProduct: 'Fortigate',
      Activity: 'traffic:forward accept',
      DeviceAction: 'accept',
      Protocol: '17',
      SourceIP: '10.0.0.2',
      DestinationIP: '1.2.3.5',
      SourceUserName: 'CONTOSO\\bob',
      LogSeverity: '6',
      AdditionalExtensions: 'cat=traffic;FTNTFGTpolicyid=3;FTNTFGTsentpkt=4;FTNTFGTrcvdpkt=2',
    },
    ...extra,
  ]);

describe('ASIM: Fortinet FortiGate legs over CommonSecurityLog', () => {
  it('the web-session leg normalizes the web-filter row only (lookups, protocol, user types, parse-kv)', () => {
    const rows = run(
      'vimWebSessionFortinetFortiGate | project Url, DvcAction, EventResult, EventResultDetails, NetworkProtocol, SrcUsernameType, DstUsernameType, EventSeverity, HttpRequestMethod, HttpRequestXff, Rule, NetworkBytes, EventVendor, EventSchema',
      csl(),
    );
    expect(rows).toEqual([
      {
        Url: 'https://www.contoso.com/a',
        // EventLookup: "blocked" -> Deny, Failure; EventResultDetails is the constant "NA".
        DvcAction: 'Deny',
        EventResult: 'Failure',
        EventResultDetails: 'NA',
        // _ASIM_ResolveNetworkProtocol: IANA 6.
        NetworkProtocol: 'TCP',
        // _ASIM_GetUsernameType: "@" -> UPN; the empty DestinationUserName -> "" (isempty branch).
        SrcUsernameType: 'UPN',
        DstUsernameType: '',
        // SeverityLookup: "5" -> Low.
        EventSeverity: 'Low',
        HttpRequestMethod: 'GET',
        HttpRequestXff: '9.9.9.9',
        Rule: '7',
        NetworkBytes: 15,
        EventVendor: 'Fortinet',
        EventSchema: 'WebSession',
      },
    ]);
  });

  it('the network-session leg normalizes the traffic row only', () => {
    const rows = run(
      'vimNetworkSessionFortinetFortiGate | project DvcAction, EventResult, NetworkProtocol, EventSeverity, NetworkRuleNumber, SrcPackets, DstPackets, NetworkPackets, EventProduct, EventSchema',
      csl(),
    );
    expect(rows).toEqual([
      {
        // EventLookup "accept" -> Allow, Success; IANA 17 is UDP; SeverityLookup "6" -> "Critical".
        DvcAction: 'Allow',
        EventResult: 'Success',
        NetworkProtocol: 'UDP',
        EventSeverity: 'Critical',
        NetworkRuleNumber: 3,
        SrcPackets: 4,
        DstPackets: 2,
        NetworkPackets: 6,
        EventProduct: 'Fortigate',
        EventSchema: 'NetworkSession',
      },
    ]);
  });

  it('a Protocol that is not integer text stays refused at toint, naming the text', () => {
    const odd = {
      TimeGenerated: '2026-01-10T11:03:00Z',
      DeviceVendor: 'Fortinet',
      DeviceProduct: 'Fortigate',
      Activity: 'traffic:forward accept',
      DeviceAction: 'accept',
      Protocol: '6.5',
      AdditionalExtensions: 'cat=traffic',
    };
    expect(() => run('vimNetworkSessionFortinetFortiGate | count', csl([odd]))).toThrow(
      /toint\(\) of the text "6.5"/,
    );
  });
});

describe('_ASIM_GetUsernameType (ASIM_GetUsernameType.yaml @bc043b8, LastUpdated Jan 11, 2023)', () => {
  it('an empty username is "" (the isempty branch), other text as before', () => {
    expect(
      run(
        'print e = _ASIM_GetUsernameType(""), u = _ASIM_GetUsernameType("a@b"), w = _ASIM_GetUsernameType(@"D\\u"), d = _ASIM_GetUsernameType("CN=x,DC=y"), s = _ASIM_GetUsernameType("bob")',
        new Map(),
      ),
    ).toEqual([{ e: '', u: 'UPN', w: 'Windows', d: 'DN', s: 'Simple' }]);
  });
});

describe('toint(column_ifexists(c, 0)) over an existing string column', () => {
  // The column_ifexists page: "If columnName exists, then the column it refers to"; Kusto.Language
  // types the call by its default (long). toint of the text and toint of the text read as a long agree
  // wherever the engine answers (lower/scalar.ts integerDefault).
  const t = new Map([
    [
      'CommonSecurityLog',
      rowsOf('CommonSecurityLog', [{ Protocol: '6' }, { Protocol: '' }, { Protocol: 'TCP' }]),
    ],
  ]);
  it('is toint of the column (integer text converts, other text that is no number is null)', () => {
    expect(run('CommonSecurityLog | project v = toint(column_ifexists("Protocol", 0))', t)).toEqual([
      { v: 6 },
      { v: null },
      { v: null },
    ]);
  });
  it('tolong over a long default likewise', () => {
    expect(run('CommonSecurityLog | project v = tolong(column_ifexists("Protocol", 0))', t)).toEqual([
      { v: 6 },
      { v: null },
      { v: null },
    ]);
  });
  it('tolong over an int default and the bare call stay refused', () => {
    expect(() =>
      run('CommonSecurityLog | project v = tolong(column_ifexists("Protocol", int(0)))', t),
    ).toThrow(/column_ifexists of the existing string column/);
    expect(() => run('CommonSecurityLog | project v = column_ifexists("Protocol", 0)', t)).toThrow(
      /column_ifexists of the existing string column/,
    );
  });
});
