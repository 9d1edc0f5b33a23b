import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { catalogTable } from '../../support/catalog.js';
import { NOW } from './helpers.js';

// The held-out corpus of first-party Detections/ rules (issue 11, session 13; kept outside the repository,
// see NOTES.md). "Potential Kerberoasting" (Detections/SecurityEvent/PotentialKerberoast.yaml @00b0293)
// parses Status, ServiceName and TargetUserName out of EventData inside `let Kerbevent = ...`; SecurityEvent
// already has those columns (and ClientIPAddress), so Kusto.Language names the parsed ones Status1, ServiceName1 and
// TargetUserName1, and the parse operator page does not say whether the service keeps both or replaces the
// input's. Both uses of Kerbevent summarize by the input's columns, so the renamed ones are never observed;
// where the query reads the input's, the parsed value must equal it on every row (else refused).
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const RULE = `let starttime = 1d;
let endtime = 1h;
let prev23hThreshold = 4;
let prev1hThreshold = 15;
let Kerbevent =
SecurityEvent
| where TimeGenerated >= ago(starttime)
| where EventID == 4769
| parse EventData with * 'TicketEncryptionType">' TicketEncryptionType "<" *
| where TicketEncryptionType == '0x17'
| parse EventData with * 'TicketOptions">' TicketOptions "<" *
| where TicketOptions == '0x40810000'
| parse EventData with * 'Status">' Status "<" *
| where Status == '0x0'
| parse EventData with * 'ServiceName">' ServiceName "<" *
| where ServiceName !contains "$" and ServiceName !contains "krbtgt" 
| parse EventData with * 'TargetUserName">' TargetUserName "<" *
| where TargetUserName !contains "$@" and TargetUserName !contains ServiceName
| parse EventData with * 'IpAddress">::ffff:' ClientIPAddress "<" *;
let Kerbevent23h = Kerbevent
| where TimeGenerated >= ago(starttime) and TimeGenerated < ago(endtime)
| summarize ServiceNameCountPrev23h = dcount(ServiceName), ServiceNameSet23h = makeset(ServiceName) 
by Computer, TargetUserName,TargetDomainName, ClientIPAddress, TicketOptions, TicketEncryptionType, Status
| where ServiceNameCountPrev23h < prev23hThreshold;
let Kerbevent1h = 
Kerbevent
| where TimeGenerated >= ago(endtime)
| summarize min(TimeGenerated), max(TimeGenerated), ServiceNameCountPrev1h = dcount(ServiceName), ServiceNameSet1h = makeset(ServiceName) 
by Computer, TargetUserName,TargetDomainName, ClientIPAddress, TicketOptions, TicketEncryptionType, Status;
Kerbevent1h 
| join kind=leftanti
(
Kerbevent23h
) on TargetUserName, TargetDomainName
// Threshold value set above is based on testing, this value may need to be changed for your environment.
| where ServiceNameCountPrev1h > prev1hThreshold
| project StartTimeUtc = min_TimeGenerated, EndTimeUtc = max_TimeGenerated, TargetUserName, Computer, ClientIPAddress, TicketOptions, 
TicketEncryptionType, Status, ServiceNameCountPrev1h, ServiceNameSet1h, TargetDomainName
| extend timestamp = StartTimeUtc, AccountCustomEntity = strcat(TargetDomainName,"\\\\", TargetUserName), HostCustomEntity = Computer, IPCustomEntity = ClientIPAddress`;

const eventData = (service: string, user: string) =>
  `<Data Name="TargetUserName">${user}</Data><Data Name="ServiceName">${service}</Data>` +
  `<Data Name="TicketOptions">0x40810000</Data><Data Name="TicketEncryptionType">0x17</Data>` +
  `<Data Name="Status">0x0</Data><Data Name="IpAddress">::ffff:10.0.0.5</Data>`;

const ticket = (minutesAgo: number, service: string, columns: Record<string, unknown> = {}) => ({
  TimeGenerated: new Date(Date.parse('2026-01-10T12:00:00Z') - minutesAgo * 60_000).toISOString(),
  EventID: 4769,
  Computer: 'dc01.contoso.com',
  TargetDomainName: 'CONTOSO',
  EventData: eventData(service, 'alice@CONTOSO.COM'),
  Status: '0x0',
  ServiceName: service,
  TargetUserName: 'alice@CONTOSO.COM',
  TicketOptions: '0x40810000',
  TicketEncryptionType: '0x17',
  ClientIPAddress: '10.0.0.5',
  ...columns,
});

const run = (records: Record<string, unknown>[]) =>
  tableToRecords(
    runQuery(RULE, {
      catalog,
      now: NOW,
      tables: new Map<string, Table>([['SecurityEvent', catalogTable(catalog, 'SecurityEvent', records)]]),
    }),
  );

describe('Potential Kerberoasting (parse into existing columns inside a let)', () => {
  it('answers where each parsed value equals the input column of that name', () => {
    // 16 distinct services in the last hour for one account, none in the 23 hours before it.
    const rows = run(Array.from({ length: 16 }, (_, i) => ticket(5 + i, `svc${i}`)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      TargetUserName: 'alice@CONTOSO.COM',
      ClientIPAddress: '10.0.0.5',
      ServiceNameCountPrev1h: 16,
      AccountCustomEntity: 'CONTOSO\\alice@CONTOSO.COM',
    });
  });

  it('is refused where a row parses a ServiceName other than its ServiceName column holds', () => {
    expect(() => run([ticket(5, 'svc0', { ServiceName: 'other' })])).toThrow(
      /parses 'ServiceName' to another value/,
    );
  });
});
