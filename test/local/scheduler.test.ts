import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { automationRuleSchema } from '../../src/automation/model.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { tableToRecords } from '../../src/kql/index.js';
import { AutomationRunner } from '../../src/local/automation/runner.js';
import { Clock } from '../../src/local/clock.js';
import { Scheduler } from '../../src/local/detection/scheduler.js';
import { IncidentStore } from '../../src/local/incidents/store.js';
import { Workspace } from '../../src/local/store/workspace.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import { alertEntities, alertTriggerBody, parseAlertTrigger } from '../../src/sentinel/alertTrigger.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const catalog = loadCatalog(root);
const start = new Date('2026-01-10T12:00:00Z');
const HOUR = 3_600_000;

/** Simulated time the test moves by hand, so each rule run happens exactly when the test says. */
class ManualClock extends Clock {
  now = start;
  override date(): Date {
    return this.now;
  }
}

function rule(overrides: Partial<AnalyticsRule> = {}): AnalyticsRule {
  return {
    id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
    name: 'Failed sign-in',
    description: 'A failed sign-in',
    severity: 'Medium',
    kind: 'Scheduled',
    query: 'SigninLogs | where ResultType != "0"',
    queryFrequency: '1h',
    queryPeriod: '1h',
    triggerOperator: 'gt',
    triggerThreshold: 0,
    entityMappings: [
      { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }] },
    ],
    ...overrides,
  };
}

