import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/kql/index.js';
import { commonSecurityLog, recordsOver, withDisabledParsers } from './asim-fixtures.js';

// The CommonSecurityLog (CEF) legs of _Im_WebSession run their published bodies
// (Parsers/ASimWebSession/Parsers of Azure/Azure-Sentinel): vimWebSessionBarracudaCEF.yaml @1513ce08,
// vimWebSessionCitrixNetScaler.yaml @1c1bdbf0, vimWebSessionF5ASM.yaml @05bb09d5,
// vimWebSessionPaloAltoCortexDataLake.yaml @11e3818a, vimWebSessionCiscoFirepower.yaml @2c9a627d,
// vimWebSessionSonicWallFirewall.yaml @cbdb7dfe, with the library functions they call:
// ASIM/lib/functions/ASIM_ResolveDstFQDN.yaml @1109e12f, ASIM_ResolveSrcFQDN.yaml @b1882540 and the
// scalar `_ASIM_GetUserType` (ASIM_GetUserType.yaml @1b4ccf67). Before, each was a body not held,
// refused whenever CommonSecurityLog had rows. Every expected value is derived by reading those bodies
// (their lookups, parse-kv keys, case branches), not printed by the engine; each source's rows sit
// beside a Palo Alto PAN-OS row no leg here reads (asim-fixtures.ts).

const catalog = withDisabledParsers();
const run = (query: string, tables: Map<string, Table>) => recordsOver(catalog, query, tables);

describe('ASIM WebSession: Barracuda CEF legs over CommonSecurityLog', () => {
  // Barracuda's TR (access) row takes EventResult from the HTTP status, its WF (firewall) row from the
  // action lookup.
  const rows = commonSecurityLog([
    {
      TimeGenerated: '2026-01-10T11:00:00Z',
      DeviceVendor: 'Barracuda',
      DeviceProduct: 'WAF',
      DeviceEventCategory: 'TR',
      DeviceAction: 'LOG',
      EventOutcome: '404',
      LogSeverity: '4',
      RequestURL: '/a',
      ReceiptTime: '1768042800000',
      FlexNumber2: 1000,
      DestinationPort: 443,
      FieldDeviceCustomNumber2: 0,
      SourceUserName: 'bob',
      DeviceCustomString3: 'proxy-tr',
    },
    {
      TimeGenerated: '2026-01-10T11:01:00Z',
      DeviceVendor: 'Barracuda',
      DeviceProduct: 'WAAS',
      DeviceEventCategory: 'WF',
      DeviceAction: 'DENY',
      LogSeverity: '1',
      DeviceCustomString3: 'rule7',
      DeviceCustomString5: '1.1.1.1',
      FieldDeviceCustomNumber3: 8080,
    },
    // Not a WF/TR category: filtered out.
    {
      TimeGenerated: '2026-01-10T11:02:00Z',
      DeviceVendor: 'Barracuda',
      DeviceProduct: 'WAF',
      DeviceEventCategory: 'SYS',
    },
  ]);
  const expected = [
    {
      // TR: status 404 is "Failure" (400..599) although the LOG action maps to Success/Allow.
      EventResult: 'Failure',
      DvcAction: 'Allow',
      EventType: 'WebServerSession',
      EventOriginalType: 'Access',
      // SeverityLookup: 4 -> Low.
      EventSeverity: 'Low',
      HttpStatusCode: '404',
      // ReceiptTime (ms) minus FlexNumber2 (ms): 11:00:00 - 1 s.
      EventStartTime: '2026-01-10T10:59:59Z',
      DstPortNumber: 443,
      // FieldDeviceCustomNumber2 == 0 -> "Response from the server".
      HttpResponseCacheControl: 'Response from the server',
      // TR: ProxyIP is DeviceCustomString3, and RuleName is "".
      AdditionalFields: { ProxyIP: 'proxy-tr', ProxyPort: null },
      RuleName: '',
      SrcUsernameType: 'Simple',
    },
    {
      EventResult: 'Failure',
      DvcAction: 'Deny',
      EventType: 'HTTPsession',
      EventOriginalType: 'Web Firewall',
      // SeverityLookup: 1 -> High.
      EventSeverity: 'High',
      HttpStatusCode: '',
      // No FlexNumber2 and an empty ReceiptTime: tolong("") is null.
      EventStartTime: null,
      DstPortNumber: null,
      // A null FieldDeviceCustomNumber2: `null == 0` is not true, so iff takes its else branch.
      HttpResponseCacheControl: 'Response from the cache',
      AdditionalFields: { ProxyIP: '1.1.1.1', ProxyPort: 8080 },
      RuleName: 'rule7',
      SrcUsernameType: '',
    },
  ];
  const columns =
    'EventResult, DvcAction, EventType, EventOriginalType, EventSeverity, HttpStatusCode, EventStartTime, DstPortNumber, HttpResponseCacheControl, AdditionalFields, RuleName, SrcUsernameType';

  it('vimWebSessionBarracudaCEF normalizes the TR and WF rows only', () => {
    expect(run(`vimWebSessionBarracudaCEF | project ${columns} | sort by EventType desc`, rows)).toEqual(
      expected,
    );
  });

  it('_Im_WebSession gives each Barracuda CEF row once: the WAF leg reads barracuda_CL only (PR #10505)', () => {
    // The store's vimWebSessionBarracudaWAF.yaml (@0a8680b7, Jun 2023) still has a CommonSecurityLog half;
    // Azure-Sentinel PR #10505 (merged 2024-05-21, "In BaracudaWAF file removed BaracudaCEF parser ... same
    // changes have done for vim as well") moved it into vimWebSessionBarracudaCEF, which the held
    // imWebSession calls beside it. So the WAF leg stays a body not held, reading barracuda_CL.
    expect(run('_Im_WebSession | summarize n = count() by EventVendor', rows)).toEqual([
      { EventVendor: 'Barracuda', n: 2 },
    ]);
    expect(run('vimWebSessionBarracudaWAF | count', rows)).toEqual([{ Count: 0 }]);
  });

  it('the eventresult filter applies after the TR/WF result is chosen', () => {
    expect(run("vimWebSessionBarracudaCEF(eventresult='Success') | count", rows)).toEqual([{ Count: 0 }]);
    expect(run("vimWebSessionBarracudaCEF(eventresult='failure') | count", rows)).toEqual([{ Count: 2 }]);
  });
});

