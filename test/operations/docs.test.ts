import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/docs.js';
import { generateRunbooks, runbookPath } from '../../src/operations/docs.js';
import { loadOperationsRepository } from '../../src/operations/repository.js';
import { buildRunbooks } from '../../src/operations/runbooks.js';
import type { AnalyticsRule } from '../../src/rules/model.js';
import { repoRoot } from '../build/support.js';
import { runCommand } from '../support/cli.js';

const SSH = 'c79c8935-df6d-4260-95a4-cabf3d71269f';
const LSASS = 'a8ac2864-141b-4ef6-839f-5aa2efd5803b';
/** Page text without tags, whitespace collapsed, for assertions a reader would make. */
const text = (html: string) =>
  html
    .replace(/<style>[^<]*<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('sentinel-kit docs (runbook site)', () => {
  const { site, diagnostics } = buildRunbooks(repoRoot);

  it('writes an index and one page per analytics rule', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sk-docs-'));
    const result = await runCommand(run, '--out', out, '--root', repoRoot);
    expect(result.code).toBe(0);
    const rules = loadOperationsRepository(repoRoot)!.rules;
    expect(readdirSync(join(out, 'rules')).sort()).toEqual(
      rules.map((r) => `${r.id.toLowerCase()}.html`).sort(),
    );
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const rule of rules) expect(index).toContain(`href="${runbookPath(rule.id)}"`);
    expect(result.stdout).toBe(`wrote ${rules.length + 1} pages to ${out}`);
    expect(diagnostics).toEqual([]);
  });

  it('a rule page says what it detects, who triages, the SLA, the automation and the worked examples', () => {
    const page = text(site.get(runbookPath(SSH))!);
    expect(page).toContain('SSH brute force against a Linux host');
    expect(page).toContain('Tactics: Credential Access, Lateral Movement');
    expect(page).toContain('T1110.001 Password Guessing');
    expect(page).toContain('Host HostName ← Computer');
    expect(page).toContain(
      'Incidents start at L1 (default tier). If an Account is in VIPUsers, L2 (route VIP accounts ).',
    );
    expect(page).toContain(
      'Acknowledge within 1h , close within 1d (Medium). A missed close SLA escalates to the next tier.',
    );
    expect(page).toContain('10 Triage every new incident incident-created — run responder triage');
    expect(page).toContain('100 SOC routing: default tier → L1 incident-created — assign owner');
    expect(page).not.toContain('SOC routing: route High severity identity');
    expect(page).toContain('fires at Medium on 15 failed passwords from one source');
    expect(page).toContain('expect 1 alert');
    expect(page).toContain('SSH brute force on web-01 from 203.0.113.99 (15 failures)');
  });

  it('a rule a tag route claims starts at that tier', () => {
    const page = text(site.get(runbookPath(LSASS))!);
    expect(page).toContain('Incidents start at L2 (route Credential theft on endpoints ).');
    expect(page).toContain('L2 (starts here)');
  });

  it('is deterministic', () => {
    expect([...buildRunbooks(repoRoot).site]).toEqual([...site]);
  });

  it('escapes content: a rule cannot inject markup into its runbook', () => {
    const rule = {
      id: '00000000-0000-4000-8000-000000000001',
      name: '<script>alert(1)</script>',
      description: 'a & b <img src=x onerror=alert(1)>',
      severity: 'Low',
      kind: 'Scheduled',
      query: 'T | where x < 1',
      tactics: ['"><b>'],
    } as unknown as AnalyticsRule;
    const html = generateRunbooks({
      rules: [{ rule, file: 'x.yaml', cases: [] }],
      automation: [],
      routed: [],
    }).get(runbookPath(rule.id))!;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('T | where x &lt; 1');
  });
});
