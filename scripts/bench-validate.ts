// Benchmark for `sentinel-kit validate`: generates rules from varied templates into a temp repository
// (with its own table schemas), validates them all, and prints the time. Goal: 1,000 rules < 15 s on
// a 2-core machine. Usage: npx tsx scripts/bench-validate.ts [count]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ColumnSchema, loadCatalog } from '../src/kql/catalog.js';
import { analyze } from '../src/kql/syntax/index.js';
import { findRuleFiles } from '../src/rules/load.js';
import { parseMitre } from '../src/rules/mitre.js';
import { validateFiles } from '../src/rules/validate/index.js';

const count = Number(process.argv[2] ?? 1000);

/** Wide tables like Sentinel's: the named columns templates use, plus filler to realistic widths. */
const tables: Record<string, ColumnSchema[]> = {
  SigninLogs: [
    ...columns('datetime', 'TimeGenerated', 'CreatedDateTime'),
    ...columns(
      'string',
      'UserPrincipalName',
      'IPAddress',
      'ResultType',
      'AppDisplayName',
      'UserId',
      'ClientAppUsed',
    ),
    ...columns('dynamic', 'LocationDetails', 'DeviceDetail'),
    ...filler('Signin', 60),
  ],
  SecurityEvent: [
    ...columns('datetime', 'TimeGenerated'),
    ...columns(
      'string',
      'Computer',
      'Account',
      'CommandLine',
      'NewProcessName',
      'IpAddress',
      'SubjectUserName',
    ),
    ...columns('int', 'EventID', 'LogonType'),
    ...filler('Event', 120),
  ],
  AuditLogs: [
    ...columns('datetime', 'TimeGenerated'),
    ...columns('string', 'OperationName', 'Category', 'Result', 'LoggedByService'),
    ...columns('dynamic', 'InitiatedBy', 'TargetResources'),
    ...filler('Audit', 40),
  ],
  CommonSecurityLog: [
    ...columns('datetime', 'TimeGenerated'),
    ...columns('string', 'DeviceVendor', 'SourceIP', 'DestinationIP', 'Activity', 'RequestURL'),
    ...columns('int', 'DestinationPort'),
    ...columns('long', 'SentBytes'),
    ...filler('Cef', 150),
  ],
};

function columns(type: ColumnSchema['type'], ...names: string[]): ColumnSchema[] {
  return names.map((name) => ({ name, type }));
}

function filler(prefix: string, n: number): ColumnSchema[] {
  const types: ColumnSchema['type'][] = ['string', 'long', 'datetime', 'dynamic', 'bool', 'real'];
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}Field${i}`, type: types[i % types.length] }));
}

interface Template {
  tactic: string;
  technique: string;
  query: (i: number) => string;
  entity: [type: string, identifier: string, column: string];
  detail: [key: string, column: string];
  nrt?: boolean;
}

const templates: Template[] = [
  {
    tactic: 'CredentialAccess',
    technique: 'T1110',
    query: (i) => `SigninLogs
| where TimeGenerated > ago(1h)
| where ResultType in ('50126', '50053', '${50000 + i}')
| summarize Failures = count(), Users = dcount(UserPrincipalName) by IPAddress, bin(TimeGenerated, 5m)
| where Failures > ${5 + (i % 20)}`,
    entity: ['IP', 'Address', 'IPAddress'],
    detail: ['Failures', 'Failures'],
  },
  {
    tactic: 'InitialAccess',
    technique: 'T1078',
    query: (i) => `let known = SigninLogs
| where TimeGenerated between (ago(14d) .. ago(1d))
| extend Country = tostring(LocationDetails.countryOrRegion)
| summarize by UserPrincipalName, Country;
SigninLogs
| where TimeGenerated > ago(1d) and ResultType == '0'
| extend Country = tostring(LocationDetails.countryOrRegion), Browser = tostring(DeviceDetail.browser)
| join kind=leftanti known on UserPrincipalName, Country
| project TimeGenerated, UserPrincipalName, IPAddress, Country, Browser, Seq = ${i}`,
    entity: ['Account', 'FullName', 'UserPrincipalName'],
    detail: ['Country', 'Country'],
  },
  {
    tactic: 'Execution',
    technique: 'T1059',
    query: (i) => `SecurityEvent
| where EventID == 4688
| where CommandLine has_any ('-enc', '-EncodedCommand', 'FromBase64String')
| extend Payload = extract(@'(?i)-enc(?:odedcommand)?\\s+([A-Za-z0-9+/=]{${20 + (i % 10)},})', 1, CommandLine)
| where isnotempty(Payload)
| project TimeGenerated, Computer, Account, CommandLine, Payload`,
    entity: ['Host', 'HostName', 'Computer'],
    detail: ['Payload', 'Payload'],
    nrt: true,
  },
  {
    tactic: 'Persistence',
    technique: 'T1098',
    query: (i) => `AuditLogs
