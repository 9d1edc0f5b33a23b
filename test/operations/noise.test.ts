import { describe, expect, it } from 'vitest';
import { ruleNoiseReport } from '../../src/operations/noise.js';
import { loadOperationsRepository } from '../../src/operations/repository.js';
import { repoRoot } from '../build/support.js';
import { engine, fixtureRows, PORT_SCAN, SPRAY, SSH } from './fixtures/incidents.js';

const rules = loadOperationsRepository(repoRoot)!.rules;

describe('rule-noise report over fixture incidents (embedded engine)', () => {
  it('counts incidents and closures per rule from the latest row of each incident, within the period', async () => {
    const report = await ruleNoiseReport(engine(), rules, 30);
    expect(report.map((r) => [r.ruleId, r.incidents, r.closed])).toEqual([
      [SPRAY, 7, 5],
      [PORT_SCAN, 5, 5],
      [SSH, 2, 2],
    ]);
    const spray = report[0];
    expect(spray.name).toBe('Password spray against Entra ID from a single IP');
    expect(spray.classifications).toEqual({
      TruePositive: 1,
      BenignPositive: 1,
      FalsePositive: 3,
      Undetermined: 0,
    });
    expect(spray.falsePositiveRate).toBe(0.6);
    expect(spray.medianHoursToClose).toBe(3);
    expect(spray.incidentsPerDay).toBe(0.23);
  });

  it('finds the entity behind most benign closures and suggests excluding it, then a threshold', async () => {
    const [spray] = await ruleNoiseReport(engine(), rules, 30);
    expect(spray.benignEntities).toEqual([
      { type: 'ip', value: '198.51.100.7', closures: 3 },
      { type: 'ip', value: '203.0.113.9', closures: 1 },
    ]);
    expect(spray.suggestions).toEqual([
      'add an exclusion for ip 198.51.100.7 (behind 3 of 4 benign closures) to a watchlist the query excludes',
      "raise the threshold: 60% of closures are false positives (triggerThreshold 0 or the query's own limit)",
    ]);
  });

  it('suggests suppression for expected activity, and nothing for a rule that finds attacks', async () => {
    const report = await ruleNoiseReport(engine(), rules, 30);
    const scan = report.find((r) => r.ruleId === PORT_SCAN)!;
    expect(scan.suggestions).toEqual([
      'suppress after an alert: most closures are expected activity; set suppressionEnabled with suppressionDuration 1h',
    ]);
    // Ties (one closure each) in value order; the top three only.
    expect(scan.benignEntities).toEqual([
      { type: 'host', value: 'scanner-1', closures: 1 },
      { type: 'host', value: 'scanner-2', closures: 1 },
      { type: 'host', value: 'scanner-3', closures: 1 },
    ]);
    const ssh = report.find((r) => r.ruleId === SSH)!;
    expect(ssh.suggestions).toEqual([]);
    expect(ssh.falsePositiveRate).toBe(0);
    expect(ssh.medianHoursToClose).toBe(6);
  });

  it('a longer period takes in the old incident', async () => {
    const ssh = (await ruleNoiseReport(engine(), rules, 60)).find((r) => r.ruleId === SSH)!;
    expect([ssh.incidents, ssh.classifications.FalsePositive]).toEqual([3, 1]);
  });

  it('flags a rule over its alert budget', async () => {
    const rows = fixtureRows();
    const many = rows.SecurityIncident.filter((r) => (r.RelatedAnalyticRuleIds as string[])[0] === PORT_SCAN);
    // 5 port-scan incidents a day over 1 day against maxAlertsPerDay 20 is within; 25 copies is not.
    for (let i = 0; i < 25; i++) {
      rows.SecurityIncident.push(
        ...many.map((r) => ({
          ...r,
          IncidentName: `${r.IncidentName}-${i}`,
          CreatedTime: '2026-12-01T06:00:00Z',
        })),
      );
    }
    const scan = (await ruleNoiseReport(engine(rows), rules, 1)).find((r) => r.ruleId === PORT_SCAN)!;
    expect(scan.incidentsPerDay).toBe(125);
    expect(scan.suggestions[0]).toBe('over budget: 125 incidents/day against maxAlertsPerDay 20');
  });
});
