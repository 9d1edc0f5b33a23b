import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markQaSample, QA_LABEL, qaRate, qaSampled } from '../../src/operations/qa.js';
import { loadOperationsRepository } from '../../src/operations/repository.js';
import { type AzuriteTable, startAzuriteTable } from '../support/azurite.js';
import {
  clients,
  incidentOf,
  type MockServer,
  newIncidentId,
  startServer,
  triggerBody,
  World,
} from '../support/responders.js';

const model = loadOperationsRepository(new URL('../..', import.meta.url).pathname)!.loaded.model!;
const l1 = model.tiers[0].owner.objectId;
const l2 = model.tiers[1].owner.objectId;

describe('QA sampling', () => {
  it('decides the same for the same incident, every time', () => {
    const ids = Array.from(
      { length: 200 },
      (_, i) => `0000${i}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`,
    );
    const first = ids.map((id) => qaSampled(id, 0.3));
    expect(ids.map((id) => qaSampled(id, 0.3))).toEqual(first);
    expect(ids.map((id) => qaSampled(id.toUpperCase(), 0.3))).toEqual(first);
  });

  it('samples nothing at 0, everything at 1, and about the share in between', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `incident-${i}`);
    expect(ids.filter((id) => qaSampled(id, 0)).length).toBe(0);
    expect(ids.filter((id) => qaSampled(id, 1)).length).toBe(10_000);
    const share = ids.filter((id) => qaSampled(id, 0.25)).length / ids.length;
    expect(share).toBeGreaterThan(0.23);
    expect(share).toBeLessThan(0.27);
  });

  it('a higher share keeps every incident a lower share sampled (thresholds on one hash)', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `incident-${i}`);
    for (const id of ids) if (qaSampled(id, 0.1)) expect(qaSampled(id, 0.25)).toBe(true);
  });

  it('takes the share from the closing tier and the classification', () => {
    expect(qaRate(model, { objectId: l1 }, 'FalsePositive')).toEqual({ tier: 'L1', rate: 0.25 });
    expect(qaRate(model, { objectId: l2 }, 'TruePositive')).toEqual({ tier: 'L2', rate: 0 });
    expect(qaRate(model, { userPrincipalName: 'someone@contoso.com' }, 'FalsePositive')).toEqual({
      tier: undefined,
      rate: 0,
    });
    expect(qaRate(model, { objectId: l1 }, 'Undetermined').rate).toBe(1);
  });
});

describe('qa-review responder against msw SecurityInsights and an Azurite ledger', () => {
  let azurite: AzuriteTable;
  let server: MockServer;
  let world: World;
  beforeAll(async () => {
    azurite = await startAzuriteTable();
    server = startServer(() => world);
  });
  afterAll(async () => {
    server?.close();
    await azurite?.stop();
  });
  beforeEach(() => {
    world = new World();
  });

  function closed(sampled: boolean, classification = 'FalsePositive') {
    let id = newIncidentId();
    while (qaSampled(id, 0.25) !== sampled) id = newIncidentId();
    world.incidents.set(id, {
      etag: 1,
      properties: {
        title: 't',
        severity: 'Low',
        status: 'Closed',
        classification,
        owner: { objectId: l1 },
        labels: [],
      },
    });
    return id;
  }

  it('labels and tasks a sampled closure once, however often it runs', async () => {
    const id = closed(true);
    const deps = clients(azurite);
    const incident = incidentOf(triggerBody(id, []));
    const first = await markQaSample(incident, deps, model);
    expect(first.actions.map((a) => `${a.action} ${a.outcome}`)).toEqual(['qa-label done', 'qa-task done']);
    await markQaSample(incident, deps, model);
    await markQaSample(incident, deps, model);
    const props = world.incidents.get(id)!.properties as { labels: { labelName: string }[] };
    expect(props.labels.map((l) => l.labelName)).toEqual([QA_LABEL]);
    expect([...world.tasks.values()].map((t) => t.title)).toEqual([QA_LABEL]);
    expect(world.count('PUT', new RegExp(`/incidents/${id}$`))).toBe(1);
  });

  it('leaves an unsampled closure and an open incident alone', async () => {
    const deps = clients(azurite);
    const id = closed(false);
    const result = await markQaSample(incidentOf(triggerBody(id, [])), deps, model);
    expect(result.actions).toEqual([
      {
        action: 'qa',
        target: 'incident',
        outcome: 'skipped',
        detail: 'not sampled: FalsePositive closure by L1 (QA share 0.25)',
      },
    ]);
    world.incidents.get(id)!.properties.status = 'Active';
    expect((await markQaSample(incidentOf(triggerBody(id, [])), deps, model)).actions[0].detail).toBe(
      'not closed',
    );
    expect(world.count('PUT', '/incidents/')).toBe(0);
  });
});