describe('ASIM WebSession: Citrix NetScaler leg over CommonSecurityLog', () => {
  const rows = commonSecurityLog([
    {
      TimeGenerated: '2026-01-10T11:00:00Z',
      DeviceVendor: 'Citrix',
      DeviceProduct: 'NetScaler',
      DeviceEventClassID: 'APPFW',
      Activity: 'APPFW_SQL',
      DeviceAction: '*blocked*',
      DeviceCustomString4: 'ALERT',
      RequestURL: 'https://shop.contoso.com/cart?id=1',
      AdditionalExtensions: 'method=GET;geolocation=NL;script=x',
      Computer: 'ns1.contoso.com',
      SourceIP: '10.1.1.1',
    },
    {
      TimeGenerated: '2026-01-10T11:01:00Z',
      DeviceVendor: 'Citrix',
      DeviceProduct: 'NetScaler',
      DeviceEventClassID: 'APPFW',
      Activity: 'APPFW_XSS',
      DeviceAction: 'not blocked',
      DeviceCustomString4: 'INFO',
      RequestURL: 'http://10.2.2.2:8080/x',
      Computer: '10.9.9.9',
    },
    // An APPFW activity outside the leg's list: filtered out.
    {
      TimeGenerated: '2026-01-10T11:02:00Z',
      DeviceVendor: 'Citrix',
      DeviceProduct: 'NetScaler',
      DeviceEventClassID: 'APPFW',
      Activity: 'APPFW_RESP',
      DeviceAction: 'blocked',
    },
  ]);

  it('normalizes host names, IP hosts and the severity lookup (with its published "Informationl")', () => {
    expect(
      run(
        'vimWebSessionCitrixNetScaler | project DvcAction, EventResult, EventSeverity, HttpRequestMethod, SrcGeoCountry, HttpHost, DstHostname, DstDomain, DstFQDN, DstIpAddr, DstPortNumber, Dvc, DvcIpAddr, Dst | sort by DstPortNumber asc nulls first',
        rows,
      ),
    ).toEqual([
      {
        // "*blocked*" trimmed of its asterisks -> Deny/Failure; ALERT -> High.
        DvcAction: 'Deny',
        EventResult: 'Failure',
        EventSeverity: 'High',
        HttpRequestMethod: 'GET',
        SrcGeoCountry: 'NL',
        // The URL's host, split by _ASIM_ResolveDstFQDN.
        HttpHost: 'shop.contoso.com',
        DstHostname: 'shop',
        DstDomain: 'contoso.com',
        DstFQDN: 'shop.contoso.com',
        DstIpAddr: '',
        DstPortNumber: null,
        // _ASIM_ResolveDvcFQDN('Computer'): the FQDN comes first in Dvc's coalesce.
        Dvc: 'ns1.contoso.com',
        DvcIpAddr: '',
        Dst: 'shop',
      },
      {
        DvcAction: 'Allow',
        EventResult: 'Success',
        // EventSeverityLookup maps INFO to "Informationl", as published.
        EventSeverity: 'Informationl',
        HttpRequestMethod: '',
        SrcGeoCountry: '',
        // An IP host: HttpHost keeps "ip:port", the host fields get the address and port.
        HttpHost: '10.2.2.2:8080',
        DstHostname: '10.2.2.2',
        DstDomain: '',
        DstFQDN: '',
        DstIpAddr: '10.2.2.2',
        DstPortNumber: 8080,
        Dvc: '10.9.9.9',
        DvcIpAddr: '10.9.9.9',
        Dst: '10.2.2.2',
      },
    ]);
  });
});