describe('local scheduler', () => {
  let dir: string;
  let workspace: Workspace;
  let incidents: IncidentStore;
  let clock: ManualClock;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-scheduler-'));
    workspace = new Workspace(dir, catalog);
    incidents = new IncidentStore(dir, { subscriptionId: 's', resourceGroup: 'g', workspaceName: 'w' });
    clock = new ManualClock();
  });
  afterEach(() => {
    workspace.close();
    incidents.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const failedSignin = (minutesBefore: number, user = 'alice@contoso.com') =>
    workspace.ingest(
      'SigninLogs',
      [
        {
          TimeGenerated: new Date(clock.now.getTime() - minutesBefore * 60_000).toISOString(),
          UserPrincipalName: user,
          ResultType: '50126',
        },
      ],
      clock.ticks(),
    );
  const advance = (hours: number) => {
    clock.now = new Date(clock.now.getTime() + hours * HOUR);
  };
  const eventGrouping = () =>
    (workspace.table('SecurityAlert')?.rows ?? []).map((row) => {
      const columns = workspace.table('SecurityAlert')?.columns ?? [];
      const extended = row[columns.findIndex((c) => c.name === 'ExtendedProperties')];
      return JSON.parse(String(extended))['Event Grouping'];
    });

  // https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#event-grouping
  it('SecurityAlert rows of a SingleAlert rule say "Event Grouping: SingleAlert"', () => {
    const scheduler = new Scheduler([rule()], workspace, incidents, clock);
    failedSignin(10);
    failedSignin(5, 'bob@contoso.com');
    scheduler.tick();
    expect(eventGrouping()).toEqual(['SingleAlert']);
  });

  it('SecurityAlert rows of an AlertPerResult rule say "Event Grouping: AlertPerResult"', () => {
    const perResult = rule({ eventGroupingSettings: { aggregationKind: 'AlertPerResult' } });
    const scheduler = new Scheduler([perResult], workspace, incidents, clock);
    failedSignin(10);
    failedSignin(5, 'bob@contoso.com');
    scheduler.tick();
    expect(eventGrouping()).toEqual(['AlertPerResult', 'AlertPerResult']);
  });

  // SecurityAlert.Entities holds `[{"$id":"2",...identifiers,"Type":"account"}]` (security-alert-schema),
  // the form queries over SecurityAlert (e.g. the rule-noise report) and alert trigger bodies carry.
  it('SecurityAlert rows carry Entities in the SecurityAlert form, which an alert trigger body reads back', () => {
    const scheduler = new Scheduler([rule()], workspace, incidents, clock);
    failedSignin(10);
    scheduler.tick();
    const [row] = tableToRecords(workspace.table('SecurityAlert') ?? { columns: [], rows: [] });
    expect(JSON.parse(String(row.Entities))).toEqual([
      { $id: '2', FullName: 'alice@contoso.com', Type: 'account' },
    ]);
    expect(alertEntities(row.Entities).accounts.map((a) => a.userPrincipalName)).toEqual([
      'alice@contoso.com',
    ]);
    const body = alertTriggerBody(row, {
      workspaceId: '11111111-1111-1111-1111-111111111111',
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'g',
    });
    expect(body).toMatchObject({
      AlertDisplayName: 'Failed sign-in',
      Severity: 'Medium',
      SystemAlertId: row.SystemAlertId,
    });
    expect(Array.isArray(body.Entities)).toBe(true);
    expect(parseAlertTrigger(body)).toMatchObject({ ok: true, alert: { systemAlertId: row.SystemAlertId } });
  });

  // https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#query-scheduling
  it('a rule with startRunningAt does not run before that time, then runs every queryFrequency', () => {
    const later = rule({ startRunningAt: '2026-01-10T14:00:00Z' });
    const scheduler = new Scheduler([later], workspace, incidents, clock);
    failedSignin(10);
    expect(scheduler.tick()).toBe(0);
    advance(2);
    failedSignin(10);
    expect(scheduler.tick()).toBe(1);
    expect(scheduler.health()[0].lastRun).toBe('2026-01-10T14:00:00Z');
  });

  // "Reopening incidents: ... leave as Disabled if you want the new alert to create a new incident."
  // https://learn.microsoft.com/en-us/azure/sentinel/scheduled-rules-overview#alert-grouping
  const grouped = (reopenClosedIncident: boolean) =>
    rule({
      incidentConfiguration: {
        createIncident: true,
        groupingConfiguration: {
          enabled: true,
          lookbackDuration: '5h',
          matchingMethod: 'AllEntities',
          reopenClosedIncident,
        },
      },
    });
  const closeAll = () => {
    for (const incident of incidents.list()) {
      incidents.update(incident.name, { status: 'Closed', classification: 'BenignPositive' }, clock.iso());
    }
  };

  it('an alert matching a closed incident opens a new incident when reopenClosedIncident is off', () => {
    const scheduler = new Scheduler([grouped(false)], workspace, incidents, clock);
    failedSignin(10);
    scheduler.tick();
    closeAll();
    advance(1);
    failedSignin(10);
    scheduler.tick();
    const byNumber = incidents
      .list()
      .sort((a, b) => a.properties.incidentNumber - b.properties.incidentNumber);
    expect(byNumber.map((i) => [i.properties.status, i.properties.additionalData.alertsCount])).toEqual([
      ['Closed', 1],
      ['New', 1],
    ]);
  });

  it('an alert matching a closed incident reopens it when reopenClosedIncident is on', () => {
    const scheduler = new Scheduler([grouped(true)], workspace, incidents, clock);
    failedSignin(10);
    scheduler.tick();
    closeAll();
    advance(1);
    failedSignin(10);
    scheduler.tick();
    expect(
      incidents.list().map((i) => [i.properties.status, i.properties.additionalData.alertsCount]),
    ).toEqual([['Active', 2]]);
  });

  // "When incident is updated: ... Alerts are added to an incident"; "Updated by: an alert grouping".
  // https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules#incident-update-trigger
  it('an alert grouped into an open incident fires incident-updated rules with Updated by = alert grouping', async () => {
    const runner = new AutomationRunner(
      [
        automationRuleSchema.parse({
          id: '6f1d2c3b-8a4e-4f5d-9c2b-1e7a3d5f9b80',
          displayName: 'on grouped alert',
          order: 1,
          trigger: 'incident-updated',
          conditions: { updatedBy: ['AlertGrouping'], added: ['alerts'] },
          actions: [{ addLabels: ['regrouped'] }],
        }),
      ],
      incidents,
      clock,
      async () => ({ status: 200, body: '{}' }),
    );
    const scheduler = new Scheduler([grouped(false)], workspace, incidents, clock);
    failedSignin(10);
    scheduler.tick();
    await runner.idle();
    expect(incidents.list()[0].properties.labels).toEqual([]);
    advance(1);
    failedSignin(10);
    scheduler.tick();
    await runner.idle();
    expect(incidents.list().map((i) => i.properties.labels.map((l) => l.labelName))).toEqual([['regrouped']]);
  });
});
