import { describe, expect, it } from 'vitest';
import { validateDetectionFiles } from '../../src/detections/validate.js';
import { baseDetection, catalog, mitre, writeDetection } from './support.js';

function check(detection: Record<string, unknown> | string) {
  const path = writeDetection(detection);
  return validateDetectionFiles([path], { catalog, mitre }).diagnostics;
}

const codes = (diagnostics: { code: string; severity: string }[]) =>
  diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code}`);

describe('custom detection validation', () => {
  it('accepts the base detection and the starter detection', () => {
    expect(codes(check(baseDetection()))).toEqual([]);
    const starter = validateDetectionFiles(['kql/detections/office-encoded-powershell.yaml'], {
      catalog,
      mitre,
    });
    expect(starter.diagnostics).toEqual([]);
    expect(starter.documents[0].rule?.schedule.frequency).toBe('PT1H');
  });

  it('binds the query against the advanced-hunting schemas, positioned inside queryCondition.queryText', () => {
    const d = baseDetection();
    d.queryCondition.queryText = 'DeviceProcessEvents\n| where NoSuchColumn == 1\n';
    const [error] = check(d).filter((x) => x.severity === 'error');
    expect(error).toMatchObject({ code: 'SK1103' });
    // queryText: | starts on line 5 of the stringified YAML; the bad column is on its 2nd line.
    expect(error.message).toMatch(/NoSuchColumn/);
    expect(error.line).toBeGreaterThan(3);
  });

  it('refuses the schedule.period and severity spellings Graph no longer accepts (period removed 2026-10-01)', () => {
    const d = baseDetection();
    d.schedule = { period: '1H' };
    d.detectionAction.alertTemplate.severity = 'High';
    const diagnostics = check(d);
    expect(diagnostics.find((x) => x.code === 'SK1012')).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/^unknown field 'schedule.period' \(Graph refuses it\)/),
    });
    expect(diagnostics.some((x) => x.severity === 'error' && /severity/.test(x.message))).toBe(true);
  });

  it('refuses a Custom frequency on Defender tables, and a lookback shorter than the frequency (security-ruleschedule)', () => {
    const custom = baseDetection();
    custom.schedule = { frequency: 'PT2H' };
    const [error] = check(custom).filter((x) => x.code === 'SK2003');
    expect(error.message).toMatch(/Custom frequency.*DeviceProcessEvents/);
    const short = baseDetection();
    short.schedule = { frequency: 'PT3H', lookback: 'PT1H' };
    expect(check(short).filter((x) => x.code === 'SK2003')[0].message).toMatch(/at least the frequency/);
    const ok = baseDetection();
    ok.schedule = { frequency: 'P1D', lookback: 'P7D' };
    expect(codes(check(ok))).toEqual([]);
  });

  it('accepts a Custom frequency for a query on Sentinel data only', () => {
    const d = baseDetection();
    d.queryCondition.queryText =
      'SigninLogs | project TimeGenerated, UserPrincipalName, AccountObjectId = UserId\n';
    d.schedule = { frequency: 'PT30M' };
    d.detectionAction.alertTemplate.entityMappings = { accounts: [{ upnColumn: 'UserPrincipalName' }] };
    expect(codes(check(d))).toEqual([]);
  });

  it('checks Continuous (NRT) rules: no lookback, one NRT table, no join/union, no comments', () => {
    const lookback = baseDetection();
    lookback.schedule = { frequency: 'PT0S', lookback: 'PT1H' };
    expect(
      check(lookback)
        .map((x) => x.message)
        .join('\n'),
    ).toMatch(/lookback is not supported for Continuous/);

    const join = baseDetection();
    join.schedule = { frequency: 'PT0S' };
    join.queryCondition.queryText =
      'DeviceProcessEvents\n| join kind=inner (DeviceNetworkEvents | project DeviceId, RemoteIP) on DeviceId\n' +
      '| project TimeGenerated, ReportId, DeviceId, DeviceName\n';
    const messages = check(join)
      .filter((x) => x.code === 'SK2004')
      .map((x) => x.message);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringMatching(/exactly one table/), expect.stringMatching(/'join'/)]),
    );

    const comment = baseDetection();
    comment.schedule = { frequency: 'PT0S' };
    comment.queryCondition.queryText = `// Office children\n${comment.queryCondition.queryText}`;
    expect(
      check(comment)
        .filter((x) => x.code === 'SK2004')
        .map((x) => x.message),
    ).toEqual(['Continuous (NRT) frequency: the query must not contain comments']);

    const sentinel = baseDetection();
    sentinel.schedule = { frequency: 'PT0S' };
    sentinel.queryCondition.queryText = 'SecurityEvent | project TimeGenerated, Computer\n';
    sentinel.detectionAction.alertTemplate.entityMappings = { hosts: [{ nameColumn: 'Computer' }] };
    expect(check(sentinel).filter((x) => x.code === 'SK2004')[0].message).toMatch(
      /SecurityEvent does not support/,
    );
  });

  it('requires every mapped and acted-on column in the result, at the column name', () => {
    const d = baseDetection();
    d.detectionAction.alertTemplate.entityMappings.accounts = [{ upnColumn: 'AccountUpn' }];
    d.detectionAction.automatedActions = {
      isolateDevices: [{ deviceIdColumn: 'DeviceId', isolationType: 'full' }],
      disableUsers: [{ accountSidColumn: 'AccountName' }],
      markUsersAsCompromised: [{ accountObjectIdColumn: 'AccountObjectId' }],
    };
    const diagnostics = check(d);
    const missing = diagnostics.filter((x) => x.code === 'SK2001').map((x) => x.message);
    expect(missing).toEqual([
      "upnColumn 'AccountUpn' is not a column of the query result (Defender only lets you pick returned columns)",
      "accountObjectIdColumn 'AccountObjectId' is not a column of the query result (Defender only lets you pick returned columns)",
    ]);
    // Disable user needs the SID columns the docs list, not a name.
    expect(diagnostics.filter((x) => x.code === 'SK2007').map((x) => x.message)).toEqual([
      expect.stringMatching(/disableUsers acts on AccountSid.*'AccountName'/),
    ]);
  });

  it('refuses entity-mapping fields the mapping type does not have (security-hostentitymapping)', () => {
    const d = baseDetection();
    d.detectionAction.alertTemplate.entityMappings.hosts = [{ hostNameColumn: 'DeviceName' }];
    d.detectionAction.alertTemplate.entityMappings.processes = [{ commandLineColumn: 'FileName' }];
    const unknown = check(d).filter((x) => x.code === 'SK1012');
    expect(unknown.map((x) => `${x.severity} ${x.message.split(' (')[0]}`)).toEqual([
      "error unknown field 'detectionAction.alertTemplate.entityMappings.hosts[0].hostNameColumn'",
      "error unknown field 'detectionAction.alertTemplate.entityMappings.processes[0].commandLineColumn'",
    ]);
  });

  it('refuses an isolateDevices action without a valid isolationType', () => {
    const d = baseDetection();
    d.detectionAction.automatedActions = {
      isolateDevices: [{ deviceIdColumn: 'DeviceId', isolationType: 'partial' }],
    };
    expect(
      check(d)
        .filter((x) => x.severity === 'error')
        .map((x) => x.message)
        .join('\n'),
    ).toMatch(/isolationType.*full, selective/);
  });

  it('warns about DeviceId/ReportId and Timestamp missing, and refuses a result with no identifying column', () => {
    const d = baseDetection();
    d.queryCondition.queryText = 'DeviceProcessEvents | summarize count() by FileName\n';
    d.detectionAction.alertTemplate.entityMappings = {};
    const found = check(d).filter((x) => x.code === 'SK2002');
    expect(found.map((x) => `${x.severity}: ${x.message.split(':')[0]}`)).toEqual([
      'warning: the query result has no Timestamp or TimeGenerated column',
      'warning: the query result has no DeviceId column',
      'warning: the query result has no ReportId column',
      expect.stringMatching(
        /^error: the query result has no column that identifies a device, user or mailbox/,
      ),
    ]);
  });

  it('reports unknown MITRE tactics and techniques, and duplicate ids across files', () => {
    const d = baseDetection();
    d.detectionAction.alertTemplate.tactics = [{ tactic: 'Exekution', techniques: [{ technique: 'T9999' }] }];
    expect(
      check(d)
        .filter((x) => x.code === 'SK2006')
        .map((x) => x.message),
    ).toEqual(["unknown MITRE ATT&CK tactic 'Exekution'", "unknown MITRE ATT&CK technique 'T9999'"]);
    const a = writeDetection(baseDetection());
    const b = writeDetection(baseDetection());
    const dup = validateDetectionFiles([a, b], { catalog, mitre }).diagnostics.filter(
      (x) => x.code === 'SK2005',
    );
    expect(dup).toHaveLength(1);
    expect(dup[0].file).toMatch(/d\d+\.yaml$/);
  });
});