describe('ASIM WebSession: F5 ASM leg over CommonSecurityLog', () => {
  const rows = commonSecurityLog([
    {
      TimeGenerated: '2026-01-10T11:00:00Z',
      DeviceVendor: 'F5',
      DeviceProduct: 'ASM',
      DeviceEventClassID: '200021069',
      Activity: 'Attack signature detected',
      DeviceAction: 'blocked',
      LogSeverity: '8',
      FieldDeviceCustomNumber1: 403,
      // The request as F5's CEF escapes it: literal \r\n between headers.
      DeviceCustomString3: String.raw`GET /a HTTP/1.1\r\nHost: www.contoso.com\r\nUser-Agent: curl\r\nCookie: c=1\r\n`,
      DeviceCustomString5: '9.9.9.9',
      DeviceName: 'bigip1.contoso.com',
      SourceUserName: 'alice',
      SourceUserID: 'u1',
    },
    {
      TimeGenerated: '2026-01-10T11:01:00Z',
      DeviceVendor: 'F5',
      DeviceProduct: 'ASM',
      DeviceEventClassID: 'Brute Force Attack',
      Activity: 'Brute Force Attack',
      DeviceAction: 'passed',
      LogSeverity: '3',
      FieldDeviceCustomNumber3: 77,
      DeviceAddress: '10.0.0.5',
    },
  ]);

  it('normalizes an enforcement row (request headers by parse-kv) and an anomaly row', () => {
    expect(
      run(
        'vimWebSessionF5ASM | project DvcAction, EventResult, EventSeverity, HttpStatusCode, HttpHost, HttpUserAgent, HttpCookie, HttpVersion, HttpRequestXff, EventOriginalType, SrcUsernameType, SrcUserType, SrcUserIdType, Dvc, ThreatId | sort by EventSeverity asc',
        rows,
      ),
    ).toEqual([
      {
        // "blocked" -> Deny; status 403 >= 400 -> Failure; LogSeverity 8 -> High.
        DvcAction: 'Deny',
        EventResult: 'Failure',
        EventSeverity: 'High',
        HttpStatusCode: '403',
        HttpHost: 'www.contoso.com',
        HttpUserAgent: 'curl',
        HttpCookie: 'c=1',
        HttpVersion: '1.1',
        HttpRequestXff: '9.9.9.9',
        // A numeric DeviceEventClassID: the type is the Activity.
        EventOriginalType: 'Attack signature detected',
        SrcUsernameType: 'Simple',
        // _ASIM_GetUserType("alice", "u1"): no SID rule, not empty -> "Other".
        SrcUserType: 'Other',
        SrcUserIdType: 'Other',
        Dvc: 'bigip1.contoso.com',
        ThreatId: '',
      },
      {
        // Anomaly rows: "passed" -> Allow/Success; LogSeverity 3 -> Low.
        DvcAction: 'Allow',
        EventResult: 'Success',
        EventSeverity: 'Low',
        HttpStatusCode: '',
        HttpHost: '',
        HttpUserAgent: '',
        HttpCookie: '',
        HttpVersion: '',
        HttpRequestXff: '',
        // toint of a non-numeric class id is null (empty): the type is the class id.
        EventOriginalType: 'Brute Force Attack',
        SrcUsernameType: '',
        SrcUserType: '',
        SrcUserIdType: '',
        // No device name: Dvc falls back to DeviceAddress (renamed DvcIpAddr).
        Dvc: '10.0.0.5',
        ThreatId: '77',
      },
    ]);
  });
});

