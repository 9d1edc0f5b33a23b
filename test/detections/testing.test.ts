import { describe, expect, it } from 'vitest';
import { runDetectionTests } from '../../src/detections/testing.js';
import { runRuleTests } from '../../src/rules/testing/index.js';
import { baseDetection, catalog, writeBeside, writeDetection } from './support.js';

const row = (time: string, extra = '') =>
  `{ TimeGenerated: ${time}, ReportId: 1, DeviceId: dev-1, DeviceName: wks-1, InitiatingProcessFileName: winword.exe, FileName: powershell.exe${extra} }`;

function run(detection: Record<string, any>, cases: string) {
  const path = writeDetection(detection);
  writeBeside(path, path.replace(/.*[\\/]/, '').replace('.yaml', '.test.yaml'), cases);
  const [file] = runDetectionTests([path.replace(/[\\/][^\\/]+$/, '')], catalog);
  return file;
}

const oneCase = (expectAlerts: number, rows: string[], extra = '') => `cases:
  - name: case
    now: 2026-01-10T12:00:00Z
    tables:
      DeviceProcessEvents:
${rows.map((r) => `        - ${r}`).join('\n')}
    expect: { alerts: ${expectAlerts}${extra} }
`;

describe('custom detection tests', () => {
  it('an hourly rule reads the default 4-hour lookback, not one hour (custom-detection-rules#rule-frequency)', () => {
    const file = run(baseDetection(), oneCase(1, [row('-3h'), row('-241m')]));
    expect(file.diagnostics).toEqual([]);
    expect(file.cases[0]).toMatchObject({ passed: true });
    expect(file.cases[0].alerts[0]).toMatchObject({
      displayName: 'Encoded PowerShell from Office',
      severity: 'High',
      tactics: ['Execution'],
      entities: [{ type: 'Host', identifiers: { deviceId: 'dev-1', name: 'wks-1' } }],
    });
  });

  it('a declared lookback replaces the default; a daily rule defaults to 30 days', () => {
    const declared = baseDetection();
    declared.schedule = { frequency: 'PT1H', lookback: 'PT2H' };
    expect(run(declared, oneCase(0, [row('-3h')])).cases[0].passed).toBe(true);
    const daily = baseDetection();
    daily.schedule = { frequency: 'P1D' };
    expect(run(daily, oneCase(1, [row('-29d'), row('-31d')])).cases[0].passed).toBe(true);
  });

  it('alertPerEvent is the default; singleAlert groups every event of the run', () => {
    const rows = [row('-10m'), row('-20m')];
    expect(run(baseDetection(), oneCase(2, rows)).cases[0].passed).toBe(true);
    const single = baseDetection();
    single.detectionAction.alertTemplate.eventGroupingKind = 'singleAlert';
    const result = run(single, oneCase(1, rows));
    expect(result.cases[0].passed).toBe(true);
    expect(result.cases[0].alerts[0].eventCount).toBe(2);
  });

  it('a Continuous (NRT) rule sees each event ingested before now, but not one ingested after', () => {
    const nrt = baseDetection();
    nrt.schedule = { frequency: 'PT0S' };
    const rows = [row('-2d'), row('-1m', ', _IngestionTime: +1m')];
    expect(run(nrt, oneCase(1, rows)).cases[0].passed).toBe(true);
  });

  it('a failing expectation fails the case with the difference', () => {
    const result = run(baseDetection(), oneCase(0, [row('-10m')]));
    expect(result.cases[0].passed).toBe(false);
    expect(result.cases[0].failures[0]).toMatch(/alerts: expected 0, got 1/);
  });

  it('the analytics-rule runner leaves detection tests alone, and the starter detection passes', () => {
    expect(runRuleTests(['kql/detections'], catalog)).toEqual([]);
    const [starter] = runDetectionTests(['kql/detections'], catalog);
    expect(starter.cases.map((c) => c.passed)).toEqual([true, true]);
  });
});
