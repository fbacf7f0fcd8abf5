// The memory chart read as a reader sees it, on the local runner with the warm-up lab: at most six
// series drawn at first (the rest one press away in the legend), marker labels that never overlap,
// tick labels that never repeat, and a heap snapshot marked on the chart rather than setting its scale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { launchBrowser, openPage, screenshotDir, startSite, type Site } from './harness.ts';

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

interface Box {
  text: string;
  title: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

async function markLabels(page: Page): Promise<Box[]> {
  // One evaluate for query and measure: the chart redraws its labels on every sample, so elements
  // found in one step may be replaced by the next.
  return page.evaluate(() =>
    [...document.querySelectorAll('.lab-app .lab-chart-mark')].map((e) => {
      const r = e.getBoundingClientRect();
      return {
        text: e.textContent ?? '',
        title: (e as HTMLElement).title,
        x: r.x,
        y: r.y,
        width: r.width,
        height: r.height,
      };
    }),
  );
}

const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function ticks(page: Page): Promise<Record<string, string[]>> {
  const data = await page.locator('.lab-chart-plot').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
  return Object.fromEntries(
    Object.entries(data)
      .filter(([k]) => k.startsWith('ticks'))
      .map(([k, v]) => [k, (v ?? '').split('|').filter(Boolean)]),
  );
}

describe('memory chart', () => {
  it('six series at most, labels apart, ticks distinct, snapshots marked', { timeout: 300_000 }, async () => {
    const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
    try {
      await page.goto(site.url('/chapters/toolkit/'));
      const card = page.locator('section.lab[data-lab-id="cache-warmup"]');
      await card.locator('[data-lab-start]').click();
      await page.locator('.lab-status[data-status="running"]').waitFor({ timeout: 90_000 });
      const chart = page.locator('.lab-chart');
      await page.waitForFunction(() => Number(document.querySelector('.lab-chart')?.getAttribute('data-samples')) >= 3);

      // Markers close together: a scenario, a snapshot taken while it runs, another scenario, a snapshot.
      const snap = page.locator('.lab-actions button', { hasText: 'Snapshot' });
      for (let round = 0; round < 2; round++) {
        await page.locator('[data-scenario="search-storm"]:not([disabled])').click();
        if (await snap.isEnabled()) await snap.click();
        await page
          .locator('.lab-scenario-progress')
          .filter({ hasText: /finished|failed/ })
          .waitFor({ timeout: 60_000 });
        await page.locator('.lab-actions button[aria-busy="false"]', { hasText: 'Snapshot' }).waitFor();
        await snap.click();
        await page.locator('.lab-snapshot').nth(round).waitFor({ timeout: 60_000 });
      }
      await page.waitForTimeout(1500);

      // Series: every one listed, at most six drawn.
      const legend = chart.locator('.lab-chart-legend li');
      const all = await legend.count();
      expect(all).toBeGreaterThan(6);
      const pressed = () => chart.locator('.lab-legend-toggle[aria-pressed="true"]').count();
      expect(await pressed()).toBeLessThanOrEqual(6);
      expect(await pressed()).toBeGreaterThanOrEqual(3);
      // The heap limit reads as the manifest states it (32 MB) and explains itself.
      const limit = legend.filter({ hasText: 'Heap limit' });
      await expect(limit.locator('.lab-legend-value').textContent()).resolves.toBe('32 MB');
      await expect(limit.locator('button').getAttribute('title')).resolves.toMatch(/--max-old-space-size=32/);
      // A hidden series is one press away.
      const hidden = chart.locator('.lab-chart-legend li[data-hidden] button').first();
      const hiddenKey = await chart.locator('.lab-chart-legend li[data-hidden]').first().getAttribute('data-key');
      await hidden.click();
      await expect(
        chart.locator(`.lab-chart-legend li[data-key="${hiddenKey}"] button`).getAttribute('aria-pressed'),
      ).resolves.toBe('true');
      await page.waitForTimeout(500);

      // Markers: scenarios and snapshots labelled, labels apart from each other and inside the chart.
      const labels = await markLabels(page);
      expect(labels.map((l) => l.title)).toEqual(expect.arrayContaining(['Search storm']));
      expect(labels.some((l) => l.title.startsWith('snapshot'))).toBe(true);
      for (let i = 0; i < labels.length; i++)
        for (let j = i + 1; j < labels.length; j++)
          expect(intersects(labels[i]!, labels[j]!), JSON.stringify([labels[i], labels[j]])).toBe(false);
      const box = (await chart.boundingBox())!;
      for (const l of labels) {
        expect(l.x, JSON.stringify({ l, box })).toBeGreaterThanOrEqual(box.x);
        expect(l.x + l.width, JSON.stringify({ l, box })).toBeLessThanOrEqual(box.x + box.width + 0.5);
      }

      // Ticks: no axis repeats a label.
      const t = await ticks(page);
      expect(t.ticksX?.length).toBeGreaterThan(1);
      expect(t.ticksMb?.length).toBeGreaterThan(1);
      for (const [axis, values] of Object.entries(t))
        expect(new Set(values).size, `${axis}: ${values}`).toBe(values.length);

      await chart.screenshot({ path: join(screenshotDir, 'memory-chart-1280.png') });
      await page.setViewportSize({ width: 375, height: 800 });
      await page.waitForTimeout(800);
      const narrow = await markLabels(page);
      for (let i = 0; i < narrow.length; i++)
        for (let j = i + 1; j < narrow.length; j++) expect(intersects(narrow[i]!, narrow[j]!)).toBe(false);
      const t2 = await ticks(page);
      for (const values of Object.values(t2)) expect(new Set(values).size).toBe(values.length);
      await chart.screenshot({ path: join(screenshotDir, 'memory-chart-375.png') });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