describe('ASIM WebSession: Palo Alto Cortex Data Lake leg over CommonSecurityLog', () => {
  it('normalizes a URL threat row (lookups, Src/Dst FQDN helpers, user types)', () => {
    const rows = commonSecurityLog([
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        DeviceVendor: 'Palo Alto Networks',
        DeviceProduct: 'LF',
        DeviceEventClassID: 'THREAT',
        Activity: 'url',
        DeviceAction: 'block-url',
        LogSeverity: '9',
        SourceIP: '10.0.0.1',
        DestinationIP: '1.2.3.4',
        RequestMethod: 'get',
        Protocol: 'tcp',
        SourceUserName: 'CONTOSO\\bob',
        SourceUserID: 'S-1-5-21-1-500',
        ApplicationProtocol: 'web-browsing',
        DeviceName: 'fw1',
        DestinationNTDomain: 'CORP',
        AdditionalExtensions:
          'PanOSSourceDeviceHost=pc1.contoso.com;PanOSIsClienttoServer=true;start=2026-01-10T10:59:00Z;PanOSApplicationRisk=4;PanOSIsSaaSApplication=false',
      },
    ]);
    expect(
      run(
        'vimWebSessionPaloAltoCortexDataLake | project DvcAction, EventResult, EventSeverity, ThreatRiskLevel, EventStartTime, HttpRequestMethod, NetworkProtocol, NetworkDirection, Src, SrcHostname, SrcDomain, Dst, DstDomainType, Dvc, SrcUserType, SrcUsernameType, SrcUserIdType, SrcAppType, EventVendor',
        rows,
      ),
    ).toEqual([
      {
        DvcAction: 'Deny',
        EventResult: 'Failure',
        // EventSeverityLookup "9" -> High; ThreatRiskLevelLookup "4" -> 80.
        EventSeverity: 'High',
        ThreatRiskLevel: 80,
        // The parse-kv start wins over ReceiptTime.
        EventStartTime: '2026-01-10T10:59:00Z',
        HttpRequestMethod: 'GET',
        NetworkProtocol: 'TCP',
        NetworkDirection: 'Outbound',
        // _ASIM_ResolveSrcFQDN('PanOSSourceDeviceHost'): Src prefers the FQDN.
        Src: 'pc1.contoso.com',
        SrcHostname: 'pc1',
        SrcDomain: 'contoso.com',
        Dst: '1.2.3.4',
        // A DestinationNTDomain makes the domain type "Windows".
        DstDomainType: 'Windows',
        // A one-label device name: no FQDN, the hostname.
        Dvc: 'fw1',
        // _ASIM_GetUserType: a -500 domain SID is "Admin"; a backslash name is "Windows".
        SrcUserType: 'Admin',
        SrcUsernameType: 'Windows',
        SrcUserIdType: 'UID',
        SrcAppType: 'Other',
        EventVendor: 'Palo Alto',
      },
    ]);
  });
});

describe('ASIM WebSession: Cisco Firepower leg over CommonSecurityLog', () => {
  it('filters other rows out, and refuses a file row at its mixed-type case (bag or "")', () => {
    const file = {
      TimeGenerated: '2026-01-10T11:00:00Z',
      DeviceVendor: 'Cisco',
      DeviceProduct: 'Firepower',
      DeviceEventClassID: 'FileMalware:502:1',
      DeviceAction: 'Malware Block',
      Protocol: '6',
    };
    // Only the Palo Alto row: no Firepower row reaches the case.
    expect(run('vimWebSessionCiscoFirepower | count', commonSecurityLog([]))).toEqual([{ Count: 0 }]);
    // `AdditionalFields = todynamic(case(..., bag_pack(...), ..., bag_pack(...), ""))`: the case page
    // does not say how a dynamic branch beside a string one converts, so the engine refuses the value.
    expect(() => run('vimWebSessionCiscoFirepower | count', commonSecurityLog([file]))).toThrow(
      /dynamic branch value of iff\(\)\/iif\(\)\/case\(\)/,
    );
  });
});

describe('_ASIM_GetUserType (ASIM_GetUserType.yaml @1b4ccf67, Version 0.3)', () => {
  it('types users by SID first, then by name', () => {
    expect(
      run(
        'print m = _ASIM_GetUserType("host$", ""), a = _ASIM_GetUserType("bob", "S-1-5-21-1-500"), g = _ASIM_GetUserType("x", "S-1-5-21-1-501"), n = _ASIM_GetUserType("sqladmin", "S-1-5-21-1-1104"), r = _ASIM_GetUserType("bob", "S-1-5-21-1-1105"), s = _ASIM_GetUserType("x", "S-1-5-18"), v = _ASIM_GetUserType("x", "S-1-5-80-1"), e = _ASIM_GetUserType("", ""), o = _ASIM_GetUserType("bob", "")',
        new Map(),
      ),
    ).toEqual([
      {
        m: 'Machine',
        a: 'Admin',
        g: 'Guest',
        n: 'Admin',
        r: 'Regular',
        s: 'System',
        v: 'Service',
        e: '',
        o: 'Other',
      },
    ]);
  });
});

