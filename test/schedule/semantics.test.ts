import { describe, expect, it } from 'vitest';
import { type Column, columnarTable, type Table } from '../../src/kql/index.js';
import { parseDateTime, TICKS_PER_HOUR, TICKS_PER_MINUTE, type Value } from '../../src/kql/values/index.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import {
  type Alert,
  buildAlerts,
  IncidentGrouper,
  indexTable,
  queryWindow,
  rowTable,
  runSettings,
  sliceTable,
  type WindowTable,
} from '../../src/rules/schedule/index.js';

const T = parseDateTime('2026-01-10T12:00:00Z')!;
const minutes = (n: number) => BigInt(n) * TICKS_PER_MINUTE;

function rule(overrides: Partial<AnalyticsRule> = {}): AnalyticsRule {
  return {
    id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
    name: 'Password spray',
    description: 'Many failed sign-ins from one IP',
    severity: 'Medium',
    kind: 'Scheduled',
    query: 'SigninLogs',
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics: ['CredentialAccess'],
    ...overrides,
  };
}

const signinColumns: Column[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'UserPrincipalName', type: 'string' },
  { name: 'IPAddress', type: 'string' },
  { name: 'Failures', type: 'long' },
];

function signins(rows: [number, string, string, number][]): Table {
  return {
    columns: signinColumns,
    rows: rows.map(([m, user, ip, n]) => [T + minutes(m), user, ip, n] as Value[]),
  };
}

const run = { at: T, windowStart: T - TICKS_PER_HOUR, windowEnd: T };
const userAndIp: AnalyticsRule['entityMappings'] = [
  { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
  { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] },
];

function alertsOf(r: AnalyticsRule, table: Table): Alert[] {
  return buildAlerts(r, runSettings(r), table, run);
}

// A window is taken the same way from row arrays (rule tests, local SOC) and columns (backtests).
const forms: [string, (t: Table) => WindowTable][] = [
  ['row arrays', (t) => t],
  ['columns', (t) => columnarTable(t.columns, t.rows)],
];

