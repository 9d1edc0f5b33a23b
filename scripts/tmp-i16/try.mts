import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startLocalSocProcess } from '/work/wt/i16/test/support/local-soc.js';

const soc = await startLocalSocProcess({ dataDir: mkdtempSync(join(tmpdir(), 'sk-try-')), args: ['--no-demo', '--speed', '120'] });
console.log('soc at', soc.url);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 3000)));
  page.on('pageerror', (e) => console.log('pageerror', e.message.slice(0, 300)));
  page.on('response', (r) => { if (r.status() >= 400) console.log('status', r.status(), r.url()); });
  page.on('requestfailed', (r) => console.log('requestfailed', r.url(), r.failure()?.errorText));
  await page.goto(`${soc.url}/#/attacks`);
  await page.locator('button[data-attack*="signin-password-spray.yaml#fires"]').click();
  await page.getByRole('status').filter({ hasText: 'Injected' }).waitFor();
  for (const p of ['sla', 'rules', 'coverage']) { await page.goto(`${soc.url}/#/${p}`); await page.waitForTimeout(1500); }
  await page.goto(`${soc.url}/#/query`);
  await page.locator('.monaco-editor').waitFor({ timeout: 60000 });
  console.log('models', await page.evaluate(() => (window as any).monaco.editor.getModels().map((m: any) => m.uri.toString() + ' ' + m.getLanguageId())));
  console.log('editor up');
  console.log('schema', JSON.stringify(await page.evaluate(async () => { const s = await (await fetch('/api/schema')).json(); return [s.database.name, s.database.tables.map((t: any) => t.name + ':' + t.columns.length), s.database.functions.length]; })));
  await page.waitForTimeout(3000);
  await page.evaluate(() => (window as any).monaco.editor.getModels()[0].setValue('SigninLogs\n| where NoSuchColumn == 1'));
  await page.waitForTimeout(4000);
  console.log('markers', JSON.stringify(await page.evaluate(() => (window as any).monaco.editor.getModelMarkers({}).map((m: any) => [m.message, m.startLineNumber, m.startColumn]))));
  console.log('squiggles', await page.locator('.squiggly-error').count());
  console.log('tokens', await page.locator('.view-line span span').evaluateAll((els) => els.slice(0,6).map((e) => e.className + ':' + getComputedStyle(e).color)));
  await page.screenshot({ path: '/tmp/mk16/shot.png' });
  await page.evaluate(() => (window as any).monaco.editor.getModels()[0].setValue('SigninLogs\n| summarize n = count() by bin(TimeGenerated, 1m)\n| render timechart'));
  await page.getByRole('button', { name: 'Run' }).click();
  await page.waitForTimeout(5000);
  console.log('output', await page.locator('#query-output').textContent());
  await page.locator('figure[data-render] canvas').waitFor({ timeout: 20000 });
  console.log('chart ok');
  await page.screenshot({ path: '/tmp/mk16/shot2.png', fullPage: true });
} finally {
  await browser.close();
  soc.process.kill('SIGINT');
}
