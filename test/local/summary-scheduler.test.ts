import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectionRuleSchema } from '../../src/detections/model.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { tableToRecords } from '../../src/kql/index.js';
import { dateToTicks } from '../../src/kql/values/index.js';
import { Clock } from '../../src/local/clock.js';
import { DetectionScheduler } from '../../src/local/detection/custom-detections.js';
import { SummaryScheduler } from '../../src/local/detection/summary-rules.js';
import { Workspace } from '../../src/local/store/workspace.js';
import type { SummaryRule } from '../../src/summary/model.js';
import { destinationSchema } from '../../src/summary/run.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalog = loadCatalog(root);
const MINUTE = 60_000;

/** Simulated time the test moves by hand. */
class ManualClock extends Clock {
  now = new Date('2026-01-10T12:44:00Z');
  override date(): Date {
    return this.now;
  }
}

const rule: SummaryRule = {
  name: 'SigninFailuresHourly',
  ruleType: 'User',
  ruleDefinition: {
    query: 'SigninLogs | where ResultType != "0" | summarize Failures = count() by UserPrincipalName',
    binSize: 60,
    binDelay: 10,
    destinationTable: 'SigninFailures_CL',
  },
};
catalog.tables.set('SigninFailures_CL', destinationSchema(rule, catalog)!);

const failure = (at: string, user: string) => ({
  TimeGenerated: at,
  UserPrincipalName: user,
  ResultType: '50126',
});

describe('local summary rules and custom detections', () => {
  let dir: string;
  let workspace: Workspace;
  let clock: ManualClock;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-summary-sched-'));
    workspace = new Workspace(dir, catalog);
    clock = new ManualClock(new Date(), 1);
  });
  afterEach(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (iso: string) => dateToTicks(new Date(iso));

  it('runs each bin once, binDelay after its end, from the bin ending at the next whole hour, into the destination table', () => {
    const scheduler = new SummaryScheduler([rule], workspace, clock);
    // Before the rule existed (12:44): the 12:00–13:00 bin is its first, so 11:50 is never summarized.
    workspace.ingest(
      'SigninLogs',
      [failure('2026-01-10T11:50:00Z', 'old@contoso.com')],
      at('2026-01-10T11:51:00Z'),
    );
    workspace.ingest(
      'SigninLogs',
      [
        failure('2026-01-10T12:20:00Z', 'erin@contoso.com'),
        failure('2026-01-10T12:50:00Z', 'erin@contoso.com'),
      ],
      at('2026-01-10T12:51:00Z'),
    );
    clock.now = new Date(Date.parse('2026-01-10T13:09:00Z'));
    expect(scheduler.tick()).toBe(0);
    // Late: TimeGenerated in the first bin, ingested after it ran.
    clock.now = new Date(Date.parse('2026-01-10T13:10:00Z'));
    expect(scheduler.tick()).toBe(1);
    workspace.ingest(
      'SigninLogs',
      [failure('2026-01-10T12:55:00Z', 'late@contoso.com')],
      at('2026-01-10T13:12:00Z'),
    );
    clock.now = new Date(Date.parse('2026-01-10T13:10:00Z') + 60 * MINUTE);
    expect(scheduler.tick()).toBe(1);

    const rows = tableToRecords(workspace.table('SigninFailures_CL')!);
    expect(rows).toEqual([
      expect.objectContaining({
        UserPrincipalName: 'erin@contoso.com',
        Failures: 2,
        _RuleName: 'SigninFailuresHourly',
        _BinSize: 60,
      }),
    ]);
    const [last, first] = scheduler.status()[0].bins;
    expect([first.binStart, first.binEnd, first.rows]).toEqual([
      '2026-01-10T12:00:00Z',
      '2026-01-10T13:00:00Z',
      1,
    ]);
    expect([last.binStart, last.rows]).toEqual(['2026-01-10T13:00:00Z', 0]);
    expect(scheduler.status()[0].nextBin.runsAt).toBe('2026-01-10T15:10:00Z');
  });

  it('resumes from its saved state without re-running a bin', () => {
    const first = new SummaryScheduler([rule], workspace, clock);
    clock.now = new Date(Date.parse('2026-01-10T13:10:00Z'));
    expect(first.tick()).toBe(1);
    const second = new SummaryScheduler([rule], workspace, clock, first.snapshot());
    expect(second.tick()).toBe(0);
    expect(second.status()[0].nextBin.start).toBe('2026-01-10T13:00:00Z');
  });

  it('raises custom-detection alerts on the detection frequency, each Continuous event once', () => {
    const detection = detectionRuleSchema.parse({
      id: 'failed-signin',
      displayName: 'Failed sign-in',
      queryCondition: {
        queryText: 'SigninLogs | where ResultType != "0" | project TimeGenerated, UserPrincipalName',
      },
      schedule: { frequency: 'PT0S' },
      detectionAction: {
        alertTemplate: {
          title: 'Failed sign-in',
          severity: 'medium',
          entityMappings: { accounts: [{ upnColumn: 'UserPrincipalName' }] },
        },
      },
    });
    const scheduler = new DetectionScheduler([detection], workspace, clock);
    workspace.ingest(
      'SigninLogs',
      [failure('2026-01-10T12:40:00Z', 'before@contoso.com')],
      at('2026-01-10T12:40:00Z'),
    );
    scheduler.tick();
    workspace.ingest(
      'SigninLogs',
      [failure('2026-01-10T12:45:00Z', 'erin@contoso.com')],
      at('2026-01-10T12:45:00Z'),
    );
    clock.now = new Date(Date.parse('2026-01-10T12:47:00Z'));
    scheduler.tick();
    clock.now = new Date(Date.parse('2026-01-10T12:50:00Z'));
    scheduler.tick();
    const alerts = scheduler.recentAlerts();
    expect(alerts.map((a) => [a.detectionId, a.title, a.severity, a.entities[0]?.identifiers])).toEqual([
      ['failed-signin', 'Failed sign-in', 'Medium', { upn: 'erin@contoso.com' }],
    ]);
    expect(scheduler.health()[0]).toMatchObject({ alerts: 1 });
  });
});