describe.each(forms)('query window over %s', (_form, held) => {
  it('a scheduled run at T sees TimeGenerated in [T - queryPeriod, T): start inclusive, end exclusive', () => {
    const settings = runSettings(rule());
    const table = indexTable(
      held(
        signins([
          [-61, 'a', 'x', 1],
          [-60, 'b', 'x', 1],
          [-1, 'c', 'x', 1],
          [0, 'd', 'x', 1],
        ]),
      ),
    );
    const seen = rowTable(sliceTable(table, 'Scheduled', queryWindow(settings, T))).rows.map((r) => r[1]);
    expect(seen).toEqual(['b', 'c']);
  });

  it('rows ingested more than 5 minutes after the scheduled time are not yet visible', () => {
    const settings = runSettings(rule());
    const source = signins([
      [-10, 'on-time', 'x', 1],
      [-10, 'late-4m', 'x', 1],
      [-10, 'late-6m', 'x', 1],
    ]);
    const ingestion = [undefined, T + minutes(4), T + minutes(6)];
    const seen = rowTable(
      sliceTable(indexTable(held(source), ingestion), 'Scheduled', queryWindow(settings, T)),
    ).rows.map((r) => r[1]);
    expect(seen).toEqual(['on-time', 'late-4m']);
  });

  it('an NRT run sees the rows ingested in the preceding minute whatever their TimeGenerated', () => {
    const settings = runSettings(rule({ kind: 'NRT', queryFrequency: undefined, queryPeriod: undefined }));
    const source = signins([
      [-90, 'old-but-just-ingested', 'x', 1],
      [-2, 'ingested-2m-ago', 'x', 1],
      [-1, 'now', 'x', 1],
    ]);
    const ingestion = [T - minutes(1) / 2n, undefined, undefined];
    const seen = rowTable(
      sliceTable(indexTable(held(source), ingestion), 'NRT', queryWindow(settings, T)),
    ).rows.map((r) => r[1]);
    expect(seen.sort()).toEqual(['now', 'old-but-just-ingested']);
  });

  it('sorts rows by TimeGenerated, drops a null one, and keeps each row with its ingestion time', () => {
    const settings = runSettings(rule());
    const source = signins([
      [-3, 'c', 'x', 3],
      [-50, 'null-time', 'x', 0],
      [-5, 'a', 'x', 1],
      [-4, 'b', 'x', 2],
    ]);
    source.rows[1][0] = null;
    const ingestion = [T - minutes(1), undefined, undefined, T + minutes(2)];
    const seen = rowTable(
      sliceTable(indexTable(held(source), ingestion), 'Scheduled', queryWindow(settings, T)),
    );
    expect(seen.rows.map((r) => [r[1], r[3]])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(seen.ingestion).toEqual([T + minutes(-5), T + minutes(2), T - minutes(1)]);
  });

  it('keeps each row with its TimeGenerated once sorted (a column of 64-bit ticks becomes the index times)', () => {
    const settings = runSettings(rule());
    const source = signins([
      [-3, 'c', 'x', 3],
      [-50, 'null-time', 'x', 0],
      [-5, 'a', 'x', 1],
      [-4, 'b', 'x', 2],
    ]);
    source.rows[1][0] = null;
    const seen = rowTable(sliceTable(indexTable(held(source)), 'Scheduled', queryWindow(settings, T)));
    expect(seen.rows.map((r) => [r[1], r[0]])).toEqual([
      ['a', T - minutes(5)],
      ['b', T - minutes(4)],
      ['c', T - minutes(3)],
    ]);
  });
});

describe('trigger', () => {
  const three = signins([
    [-5, 'a', 'x', 1],
    [-4, 'b', 'x', 1],
    [-3, 'c', 'x', 1],
  ]);
  it.each([
    ['gt', 2, 1],
    ['gt', 3, 0],
    ['lt', 4, 1],
    ['lt', 3, 0],
    ['eq', 3, 1],
    ['eq', 2, 0],
    ['ne', 2, 1],
    ['ne', 3, 0],
  ] as const)('%s %i on 3 result rows gives %i alert(s)', (operator, threshold, expected) => {
    expect(alertsOf(rule({ triggerOperator: operator, triggerThreshold: threshold }), three)).toHaveLength(
      expected,
    );
  });
});

describe('event grouping', () => {
  const rows = signins([
    [-5, 'alice@contoso.com', '203.0.113.5', 3],
    [-4, 'bob@contoso.com', '203.0.113.5', 4],
  ]);

  it('SingleAlert: one alert for all rows, entities from every row de-duplicated, custom details list every row', () => {
    const alerts = alertsOf(
      rule({ entityMappings: userAndIp, customDetails: { Failures: 'Failures' } }),
      rows,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].eventCount).toBe(2);
    expect(alerts[0].entities).toEqual([
      { type: 'Account', identifiers: { FullName: 'alice@contoso.com' } },
      { type: 'Account', identifiers: { FullName: 'bob@contoso.com' } },
      { type: 'IP', identifiers: { Address: '203.0.113.5' } },
    ]);
    expect(alerts[0].customDetails).toEqual({ Failures: ['3', '4'] });
  });

  it('AlertPerResult: one alert per row with that row entities and details', () => {
    const r = rule({
      entityMappings: userAndIp,
      customDetails: { Failures: 'Failures' },
      eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    });
    const alerts = alertsOf(r, rows);
    expect(alerts.map((a) => a.customDetails.Failures)).toEqual([['3'], ['4']]);
    expect(alerts[1].entities).toEqual([
      { type: 'Account', identifiers: { FullName: 'bob@contoso.com' } },
      { type: 'IP', identifiers: { Address: '203.0.113.5' } },
    ]);
  });

  it('AlertPerResult over 150 rows: 149 single alerts and a 150th that summarizes all rows', () => {
    const many = signins(
      Array.from({ length: 200 }, (_, i) => [-30, `u${i}`, 'x', i] as [number, string, string, number]),
    );
    const alerts = alertsOf(rule({ eventGroupingSettings: { aggregationKind: 'AlertPerResult' } }), many);
    expect(alerts).toHaveLength(150);
    expect(alerts.filter((a) => a.summary)).toHaveLength(1);
    expect(alerts[148]).toMatchObject({ eventCount: 1, summary: false });
    expect(alerts[149]).toMatchObject({ eventCount: 200, summary: true });
  });

  it('NRT AlertPerResult caps at 30 alerts: 29 single and one summary', () => {
    const many = signins(
      Array.from({ length: 31 }, (_, i) => [-1, `u${i}`, 'x', i] as [number, string, string, number]),
    );
    const r = rule({ kind: 'NRT', eventGroupingSettings: { aggregationKind: 'AlertPerResult' } });
    const alerts = alertsOf(r, many);
    expect(alerts).toHaveLength(30);
    expect(alerts[29]).toMatchObject({ eventCount: 31, summary: true });
  });
});

