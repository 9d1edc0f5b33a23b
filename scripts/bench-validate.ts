// Benchmark for `sentinel-kit validate` on rules shaped like the Azure-Sentinel repository's: queries
// of 20–80 lines over the built-in catalog's tables, with let statements, joins across tables,
// parser calls and watchlists, and the field mix of published rules (required data connectors,
// several entity mappings, custom details, alert details, incident grouping, tags, metadata).
// It writes a temp repository, builds the CLI as `npm pack` ships it (`npm run build:cli`: the
// esbuild bundle in dist/cli, split in chunks, with the V8 code caches of Kusto.Language, which the
// installed package runs, without tsx), then times a cold
// `sentinel-kit validate` of the repository in a fresh process and prints its wall time, CPU (every
// thread) and peak memory. Goal: 1,000 rules < 8 s on 2 cores.
// Usage: npx tsx scripts/bench-validate.ts [count]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, runCliCold } from './bench-cli.js';

const count = Number(process.argv[2] ?? 1000);

interface Template {
  tactics: string[];
  techniques: string[];
  connectors: [id: string, table: string][];
  /** The query for rule `i`, before `extra` filter lines are spliced in after the first line. */
  query: (i: number) => string[];
  entities: [type: string, identifier: string, column: string][];
  details: string[];
  nrt?: boolean;
}

// Exclusion lists and filters of varying length, as tuned production rules carry.
function extraFilters(i: number, column: string): string[] {
  const n = 2 + ((i * 7) % 45);
  return Array.from({ length: n }, (_, k) =>
    k % 3 === 2
      ? `| where not(${column} has "noise-${i}-${k}")`
      : `| where ${column} !in~ ("excluded-${i}-${k}", "excluded-${i}-${k}b")`,
  );
}

