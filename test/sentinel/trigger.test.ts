import { describe, expect, it } from 'vitest';
import { canonicalIncidentArmId, incidentPath, parseIncidentArmId } from '../../src/sentinel/armId.js';
import { parseIncidentTrigger } from '../../src/sentinel/trigger.js';
import { alice, host, ip, SUB, triggerBody } from '../support/responders.js';

const ID = '7cc984fe-61a2-43c2-a1a4-3583c8a89da2';

describe('incident ARM ids', () => {
  it('parses, canonicalises case and re-encodes every segment', () => {
    const ref = parseIncidentArmId(
      `/subscriptions/${SUB.toUpperCase()}/resourceGroups/RG.Soc(1)/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/${ID}`,
    );
    expect(ref).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'RG.Soc(1)',
      workspaceName: 'law-soc',
      incidentId: ID,
    });
    expect(incidentPath(ref!)).toContain('/resourceGroups/RG.Soc(1)/');
    expect(canonicalIncidentArmId(ref!)).toBe(
      canonicalIncidentArmId({ ...ref!, resourceGroup: 'rg.soc(1)' }),
    );
  });

  it.each([
    [
      'another resource type',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
    ],
    [
      'a path traversal in the incident name',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/../../x`,
    ],
    [
      'a query string',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights/Incidents/${ID}?api-version=1`,
    ],
  ])('refuses %s', (_, id) => {
    expect(parseIncidentArmId(id)).toBeUndefined();
  });
});

describe('parseIncidentTrigger', () => {
  it('reads the Logic Apps incident trigger body and normalises entities', () => {
    const parsed = parseIncidentTrigger(
      triggerBody(ID, [
        alice,
        ip,
        ip,
        host,
        { kind: 'Ip', properties: { address: 'not-an-ip' } },
        { kind: 'Url', properties: { url: 'x' } },
      ]),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.incident).toMatchObject({
      number: 42,
      severity: 'Medium',
      status: 'New',
      workspaceId: '11111111-2222-3333-4444-555555555555',
      alertsCount: 1,
      labels: [{ labelName: 'spray', labelType: 'System' }],
      entities: {
        accounts: [
          { aadUserId: '9f0e1d2c-3b4a-4596-8877-665544332211', userPrincipalName: 'alice@contoso.com' },
        ],
        ips: ['203.0.113.5'],
        hosts: [{ dnsName: 'ws-042.contoso.com' }],
      },
    });
    expect(parsed.incident.owner).toBeUndefined();
    expect(parsed.incident.armId).toBe(parsed.incident.armId.toLowerCase());
  });

  it('accepts the bare incident resource (the trigger body `object`)', () => {
    const parsed = parseIncidentTrigger(triggerBody(ID, [ip]).object);
    expect(parsed.ok && parsed.incident.entities.ips).toEqual(['203.0.113.5']);
    expect(parsed.ok && parsed.incident.workspaceId).toBeUndefined();
  });

  it('merges top-level Entities with relatedEntities', () => {
    const parsed = parseIncidentTrigger(triggerBody(ID, [], { Entities: [ip] }));
    expect(parsed.ok && parsed.incident.entities.ips).toEqual(['203.0.113.5']);
  });

  it('drops entity values carrying control characters', () => {
    const parsed = parseIncidentTrigger(
      triggerBody(ID, [
        { kind: 'Account', properties: { accountName: 'a\u0000b', upnSuffix: 'contoso.com' } },
      ]),
    );
    expect(parsed.ok && parsed.incident.entities.accounts).toEqual([]);
  });

  it.each([
    ['a string', 'hello', 'body must be a JSON object'],
    ['null', null, 'body must be a JSON object'],
    [
      'a missing title',
      (() => {
        const b = triggerBody(ID, []);
        delete (b.object.properties as any).title;
        return b;
      })(),
      'object.properties.title',
    ],
    [
      'a bad status',
      (() => {
        const b = triggerBody(ID, []);
        (b.object.properties as any).status = 'Resolved';
        return b;
      })(),
      'object.properties.status',
    ],
    ['entities that are not objects', triggerBody(ID, [], { Entities: ['x'] }), 'Entities.0'],
    [
      'an IncidentArmID for another incident',
      triggerBody(ID, [], { IncidentArmID: triggerBody('0000', []).object.id }),
      'IncidentArmID',
    ],
    ['a non-GUID workspaceId', triggerBody(ID, [], { workspaceId: 'law-soc' }), 'workspaceId'],
  ])('rejects %s, naming where', (_, body, where) => {
    const parsed = parseIncidentTrigger(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.diagnostics[0].severity).toBe('error');
    expect(parsed.diagnostics.map((d) => d.message).join('\n')).toContain(where);
  });
});