describe('entities', () => {
  it('empty identifiers are dropped and an entity without any identifier is not created', () => {
    const r = rule({
      entityMappings: [
        {
          entityType: 'Account',
          fieldMappings: [
            { identifier: 'FullName', columnName: 'UserPrincipalName' },
            { identifier: 'Name', columnName: 'IPAddress' },
          ],
        },
      ],
    });
    const alerts = alertsOf(
      r,
      signins([
        [-5, 'alice@contoso.com', '', 1],
        [-4, '', '', 1],
      ]),
    );
    expect(alerts[0].entities).toEqual([{ type: 'Account', identifiers: { FullName: 'alice@contoso.com' } }]);
  });

  it('at most 500 entities per alert, divided equally between the mappings (250 each for two)', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [-5, `user${i}`, `10.0.${i >> 8}.${i & 255}`, 1]);
    const alerts = alertsOf(
      rule({ entityMappings: userAndIp }),
      signins(rows as [number, string, string, number][]),
    );
    const byType = (t: string) => alerts[0].entities.filter((e) => e.type === t).length;
    expect([byType('Account'), byType('IP')]).toEqual([250, 250]);
  });
});

describe('size caps', () => {
  // "The size limit for the entire entities area of an alert (the Entities field) is 64 KB ... entities
  // are added to the alert one by one until the field size reaches 64 KB"
  // https://learn.microsoft.com/en-us/azure/sentinel/map-data-fields-to-entities
  it('entities stop where the Entities field would pass 64 KB, and the alert says it was truncated', () => {
    const long = (i: number) => `${'x'.repeat(400)}-${i}@contoso.com`;
    const rows = Array.from(
      { length: 300 },
      (_, i) => [-5, long(i), '', 1] as [number, string, string, number],
    );
    const [alert] = alertsOf(rule({ entityMappings: userAndIp }), signins(rows));
    const size = Buffer.byteLength(
      JSON.stringify(
        alert.entities.map((e, i) => ({ $id: String(i + 2), ...e.identifiers, Type: 'account' })),
      ),
    );
    expect(alert.entitiesTruncated).toBe(true);
    expect(alert.entities.length).toBeLessThan(250);
    expect(size).toBeLessThanOrEqual(64 * 1024);
    expect(size).toBeGreaterThan(63 * 1024);
    const [small] = alertsOf(
      rule({ entityMappings: userAndIp }),
      signins([[-5, 'alice@contoso.com', '', 1]]),
    );
    expect(small.entitiesTruncated).toBe(false);
  });

  // "The combined size limit for all custom details and alert details, collectively, is 64 KB."
  // https://learn.microsoft.com/en-us/azure/sentinel/surface-custom-details-in-alerts
  it('custom details and alert details together over 64 KB mark the alert (what Sentinel does then is undocumented)', () => {
    const rows = Array.from(
      { length: 200 },
      (_, i) => [-5, `${'y'.repeat(400)}${i}`, '', 1] as [number, string, string, number],
    );
    const r = rule({ customDetails: { User: 'UserPrincipalName' } });
    expect(alertsOf(r, signins(rows))[0].detailsOverCap).toBe(true);
    expect(alertsOf(r, signins(rows.slice(0, 10)))[0].detailsOverCap).toBe(false);
  });
});