describe('ASIM WebSession: Palo Alto PAN-OS CEF leg (vimWebSessionPaloAltoCEF.yaml @b8e662f)', () => {
  // Its SeverityLookup is `datatable(LogSeverity:string, EventSeverity:string)[1, "Informational", ...]`:
  // numbers in a string column, which no page describes (cases/datatable-cell-kinds.yaml). The leg looks
  // up only PAN-OS THREAT/url rows, so other CommonSecurityLog rows never reach the table.
  const threat = {
    TimeGenerated: '2026-01-10T11:00:00Z',
    DeviceVendor: 'Palo Alto Networks',
    DeviceProduct: 'PAN-OS',
    Activity: 'THREAT',
    DeviceEventClassID: 'url',
    DeviceAction: 'alert',
    LogSeverity: '1',
    RequestURL: 'www.contoso.com/a',
  };

  it('answers no row over CommonSecurityLog rows it filters out (PAN-OS TRAFFIC, other vendors)', () => {
    expect(run('vimWebSessionPaloAltoCEF | count', commonSecurityLog([]))).toEqual([{ Count: 0 }]);
  });

  it('refuses once a THREAT/url row reaches the severity lookup, naming the cell', () => {
    expect(() => run('vimWebSessionPaloAltoCEF | count', commonSecurityLog([threat]))).toThrow(
      /a datatable cell of type long in the string column/,
    );
  });
});

describe('ASIM WebSession: SonicWall leg (vimWebSessionSonicWallFirewall.yaml @cbdb7dfe, Mar 29, 2024)', () => {
  // The store's default version (@0101d8c) takes dstipaddr_has_any_prefix and no eventresultdetails_in,
  // which imWebSession passes by name; this one takes the union's parameters.
  it("answers no row over other vendors' rows", () => {
    expect(run('vimWebSessionSonicWallFirewall | count', commonSecurityLog([]))).toEqual([{ Count: 0 }]);
  });

  it('refuses a SonicWall row at `DeviceEventClassID in (14, 97)` (text beside numbers)', () => {
    const sonicWall = {
      TimeGenerated: '2026-01-10T11:00:00Z',
      DeviceVendor: 'SonicWall',
      DeviceEventClassID: '97',
      Protocol: 'tcp/https',
    };
    expect(() => run('vimWebSessionSonicWallFirewall | count', commonSecurityLog([sonicWall]))).toThrow(
      /in between string and long values/,
    );
  });
});

describe('_Im_WebSession over CommonSecurityLog rows of several CEF sources', () => {
  it("runs every CommonSecurityLog leg, each normalizing its own vendor's rows", () => {
    const rows = commonSecurityLog([
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        DeviceVendor: 'Barracuda',
        DeviceProduct: 'WAF',
        DeviceEventCategory: 'TR',
        DeviceAction: 'LOG',
        EventOutcome: '404',
        RequestURL: '/a',
      },
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        DeviceVendor: 'Citrix',
        DeviceProduct: 'NetScaler',
        DeviceEventClassID: 'APPFW',
        Activity: 'APPFW_SQL',
        DeviceAction: '*blocked*',
        RequestURL: 'https://shop.contoso.com/cart?id=1',
      },
      {
        TimeGenerated: '2026-01-10T11:01:00Z',
        DeviceVendor: 'F5',
        DeviceProduct: 'ASM',
        DeviceEventClassID: 'Brute Force Attack',
        Activity: 'Brute Force Attack',
        DeviceAction: 'passed',
      },
    ]);
    // Before, refused at the first CommonSecurityLog leg not held. The PAN-OS TRAFFIC row of the fixture
    // reaches no WebSession leg (Palo Alto CEF reads THREAT/url rows).
    expect(
      run(
        '_Im_WebSession | summarize n = count() by EventVendor, EventResult | sort by EventVendor asc',
        rows,
      ),
    ).toEqual([
      { EventVendor: 'Barracuda', EventResult: 'Failure', n: 1 },
      { EventVendor: 'Citrix', EventResult: 'Failure', n: 1 },
      { EventVendor: 'F5', EventResult: 'Success', n: 1 },
    ]);
    // The union passes its filters on by name.
    expect(run("_Im_WebSession(eventresult='Success') | project EventVendor", rows)).toEqual([
      { EventVendor: 'F5' },
    ]);
  });
});
