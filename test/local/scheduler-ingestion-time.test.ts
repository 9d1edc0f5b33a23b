import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuery, tableToRecords } from '../../src/kql/index.js';
import { parseDateTime, TICKS_PER_HOUR } from '../../src/kql/values/index.js';
import { Clock } from '../../src/local/clock.js';
import { Scheduler } from '../../src/local/detection/scheduler.js';
import { IncidentStore } from '../../src/local/incidents/store.js';
import { createSource } from '../../src/local/store/reader.js';
import { Workspace } from '../../src/local/store/workspace.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import { testCatalog } from '../support/catalog.js';

const now = '2026-01-10T12:00:00Z';
const T = parseDateTime(now) as bigint;
const catalog = testCatalog({
  Heartbeat: { TimeGenerated: 'datetime', Computer: 'string' },
  SecurityAlert: { TimeGenerated: 'datetime', SystemAlertId: 'string', AlertType: 'string' },
});
const nrt: AnalyticsRule = {
  id: '0b5c9a3e-6d0a-4b2f-9c1e-4f1a2b3c4d5e',
  name: 'Heartbeat seen',
  description: 'd',
  severity: 'Low',
  kind: 'NRT',
  query: 'Heartbeat',
  triggerOperator: 'gt',
  triggerThreshold: 0,
};

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'sk-scheduler-'));
  const workspace = new Workspace(dir, catalog);
  const incidents = new IncidentStore(dir, { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws' });
  // Speed 0: simulated time stands still, so the test decides when rules run.
  const clock = new Clock(new Date(now), 0);
  return { workspace, incidents, scheduler: new Scheduler([nrt], workspace, incidents, clock) };
}

describe('local SOC scheduler', () => {
  // "NRT rules ... query on ingestion time rather than TimeGenerated": an event that arrives two
  // hours late is still caught by the next minute's run.
  // https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#how-do-they-work
  it('runs NRT rules on ingestion time, so a late event still alerts', () => {
    const { workspace, incidents, scheduler } = setUp();
    workspace.ingest(
      'Heartbeat',
      [{ TimeGenerated: '2026-01-10T10:00:00Z', Computer: 'late' }],
      T - TICKS_PER_HOUR / 120n, // ingested 30 s ago
    );
    expect(scheduler.tick()).toBe(1);
    expect(workspace.counts().SecurityAlert).toBe(1);
    workspace.close();
    incidents.close();
  });

  it('records the ingestion time of every stored row and reads it back after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-ingested-'));
    const first = new Workspace(dir, catalog);
    first.ingest('Heartbeat', [{ TimeGenerated: '2026-01-10T10:00:00Z', Computer: 'a' }], T);
    first.close();
    const second = new Workspace(dir, catalog);
    expect(second.ingestionTimes('Heartbeat')).toEqual([T]);
    // Not a column: queries see the table's schema only.
    const table = second.query('Heartbeat', T);
    expect(table.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'Computer']);
    expect(table.rows[0]).toHaveLength(2);
    second.close();
  });

  // ingestion_time() reads the time each record was ingested, not its TimeGenerated
  // (https://learn.microsoft.com/kusto/query/ingestion-time-function): in the SOC's own queries
  // and in the query worker that answers the KQL console and the Logs Query API.
  it('answers ingestion_time() with the stored ingestion time, in process and in the query worker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-ingestion-time-'));
    const workspace = new Workspace(dir, catalog);
    workspace.ingest('Heartbeat', [{ TimeGenerated: '2026-01-10T10:00:00Z', Computer: 'late' }], T);
    workspace.ingest('Heartbeat', [{ TimeGenerated: '2026-01-10T11:59:00Z', Computer: 'prompt' }], T + 1n);
    const query =
      'Heartbeat | where ingestion_time() - TimeGenerated > 1h | project Computer, At = ingestion_time()';
    const expected = [{ Computer: 'late', At: '2026-01-10T12:00:00Z' }];
    expect(tableToRecords(workspace.query(query, T))).toEqual(expected);
    workspace.close();

    expect(tableToRecords(new Workspace(dir, catalog).query(query, T))).toEqual(expected);
    const source = createSource({ dir }, catalog);
    source.refresh();
    expect(
      tableToRecords(runQuery(query, { catalog, tables: (name) => source.table(name), now: T })),
    ).toEqual(expected);
  });
});
