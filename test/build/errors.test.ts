import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { copyFixtureRepo, editFile } from './support.js';

/** Builds a fixture copy after `change`; returns the error lines and checks nothing was produced. */
function errorsAfter(change: (root: string) => void): string[] {
  const root = copyFixtureRepo();
  change(root);
  const result = build(root);
  expect(result.files.size).toBe(0);
  return result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('bad content fails the build with file:line:col', () => {
  it('duplicate rule ids', () => {
    const errors = errorsAfter((root) =>
      cpSync(
        join(root, 'kql/rules/identity/password-spray.yaml'),
        join(root, 'kql/rules/identity/password-spray-copy.yaml'),
      ),
    );
    expect(errors).toEqual([
      'kql/rules/identity/password-spray.yaml:1:5: error SK1601: rule id 2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f is also used by kql/rules/identity/password-spray-copy.yaml; ids are the Sentinel resource names and must be unique',
    ]);
  });

  // "Start running at" exists in the portal (scheduled-rules-overview#query-scheduling) but the alertRules
  // REST API (AlertRules.json, ScheduledAlertRuleProperties, up to 2025-10-01-preview) has no property for it.
  it('a rule with startRunningAt, which the alertRules API cannot carry', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/rules/identity/password-spray.yaml', (t) =>
        t.replace(
          'suppressionEnabled: true',
          'suppressionEnabled: true\nstartRunningAt: 2026-02-01T08:00:00Z',
        ),
      ),
    );
    expect(errors).toEqual([
      "kql/rules/identity/password-spray.yaml:41:1: error SK1212: 'startRunningAt' cannot be deployed: the alertRules API has no documented property for the portal's 'Start running at' (remove it, or set the start time in the portal after deploying)",
    ]);
  });

  // Updated by / Changed: the AutomationRules API values and form are not documented.
  it('an automation rule with an updatedBy condition', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
        t
          .replace('trigger: incident-created', 'trigger: incident-updated')
          .replace('  severity: [Medium, High]', '  updatedBy: [User]'),
      ),
    );
    expect(errors).toEqual([
      "kql/automation/enrich-spray.yaml:8:3: error SK0506: 'updatedBy' runs in the local SOC but cannot be deployed: the ARM form Sentinel expects for it is not documented",
    ]);
  });

  // The relay of an alert-created rule forwards the alert trigger body, which an incident-only
  // responder refuses (functions/responders/shared.ts): the build says so instead of deploying it.
  it('an alert-created automation rule running a responder that acts on incidents only', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'functions/responders/notify.ts', (t) => t.replace(", 'incident-or-alert')", ')')),
    );
    expect(errors).toEqual([
      "kql/automation/notify-vip-alerts.yaml:9:19: error SK0507: responder 'notify' acts on incidents only, so an alert-created rule cannot run it (responders that act on alerts: none)",
    ]);
  });

  it('an automation rule running a responder that does not exist', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
        t.replace('runResponder: notify', 'runResponder: page-oncall'),
      ),
    );
    expect(errors).toEqual([
      "kql/automation/enrich-spray.yaml:10:19: error SK0505: unknown responder 'page-oncall' (functions/responders has: notify)",
    ]);
  });

  it('an automation rule filtering on an analytics rule that does not exist', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
        t.replace('2d3c6a0e-7f4b-4e1a-9c55-0a1b2c3d4e5f', '99999999-7f4b-4e1a-9c55-0a1b2c3d4e5f'),
      ),
    );
    expect(errors).toEqual([
      'kql/automation/enrich-spray.yaml:7:7: error SK0504: no analytics rule in kql/rules has id 99999999-7f4b-4e1a-9c55-0a1b2c3d4e5f',
    ]);
  });

  it('an automation rule with an invalid field value', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
        t.replace('severity: [Medium, High]', 'severity: [Urgent]'),
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^kql\/automation\/enrich-spray\.yaml:8:14: error SK0501: conditions\.severity\.0: /,
    );
  });

  it('closing an incident without a classification', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/automation/close-test-incidents.yaml', (t) =>
        t.replace(
          / {4}classification: BenignPositive\n {4}classificationReason: SuspiciousButExpected\n {4}comment: .*\n/,
          '',
        ),
      ),
    );
    expect(errors).toEqual([
      'kql/automation/close-test-incidents.yaml:9:16: error SK0501: actions.0.setStatus: closing an incident needs a classification',
    ]);
  });

  it('an alert-triggered automation rule that modifies incidents', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
        t
          .replace('trigger: incident-created', 'trigger: alert-created')
          .replace('  severity: [Medium, High]\n', ''),
      ),
    );
    expect(errors).toEqual([
      'kql/automation/enrich-spray.yaml:10:5: error SK0502: alert-created rules can only run responders',
      'kql/automation/enrich-spray.yaml:11:5: error SK0502: alert-created rules can only run responders',
    ]);
  });

  it('a DCR transform referencing a column the stream does not declare', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'connectors/demo/dcr.yaml', (t) => t.replace('Action = action', 'Action = operation')),
    );
    expect(errors).toEqual([
      "connectors/demo/dcr.yaml:13:52: error KS142: transformKql: The name 'operation' does not refer to any known column, table, variable or function.",
    ]);
  });

  it('a DCR transform producing a column the table does not have', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'connectors/demo/dcr.yaml', (t) => t.replace('Raw = raw', 'Payload = raw')),
    );
    expect(errors).toEqual([
      "connectors/demo/dcr.yaml:11:3: error SK0615: transformKql outputs column 'Payload' which table DemoAudit_CL does not have",
    ]);
  });

  it('a custom table column type Log Analytics tables do not support', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'connectors/demo/table.json', (t) =>
        t.replace('"name": "Count", "type": "long"', '"name": "Count", "type": "timespan"'),
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^connectors\/demo\/table\.json:8:32: error SK0603: column type 'timespan' cannot be used/,
    );
  });

  // Reserved and malformed column names are refused when the table is created (logs-ingestion-api-overview).
  it('a custom table column with a reserved or malformed name', () => {
    const errors = errorsAfter((root) =>
      editFile(root, 'connectors/demo/table.json', (t) =>
        t.replace('"name": "Count", "type": "long"', '"name": "TenantId", "type": "long"'),
      ),
    );
    expect(errors).toEqual([
      "connectors/demo/table.json:8:15: error SK0606: 'TenantId' is a reserved column name in Log Analytics",
    ]);
    const malformed = errorsAfter((root) =>
      editFile(root, 'connectors/demo/table.json', (t) =>
        t.replace('"name": "Count", "type": "long"', '"name": "2xCount", "type": "long"'),
      ),
    );
    expect(malformed).toEqual([
      "connectors/demo/table.json:8:15: error SK0606: column name '2xCount' must start with a letter and have at most 45 letters, digits, '_' or '-'",
    ]);
  });

  it('reports every problem, not only the first', () => {
    const errors = errorsAfter((root) => {
      editFile(root, 'connectors/demo/dcr.yaml', (t) => t.replace('Raw = raw', 'Payload = raw'));
      editFile(root, 'kql/automation/enrich-spray.yaml', (t) =>
        t.replace('runResponder: notify', 'runResponder: nope'),
      );
    });
    expect(errors.map((e) => e.split(': ')[1])).toEqual(['error SK0615', 'error SK0505']);
  });
});
