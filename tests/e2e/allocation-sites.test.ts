// Allocation sites of a Node lab in Chromium, on the local runner: the warm-up lab's service samples
// allocations, so the page shows the profiles panel in its Node form beside the snapshots; two captures
// around a search storm are diffed (the newest against the one before), the growth is in the lab's own
// code, and a capture downloads as a .heapprofile for Chrome DevTools.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  axeViolations,
  formatViolations,
  launchBrowser,
  openPage,
  screenshotDir,
  startSite,
  type Site,
} from './harness.ts';

const LAB = 'cache-warmup';

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

const panel = (page: Page) => page.locator(`[data-lab-app="${LAB}"] .pp-panel[data-language="node"]`);

async function capture(page: Page, n: number): Promise<void> {
  await panel(page)
    .getByRole('button', { name: /Capture the allocation sites/ })
    .click();
  await panel(page)
    .locator('.pp-item[data-source="live"] a[download]')
    .nth(n - 1)
    .waitFor({ timeout: 60_000 });
}

describe('allocation sites of a Node lab, on the local runner', () => {
  it('captures before and after a storm, diffs them, and downloads a .heapprofile', { timeout: 300_000 }, async () => {
    const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
    try {
      await page.goto(site.url('/chapters/toolkit/'));
      await page.locator(`section.lab[data-lab-id="${LAB}"] [data-lab-start]`).click();
      const app = page.locator(`[data-lab-app="${LAB}"]`);
      await app.locator('.lab-status[data-status="running"]').waitFor({ timeout: 90_000 });
      const p = panel(page);
      await p.locator('.pp-list').waitFor({ timeout: 60_000 });
      // the snapshots stay: this panel is beside them, not instead of them
      await expect(app.locator('.lab-actions button', { hasText: 'Snapshot' }).isVisible()).resolves.toBe(true);
      await expect(p.locator('.lab-card-title').textContent()).resolves.toBe(
        'Allocation sites (sampling heap profiler)',
      );
      // one capture, and no Go wording
      await expect(p.locator('.pp-capture button').count()).resolves.toBe(1);
      await p.locator('.pp-capture button:not([disabled])').waitFor({ timeout: 30_000 });

      await capture(page, 1);
      await app.locator('[data-scenario="search-storm"]').click();
      await app
        .locator('.lab-scenario-progress')
        .filter({ hasText: /finished|failed/ })
        .waitFor({ timeout: 90_000 });
      await expect(app.locator('.lab-scenario-progress').textContent()).resolves.toMatch(/finished/);
      await capture(page, 2);

      // the newest capture is shown against the one before: what grew, by allocating function
      await expect(p.getAttribute('data-diff')).resolves.toBe('true');
      await p.locator('.pp-table tbody tr').first().waitFor();
      await expect(p.locator('.pp-summary').textContent()).resolves.toMatch(
        /Allocation sites · after search storm −base/,
      );
      const firstRow = p.locator('.pp-table tbody tr').first();
      await expect(firstRow.locator('.pp-fn-where').textContent()).resolves.toMatch(/^app\/\w+\.ts:\d+$/);
      await expect(firstRow.locator('td.pp-up').first().textContent()).resolves.toMatch(/^\+[\d.]+ (KB|MB)$/);
      mkdirSync(screenshotDir, { recursive: true });
      await p.screenshot({ path: join(screenshotDir, 'allocation-sites-diff-1280.png'), animations: 'disabled' });

      // the frame is in the lab's own code: its file:line opens that line in the editor
      const where = (await firstRow.locator('.pp-fn-where').textContent())!;
      const [, file, line] = /^app\/(.+):(\d+)$/.exec(where)!;
      await firstRow.locator('button.pp-source').click();
      await expect(app.locator(`.lab-tab[data-path="${file}"]`).getAttribute('aria-selected')).resolves.toBe('true');
      // Monaco marks the cursor's line number as the active one
      await page.waitForFunction(
        (n) => document.querySelector('.lab-editor .line-numbers.active-line-number')?.textContent?.trim() === n,
        line,
        { timeout: 10_000 },
      );

      await p.getByRole('tab', { name: 'Flame graph' }).click();
      await p.locator('.pp-frame').first().waitFor();
      await expect(p.getByRole('tab', { name: 'Goroutines' }).isHidden()).resolves.toBe(true);

      const text = (await p.textContent()) ?? '';
      expect(text).not.toMatch(/go tool pprof|pprof\)/);
      const download = await p.locator('.pp-item[data-source="live"] a[download]').first();
      expect(await download.getAttribute('download')).toMatch(/^cache-warmup-\d+-heap-baseline\.heapprofile$/);
      expect(await download.getAttribute('title')).toBe('Download (.heapprofile, opens in Chrome DevTools › Memory)');
      const keys = await page.evaluate(async () => {
        const a = document.querySelector<HTMLAnchorElement>('.pp-panel .pp-item[data-source="live"] a[download]')!;
        return Object.keys((await (await fetch(a.href)).json()) as object).sort();
      });
      expect(keys).toEqual(['head', 'samples']);

      const a11y = await axeViolations(page);
      expect(a11y, formatViolations(a11y)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