const templates: Template[] = [
  {
    tactics: ['CredentialAccess', 'InitialAccess'],
    techniques: ['T1110.003', 'T1078'],
    connectors: [
      ['AzureActiveDirectory', 'SigninLogs'],
      ['AzureActiveDirectory', 'AADNonInteractiveUserSignInLogs'],
    ],
    query: (i) => [
      `let lookback = ${1 + (i % 6)}h;`,
      'let threshold = 10;',
      'let failures = union isfuzzy=true',
      '  (SigninLogs | where TimeGenerated > ago(lookback)),',
      '  (AADNonInteractiveUserSignInLogs | where TimeGenerated > ago(lookback)',
      '    | extend LocationDetails = todynamic(LocationDetails))',
      '| where ResultType in ("50126", "50053", "50055", "50056")',
      ...extraFilters(i, 'UserPrincipalName'),
      '| extend Country = tostring(LocationDetails.countryOrRegion)',
      '| summarize FailedUsers = dcount(UserPrincipalName), Attempts = count(), Users = make_set(UserPrincipalName, 50),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress, Country',
      '| where FailedUsers >= threshold;',
      'failures',
      '| join kind=leftouter (',
      '    SigninLogs',
      '    | where TimeGenerated > ago(lookback) and ResultType == "0"',
      '    | summarize Successes = count(), SuccessUsers = make_set(UserPrincipalName, 10) by IPAddress',
      ') on IPAddress',
      '| extend Successes = coalesce(Successes, 0)',
      '| project FirstSeen, LastSeen, IPAddress, Country, FailedUsers, Attempts, Users, Successes, SuccessUsers',
    ],
    entities: [['IP', 'Address', 'IPAddress']],
    details: ['FailedUsers', 'Successes', 'Country'],
  },
  {
    tactics: ['Execution', 'DefenseEvasion'],
    techniques: ['T1059.001', 'T1027'],
    connectors: [
      ['MicrosoftThreatProtection', 'DeviceProcessEvents'],
      ['SecurityEvents', 'SecurityEvent'],
    ],
    query: (i) => [
      `let encodedPattern = @"(?i)-e(nc(odedcommand)?)?\\s+[A-Za-z0-9+/=]{${20 + (i % 30)},}";`,
      'let mde = DeviceProcessEvents',
      '| where TimeGenerated > ago(1h)',
      '| where FileName in~ ("powershell.exe", "pwsh.exe")',
      ...extraFilters(i, 'InitiatingProcessFileName'),
      '| where ProcessCommandLine matches regex encodedPattern',
      '| project TimeGenerated, HostName = DeviceName, AccountName, CommandLine = ProcessCommandLine,',
      '    ParentProcess = InitiatingProcessFileName, SHA256;',
      'let windows = SecurityEvent',
      '| where TimeGenerated > ago(1h) and EventID == 4688',
      '| where NewProcessName endswith "powershell.exe"',
      '| where CommandLine matches regex encodedPattern',
      '| project TimeGenerated, HostName = Computer, AccountName = SubjectUserName, CommandLine,',
      '    ParentProcess = ParentProcessName, SHA256 = "";',
      'union mde, windows',
      '| extend Payload = extract(@"\\s([A-Za-z0-9+/=]{20,})", 1, CommandLine)',
      '| extend Decoded = base64_decode_tostring(Payload)',
      '| where Decoded has_any ("IEX", "DownloadString", "Net.WebClient", "FromBase64String")',
      '| summarize Count = count(), Commands = make_set(CommandLine, 5), FirstSeen = min(TimeGenerated) by HostName, AccountName, ParentProcess',
    ],
    entities: [
      ['Host', 'HostName', 'HostName'],
      ['Account', 'Name', 'AccountName'],
    ],
    details: ['ParentProcess', 'Count'],
  },
  {
    tactics: ['Persistence', 'PrivilegeEscalation'],
    techniques: ['T1098', 'T1078.004'],
    connectors: [
      ['AzureActiveDirectory', 'AuditLogs'],
      ['BehaviorAnalytics', 'IdentityInfo'],
    ],
    query: (i) => [
      'let privileged = dynamic(["Global Administrator", "Privileged Role Administrator", "Security Administrator"]);',
      'AuditLogs',
      '| where TimeGenerated > ago(1d)',
      '| where OperationName in~ ("Add member to role", "Add eligible member to role")',
      ...extraFilters(i, 'OperationName'),
      '| mv-expand Target = TargetResources',
      '| extend TargetUpn = tostring(Target.userPrincipalName)',
      '| mv-expand Property = Target.modifiedProperties',
      '| where tostring(Property.displayName) == "Role.DisplayName"',
      "| extend RoleName = trim(@'\"', tostring(Property.newValue))",
      '| where RoleName in (privileged)',
      '| extend Initiator = tostring(InitiatedBy.user.userPrincipalName), InitiatorApp = tostring(InitiatedBy.app.displayName)',
      '| join kind=leftouter (',
      '    IdentityInfo',
      '    | where TimeGenerated > ago(14d)',
      '    | summarize arg_max(TimeGenerated, Department, AssignedRoles) by AccountUPN',
      ') on $left.TargetUpn == $right.AccountUPN',
      `| extend IsGuest = TargetUpn has "#EXT#", Seq = ${i}`,
      '| project TimeGenerated, TargetUpn, RoleName, Initiator, InitiatorApp, Department, IsGuest, Seq',
    ],
    entities: [
      ['Account', 'FullName', 'TargetUpn'],
      ['Account', 'FullName', 'Initiator'],
    ],
    details: ['RoleName', 'IsGuest'],
  },
  {
    tactics: ['CommandAndControl'],
    techniques: ['T1071', 'T1572'],
    connectors: [
      ['CEF', 'CommonSecurityLog'],
      ['ThreatIntelligence', 'ThreatIntelligenceIndicator'],
    ],
    query: (i) => [
      'let indicators = ThreatIntelligenceIndicator',
      '| where TimeGenerated > ago(14d) and Active == true and ExpirationDateTime > now()',
      '| where isnotempty(NetworkIP)',
      '| summarize arg_max(TimeGenerated, *) by IndicatorId',
      '| project NetworkIP, ThreatType, ConfidenceScore, Description;',
      'CommonSecurityLog',
      '| where TimeGenerated > ago(1h)',
      `| where DeviceVendor in~ ("Palo Alto Networks", "Fortinet", "Check Point") and DestinationPort in (443, 8443, ${1024 + i})`,
      ...extraFilters(i, 'DeviceProduct'),
      '| summarize Bytes = sum(SentBytes), Connections = count(), Urls = make_set(RequestURL, 20),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by SourceIP, DestinationIP, DeviceVendor',
      '| join kind=inner indicators on $left.DestinationIP == $right.NetworkIP',
      '| where ConfidenceScore >= 50',
      '| extend Ratio = todouble(Bytes) / Connections',
      '| project FirstSeen, LastSeen, SourceIP, DestinationIP, DeviceVendor, Bytes, Connections, Ratio, ThreatType, Description',
    ],
    entities: [
      ['IP', 'Address', 'SourceIP'],
      ['IP', 'Address', 'DestinationIP'],
    ],
    details: ['ThreatType', 'Connections'],
  },
  {
    tactics: ['Collection', 'Exfiltration'],
    techniques: ['T1114.003', 'T1567'],
    connectors: [['Office365', 'OfficeActivity']],
    query: (i) => [
      'OfficeActivity',
      '| where TimeGenerated > ago(1d)',
      '| where OfficeWorkload == "Exchange" and Operation in~ ("New-InboxRule", "Set-InboxRule", "Set-Mailbox")',
      ...extraFilters(i, 'UserId'),
      '| extend Params = todynamic(Parameters)',
      '| mv-apply Param = Params on (',
      '    summarize Forward = take_anyif(tostring(Param.Value), tostring(Param.Name) in~ ("ForwardTo", "RedirectTo", "ForwardingSmtpAddress"))',
      ')',
      '| where isnotempty(Forward)',
      '| extend Domain = tostring(split(Forward, "@")[1])',
      `| where Domain !endswith "contoso.com" and Domain != "example-${i}.com"`,
      '| extend ClientIPOnly = tostring(split(ClientIP, ":")[0])',
      '| summarize Rules = count(), Destinations = make_set(Forward, 10), FirstSeen = min(TimeGenerated) by UserId, ClientIPOnly, Domain',
    ],
    entities: [
      ['Account', 'FullName', 'UserId'],
      ['IP', 'Address', 'ClientIPOnly'],
      ['DNS', 'DomainName', 'Domain'],
    ],
    details: ['Domain', 'Rules'],
  },
  {
    tactics: ['CredentialAccess'],
    techniques: ['T1110.001'],
    connectors: [['Syslog', 'Syslog']],
    query: (i) => [
      `let window = ${5 + (i % 10)}m;`,
      'SshAuthentication',
      '| where TimeGenerated > ago(1h)',
      ...extraFilters(i, 'TargetUsername'),
      '| summarize Failures = countif(EventResult == "Failure"), Successes = countif(EventResult == "Success"),',
      '    Users = make_set(TargetUsername, 20) by SrcIpAddr, Computer, bin(TimeGenerated, window)',
      '| where Failures > 20 and Successes > 0',
      '| join kind=leftanti (_GetWatchlist("TrustedNetworks") | project SrcIpAddr = tostring(SearchKey)) on SrcIpAddr',
      '| project TimeGenerated, SrcIpAddr, Computer, Failures, Successes, Users',
    ],
    entities: [
      ['IP', 'Address', 'SrcIpAddr'],
      ['Host', 'HostName', 'Computer'],
    ],
    details: ['Failures', 'Successes'],
    nrt: false,
  },
  {
    tactics: ['Impact'],
    techniques: ['T1485'],
    connectors: [['AzureActivity', 'AzureActivity']],
    query: (i) => [
      'let deletes = AzureActivity',
      '| where TimeGenerated > ago(1h)',
      '| where OperationNameValue endswith "/DELETE" and ActivityStatusValue in~ ("Success", "Succeeded")',
      ...extraFilters(i, 'ResourceGroup'),
      '| extend ResourceType = tostring(split(OperationNameValue, "/")[1]);',
      'let baseline = AzureActivity',
      '| where TimeGenerated between (ago(14d) .. ago(1h))',
      '| where OperationNameValue endswith "/DELETE"',
      '| summarize Daily = count() by Caller, bin(TimeGenerated, 1d)',
      '| summarize Usual = avg(Daily), Peak = max(Daily) by Caller;',
      'deletes',
      '| summarize Deleted = count(), Types = make_set(ResourceType, 10), Groups = make_set(ResourceGroup, 10),',
      '    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Caller, CallerIpAddress',
      '| join kind=leftouter baseline on Caller',
      `| where Deleted > max_of(coalesce(Peak, 0) * 2, ${10 + (i % 15)})`,
      '| project FirstSeen, LastSeen, Caller, CallerIpAddress, Deleted, Usual, Peak, Types, Groups',
    ],
    entities: [
      ['Account', 'FullName', 'Caller'],
      ['IP', 'Address', 'CallerIpAddress'],
    ],
    details: ['Deleted', 'Peak'],
  },
  {
    tactics: ['Discovery'],
    techniques: ['T1046'],
    connectors: [['MicrosoftThreatProtection', 'DeviceNetworkEvents']],
    query: (i) => [
      'DeviceNetworkEvents',
      '| where TimeGenerated > ago(1h)',
      '| where ActionType in ("ConnectionAttempt", "ConnectionFailed", "ConnectionSuccess")',
      ...extraFilters(i, 'InitiatingProcessFileName'),
      '| where ipv4_is_private(RemoteIP)',
      '| summarize Ports = dcount(RemotePort), Targets = dcount(RemoteIP), SamplePorts = make_set(RemotePort, 20)',
      '    by DeviceName, InitiatingProcessFileName, bin(TimeGenerated, 5m)',
      `| where Ports > ${20 + (i % 30)} or Targets > 50`,
      '| extend HostName = tostring(split(DeviceName, ".")[0]), DnsDomain = strcat_array(array_slice(split(DeviceName, "."), 1, -1), ".")',
      '| project TimeGenerated, HostName, DnsDomain, InitiatingProcessFileName, Ports, Targets, SamplePorts',
    ],
    entities: [['Host', 'HostName', 'HostName']],
    details: ['Ports', 'Targets'],
    nrt: true,
  },
];

