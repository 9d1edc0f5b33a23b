import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];

// Needs Debian's chromium (.ci/run installs it); skipped with that reason on a machine without it.
describe.skipIf(!existsSync(chromiumPath))('SOC operations view in headless Chromium', () => {
  let soc: LocalSocProcess;
  let browser: Browser;

  beforeAll(async () => {
    // ×120: a Medium incident misses its 1-hour acknowledge SLA after 30 s of real time.
    soc = await startLocalSocProcess({
      dataDir: mkdtempSync(join(tmpdir(), 'sk-ops-e2e-')),
      args: ['--no-demo', '--speed', '120'],
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    if (soc?.process.exitCode === null) soc.process.kill('SIGKILL');
  });

  it('shows the tier, the SLA clock, the escalation after a breach, a chart and the runbook', {
    timeout: 240_000,
  }, async () => {
    const page = await browser.newPage();
    await page.goto(`${soc.url}/#/attacks`);
    await page.locator('button[data-attack*="signin-password-spray.yaml#fires"]').click();
    await page.getByRole('status').filter({ hasText: 'Injected' }).waitFor();

    await page.goto(`${soc.url}/#/operations`);
    await page.getByRole('heading', { name: 'SOC operations' }).waitFor();
    expect(await page.locator('table').first().textContent()).toContain('SOC L2 investigations');

    // The page refreshes itself every 2 s; wait for the incident, then for its escalation.
    const row = page
      .locator('table:has(caption:text("SLA clocks")) tbody tr')
      .filter({ hasText: 'Password spray from 203.0.113.5' });
    await row.first().waitFor({ timeout: 90_000 });
    // Routing runs after the triage and containment responders; the SLA timer every 5 simulated minutes.
    let cells: string[] = [];
    for (let attempt = 0; attempt < 120; attempt++) {
      cells = await row.first().locator('td').allTextContents();
      if (cells[4] === 'L1' && cells[7]?.includes('acknowledge')) break;
      await page.waitForTimeout(1000);
    }
    // Medium: acknowledge within 1h (30 s of real time at ×120); no route matches, so the default tier L1.
    expect(cells[2]).toBe('Medium');
    expect(cells[4]).toBe('L1');
    expect(cells[5]).toMatch(/^breached \d+[mh] ago$/);
    expect(cells[7]).toContain('acknowledge');
    expect(await page.locator('canvas[aria-label="Incidents per hour by severity"]').count()).toBe(1);

    // The escalation shows in the incident's timeline.
    await row.first().getByRole('link').first().click();
    const escalation = page.locator('li[data-kind="comment"]').filter({ hasText: 'sla-escalate' });
    await escalation.first().waitFor({ timeout: 30_000 });
    expect(await escalation.first().textContent()).toContain('SLA to acknowledge missed');
    expect(await page.locator('dl dt').filter({ hasText: 'address' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'alerts with 203.0.113.5' }).count()).toBe(1);

    await page.getByRole('link', { name: 'Runbook for this rule' }).click();
    await page
      .getByRole('heading', { level: 1, name: 'Password spray against Entra ID from a single IP' })
      .waitFor();
    expect(await page.textContent('body')).toContain('Incidents start at L1');
  });
});
