import { describe, expect, it } from 'vitest';
import { validateFiles } from '../../src/rules/validate/index.js';
import { catalog, goodRule, positions, validate, withLines, writeTemp } from './helpers.js';

const codes = (lines: string[]) => validate(lines).map((d) => d.code);

describe('a valid rule', () => {
  it('passes every check', () => {
    expect(validate(goodRule)).toEqual([]);
  });
});

describe('KQL check', () => {
  it('reports errors inside a called parser function at the call', () => {
    const diagnostics = validate(
      withLines(15, 17, '  BrokenParser', '  | summarize by IPAddress = tostring(Country)'),
    );
    expect(positions(diagnostics, 'SK1103')).toEqual(['15:3']);
    expect(diagnostics[0].message).toContain("error in called function 'BrokenParser'");
    expect(diagnostics[0].message).toContain('NoSuchColumn');
  });

  it('reports an unknown table', () => {
    const diagnostics = validate(withLines(15, 15, '  SignInLog'));
    expect(positions(diagnostics, 'SK1103')).toEqual(['15:3']);
  });

  it('rejects search * and union * outside comments and strings', () => {
    const lines = withLines(
      15,
      17,
      "  // search * is fine in a comment, and 'union *' in a string",
      '  union *',
      "  | where ResultType == 'search *'",
      '  | summarize Users = dcount(UserPrincipalName) by IPAddress',
    );
    expect(positions(validate(lines), 'SK1102')).toEqual(['16:3']);
  });

  it('requires a tabular result', () => {
    const diagnostics = validate(
      withLines(14, 17, 'query: print Users = 1, IPAddress = "x" | project Users, IPAddress | count'),
    );
    expect(diagnostics.map((d) => d.code)).not.toContain('SK1104');
    expect(codes(withLines(14, 17, 'query: toscalar(SigninLogs | count)'))).toContain('SK1104');
  });
});

describe('schedule check', () => {
  it.each([
    ['queryFrequency below 5m', withLines(6, 6, 'queryFrequency: 1m'), 'SK1201', '6:17'],
    ['queryPeriod above 14d', withLines(7, 7, 'queryPeriod: 15d'), 'SK1202', '7:14'],
    [
      'queryPeriod shorter than frequency',
      withLines(6, 7, 'queryFrequency: 2h', 'queryPeriod: PT1H'),
      'SK1203',
      '7:14',
    ],
    ['long lookback run often', withLines(6, 7, 'queryFrequency: 30m', 'queryPeriod: 3d'), 'SK1204', '6:17'],
    ['threshold above 10000', withLines(9, 9, 'triggerThreshold: 20000'), 'SK1207', '9:19'],
    [
      'suppression above 24h',
      [...goodRule, 'suppressionEnabled: true', 'suppressionDuration: 2d'],
      'SK1208',
      '29:22',
    ],
    ['suppression without duration', [...goodRule, 'suppressionEnabled: true'], 'SK1208', '28:21'],
    [
      'grouping lookback above 7d',
      [
        ...goodRule,
        'incidentConfiguration:',
        '  createIncident: true',
        '  groupingConfiguration:',
        '    enabled: true',
        '    lookbackDuration: 8d',
      ],
      'SK1209',
      '32:23',
    ],
  ])('reports %s', (_name, lines, code, position) => {
    const diagnostics = validate(lines);
    expect(positions(diagnostics, code)).toEqual([position]);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([code]);
  });

  it('warns that NRT rules ignore scheduling fields, at each key (Azure-Sentinel CI requires them)', () => {
    const diagnostics = validate(withLines(5, 5, 'kind: NRT'));
    expect(positions(diagnostics, 'SK1205')).toEqual(['6:1', '7:1', '8:1', '9:1']);
    expect(diagnostics.filter((d) => d.code === 'SK1205').map((d) => d.severity)).toEqual(
      Array(4).fill('warning'),
    );
  });

  // "Queries can run only within a single workspace. There is no cross-workspace capability."
  // https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#considerations
  it('rejects an NRT query that reaches another workspace, at the function', () => {
    const nrt = [...goodRule.slice(0, 4), 'kind: NRT', ...goodRule.slice(9)];
    const lines = nrt.map((line) =>
      line === '  SigninLogs'
        ? '  union SigninLogs, workspace("soc-2").SigninLogs // app(x) in a comment'
        : line,
    );
    expect(positions(validate(lines), 'SK1211')).toEqual(['11:21']);
    expect(positions(validate(nrt), 'SK1211')).toEqual([]);
  });

  // "No more than 50 rules can be defined" (NRT). https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#considerations
  it('rejects a 51st NRT rule in the workspace, at its kind', () => {
    const nrt = (i: number) => {
      const hex = i.toString(16).padStart(12, '0');
      return [
        `id: 6f1f2c3d-1a2b-4c5d-8e9f-${hex}`,
        `name: NRT rule ${i}`,
        ...goodRule.slice(2, 4),
        'kind: NRT',
        ...goodRule.slice(9),
      ];
    };
    const paths = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        writeTemp(nrt(i), `nrt-${n}/rule-${String(i).padStart(2, '0')}.yaml`),
      );
    const codesOf = (n: number) =>
      validateFiles(paths(n), { catalog, compareWithGit: false }).diagnostics.filter(
        (d) => d.code === 'SK1210',
      );
    expect(codesOf(50)).toEqual([]);
    const over = codesOf(51);
    expect(over.map((d) => `${d.file?.split('/').pop()}:${d.line}:${d.column}`)).toEqual([
      'rule-50.yaml:5:7',
    ]);
  });

  it('rejects startRunningAt on an NRT rule and a start time without a time zone', () => {
    const nrt = [
      ...goodRule.slice(0, 4),
      'kind: NRT',
      'startRunningAt: 2026-02-01T08:00:00Z',
      ...goodRule.slice(9),
    ];
    expect(positions(validate(nrt), 'SK1205')).toEqual(['6:1']);
    const local = withLines(9, 9, 'triggerThreshold: 0', 'startRunningAt: 2026-02-01T08:00:00');
    expect(positions(validate(local), 'SK1010')).toEqual(['10:17']);
    expect(validate(withLines(9, 9, 'triggerThreshold: 0', 'startRunningAt: 2026-02-01T08:00:00Z'))).toEqual(
      [],
    );
  });

  it('accepts an NRT rule without them', () => {
    expect(validate([...goodRule.slice(0, 4), 'kind: NRT', ...goodRule.slice(9)])).toEqual([]);
  });

  it('requires scheduling fields on Scheduled rules', () => {
    const diagnostics = validate(goodRule.filter((l) => !l.startsWith('trigger')));
    expect(positions(diagnostics, 'SK1206')).toEqual(['5:7', '5:7']);
    expect(diagnostics.map((d) => d.message)).toContain("Scheduled rules need 'triggerThreshold'");
  });
});