describe('alertDetailsOverride', () => {
  const rows = signins([
    [-5, 'alice@contoso.com', '203.0.113.5', 12],
    [-4, 'bob@contoso.com', '198.51.100.7', 1],
  ]);

  it('{{Column}} placeholders take the first row values in a SingleAlert alert', () => {
    const r = rule({
      alertDetailsOverride: {
        alertDisplayNameFormat: 'Password spray from {{IPAddress}}',
        alertDescriptionFormat: '{{Failures}} failures for {{UserPrincipalName}}',
      },
    });
    const [alert] = alertsOf(r, rows);
    expect(alert.displayName).toBe('Password spray from 203.0.113.5');
    expect(alert.description).toBe('12 failures for alice@contoso.com');
  });

  it('a placeholder with no value reverts the field to the rule default', () => {
    const r = rule({
      alertDetailsOverride: {
        alertDisplayNameFormat: 'Spray on {{NoSuchColumn}}',
        alertDescriptionFormat: 'From {{IPAddress}}',
      },
    });
    const [alert] = alertsOf(r, signins([[-5, 'alice@contoso.com', '', 1]]));
    expect(alert.displayName).toBe('Password spray');
    expect(alert.description).toBe('Many failed sign-ins from one IP');
  });

  // The documented form is {{ColumnName}}; what Sentinel does with '{{ IPAddress }}' is not documented.
  // https://learn.microsoft.com/en-us/azure/sentinel/customize-alert-details
  it('a placeholder not of the documented {{ColumnName}} form is refused, not left unsubstituted', () => {
    const r = rule({ alertDetailsOverride: { alertDisplayNameFormat: 'Spray from {{ IPAddress }}' } });
    expect(() => alertsOf(r, rows)).toThrow(/not a placeholder of the documented form \{\{ColumnName\}\}/);
  });

  it('severity from a column applies only when it is a valid severity', () => {
    const table: Table = {
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Sev', type: 'string' },
      ],
      rows: [
        [T, 'high'],
        [T, 'Critical'],
      ],
    };
    const r = rule({
      alertDetailsOverride: { alertSeverityColumnName: 'Sev' },
      eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    });
    expect(alertsOf(r, table).map((a) => a.severity)).toEqual(['High', 'Medium']);
  });

  // "If the selected parameter has no value (or an invalid value in the case of tactics and
  // severity), the alert details will revert to the defaults"
  // https://learn.microsoft.com/en-us/azure/sentinel/customize-alert-details
  it('an invalid value in the tactics column reverts to the rule tactics', () => {
    const table: Table = {
      columns: [
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'Tactics', type: 'string' },
      ],
      rows: [
        [T, 'InitialAccess, execution'],
        [T, 'NotATactic'],
        [T, '["Persistence", "Bogus"]'],
        [T, ''],
      ],
    };
    const r = rule({
      alertDetailsOverride: { alertTacticsColumnName: 'Tactics' },
      eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    });
    expect(alertsOf(r, table).map((a) => a.tactics)).toEqual([
      ['InitialAccess', 'Execution'],
      ['CredentialAccess'],
      ['CredentialAccess'],
      ['CredentialAccess'],
    ]);
  });
});

