import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../support/chromium.js';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

// Needs Debian's chromium (.ci/run installs it): skipped on a developer machine without it, failed under CI.
describe.skipIf(chromiumMissing !== undefined)(
  'custom detections and summary rules in the local SOC, headless Chromium',
  () => {
    let soc: LocalSocProcess;
    let browser: Browser;

    beforeAll(async () => {
      // ×120: an hourly summary bin runs every 30 s of real time.
      soc = await startLocalSocProcess({
        dataDir: mkdtempSync(join(tmpdir(), 'sk-detections-e2e-')),
        args: ['--no-demo', '--speed', '120'],
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      if (soc?.process.exitCode === null) soc.process.kill('SIGKILL');
    });

    it("shows a custom-detection alert with its detection and a summary rule's bins and rows beside the incidents", {
      timeout: 240_000,
    }, async () => {
      const page = await browser.newPage();
      await page.goto(`${soc.url}/#/attacks`);
      await page.locator('button[data-attack*="office-encoded-powershell.yaml#fires"]').click();
      await page.getByRole('status').filter({ hasText: 'Injected' }).waitFor();

      // The spray's failures lie 50 to 23 minutes before the injection. An hourly bin summarizes the
      // rows ingested by 10 minutes after its end (binDelay 10), so they reach the table only when
      // injected in the last minutes of an hour or the first of the next: then their bin has not run.
      for (let attempt = 0; attempt < 120; attempt++) {
        const { now } = (await (await fetch(`${soc.url}/api/status`)).json()) as { now: string };
        if (new Date(now).getUTCMinutes() >= 50 && new Date(now).getUTCMinutes() <= 56) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await page.locator('button[data-attack*="signin-password-spray.yaml#fires"]').click();
      await page.getByRole('status').filter({ hasText: 'fires when one IP fails' }).waitFor();

      await page.goto(`${soc.url}/#/incidents`);
      await page
        .getByRole('link', { name: /Password spray from 203\.0\.113\.5/ })
        .waitFor({ timeout: 60_000 });

      await page.getByRole('link', { name: 'Detections & summaries' }).click();
      await page.getByRole('heading', { level: 1, name: 'Custom detections and summary rules' }).waitFor();
      const alert = page.locator('[data-detection-alert="office-encoded-powershell"]');
      await alert.first().waitFor({ timeout: 60_000 });
      expect(await alert.count()).toBe(2);
      // One alert per event (alertPerEvent), each with the entities its detection maps.
      const alertRows = (await page.locator('tr').filter({ has: alert }).allTextContents()).join('\n');
      expect(alertRows).toContain('Encoded PowerShell started by an Office application');
      expect(alertRows).toContain('Host: dev-1 / wks-0142');
      expect(alertRows).toContain('Host: dev-2 / wks-0200');

      // The page refreshes itself every 2 s; the bin with the spray runs within ~35 s of real time.
      const summary = page.locator('[data-summary-rule="SigninFailuresHourly"]');
      await summary.getByRole('heading', { name: /SigninFailuresHourly_CL/ }).waitFor();
      const rows = summary.locator('table:has(caption:text("Latest rows of SigninFailuresHourly_CL"))');
      await rows.filter({ hasText: '203.0.113.5' }).waitFor({ timeout: 120_000 });
      const text = await rows.textContent();
      expect(text).toContain('user01@contoso.com');
      expect(text).toContain('SigninFailuresHourly');
      const bins = summary.locator('table:has(caption:text("Last bins")) tbody tr');
      expect(await bins.count()).toBeGreaterThan(0);
    });
  },
);