| where OperationName in~ ('Add member to role', 'Add eligible member to role')
| mv-expand Target = TargetResources
| extend TargetUser = tostring(Target.userPrincipalName), Actor = tostring(InitiatedBy.user.userPrincipalName)
| where isnotempty(TargetUser) and Actor !endswith '#${i}'
| summarize Roles = make_set(OperationName, 10), Count = count() by TargetUser, Actor`,
    entity: ['Account', 'FullName', 'TargetUser'],
    detail: ['Roles', 'Roles'],
  },
  {
    tactic: 'CommandAndControl',
    technique: 'T1071',
    query: (i) => `CommonSecurityLog
| where DeviceVendor =~ 'Palo Alto Networks' and DestinationPort in (443, 8443, ${1024 + i})
| summarize Bytes = sum(SentBytes), Connections = count(), Urls = make_set(RequestURL, 20) by SourceIP, DestinationIP
| where Connections > 50 and Bytes > ${1_000_000 + i}
| extend Ratio = todouble(Bytes) / Connections`,
    entity: ['IP', 'Address', 'DestinationIP'],
    detail: ['Connections', 'Connections'],
  },
];

const mitre = parseMitre({
  version: 'bench',
  tactics: [...new Set(templates.map((t) => t.tactic))].map((name) => ({
    name,
    id: name,
    displayName: name,
  })),
  techniques: templates.map((t) => ({ id: t.technique, name: t.technique, tactics: [t.tactic] })),
});

function ruleYaml(i: number): string {
  const template = templates[i % templates.length];
  const hex = i.toString(16).padStart(12, '0');
  // One rule in 25 maps a column its query does not return, so the error paths run too.
  const column = i % 25 === 0 ? `${template.entity[2]}X` : template.entity[2];
  const schedule = template.nrt
    ? []
    : ['queryFrequency: 1h', `queryPeriod: ${1 + (i % 12)}h`, 'triggerOperator: gt', 'triggerThreshold: 0'];
  return [
    `id: 00000000-0000-4000-8000-${hex}`,
    `name: Bench rule ${i}`,
    `description: Generated rule ${i} from template ${i % templates.length}.`,
    'severity: Medium',
    `kind: ${template.nrt ? 'NRT' : 'Scheduled'}`,
    ...schedule,
    `tactics: [${template.tactic}]`,
    `relevantTechniques: [${template.technique}]`,
    'query: |',
    ...template
      .query(i)
      .split('\n')
      .map((line) => `  ${line}`),
    'entityMappings:',
    `  - entityType: ${template.entity[0]}`,
    '    fieldMappings:',
    `      - identifier: ${template.entity[1]}`,
    `        columnName: ${column}`,
    'customDetails:',
    `  ${template.detail[0]}: ${template.detail[1]}`,
    'alertDetailsOverride:',
    `  alertDisplayNameFormat: Bench ${i} on {{${template.entity[2]}}}`,
    'version: 1.0.0',
    '',
  ].join('\n');
}

const root = mkdtempSync(join(tmpdir(), 'sk-bench-'));
try {
  mkdirSync(join(root, 'kql', 'schemas'), { recursive: true });
  for (const [name, cols] of Object.entries(tables)) {
    writeFileSync(join(root, 'kql', 'schemas', `${name}.json`), JSON.stringify({ name, columns: cols }));
  }
  for (let i = 0; i < count; i++) {
    const dir = join(root, 'kql', 'rules', `area${i % 10}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `rule-${i}.yaml`), ruleYaml(i));
  }

  const t0 = performance.now();
  const catalog = loadCatalog(root);
  analyze('print 1', catalog); // loads Kusto.Language and builds the catalog's GlobalState once
  const t1 = performance.now();
  const files = findRuleFiles([join(root, 'kql', 'rules')]);
  const { diagnostics } = validateFiles(files, { catalog, mitre, compareWithGit: true });
  const t2 = performance.now();

  const errors = diagnostics.filter((d) => d.severity === 'error');
  const expectedErrors = Math.ceil(count / 25);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`rules:              ${files.length}`);
  console.log(`catalog + Kusto:    ${seconds(t1 - t0)}`);
  console.log(`validate:           ${seconds(t2 - t1)} (${((t2 - t1) / files.length).toFixed(1)} ms/rule)`);
  console.log(`total:              ${seconds(t2 - t0)} (goal: < 15 s for 1,000 rules)`);
  console.log(`errors:             ${errors.length} (expected ${expectedErrors} seeded)`);
  if (errors.length !== expectedErrors) {
    for (const d of errors.slice(0, 5))
      console.log(`  ${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