describe('entity mapping check', () => {
  it.each([
    ['an unknown entity type', withLines(19, 19, '  - entityType: IPAddr'), 'SK1302', '19:17'],
    ['an unknown identifier', withLines(21, 21, '      - identifier: Adress'), 'SK1303', '21:21'],
    [
      'a column missing from the result',
      withLines(22, 22, '        columnName: SourceIP'),
      'SK1305',
      '22:21',
    ],
    [
      'an identifier mapped twice',
      withLines(
        22,
        22,
        '        columnName: IPAddress',
        '      - identifier: Address',
        '        columnName: IPAddress',
      ),
      'SK1307',
      '23:21',
    ],
  ])('reports %s', (_name, lines, code, position) => {
    const diagnostics = validate(lines);
    expect(positions(diagnostics, code)).toEqual([position]);
  });

  it('lists the columns the query does return for a mapped column it never produces', () => {
    const diagnostics = validate(withLines(22, 22, '        columnName: SourceIP'));
    expect(diagnostics.find((d) => d.code === 'SK1305')?.message).toBe(
      "mapped column 'SourceIP' is not a column of the query result (the query returns: IPAddress, Users, Apps)",
    );
  });

  it('suggests the identifier that was meant', () => {
    const diagnostics = validate(withLines(21, 21, '      - identifier: Adress'));
    expect(diagnostics.find((d) => d.code === 'SK1303')?.message).toContain("did you mean 'Address'?");
    const column = validate(withLines(22, 22, '        columnName: ipaddress'));
    expect(column[0].message).toContain("did you mean 'IPAddress'?");
  });

  it('allows at most 10 entity mappings', () => {
    const mapping = [
      '  - entityType: IP',
      '    fieldMappings:',
      '      - identifier: Address',
      '        columnName: IPAddress',
    ];
    const lines = withLines(19, 22, ...Array.from({ length: 11 }, () => mapping).flat());
    expect(positions(validate(lines), 'SK1301')).toEqual([`${19 + 40}:5`]);
  });

  it('allows at most 3 identifiers per entity and needs a required one', () => {
    const lines = withLines(
      19,
      22,
      '  - entityType: Account',
      '    fieldMappings:',
      ...['UPNSuffix', 'NTDomain', 'DnsDomain', 'DisplayName'].flatMap((identifier) => [
        `      - identifier: ${identifier}`,
        '        columnName: IPAddress',
      ]),
    );
    const diagnostics = validate(lines);
    expect(positions(diagnostics, 'SK1304')).toEqual(['27:9']);
    expect(positions(diagnostics, 'SK1306')).toEqual(['19:17']);
    expect(diagnostics.find((d) => d.code === 'SK1306')?.severity).toBe('warning');
  });
});

