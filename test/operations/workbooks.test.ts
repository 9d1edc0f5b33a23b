import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { loadOperationsRepository } from '../../src/operations/repository.js';
import { generateWorkbooks, slaByTierQuery, workbookQueries } from '../../src/operations/workbooks.js';
import { repoRoot } from '../build/support.js';
import { bicepMissing } from '../infra/bicepCli.js';
import { makeAjv, validateResource } from '../infra/schemas.js';
import { engine, fixtureRows } from './fixtures/incidents.js';

const repo = loadOperationsRepository(repoRoot)!;
const workbooks = generateWorkbooks(repo.loaded.model, repo.rules);
const L1 = repo.loaded.model!.tiers[0].owner.objectId!;

function rows() {
  const data = fixtureRows();
  // The spray incidents belong to L1; one of them carries the close-breach label the SLA timer adds.
  for (const row of data.SecurityIncident) {
    if (Number(row.IncidentNumber) <= 7) row.Owner = { objectId: L1 };
    if (row.IncidentNumber === 6) row.Labels = [{ labelName: 'SLA breached: close', labelType: 'User' }];
  }
  for (const alert of data.SecurityAlert) alert.Tactics = 'CredentialAccess, InitialAccess';
  return data;
}

describe('workbooks', () => {
  it('are Notebook/1.0 documents of Log Analytics query items with stable GUID names', () => {
    expect(workbooks.map((w) => w.displayName)).toEqual([
      'SOC SLA',
      'Rule health and noise',
      'MITRE ATT&CK coverage',
    ]);
    for (const w of workbooks) {
      expect(w.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const data = JSON.parse(w.serializedData);
      expect(data.version).toBe('Notebook/1.0');
      for (const item of data.items.filter((i: { type: number }) => i.type === 3)) {
        expect(item.content).toMatchObject({
          version: 'KqlItem/1.0',
          queryType: 0,
          resourceType: 'microsoft.operationalinsights/workspaces',
        });
      }
    }
    expect(generateWorkbooks(repo.loaded.model, repo.rules)).toEqual(workbooks);
  });

  const all = workbooks.flatMap((w) =>
    workbookQueries(w.serializedData).map((q) => [`${w.displayName}: ${q.title}`, q.query] as const),
  );
  it.each(all)('%s runs on the engine over fixture incidents', async (_, query) => {
    const result = await engine(rows())(query);
    expect(result.length).toBeGreaterThan(0);
  });

  it('the SLA workbook computes MTTA/MTTR and breaches per tier', async () => {
    const [mtta, breaches, attainment] = workbookQueries(workbooks[0].serializedData);
    const run = engine(rows());
    expect(await run(mtta.query)).toContainEqual({
      Tier: 'L1',
      Severity: 'Medium',
      Incidents: 6,
      MttaMinutes: 15,
      MttrMinutes: 180,
    });
    expect(await run(breaches.query)).toContainEqual({
      Tier: 'L1',
      Severity: 'High',
      AcknowledgeBreaches: 1,
      CloseBreaches: 1,
    });
    const days = await run(attainment.query);
    expect(days.every((d) => typeof d.AttainmentPercent === 'number')).toBe(true);
  });

  it('the SLA workbook and the local SOC chart breaches and attainment per tier over time', async () => {
    const perTier = workbookQueries(workbooks[0].serializedData)[3];
    const run = engine(rows());
    const periods = await run(perTier.query);
    // Incident 6 (L1, High) breached; the other L1 incidents closed within target on earlier days.
    expect(periods).toContainEqual({
      Tier: 'L1',
      Period: '2026-12-01T00:00:00Z',
      Breaches: 1,
      Met: 0,
      AttainmentPercent: 0,
    });
    const l1 = periods.filter((r) => r.Tier === 'L1');
    expect(l1.reduce((n, r) => n + Number(r.Met), 0)).toBe(5);
    for (const r of periods) {
      expect(r.AttainmentPercent).toBe(
        Math.round((1000 * Number(r.Met)) / (Number(r.Met) + Number(r.Breaches))) / 10,
      );
    }
    // The local SOC's hourly variant over the same incidents counts the same.
    const hourly = await run(slaByTierQuery(repo.loaded.model!, '1h'));
    expect(hourly.reduce((n, r) => n + Number(r.Breaches), 0)).toBe(
      periods.reduce((n, r) => n + Number(r.Breaches), 0),
    );
  });

  it('the MITRE workbook counts rules per tactic from content', async () => {
    const [perTactic] = workbookQueries(workbooks[2].serializedData);
    const result = await engine(rows())(perTactic.query);
    const credentialAccess = repo.rules.filter(
      (r) => r.enabled !== false && r.tactics?.includes('CredentialAccess'),
    ).length;
    expect(result.find((r) => r.Tactic === 'CredentialAccess')?.Rules).toBe(credentialAccess);
  });
});

// The full schema comes from the Bicep type index that scripts/install-bicep.sh installs.
describe.skipIf(bicepMissing)('workbooks module', () => {
  it('each generated workbook is a valid Microsoft.Insights/workbooks@2023-06-01 resource as the Bicep module deploys it', () => {
    const ajv = makeAjv();
    const bicep = readFileSync(join(repoRoot, 'infra', 'modules', 'workbooks.bicep'), 'utf8');
    expect(bicep).toContain("resource workbook 'Microsoft.Insights/workbooks@2023-06-01'");
    const generated = JSON.parse(
      build(repoRoot).files.get('infra/generated/workbooks.json')!,
    ) as typeof workbooks;
    expect(generated).toEqual(workbooks);
    for (const w of generated) {
      const resource = {
        type: 'Microsoft.Insights/workbooks',
        apiVersion: '2023-06-01',
        name: w.name,
        location: 'westeurope',
        kind: 'shared',
        properties: {
          displayName: w.displayName,
          serializedData: w.serializedData,
          category: 'sentinel',
          sourceId:
            '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law',
          version: 'Notebook/1.0',
        },
      };
      expect(validateResource(ajv, resource)).toEqual([]);
    }
  });
});
