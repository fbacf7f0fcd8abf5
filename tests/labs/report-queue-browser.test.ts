// The report-queue lab in Chromium on the local runner, as a reader does it: staging traffic leaves no
// waiter behind, production traffic strands one per burst and trips Node's listener warning, and with
// the solution applied both hidden checks pass.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, repoRoot, screenshotDir, startSite, type Site } from '../e2e/harness.ts';

const LAB = 'report-queue';
const FILE_KEY = `leakbook:v1:lab:${LAB}:file:queue.ts`;
const solutionText = readFileSync(join(repoRoot, 'labs', LAB, 'solution', 'queue.ts'), 'utf8');

let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function runScenario(page: Page, id: string): Promise<void> {
  await page.locator(`[data-scenario="${id}"]`).click();
  await page
    .locator('.lab-scenario-progress')
    .filter({ hasText: /finished|failed/ })
    .waitFor({ timeout: 90_000 });
  await expect(page.locator('.lab-scenario-progress').textContent()).resolves.toMatch(/finished/);
  await page.locator(`[data-scenario="${id}"]:not([disabled])`).waitFor();
}

/** The lab panel only (the chapter page is long: a full-page shot is slow on a busy machine). */
async function labShot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.locator('.lab-app').screenshot({ path: join(screenshotDir, `${name}.png`), timeout: 60_000 });
}

/** The "tick waiters" gauge as the chart legend shows it, once the next samples have arrived. */
async function tickWaiters(page: Page): Promise<number> {
  await page.waitForTimeout(800);
  const text = await page.locator('.lab-chart-legend li[data-key="g:tick waiters"] .lab-legend-value').textContent();
  return Number((text ?? '').replace(/[^\d.]/g, ''));
}

it('staging stays clear, production strands waiters, the solution passes Check', { timeout: 420_000 }, async () => {
  const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
  try {
    await page.goto(site.url('/chapters/lonely-ticker/'));
    const card = page.locator(`section.lab[data-lab-id="${LAB}"]`);
    await card.locator('[data-lab-start]').click();
    await page.locator('.lab-status[data-status="running"]').waitFor({ timeout: 90_000 });
    await page.locator('.lab-app[data-editor="ready"]').waitFor({ timeout: 90_000 });

    await runScenario(page, 'staging');
    expect(await tickWaiters(page)).toBeLessThanOrEqual(1);

    await runScenario(page, 'production');
    expect(await tickWaiters(page)).toBeGreaterThanOrEqual(16);
    // the output pane may be collapsed: the line only has to be there
    await page
      .locator('.lab-output-log')
      .getByText(/MaxListenersExceededWarning/)
      .first()
      .waitFor({ state: 'attached', timeout: 10_000 });
    await labShot(page, 'lab-report-queue-production-1280');

    // Apply the solution (confirmed first, as before any failed Check) and run the hidden checks.
    await page.locator('.lab-editor-foot button', { hasText: 'Solution' }).click();
    await page.locator('.lab-confirm').getByRole('button', { name: 'Compare with the solution' }).click();
    const dialog = page.locator('dialog.lab-solution-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Apply the solution' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate((k) => localStorage.getItem(k), FILE_KEY)).toBe(solutionText);

    await page.locator('.lab-actions button', { hasText: 'Check' }).click();
    await page.locator('.lab-actions .lab-btn-primary[aria-busy="false"]').waitFor({ timeout: 240_000 });
    const states = await page
      .locator('.lab-task')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
    const messages = await page.locator('.lab-task-message').allTextContents();
    expect(states, messages.join(' | ')).toEqual(['pass', 'pass']);
    await labShot(page, 'lab-report-queue-checked-1280');
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});
