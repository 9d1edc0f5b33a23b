import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileAutomationRule } from '../../src/automation/compile.js';
import { loadAutomationFile } from '../../src/automation/load.js';
import { type AutomationRule, automationRuleSchema } from '../../src/automation/model.js';
import { checkDeployable } from '../../src/automation/validate.js';
import { AutomationRunner, type ResponderTarget } from '../../src/local/automation/runner.js';
import { Clock } from '../../src/local/clock.js';
import { type IncidentProperties, IncidentStore, type NewIncident } from '../../src/local/incidents/store.js';

const RULE_A = '8d06e0eb-0b7f-4326-8493-303f6bcbb6e2';
const RULE_B = '514cd7d2-3289-4095-bbe9-faaee4f748c2';
let nextId = 0;

function automationRule(fields: Record<string, unknown>): AutomationRule {
  nextId++;
  return automationRuleSchema.parse({
    id: `00000000-0000-4000-8000-${String(nextId).padStart(12, '0')}`,
    displayName: `rule ${nextId}`,
    order: 10,
    ...fields,
  });
}

const newIncident = (over: Partial<NewIncident> = {}): NewIncident => ({
  title: 'Password spray from 203.0.113.5',
  description: 'd',
  severity: 'Medium',
  status: 'New',
  owner: {},
  labels: [],
  firstActivityTimeUtc: '2026-01-10T11:00:00Z',
  lastActivityTimeUtc: '2026-01-10T12:00:00Z',
  relatedAnalyticRuleIds: [RULE_A],
  additionalData: { alertsCount: 1, tactics: ['CredentialAccess'], alertIds: ['a1'] },
  relatedEntities: [],
  ...over,
});