describe('custom details and alert details check', () => {
  it.each([
    ['a bad custom detail key', withLines(24, 24, '  Failed-Users: Users'), 'SK1402', '24:3'],
    ['a long custom detail key', withLines(24, 24, '  FailedUsersFromThisAddress: Users'), 'SK1402', '24:3'],
    [
      'a custom detail column missing from the result',
      withLines(24, 24, '  FailedUsers: Accounts'),
      'SK1403',
      '24:16',
    ],
    [
      'a placeholder naming a missing column',
      withLines(26, 26, '  alertDisplayNameFormat: Spray from {{IPAddress}} hitting {{Application}}'),
      'SK1404',
      '26:60',
    ],
    // Only {{ColumnName}} is documented (https://learn.microsoft.com/en-us/azure/sentinel/customize-alert-details);
    // alerts would not substitute '{{ IPAddress }}', so validate must not pass it.
    [
      'a placeholder with spaces inside the brackets',
      withLines(26, 26, '  alertDisplayNameFormat: Spray from {{ IPAddress }}'),
      'SK1410',
      '26:38',
    ],
    [
      'more than 3 placeholders',
      withLines(26, 26, '  alertDisplayNameFormat: "{{IPAddress}} {{Users}} {{Apps}} {{IPAddress}}"'),
      'SK1405',
      '26:61',
    ],
    [
      'a severity column missing from the result',
      withLines(26, 26, '  alertSeverityColumnName: Severity'),
      'SK1407',
      '26:28',
    ],
  ])('reports %s', (_name, lines, code, position) => {
    expect(positions(validate(lines), code)).toEqual([position]);
  });

  it('allows at most 20 custom details', () => {
    const details = Array.from({ length: 21 }, (_, i) => `  Detail${i}: Users`);
    expect(positions(validate(withLines(24, 24, ...details)), 'SK1401')).toEqual(['44:3']);
  });

  it('checks incident grouping references', () => {
    const lines = [
      ...goodRule,
      'incidentConfiguration:',
      '  createIncident: true',
      '  groupingConfiguration:',
      '    enabled: true',
      '    matchingMethod: Selected',
      '    groupByEntities: [Account]',
      '    groupByCustomDetails: [FailedUsers, Country]',
    ];
    const diagnostics = validate(lines);
    expect(positions(diagnostics, 'SK1408')).toEqual(['33:23', '34:41']);
    const empty = validate([...lines.slice(0, 32), '    groupByEntities: []']);
    expect(positions(empty, 'SK1409')).toEqual(['32:21']);
  });
});

describe('MITRE ATT&CK check', () => {
  it('reports an unknown tactic with a suggestion', () => {
    const diagnostics = validate(withLines(11, 11, '  - Credential Access'));
    expect(positions(diagnostics, 'SK1501')).toEqual(['11:5']);
    expect(diagnostics.find((d) => d.code === 'SK1501')?.message).toContain(
      "did you mean 'CredentialAccess'?",
    );
  });

  it.each(['T9999', 'T1110.3', 'brute force'])('reports the unknown technique %s', (technique) => {
    expect(positions(validate(withLines(13, 13, `  - ${technique}`)), 'SK1502')).toEqual(['13:5']);
  });

  it('takes a MITRE ATT&CK for ICS technique (T0826) with a note, as the Azure-Sentinel CI does', () => {
    const diagnostics = validate(withLines(13, 13, '  - T0826'));
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)).toEqual([
      'info SK1504 13:5',
    ]);
    expect(positions(validate(withLines(13, 13, '  - T0999')), 'SK1502')).toEqual(['13:5']);
  });

  it('warns when a technique belongs to none of the tactics', () => {
    const diagnostics = validate(withLines(13, 13, '  - T1566'));
    expect(positions(diagnostics, 'SK1503')).toEqual(['13:5']);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning' });
    expect(diagnostics[0].message).toContain('Phishing');
  });
});

describe('hunting queries', () => {
  it('load without analytics-only fields and may use search *', () => {
    const query = [
      'id: 0d3c1b2a-5e4f-4a3b-9c8d-7e6f5a4b3c2d',
      'name: Rare applications',
      'description: Applications few users sign in to.',
      'tactics: [InitialAccess]',
      'query: |',
      '  search * | take 10',
    ];
    expect(validate(query, 'hunting/rare-apps.yaml')).toEqual([]);
  });
});