describe('incident grouping', () => {
  const alertFor = (user: string, at: bigint, severity: Alert['severity'] = 'Medium'): Alert => ({
    ruleId: 'r',
    ruleName: 'r',
    displayName: `Spray on ${user}`,
    description: '',
    severity,
    tactics: [],
    entities: [{ type: 'Account', identifiers: { FullName: user } }],
    customDetails: { Source: [user === 'alice' ? 'vpn' : 'web'] },
    generatedAt: at,
    windowStart: at - TICKS_PER_HOUR,
    windowEnd: at,
    eventCount: 1,
    summary: false,
    entitiesTruncated: false,
    detailsOverCap: false,
  });
  const grouping = (
    over: Partial<NonNullable<ReturnType<typeof runSettings>['incident']['grouping']>> = {},
  ) => ({
    createIncident: true,
    grouping: {
      lookback: 5n * TICKS_PER_HOUR,
      matchingMethod: 'AllEntities' as const,
      reopenClosedIncident: false,
      groupByEntities: [],
      groupByAlertDetails: [],
      groupByCustomDetails: [],
      ...over,
    },
  });

  it('without grouping every alert gets its own incident; createIncident false creates none', () => {
    const separate = new IncidentGrouper({ createIncident: true });
    separate.add([alertFor('alice', T), alertFor('alice', T)], T);
    expect(separate.incidents).toHaveLength(2);
    const none = new IncidentGrouper({ createIncident: false });
    none.add([alertFor('alice', T)], T);
    expect(none.incidents).toHaveLength(0);
  });

  it('AllEntities groups alerts whose entities are identical, across runs', () => {
    const g = new IncidentGrouper(grouping());
    g.add([alertFor('alice', T), alertFor('bob', T)], T);
    g.add([alertFor('alice', T + TICKS_PER_HOUR)], T + TICKS_PER_HOUR);
    expect(g.incidents.map((i) => i.alerts.length)).toEqual([2, 1]);
  });

  it('AnyAlert puts every alert in one incident', () => {
    const g = new IncidentGrouper(grouping({ matchingMethod: 'AnyAlert' }));
    g.add([alertFor('alice', T), alertFor('bob', T)], T);
    expect(g.incidents).toHaveLength(1);
  });

  it('Selected groups by the chosen custom details and alert details only', () => {
    const g = new IncidentGrouper(
      grouping({ matchingMethod: 'Selected', groupByAlertDetails: ['Severity'] }),
    );
    g.add([alertFor('alice', T), alertFor('bob', T), alertFor('carol', T, 'High')], T);
    expect(g.incidents.map((i) => i.alerts.length)).toEqual([2, 1]);
    const byDetail = new IncidentGrouper(
      grouping({ matchingMethod: 'Selected', groupByCustomDetails: ['Source'] }),
    );
    byDetail.add([alertFor('alice', T), alertFor('bob', T), alertFor('carol', T)], T);
    expect(byDetail.incidents.map((i) => i.alerts.length)).toEqual([1, 2]);
  });

  it('an alert after the lookback (counted from the incident first alert) opens a new incident', () => {
    const g = new IncidentGrouper(grouping({ lookback: 5n * TICKS_PER_HOUR }));
    g.add([alertFor('alice', T)], T);
    g.add([alertFor('alice', T + 5n * TICKS_PER_HOUR)], T + 5n * TICKS_PER_HOUR);
    g.add([alertFor('alice', T + 6n * TICKS_PER_HOUR)], T + 6n * TICKS_PER_HOUR);
    expect(g.incidents.map((i) => i.alerts.length)).toEqual([2, 1]);
  });

  it('an incident holds at most 150 alerts; the excess opens a new incident', () => {
    const g = new IncidentGrouper(grouping({ matchingMethod: 'AnyAlert' }));
    g.add(
      Array.from({ length: 160 }, () => alertFor('alice', T)),
      T,
    );
    expect(g.incidents.map((i) => i.alerts.length)).toEqual([150, 10]);
  });

  // "a new incident is generated with the same incident details as the original"
  // https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#alert-grouping
  it('the incident opened past the 150-alert cap carries the original incident details, not the overflow alert', () => {
    const g = new IncidentGrouper(grouping({ matchingMethod: 'AnyAlert' }));
    const first = Array.from({ length: 150 }, () => alertFor('alice', T));
    const overflow = { ...alertFor('bob', T, 'High'), description: 'bob overflow' };
    g.add([...first, overflow], T);
    expect(g.incidents.map((i) => [i.title, i.severity, i.alerts.length])).toEqual([
      ['Spray on alice', 'Medium', 150],
      ['Spray on alice', 'Medium', 1],
    ]);
  });

  it('a closed incident is reopened only with reopenClosedIncident', () => {
    const keep = new IncidentGrouper(grouping());
    keep.add([alertFor('alice', T)], T);
    keep.close(1);
    keep.add([alertFor('alice', T + TICKS_PER_HOUR)], T + TICKS_PER_HOUR);
    expect(keep.incidents.map((i) => [i.status, i.alerts.length])).toEqual([
      ['Closed', 1],
      ['New', 1],
    ]);
    const reopen = new IncidentGrouper(grouping({ reopenClosedIncident: true }));
    reopen.add([alertFor('alice', T)], T);
    reopen.close(1);
    reopen.add([alertFor('alice', T + TICKS_PER_HOUR)], T + TICKS_PER_HOUR);
    expect(reopen.incidents.map((i) => [i.status, i.alerts.length])).toEqual([['New', 2]]);
  });
});
