import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAutomationRule } from '../../src/automation/compile.js';
import { automationRuleSchema } from '../../src/automation/model.js';
import { build } from '../../src/build/index.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { matches } from '../../src/local/automation/runner.js';
import type { IncidentProperties } from '../../src/local/incidents/store.js';
import type { OperationsModel } from '../../src/operations/model.js';
import { loadOperationsRepository, routedRules } from '../../src/operations/repository.js';
import {
  compileRouting,
  intendedTier,
  type RoutedRule,
  type RoutingFacts,
  tierOfOwner,
} from '../../src/operations/routing.js';
import { incidentSeverities } from '../../src/sentinel/client.js';
import { repoRoot } from '../build/support.js';

const repo = loadOperationsRepository(repoRoot)!;
const model = repo.loaded.model!;
const rules = routedRules(repo.rules);

const noEntities = { Account: [], Host: [], IP: [] };
const vips = new Map([['VIPUsers', new Set(['ceo@contoso.com'])]]);

/** Sentinel's evaluation of incident-created rules: ascending order, the last owner assignment stands. */
function ownerAfterAutomation(facts: RoutingFacts) {
  const incident = {
    severity: facts.severity,
    status: 'New',
    title: 't',
    labels: [],
    relatedAnalyticRuleIds: facts.ruleIds.map(
      (id) => `/subscriptions/x/providers/Microsoft.SecurityInsights/alertRules/${id}`,
    ),
    additionalData: { alertsCount: 1, tactics: [...facts.tactics], alertIds: [] },
  } as unknown as IncidentProperties;
  let owner: unknown;
  for (const rule of [...compileRouting(model, rules)].sort((a, b) => a.order - b.order)) {
    if (!matches(rule.conditions, incident)) continue;
    for (const action of rule.actions) if (action.setOwner) owner = action.setOwner;
  }
  return owner as { objectId?: string };
}

describe('routing', () => {
  it('compiles to valid automation rules: default tier first, first route last so its owner stands', () => {
    const compiled = compileRouting(model, rules);
    for (const rule of compiled) expect(automationRuleSchema.safeParse(rule).success).toBe(true);
    expect(compiled.map((r) => [r.displayName, r.order])).toEqual([
      ['SOC routing: default tier → L1', 100],
      ['SOC routing: route Credential theft on endpoints → L2', 102],
      ['SOC routing: route High severity identity → L2', 101],
    ]);
    const lsass = repo.rules.find((r) => r.tags?.includes('CredentialDumping'))!;
    expect(compiled[1].conditions.analyticRules).toEqual([lsass.id.toLowerCase()]);
    expect(compiled[1].trigger).toBe('incident-created');
  });

  it('assigns the owner as IncidentOwnerInfo with ownerType (SecurityInsights AutomationRuleModifyPropertiesAction)', () => {
    const [first] = compileRouting(model, rules);
    const refs = {
      alertRuleResourceId: (id: string) => id,
      relayResourceId: (relay: { name: string }) => relay.name,
      tenantId: 't',
    };
    expect(compileAutomationRule(first, refs).properties.actions).toEqual([
      {
        order: 1,
        actionType: 'ModifyProperties',
        actionConfiguration: {
          owner: { objectId: '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f1', ownerType: 'Group' },
        },
      },
    ]);
  });

  it('leaves watchlist routes to the SLA timer: automation rule conditions cannot look up a watchlist', () => {
    const names = compileRouting(model, rules).map((r) => r.displayName);
    expect(names.some((n) => n.includes('VIP'))).toBe(false);
    const facts: RoutingFacts = {
      severity: 'Low',
      tactics: [],
      ruleIds: [],
      entities: { ...noEntities, Account: ['ceo@contoso.com'] },
    };
    expect(intendedTier(model, facts, rules, vips).tier.name).toBe('L2');
    expect(intendedTier(model, facts, rules, vips).route?.name).toBe('VIP accounts');
    expect(intendedTier(model, { ...facts, entities: noEntities }, rules, vips).tier.name).toBe('L1');
  });

  it('the compiled automation rules route every non-watchlist incident as the model says (first match wins)', () => {
    const ruleIds: string[][] = [[], ...rules.map((r) => [r.id]), rules.slice(0, 3).map((r) => r.id)];
    const tacticSets = [[], ['CredentialAccess'], ['Persistence', 'Execution'], ['Discovery']];
    let checked = 0;
    for (const severity of incidentSeverities) {
      for (const ids of ruleIds) {
        for (const tactics of tacticSets) {
          const facts: RoutingFacts = { severity, tactics, ruleIds: ids, entities: noEntities };
          const owner = ownerAfterAutomation(facts);
          expect(tierOfOwner(model, owner)?.name, JSON.stringify(facts)).toBe(
            intendedTier(model, facts, rules, vips).tier.name,
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('a later route does not override an earlier one that also matches', () => {
    // The lsass rule is tagged CredentialDumping (route 2 → L2); with High + CredentialAccess route 3 matches
    // too. Both go to L2 in the repository model, so use a model where they differ.
    const split: OperationsModel = {
      ...model,
      routing: {
        defaultTier: 'L1',
        routes: [
          { name: 'first', tier: 'L3', when: { severity: ['High'] } },
          { name: 'second', tier: 'L2', when: { tactics: ['CredentialAccess'] } },
        ],
      },
    };
    const compiled = compileRouting(split, rules).sort((a, b) => a.order - b.order);
    expect(compiled.map((r) => r.displayName)).toEqual([
      'SOC routing: default tier → L1',
      'SOC routing: route second → L2',
      'SOC routing: route first → L3',
    ]);
    const facts: RoutingFacts = {
      severity: 'High',
      tactics: ['CredentialAccess'],
      ruleIds: [],
      entities: noEntities,
    };
    expect(intendedTier(split, facts, rules as RoutedRule[], vips).tier.name).toBe('L3');
  });
});

describe('build', () => {
  it('deploys the routing as automation rules through infra/generated and the ARM template', () => {
    const { files, diagnostics } = build(repoRoot);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const generated = JSON.parse(files.get('infra/generated/automationRules.json')!) as {
      properties: { displayName: string };
    }[];
    const routing = generated.filter((r) => r.properties.displayName.startsWith('SOC routing'));
    expect(routing).toHaveLength(3);
    const arm = JSON.parse(files.get('dist/azuredeploy.json')!) as {
      resources: { properties?: { displayName?: string } }[];
    };
    expect(arm.resources.filter((r) => r.properties?.displayName?.startsWith('SOC routing'))).toHaveLength(3);
  });

  it('refuses to build with a broken operations model, at its position', () => {
    const root = mkdtempSync(join(tmpdir(), 'sk-ops-build-'));
    for (const dir of ['kql', 'connectors', 'functions'])
      cpSync(join(repoRoot, dir), join(root, dir), { recursive: true });
    const file = join(root, 'kql', 'operations.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'tier: L2\n      when: { ruleTags',
        'tier: L5\n      when: { ruleTags',
      ),
    );
    const { files, diagnostics } = build(root);
    expect(files.size).toBe(0);
    expect(diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(/^kql\/operations\.yaml:\d+:13: error SK0703: no tier named 'L5'/),
    );
  });
});
