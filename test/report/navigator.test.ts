import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/coverage.js';
import { navigatorLayer } from '../../src/report/navigator.js';
import { defaultMitrePath, loadMitre } from '../../src/rules/mitre.js';

const attack = loadMitre(defaultMitrePath);

afterEach(() => vi.restoreAllMocks());

describe('ATT&CK Navigator layer (layer format 4.5)', () => {
  it('carries the 4.5 versions object and the ATT&CK version of the extract', () => {
    const layer = navigatorLayer([], attack);
    expect(layer.versions).toEqual({ attack: '18', navigator: '4.9.0', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    // "maxValue must be > minValue", also for an empty layer.
    expect(layer.gradient.maxValue).toBeGreaterThan(layer.gradient.minValue);
  });

  it('scores a technique per declared tactic it belongs to, counting rules and detections together', () => {
    const layer = navigatorLayer(
      [
        {
          name: 'Rule A',
          kind: 'analytics rule',
          tactics: ['CredentialAccess', 'Execution'],
          techniques: ['T1110.003'],
        },
        {
          name: 'Detection B',
          kind: 'custom detection',
          tactics: ['CredentialAccess'],
          techniques: ['t1110.003'],
        },
        { name: 'Rule C', kind: 'analytics rule', tactics: ['Execution'], techniques: ['T9999'] },
      ],
      attack,
    );
    expect(layer.techniques).toEqual([
      {
        techniqueID: 'T1110.003',
        tactic: 'credential-access',
        score: 2,
        comment: 'Rule A; Detection B',
        metadata: [
          { name: 'analytics rule', value: 'Rule A' },
          { name: 'custom detection', value: 'Detection B' },
        ],
      },
      // Not in the extract: no tactic, so Navigator puts it under every tactic it has.
      {
        techniqueID: 'T9999',
        score: 1,
        comment: 'Rule C',
        metadata: [{ name: 'analytics rule', value: 'Rule C' }],
      },
    ]);
    expect(layer.gradient.maxValue).toBe(2);
  });

  it('coverage --format navigator covers the repository rules and the custom detections', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    expect(await run(['--format', 'navigator'])).toBe(0);
    const layer = JSON.parse(out);
    const t1059 = layer.techniques.find((t: { techniqueID: string }) => t.techniqueID === 'T1059.001');
    expect(t1059.metadata).toEqual(
      expect.arrayContaining([
        { name: 'custom detection', value: 'Encoded PowerShell started by an Office application' },
      ]),
    );
  });

  it('refuses formats it does not produce', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await run(['--format', 'csv'])).toBe(2);
  });
});
