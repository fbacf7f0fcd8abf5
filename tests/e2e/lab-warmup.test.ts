// The whole warm-up lab in Chromium against the local runner, as a reader does it: open the Toolkit
// chapter (light: no editor code before Start), start the lab, trigger a leak, watch the chart move,
// take two heap snapshots and read their diff, apply the solution, pass Check, and find edits and
// progress intact after a reload.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  axeViolations,
  formatViolations,
  launchBrowser,
  openPage,
  repoRoot,
  screenshot,
  startSite,
  type Site,
} from './harness.ts';

const LAB = 'cache-warmup';
const FILE_KEY = `leakbook:v1:lab:${LAB}:file:cache.ts`;
const TASKS_KEY = `leakbook:v1:lab:${LAB}:tasks`;
const solutionText = readFileSync(join(repoRoot, 'labs', LAB, 'solution', 'cache.ts'), 'utf8');

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

/** gzip bytes of every script the page has loaded so far (what a reader downloads, compressed). */
async function scriptGzipBytes(page: Page): Promise<{ total: number; urls: string[] }> {
  const urls = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((r) => (r as PerformanceResourceTiming).initiatorType === 'script' || r.name.endsWith('.js'))
      .map((r) => r.name),
  );
  const inline = await page.evaluate(() =>
    [...document.querySelectorAll('script:not([src])')]
      .filter((s) => !s.getAttribute('type') || s.getAttribute('type') === 'module')
      .map((s) => s.textContent ?? ''),
  );
  let total = inline.reduce((n, text) => n + gzipSync(text).length, 0);
  for (const url of urls) {
    const res = await fetch(url);
    total += gzipSync(Buffer.from(await res.arrayBuffer())).length;
  }
  return { total, urls };
}

async function runScenario(page: Page, id: string): Promise<void> {
  const button = page.locator(`[data-scenario="${id}"]`);
  await button.click();
  await page
    .locator('.lab-scenario-progress')
    .filter({ hasText: /finished|failed/ })
    .waitFor({ timeout: 60_000 });
  await expect(page.locator('.lab-scenario-progress').textContent()).resolves.toMatch(/finished/);
  await page.locator(`[data-scenario="${id}"]:not([disabled])`).waitFor();
}

async function snapshotCount(page: Page, n: number): Promise<void> {
  await page.locator('.lab-actions button', { hasText: 'Snapshot' }).click();
  await page
    .locator('.lab-snapshot a[download]')
    .nth(n - 1)
    .waitFor({ timeout: 60_000 });
}