const parsers: Record<string, string> = {
  SshAuthentication: [
    'functionName: SshAuthentication',
    'query: |',
    '  Syslog',
    '  | where ProcessName == "sshd"',
    '  | where SyslogMessage startswith "Accepted " or SyslogMessage startswith "Failed "',
    '  | extend EventResult = iff(SyslogMessage startswith "Accepted ", "Success", "Failure")',
    '  | extend TargetUsername = extract(@" for (?:invalid user )?(\\S+) from ", 1, SyslogMessage)',
    '  | extend SrcIpAddr = extract(@" from (\\S+) port ", 1, SyslogMessage)',
    '  | project TimeGenerated, Computer, EventResult, TargetUsername, SrcIpAddr',
  ].join('\n'),
};

const watchlists: Record<string, string> = {
  TrustedNetworks: [
    'watchlistAlias: TrustedNetworks',
    'itemsSearchKey: Network',
    'columns:',
    '  - { name: Network, type: string }',
    '  - { name: Owner, type: string }',
    'items:',
    '  - { Network: 10.0.0.0/8, Owner: corp }',
  ].join('\n'),
};

function ruleYaml(i: number): string {
  const t = templates[i % templates.length];
  const hex = i.toString(16).padStart(12, '0');
  // One rule in 25 maps a column its query does not return, so the error paths run too.
  const entities = t.entities.map(([type, identifier, column], k) =>
    [
      `  - entityType: ${type}`,
      '    fieldMappings:',
      `      - identifier: ${identifier}`,
      `        columnName: ${i % 25 === 0 && k === 0 ? `${column}X` : column}`,
    ].join('\n'),
  );
  const query = t.query(i);
  // Sentinel allows at most 50 NRT rules per workspace (validate's SK1210): later copies of an NRT
  // template are Scheduled.
  const nrt = t.nrt && Math.floor(i / templates.length) < 50;
  const schedule = nrt
    ? []
    : [
        `queryFrequency: ${1 + (i % 4)}h`,
        `queryPeriod: ${4 + (i % 8)}h`,
        'triggerOperator: gt',
        'triggerThreshold: 0',
      ];
  return [
    `id: 00000000-0000-4000-8000-${hex}`,
    `name: Bench rule ${i} (${t.tactics[0]})`,
    'description: |',
    `  'Generated rule ${i} from template ${i % templates.length}, shaped like a published Azure-Sentinel rule.'`,
    `severity: ${['Low', 'Medium', 'High'][i % 3]}`,
    'status: Available',
    'requiredDataConnectors:',
    ...t.connectors.flatMap(([id, table]) => [
      `  - connectorId: ${id}`,
      '    dataTypes:',
      `      - ${table}`,
    ]),
    ...schedule,
    'tactics:',
    ...t.tactics.map((tactic) => `  - ${tactic}`),
    'relevantTechniques:',
    ...t.techniques.map((technique) => `  - ${technique}`),
    'query: |',
    ...query.map((line) => `  ${line}`),
    'entityMappings:',
    ...entities,
    'customDetails:',
    ...t.details.map((column) => `  ${column}: ${column}`),
    'alertDetailsOverride:',
    `  alertDisplayNameFormat: Bench ${i} on {{${t.entities[0][2]}}}`,
    `  alertDescriptionFormat: Rule ${i} found {{${t.details[0]}}} for {{${t.entities[0][2]}}}.`,
    'eventGroupingSettings:',
    '  aggregationKind: AlertPerResult',
    'incidentConfiguration:',
    '  createIncident: true',
    '  groupingConfiguration:',
    '    enabled: true',
    '    reopenClosedIncident: false',
    '    lookbackDuration: 5h',
    '    matchingMethod: Selected',
    `    groupByEntities: [${t.entities[0][0]}]`,
    `kind: ${nrt ? 'NRT' : 'Scheduled'}`,
    'version: 1.0.2',
    'tags:',
    '  - Bench',
    'metadata:',
    '  source:',
    '    kind: Community',
    '  author:',
    '    name: sentinel-kit bench',
    '  support:',
    '    tier: Community',
    '  categories:',
    '    domains: ["Security - Threat Protection"]',
    '',
  ].join('\n');
}

