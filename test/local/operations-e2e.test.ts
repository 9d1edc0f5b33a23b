import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, setConsoleQuery } from '../support/chromium.js';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

describe.skipIf(chromiumMissing)(
  `SOC operations view in headless Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let soc: LocalSocProcess;
    let browser: Browser;

    beforeAll(async () => {
      // ×120: a Medium incident misses its 1-hour acknowledge SLA after 30 s of real time.
      soc = await startLocalSocProcess({
        dataDir: mkdtempSync(join(tmpdir(), 'sk-ops-e2e-')),
        args: ['--no-demo', '--speed', '120'],
      });
      browser = await launchChromium();
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

      // The escalation shows in the incident's timeline. The timer labels the incident before it
      // comments, and the detail page does not refresh itself: reload until the comment is there.
      await row.first().getByRole('link').first().click();
      const escalation = page.locator('li[data-kind="comment"]').filter({ hasText: 'sla-escalate' });
      await page.getByRole('heading', { level: 1 }).waitFor();
      for (let attempt = 0; attempt < 60 && (await escalation.count()) === 0; attempt++) {
        await page.waitForTimeout(1000);
        await page.reload();
        await page.getByRole('heading', { level: 1 }).waitFor();
      }
      expect(await escalation.first().textContent()).toContain('SLA to acknowledge missed');
      expect(await page.locator('dl dt').filter({ hasText: 'address' }).count()).toBeGreaterThan(0);
      expect(await page.getByRole('link', { name: 'alerts with 203.0.113.5' }).count()).toBe(1);

      await page.getByRole('link', { name: 'Runbook for this rule' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Password spray against Entra ID from a single IP' })
        .waitFor();
      expect(await page.textContent('body')).toContain('Incidents start at L1');
    });

    // After the first test: the SOC has an incident that breached its SLA and escalated.
    it('draws the SLA chart, the ATT&CK heat map with its gaps, a render timechart, and editor squiggles', {
      timeout: 180_000,
    }, async () => {
      const page = await browser.newPage();
      const drawn = (selector: string) =>
        page.locator(selector).evaluate((canvas: HTMLCanvasElement) => {
          const blank = document.createElement('canvas');
          blank.width = canvas.width;
          blank.height = canvas.height;
          return canvas.width > 0 && canvas.toDataURL() !== blank.toDataURL();
        });

      await page.goto(`${soc.url}/#/sla`);
      const attainment = 'canvas[aria-label^="SLA attainment per tier"]';
      await page.locator(attainment).waitFor();
      expect(await drawn(attainment)).toBe(true);
      expect(await page.locator('canvas[aria-label^="SLA breaches per tier"]').count()).toBe(1);

      await page.goto(`${soc.url}/#/rules`);
      const sparkline = page.locator('canvas[aria-label^="Alerts per day of Password spray"]');
      await sparkline.waitFor();
      expect(await sparkline.getAttribute('aria-label')).toMatch(/budget \d+ a day$/);

      await page.goto(`${soc.url}/#/coverage`);
      const credentialAccess = page.getByRole('region', { name: 'Credential Access' });
      await credentialAccess.waitFor();
      expect(
        Number(await credentialAccess.locator('li[data-technique="T1110"]').getAttribute('data-rules')),
      ).toBeGreaterThan(0);
      // The whole matrix: techniques no enabled rule covers show as gaps.
      expect(await credentialAccess.locator('li[data-rules="0"]').count()).toBeGreaterThan(5);
      expect(await page.locator('.matrix section').count()).toBe(14);

      await page.goto(`${soc.url}/#/query`);
      await setConsoleQuery(
        page,
        'SigninLogs\n| summarize n = count() by bin(TimeGenerated, 1m)\n| render timechart',
      );
      await page.getByRole('button', { name: 'Run' }).click();
      // The first console query starts the query worker (Kusto.Language loads in it): seconds on a busy machine.
      const output = page.locator('#query-output');
      await output.locator(':scope > *').first().waitFor({ timeout: 90_000 });
      const chart = 'figure[data-render="timechart"] canvas';
      expect(await page.locator(chart).count(), (await output.textContent()) ?? '').toBe(1);
      expect(await drawn(chart)).toBe(true);

      // monaco-kusto checks the query against the workspace's schema: the table is known, the column is not.
      await setConsoleQuery(page, 'SigninLogs\n| where NoSuchColumn == 1');
      const markers = () =>
        page.evaluate(() =>
          (window as unknown as { monaco: any }).monaco.editor
            .getModelMarkers({})
            .map((m: { message: string; startLineNumber: number }) => `${m.startLineNumber}: ${m.message}`),
        );
      await expect
        .poll(markers, { timeout: 30_000 })
        .toEqual([expect.stringMatching(/^2: .*'NoSuchColumn' does not refer to any known column/)]);
      // ... drawn as a red squiggle under the column name.
      await page.locator('.squiggly-error').first().waitFor({ timeout: 10_000 });
    });
  },
);
