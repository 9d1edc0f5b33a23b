import { describe, expect, it } from 'vitest';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { rowsOf, withDisabledParsers } from './asim-fixtures.js';
import { NOW } from './helpers.js';

// `_Im_Authentication` / `imAuthentication` run the published union imAuthentication.yaml @02c3862 (0.3.2,
// the version whose parameters are the built-in's, catalog/asim.json) with the bodies of its legs for
// Microsoft Entra ID managed-identity (vimAuthenticationAADManagedIdentity.yaml @0b24484, 0.2.3) and
// non-interactive sign-ins (vimAuthenticationAADNonInteractive.yaml @0b24484) and Linux su (@0b54310, 0.2.2);
// its other 24 legs are bodies not held. Before, both names were known by their columns only and refused as
// soon as the data had any row. Expected values are derived by reading those bodies.

const run = (query: string, tables: Map<string, Table>) =>
  tableToRecords(runQuery(query, { catalog: withDisabledParsers(), tables, now: NOW }));

const managedIdentity = new Map([
  [
    'AADManagedIdentitySignInLogs',
    rowsOf('AADManagedIdentitySignInLogs', [
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        ResultType: '0',
        ServicePrincipalName: 'mi-app',
        ServicePrincipalId: 'sp-1',
        ResourceDisplayName: 'Azure Key Vault',
        IPAddress: '10.1.1.1',
        Id: 'e1',
        AppId: 'a1',
      },
      {
        TimeGenerated: '2026-01-10T11:05:00Z',
        ResultType: '50126',
        ServicePrincipalName: 'mi-other',
        ServicePrincipalId: 'sp-2',
        ResourceDisplayName: 'Microsoft Graph',
        IPAddress: '10.1.1.2',
        Id: 'e2',
        AppId: 'a2',
      },
    ]),
  ],
]);

describe('imAuthentication runs its published union (0.3.2)', () => {
  it('normalizes managed-identity sign-ins through the AADResultTypes lookup the body invokes', () => {
    const rows = run(
      '_Im_Authentication | project EventProduct, EventType, EventResult, EventResultDetails, TargetUsername, TargetAppName, LogonMethod, SrcIpAddr, EventOriginalUid | sort by EventOriginalUid asc',
      managedIdentity,
    );
    expect(rows).toEqual([
      {
        EventProduct: 'AAD',
        EventType: 'Logon',
        EventResult: 'Success',
        EventResultDetails: '',
        TargetUsername: 'mi-app',
        TargetAppName: 'Azure Key Vault',
        LogonMethod: 'Managed Identity',
        SrcIpAddr: '10.1.1.1',
        EventOriginalUid: 'e1',
      },
      {
        EventProduct: 'AAD',
        EventType: 'Logon',
        EventResult: 'Failure',
        EventResultDetails: 'No such user or password',
        TargetUsername: 'mi-other',
        TargetAppName: 'Microsoft Graph',
        LogonMethod: 'Managed Identity',
        SrcIpAddr: '10.1.1.2',
        EventOriginalUid: 'e2',
      },
    ]);
  });

  it("applies the built-in's filtering parameters, under both names", () => {
    expect(
      run("_Im_Authentication(eventresult='Success') | project TargetUsername", managedIdentity),
    ).toEqual([{ TargetUsername: 'mi-app' }]);
    expect(
      run(
        "imAuthentication(username_has_any=dynamic(['mi-other'])) | project TargetUsername",
        managedIdentity,
      ),
    ).toEqual([{ TargetUsername: 'mi-other' }]);
  });

  it('runs the su leg on its own, and refuses the union over Syslog rows, naming a leg whose body is not held', () => {
    const syslog = new Map([
      [
        'Syslog',
        rowsOf('Syslog', [
          {
            TimeGenerated: '2026-01-10T11:00:00Z',
            Computer: 'lx1.contoso.com',
            HostIP: '10.0.0.5',
            ProcessName: 'su',
            ProcessID: 42,
            SyslogMessage: 'Successful su for root by alice',
          },
        ]),
      ],
    ]);
    expect(
      run(
        'vimAuthenticationSu | project EventProduct, EventType, EventResult, TargetUsername, ActorUsername, DvcHostname, DvcDomain, ActingAppId',
        syslog,
      ),
    ).toEqual([
      {
        EventProduct: 'su',
        EventType: 'Elevation',
        EventResult: 'Success',
        TargetUsername: 'root',
        ActorUsername: 'alice',
        DvcHostname: 'lx1',
        DvcDomain: 'contoso.com',
        ActingAppId: '42',
      },
    ]);
    // Sshd, Sudo, Cisco ISE and Meraki (Syslog) are not held: their stored versions were read for their tables only.
    expect(() => run('imAuthentication | count', syslog)).toThrow(
      /vimAuthentication(Sshd|Sudo|CiscoISE|CiscoMeraki)/,
    );
  });

  it('refuses over SigninLogs rows, naming the interactive sign-in leg no stored version of which fits', () => {
    const signin = new Map([
      ['SigninLogs', rowsOf('SigninLogs', [{ TimeGenerated: '2026-01-10T11:00:00Z' }])],
    ]);
    expect(() => run('imAuthentication | count', signin)).toThrow(/vimAuthenticationSigninLogs/);
    expect(run('imAuthentication | count', new Map())).toEqual([{ Count: 0 }]);
  });
});
