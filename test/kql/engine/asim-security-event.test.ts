import { describe, expect, it } from 'vitest';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { builtin, rowsOf, withDisabledParsers } from './asim-fixtures.js';
import { NOW } from './helpers.js';

// Session 9 of issue 11: the Windows Security Events leg of `_Im_ProcessCreate` runs its published body
// (catalog/solution-parsers.json), over catalog columns the table reference leaves out
// (catalog/provenance.json `corrections`, src/kql/catalog.ts withTenantId).
// Expected values are derived by reading the bodies named in each case.

const run = (query: string, tables: Map<string, Table>) =>
  tableToRecords(runQuery(query, { catalog: withDisabledParsers(), tables, now: NOW }));

const columnOf = (table: string, column: string) =>
  builtin.tables.get(table)?.columns.find((c) => c.name === column)?.type;

describe('catalog columns Microsoft parsers read that the table reference leaves out', () => {
  it('TenantId is a standard column of every table with standard columns (Learn "Standard columns in Azure Monitor Logs")', () => {
    // The Event page (azure-monitor-docs event.md @0797475) lists _IsBillable but not TenantId.
    expect(columnOf('Event', 'TenantId')).toBe('string');
    expect(columnOf('Heartbeat', 'TenantId')).toBe('string');
    expect(columnOf('DnsEvents', 'TenantId')).toBe('string');
    // A table that already lists it keeps its one column.
    expect(builtin.tables.get('Syslog')?.columns.filter((c) => c.name === 'TenantId')).toHaveLength(1);
    expect(run('Event | project TenantId, Computer', new Map())).toEqual([]);
  });

  it('WindowsEvent.Data (2022 reference page) and SecurityEvent.EventOriginId (built-in ASIM parsers)', () => {
    expect(columnOf('WindowsEvent', 'Data')).toBe('dynamic');
    expect(columnOf('SecurityEvent', 'EventOriginId')).toBe('string');
  });
});

// vimProcessCreateMicrosoftSecurityEvents @07c6272 (0.2.1); before, it was listed as a body not held and a
// query was refused once SecurityEvent had a row.
const securityEvent = rowsOf('SecurityEvent', [
  {
    TimeGenerated: '2026-01-10T11:00:00Z',
    EventID: 4688,
    Computer: 'ws2',
    EventOriginId: 'origin-1',
    SubjectUserSid: 'S-1-5-18',
    SubjectUserName: '-',
    SubjectAccount: '-',
    SubjectDomainName: '-',
    AccountType: 'User',
    TargetUserSid: 'S-1-5-21-1',
    TargetUserName: 'bob',
    TargetAccount: 'CONTOSO\\bob',
    TargetDomainName: 'CONTOSO',
    NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
    ParentProcessName: 'C:\\Windows\\explorer.exe',
    CommandLine: 'cmd /c whoami',
  },
  {
    TimeGenerated: '2026-01-10T11:05:00Z',
    EventID: 4689,
    Computer: 'ws2',
    EventOriginId: 'origin-2',
    SubjectUserSid: 'S-1-5-21-1',
    SubjectUserName: 'bob',
    SubjectAccount: 'CONTOSO\\bob',
    SubjectDomainName: 'CONTOSO',
    ProcessName: 'C:\\Windows\\System32\\cmd.exe',
    Status: '0x0',
  },
]);

describe('the Windows Security Events process legs run their published bodies', () => {
  it('_Im_ProcessCreate normalizes event 4688: Local System from the KnownSIDs lookup, the file name part', () => {
    const rows = run(
      '_Im_ProcessCreate | project EventProduct, EventType, EventOriginalUid, DvcHostname, ActorUsername, ActorUsernameType, ActorUserType, TargetUsername, TargetUsernameType, TargetProcessFilename, ActingProcessFilename, CommandLine',
      new Map([['SecurityEvent', securityEvent]]),
    );
    expect(rows).toEqual([
      {
        EventProduct: 'Security Events',
        EventType: 'ProcessCreated',
        EventOriginalUid: 'origin-1',
        DvcHostname: 'ws2',
        ActorUsername: 'Local System',
        ActorUsernameType: 'Simple',
        ActorUserType: 'Regular',
        TargetUsername: 'CONTOSO\\bob',
        TargetUsernameType: 'Windows',
        TargetProcessFilename: 'cmd.exe',
        ActingProcessFilename: 'explorer.exe',
        CommandLine: 'cmd /c whoami',
      },
    ]);
  });

  it('imProcess runs its terminate leg too: event 4689 normalized beside the 4688 create event', () => {
    // vimProcessTerminateMicrosoftSecurityEvents @1b4ccf67 passes every SecurityEvent column on, among them
    // EventRecordId (string), as the create leg does, while vimProcessCreateLinuxSysmon gives it as int:
    // Kusto.Language binds the union with one EventRecordId:string (union-binder-losses.ts), which the
    // engine follows because the CI's imProcess columns leave EventRecordId out, so no query observes it.
    // ActorUsername: SubjectAccount where SubjectDomainName is not '-' (the leg's body).
    const rows = run(
      'imProcess | project EventType, EventProduct, EventOriginalUid, ActorUsername, TargetProcessName | sort by EventOriginalUid asc',
      new Map([['SecurityEvent', securityEvent]]),
    );
    expect(rows).toEqual([
      {
        EventType: 'ProcessCreated',
        EventProduct: 'Security Events',
        EventOriginalUid: 'origin-1',
        ActorUsername: 'Local System',
        TargetProcessName: 'C:\\Windows\\System32\\cmd.exe',
      },
      {
        EventType: 'ProcessTerminated',
        EventProduct: 'Security Events',
        EventOriginalUid: 'origin-2',
        ActorUsername: 'CONTOSO\\bob',
        TargetProcessName: 'C:\\Windows\\System32\\cmd.exe',
      },
    ]);
  });
});
