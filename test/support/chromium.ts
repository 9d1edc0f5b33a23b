// Headless Chromium for the local SOC's browser tests: Debian's chromium, which .ci/run installs.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';
// Flags for a sandboxed CI machine with no network.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Why the browser tests cannot run here, or undefined. On a developer machine without chromium they are
 * skipped with that reason; under CI (CI=true) a missing browser is a broken set-up, so they run and fail
 * instead of passing silently.
 */
export const chromiumMissing =
  existsSync(chromiumPath) || process.env.CI === 'true'
    ? undefined
    : `no ${chromiumPath} (.ci/run installs it)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** Puts a query in the KQL console's editor (Monaco) once it has loaded, as a paste would. */
export async function setConsoleQuery(page: Page, query: string): Promise<void> {
  await page.locator('[data-editor="monaco-kusto"] .monaco-editor').waitFor({ timeout: 60_000 });
  await page.evaluate((text) => {
    (window as unknown as { monaco: any }).monaco.editor.getModels()[0].setValue(text);
  }, query);
}