describe('warm-up lab, end to end on the local runner', () => {
  it(
    'start, trigger, watch, snapshot, diff, fix, check; a reload keeps the edits and progress',
    { timeout: 420_000 },
    async () => {
      const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await page.goto(site.url('/chapters/toolkit/'));
        const card = page.locator(`section.lab[data-lab-id="${LAB}"]`);
        await expect(card.locator('h2').textContent()).resolves.toContain('The cache that never forgets');

        // Before Start: small, and no editor, chart or runtime code.
        await page.waitForLoadState('networkidle');
        const before = await scriptGzipBytes(page);
        expect(
          before.total,
          `JS before Start (gzip): ${before.total} bytes from ${before.urls.join(', ')}`,
        ).toBeLessThanOrEqual(30 * 1024);
        expect(before.urls.filter((u) => /editor|monaco|uPlot|app\.|webcontainer|type-libs/i.test(u))).toEqual([]);
        expect(await page.locator('link[rel="stylesheet"][href*="editor"], style[data-lazy-css]').count()).toBe(0);

        // Start: the service comes up on the local runner and the editor loads.
        await card.locator('[data-lab-start]').click();
        await page.locator('.lab-status[data-status="running"]').waitFor({ timeout: 90_000 });
        await page.locator('.lab-app[data-editor="ready"]').waitFor({ timeout: 90_000 });
        await expect(page.locator('.lab-runtime select').inputValue()).resolves.toBe('local');
        const a11y = await axeViolations(page);
        expect(a11y, formatViolations(a11y)).toEqual([]);

        // Trigger the leak and watch the chart move: samples arrive and the cache gauge climbs.
        const samplesBefore = Number(await page.locator('.lab-chart').getAttribute('data-samples'));
        await runScenario(page, 'search-storm');
        const samplesAfter = Number(await page.locator('.lab-chart').getAttribute('data-samples'));
        expect(samplesAfter).toBeGreaterThan(samplesBefore);
        await expect(page.locator('.lab-chart canvas').count()).resolves.toBeGreaterThan(0);
        await expect(
          page.locator('.lab-chart-legend li[data-key="g:cache entries"] .lab-legend-value').textContent(),
        ).resolves.not.toBe('0');

        // Two snapshots around a second storm, then their diff: the cached responses are what grew.
        await snapshotCount(page, 1);
        await runScenario(page, 'search-storm');
        await snapshotCount(page, 2);
        const diff = page.locator('.lab-investigate');
        await diff.locator('tbody th', { hasText: 'CachedResponse' }).first().waitFor({ timeout: 120_000 });
        await screenshot(page, 'lab-warmup-diff-1280');

        // Show the solution (asked for before any failed Check, so confirmed first), compare, apply.
        await page.locator('.lab-editor-foot button', { hasText: 'Solution' }).click();
        await page.locator('.lab-confirm').getByRole('button', { name: 'Compare with the solution' }).click();
        const dialog = page.locator('dialog.lab-solution-dialog');
        await dialog.waitFor();
        await dialog.locator('.monaco-diff-editor').waitFor();
        await dialog.getByRole('button', { name: 'Apply the solution' }).click();
        await dialog.waitFor({ state: 'detached' });
        expect(await page.evaluate((k) => localStorage.getItem(k), FILE_KEY)).toBe(solutionText);
        await expect(page.locator('.lab-undo').isVisible()).resolves.toBe(true);

        // Check: runs the applied solution against the hidden checks; every task passes.
        await page.locator('.lab-actions button', { hasText: 'Check' }).click();
        await page.locator('.lab-actions .lab-btn-primary[aria-busy="false"]').waitFor({ timeout: 180_000 });
        const states = await page
          .locator('.lab-task')
          .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
        const messages = await page.locator('.lab-task-message').allTextContents();
        const summary = await page.locator('.lab-tasks-summary').textContent();
        const output = await page.locator('.lab-output-log').textContent();
        expect(states, `${summary}\ntask messages: ${messages.join(' | ')}\noutput:\n${output}`).toEqual([
          'pass',
          'pass',
        ]);
        await expect(page.locator('.lab-app > [aria-live="polite"].visually-hidden').textContent()).resolves.toMatch(
          /Check passed/,
        );
        const progress = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), TASKS_KEY)) ?? '{}');
        expect(Object.keys(progress).sort()).toEqual(['bounded-cache', 'still-a-cache']);
        expect(Object.values(progress).every((t) => (t as { passed: boolean }).passed)).toBe(true);
        await screenshot(page, 'lab-warmup-checked-1280');

        // Reload: the card shows the finished tasks; starting again restores the edited file and results.
        await page.reload();
        await expect(card.locator('.lab-card-tasks li[data-done="true"]').count()).resolves.toBe(2);
        await card.locator('[data-lab-start]').click();
        await page.locator('.lab-app[data-editor="ready"]').waitFor({ timeout: 90_000 });
        const shown = await page.locator('.lab-editor .view-lines').textContent();
        expect(shown?.replace(/\u00a0/g, ' ')).toContain('least recently used');
        await expect(page.locator('.lab-tab[data-path="cache.ts"]').getAttribute('data-modified')).resolves.toBe('');
        const after = await page
          .locator('.lab-task')
          .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.state));
        expect(after).toEqual(['pass', 'pass']);

        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );
});
