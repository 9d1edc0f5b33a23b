import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, setConsoleQuery } from '../support/chromium.js';
import { type LocalSocProcess, startLocalSocProcess } from '../support/local-soc.js';

describe.skipIf(chromiumMissing)(
  `local SOC end to end in headless Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let soc: LocalSocProcess;
    let browser: Browser;

    beforeAll(async () => {
      // Without the demo data, so the test injects its own attack.
      soc = await startLocalSocProcess({
        dataDir: mkdtempSync(join(tmpdir(), 'sk-e2e-')),
        args: ['--no-demo'],
      });
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      if (soc?.process.exitCode === null) soc.process.kill('SIGKILL');
    });

    // Starting the SOC, a rule run, two responders and a browser session take tens of seconds on 2 cores.
    it('shows an injected attack as an incident with the responder comment, then stops on Ctrl-C', {
      timeout: 180_000,
    }, async () => {
      const page = await browser.newPage();
      await page.goto(`${soc.url}/#/attacks`);
      const inject = page.locator('button[data-attack*="signin-password-spray.yaml#fires"]');
      await inject.click();
      await page.getByRole('status').filter({ hasText: 'Injected' }).waitFor();

      await page.goto(`${soc.url}/#/incidents`);
      const incident = page.getByRole('link', { name: /Password spray from 203\.0\.113\.5/ });
      await incident.waitFor({ timeout: 60_000 });
      await incident.click();

      const heading = page.getByRole('heading', {
        level: 1,
        name: /^Incident \d+: Password spray from 203\.0\.113\.5/,
      });
      await heading.waitFor();
      expect(await heading.count()).toBe(1);
      const enrichment = page
        .locator('li[data-kind="comment"]')
        .filter({ hasText: 'sentinel-kit enrichment' });
      // Only list pages refresh themselves; the detail page is reloaded until the responder has commented.
      for (let attempt = 0; attempt < 30 && (await enrichment.count()) === 0; attempt++) {
        await page.waitForTimeout(1000);
        await page.reload();
      }
      expect(await enrichment.first().textContent()).toContain('203.0.113.5');
      expect(await page.locator('li[data-kind="automation"]').first().textContent()).toContain(
        'automation rule',
      );
      expect(await page.locator('table').nth(1).textContent()).toContain('203.0.113.5');

      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByText('· Active ·').waitFor();
      await page.getByRole('combobox', { name: 'Classification' }).selectOption('TruePositive');
      await page.getByRole('button', { name: 'Close incident' }).click();
      await page.getByText('· Closed ·').waitFor();

      await page.goto(`${soc.url}/#/sla`);
      await page.getByRole('heading', { name: /^SLA/ }).waitFor();
      const medium = page.locator('tr').filter({ hasText: 'Medium' });
      await medium.waitFor();
      const cells = await medium.locator('td').allTextContents();
      expect(cells.slice(0, 4)).toEqual(['Medium', '1', '1', '1']);
      expect(Number(cells[4])).toBeGreaterThanOrEqual(0);
      expect(Number(cells[5])).toBeGreaterThanOrEqual(Number(cells[4]));

      await page.goto(`${soc.url}/#/coverage`);
      await page.getByRole('heading', { name: /ATT&CK coverage/ }).waitFor();
      const credentialAccess = page.getByRole('region', { name: 'Credential Access' });
      await credentialAccess.waitFor();
      expect(await credentialAccess.textContent()).toContain('T1110 Brute Force');

      await page.goto(`${soc.url}/#/query`);
      await setConsoleQuery(page, 'SecurityAlert | where AlertName has "spray" | count');
      await page.getByRole('button', { name: 'Run' }).click();
      const count = page.locator('#query-output td');
      await count.first().waitFor();
      expect(await count.first().textContent()).toBe('1');

      await setConsoleQuery(page, 'SecurityAlert\n| where NoSuchColumn == 1');
      await page.getByRole('button', { name: 'Run' }).click();
      const error = page.locator('#query-output .error');
      await error.waitFor();
      expect(await error.textContent()).toContain('2:9');

      const exited = new Promise<number | null>((resolve) => soc.process.once('exit', resolve));
      soc.process.kill('SIGINT');
      const code = await exited;
      expect(code).toBe(0);
      expect(soc.output()).toContain('stopping local SOC');
    });
  },
);
