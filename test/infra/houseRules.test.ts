// sentinel-kit's own rules for the generated content, stricter than Azure's resource schemas
// (those are checked in arm.test.ts against the full published types). A failure here is a
// house-style problem, not a deployment that Azure would refuse.
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { repoRoot } from '../build/support.js';

const { files } = build(repoRoot);
const json = (path: string) => JSON.parse(files.get(path)!);
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Canonical ISO 8601 durations as ARM stores them, so a redeploy shows no what-if difference.
const isoDuration = /^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/;

describe('house rules for the generated content', () => {
  it('analytics rules: lower-case GUID names, canonical durations, a description and tactics', () => {
    for (const rule of json('infra/generated/analyticsRules.json')) {
      expect(rule.name, rule.name).toMatch(guid);
      const p = rule.properties;
      for (const duration of [p.queryFrequency, p.queryPeriod, p.suppressionDuration].filter(Boolean)) {
        expect(duration, `${rule.name} ${duration}`).toMatch(isoDuration);
      }
      expect(p.description?.length ?? 0, `${rule.name} description`).toBeGreaterThan(20);
      expect(p.tactics?.length ?? 0, `${rule.name} tactics`).toBeGreaterThan(0);
    }
  });

  it('automation rules: lower-case GUID names, and every playbook is a relay of this deployment', () => {
    const relays = new Set(json('infra/generated/relays.json').map((r: { name: string }) => r.name));
    for (const rule of json('infra/generated/automationRules.json')) {
      expect(rule.name).toMatch(guid);
      for (const action of rule.properties.actions) {
        if (action.actionType !== 'RunPlaybook') continue;
        const name = action.actionConfiguration.logicAppResourceId.split('/').pop();
        expect(relays.has(name), `${rule.name} runs ${name}`).toBe(true);
      }
    }
  });

  it('parsers: the function alias is the saved search name, in a category of their own', () => {
    for (const parser of json('infra/generated/parsers.json')) {
      expect(parser.properties.functionAlias).toBe(parser.name);
      expect(parser.properties.category).toBe('sentinel-kit parsers');
    }
  });
});