const root = mkdtempSync(join(tmpdir(), 'sk-bench-'));
try {
  let lines = 0;
  for (const [name, text] of Object.entries(parsers)) {
    mkdirSync(join(root, 'kql', 'parsers'), { recursive: true });
    writeFileSync(join(root, 'kql', 'parsers', `${name}.yaml`), text);
  }
  for (const [name, text] of Object.entries(watchlists)) {
    mkdirSync(join(root, 'kql', 'watchlists'), { recursive: true });
    writeFileSync(join(root, 'kql', 'watchlists', `${name}.yaml`), text);
  }
  const queryLines: number[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(root, 'kql', 'rules', `area${i % 10}`);
    mkdirSync(dir, { recursive: true });
    const text = ruleYaml(i);
    lines += text.split('\n').length;
    queryLines.push(templates[i % templates.length].query(i).length);
    writeFileSync(join(dir, `rule-${i}.yaml`), text);
  }

  buildCli();
  const run = runCliCold(['validate', '--no-git', '--root', root]);
  const summary = run.stdout.trim().split('\n').at(-1) ?? '';
  const errors = Number(/: (\d+) errors?,/.exec(summary)?.[1] ?? Number.NaN);
  const expectedErrors = Math.ceil(count / 25);
  const sorted = [...queryLines].sort((a, b) => a - b);
  console.log(
    `rules:              ${count} (query lines ${sorted[0]}–${sorted[sorted.length - 1]}, ${lines} YAML lines)`,
  );
  console.log(
    `validate (cold):    ${run.seconds.toFixed(2)} s (goal: < 8 s for 1,000 rules on 2 cores; built CLI, dist/cli)`,
  );
  console.log(`CPU:                ${run.cpuSeconds.toFixed(2)} s (all threads)`);
  console.log(`peak RSS:           ${run.peakRssMb.toFixed(0)} MB (all threads)`);
  // Wall time on a shared machine follows its load; CPU time much less so.
  const load = loadavg().map((l) => l.toFixed(1));
  console.log(`load average:       ${load.join(' ')} (1, 5, 15 min)`);
  console.log(`errors:             ${errors} (expected ${expectedErrors} seeded)`);
  if (errors !== expectedErrors) {
    console.log(run.stdout.split('\n').slice(0, 5).join('\n'), run.stderr);
    process.exitCode = 1;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