describe('local automation rules', () => {
  let dir: string;
  let store: IncidentStore;
  // 60,000 simulated seconds per real second: the 2-minute playbook limit passes in 2 real ms.
  const clock = new Clock(new Date('2026-01-10T12:00:00Z'), 60_000);
  const calls: { responder: string; target: ResponderTarget }[] = [];
  const quickResponder = async (responder: string, target: ResponderTarget) => {
    calls.push({ responder, target });
    return { status: 200, body: '{"actions":[]}' };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-automation-'));
    store = new IncidentStore(dir, { subscriptionId: 's', resourceGroup: 'g', workspaceName: 'w' });
    calls.length = 0;
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const actions = (name: string) => store.activityOf(name).map((a) => `${a.actor}: ${a.action}`);
  const labelsOf = (name: string) => store.get(name)?.properties.labels.map((l) => l.labelName);

  // "If an incident triggers both create-trigger and update-trigger automation rules, the create-trigger
  // rules will run first, according to their Order numbers, and then the update-trigger rules"
  // https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules#incident-update-trigger
  it('incident-updated rules run after all incident-created rules when a created rule changed the incident', async () => {
    const runner = new AutomationRunner(
      [
        automationRule({
          displayName: 'on update',
          order: 1,
          trigger: 'incident-updated',
          conditions: { changedTo: { severity: ['High'] } },
          actions: [{ addLabels: ['escalated'] }],
        }),
        automationRule({
          displayName: 'raise',
          order: 10,
          trigger: 'incident-created',
          actions: [{ setSeverity: 'High' }],
        }),
        automationRule({
          displayName: 'tag',
          order: 20,
          trigger: 'incident-created',
          actions: [{ addLabels: ['new'] }],
        }),
      ],
      store,
      clock,
      quickResponder,
    );
    const incident = store.create(newIncident(), clock.iso());
    await runner.idle();
    expect(actions(incident.name)).toEqual([
      "automation rule 'raise': set severity High",
      "automation rule 'tag': add labels new",
      "automation rule 'on update': add labels escalated",
    ]);
  });

  it('"Updated by" lets an incident-updated rule skip changes made by automation rules', async () => {
    const runner = new AutomationRunner(
      [
        automationRule({ trigger: 'incident-created', actions: [{ setSeverity: 'High' }] }),
        automationRule({
          displayName: 'not automation',
          trigger: 'incident-updated',
          conditions: { not: { updatedBy: ['AutomationRule'] } },
          actions: [{ addLabels: ['human-touched'] }],
        }),
      ],
      store,
      clock,
      quickResponder,
    );
    const incident = store.create(newIncident(), clock.iso());
    await runner.idle();
    expect(labelsOf(incident.name)).toEqual([]);
    store.update(incident.name, { status: 'Active' }, clock.iso(), undefined, 'User');
    await runner.idle();
    expect(labelsOf(incident.name)).toEqual(['human-touched']);
  });

  // https://learn.microsoft.com/en-us/azure/sentinel/create-manage-use-automation-rules#conditions-available-with-the-update-trigger
  it.each([
    ['changed severity', { changed: ['severity'] }, { severity: 'High' }, true],
    ['changed severity, on a status change', { changed: ['severity'] }, { status: 'Active' }, false],
    ['changed owner', { changed: ['owner'] }, { owner: { userPrincipalName: 'a@contoso.com' } }, true],
    ['changed from Medium', { changedFrom: { severity: ['Medium'] } }, { severity: 'Low' }, true],
    ['changed from Low', { changedFrom: { severity: ['Low'] } }, { severity: 'High' }, false],
    // Closing needs a classification (SecurityInsights rejects a Closed incident without one).
    [
      'changed to Closed',
      { changedTo: { status: ['Closed'] } },
      { status: 'Closed', classification: 'Undetermined' },
      true,
    ],
    ['changed to Closed, on Active', { changedTo: { status: ['Closed'] } }, { status: 'Active' }, false],
    ['tags added', { added: ['labels'] }, { labels: [{ labelName: 'vip', labelType: 'User' }] }, true],
    ['tactics added', { added: ['tactics'] }, { severity: 'High' }, false],
    [
      'alerts added',
      { added: ['alerts'] },
      { additionalData: { alertsCount: 2, tactics: ['CredentialAccess'], alertIds: ['a1', 'a2'] } },
      true,
    ],
    ['updated by a user', { updatedBy: ['User'] }, { severity: 'High' }, true],
    [
      'severity does not equal Medium (current state)',
      { not: { severity: ['Medium'] } },
      { severity: 'High' },
      true,
    ],
    ['title does not contain spray', { not: { titleContains: ['SPRAY'] } }, { severity: 'High' }, false],
  ] as const)('update-trigger condition: %s', async (_name, conditions, change, runs) => {
    const runner = new AutomationRunner(
      [
        automationRule({
          trigger: 'incident-updated',
          conditions,
          actions: [{ addTask: { title: 'look' } }],
        }),
      ],
      store,
      clock,
      quickResponder,
    );
    const incident = store.create(newIncident(), clock.iso());
    store.update(
      incident.name,
      structuredClone(change) as Partial<IncidentProperties>,
      clock.iso(),
      undefined,
      'User',
    );
    await runner.idle();
    expect(store.tasksOf(incident.name)).toHaveLength(runs ? 1 : 0);
  });

  it('update-trigger condition: comments added (a comment under a new name, not a replaced one)', async () => {
    const runner = new AutomationRunner(
      [
        automationRule({
          trigger: 'incident-updated',
          conditions: { added: ['comments'] },
          actions: [{ addLabels: ['commented'] }],
        }),
      ],
      store,
      clock,
      quickResponder,
    );
    const incident = store.create(newIncident(), clock.iso());
    store.putComment(incident.name, 'c1', 'first', 'analyst', clock.iso());
    await runner.idle();
    expect(labelsOf(incident.name)).toEqual(['commented']);
  });

  // "More than two minutes: Two minutes after playbook began running, regardless of whether or not it was completed"
  // https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules#automation-rules-execution
  it('a run-responder action moves on to the next action after 2 minutes, whether or not the responder finished', async () => {
    let finish: () => void = () => {};
    const slowResponder = () =>
      new Promise<{ status: number; body: string }>((resolve) => {
        finish = () => resolve({ status: 200, body: '{"actions":[]}' });
      });
    const runner = new AutomationRunner(
      [
        automationRule({
          displayName: 'slow',
          trigger: 'incident-created',
          actions: [{ runResponder: 'enrich' }, { setSeverity: 'High' }],
        }),
      ],
      store,
      clock,
      slowResponder,
    );
    const incident = store.create(newIncident(), clock.iso());
    // The next action ran while the responder is still running.
    await expect.poll(() => store.get(incident.name)?.properties.severity).toBe('High');
    expect(store.activityOf(incident.name).map((a) => [a.action, a.outcome])).toEqual([
      ['run responder enrich', 'moved on'],
      ['set severity High', 'done'],
    ]);
    finish();
    await runner.idle();
    expect(store.activityOf(incident.name).at(-1)).toMatchObject({
      action: 'run responder enrich (finished after the rule moved on)',
      outcome: 'done',
    });
  });

  // "An alert is created by a Microsoft Sentinel Scheduled or NRT analytics rule"; the only condition is
  // the analytics rule (Contains / Does not contain).
  // https://learn.microsoft.com/en-us/azure/sentinel/create-manage-use-automation-rules#conditions-available-with-the-alert-trigger
  it('alert-created rules run on new alerts of the analytics rules they name, and not on others', async () => {
    const runner = new AutomationRunner(
      [
        automationRule({
          trigger: 'alert-created',
          conditions: { analyticRules: [RULE_A] },
          actions: [{ runResponder: 'notify' }],
        }),
        automationRule({
          trigger: 'alert-created',
          conditions: { not: { analyticRules: [RULE_A] } },
          actions: [{ runResponder: 'enrich' }],
        }),
      ],
      store,
      clock,
      quickResponder,
    );
    runner.alertCreated({ alertId: 'x1', ruleId: RULE_A, row: { SystemAlertId: 'x1' } });
    runner.alertCreated({ alertId: 'x2', ruleId: RULE_B, row: { SystemAlertId: 'x2' } });
    await runner.idle();
    expect(calls.map((c) => [c.responder, c.target.kind === 'alert' ? c.target.alert.alertId : ''])).toEqual([
      ['notify', 'x1'],
      ['enrich', 'x2'],
    ]);
    expect(runner.alertActivity.map((a) => [a.alertId, a.outcome])).toEqual([
      ['x1', 'done'],
      ['x2', 'done'],
    ]);
  });
});

describe('automation rule files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-automation-files-'));
  const load = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return loadAutomationFile(path, name);
  };
  const head = (trigger: string) =>
    `id: 3a7e9c1d-2b4f-4e6a-8c0d-1f2e3a4b5c6d\ndisplayName: r\norder: 1\ntrigger: ${trigger}\n`;

  it('alert-created rules accept analyticRules and not.analyticRules, and nothing else', () => {
    const ok = load(
      'alert.yaml',
      `${head('alert-created')}conditions:\n  not:\n    analyticRules: [${RULE_A}]\nactions:\n  - runResponder: notify\n`,
    );
    expect(ok.diagnostics).toEqual([]);
    const bad = load(
      'alert-bad.yaml',
      `${head('alert-created')}conditions:\n  not:\n    severity: [High]\nactions:\n  - runResponder: notify\n`,
    );
    expect(bad.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['7:5 SK0502']);
  });

  it('change conditions are refused on triggers other than incident-updated', () => {
    const loaded = load(
      'created.yaml',
      `${head('incident-created')}conditions:\n  changedTo: { severity: [High] }\nactions:\n  - setSeverity: High\n`,
    );
    expect(loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['6:3 SK0502']);
  });

  // AutomationRules.json (2024-09-01): negated operators, PropertyChanged and PropertyArrayChanged.
  it('compiles negated operators, Changed from/to and Added to the AutomationRules API conditions', () => {
    const rule = automationRule({
      trigger: 'incident-updated',
      conditions: {
        not: { severity: ['Low'], titleContains: ['test'] },
        changedFrom: { status: ['New'] },
        changedTo: { severity: ['High'] },
        added: ['labels'],
      },
      actions: [{ setStatus: 'Active' }],
    });
    const refs = {
      alertRuleResourceId: (id: string) => id,
      relayResourceId: (relay: { name: string }) => relay.name,
      tenantId: 't',
    };
    const triggering = compileAutomationRule(rule, refs).properties.triggeringLogic as {
      conditions: unknown[];
    };
    expect(triggering.conditions).toEqual([
      {
        conditionType: 'Property',
        conditionProperties: {
          propertyName: 'IncidentSeverity',
          operator: 'NotEquals',
          propertyValues: ['Low'],
        },
      },
      {
        conditionType: 'Property',
        conditionProperties: {
          propertyName: 'IncidentTitle',
          operator: 'NotContains',
          propertyValues: ['test'],
        },
      },
      {
        conditionType: 'PropertyChanged',
        conditionProperties: {
          propertyName: 'IncidentStatus',
          changeType: 'ChangedFrom',
          operator: 'Equals',
          propertyValues: ['New'],
        },
      },
      {
        conditionType: 'PropertyChanged',
        conditionProperties: {
          propertyName: 'IncidentSeverity',
          changeType: 'ChangedTo',
          operator: 'Equals',
          propertyValues: ['High'],
        },
      },
      {
        conditionType: 'PropertyArrayChanged',
        conditionProperties: { arrayType: 'Labels', changeType: 'Added' },
      },
    ]);
  });

  it('build refuses updatedBy and changed, whose ARM form is not documented, at their position', () => {
    const loaded = load(
      'update.yaml',
      `${head('incident-updated')}conditions:\n  updatedBy: [User]\n  changed: [owner]\nactions:\n  - setStatus: Active\n`,
    );
    expect(loaded.diagnostics).toEqual([]);
    expect(checkDeployable([loaded]).map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual([
      '6:3 SK0506',
      '7:3 SK0506',
    ]);
  });
});
