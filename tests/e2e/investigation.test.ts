// The investigation workspace in Chromium against the local runner, as a reader uses it: start a
// lab, snapshot, trigger the incident, snapshot again; the comparison opens at the lab's whole
// width. Asserted by geometry at 1280×900, 1440×900, focus mode, 768×1024 and 375×800 (class
// column, one-line header, visible rows, nothing covering a row, no sideways overflow), and by
// what the retainers tree names: the holder each chapter teaches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { mkdirSync } from 'node:fs';
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

async function runScenario(page: Page, id: string): Promise<void> {
  await page.locator(`[data-scenario="${id}"]`).click();
  await page
    .locator('.lab-scenario-progress')
    .filter({ hasText: /finished|failed/ })
    .waitFor({ timeout: 120_000 });
  await page.locator(`[data-scenario="${id}"]:not([disabled])`).waitFor();
}

async function snapshot(page: Page, n: number): Promise<void> {
  await page.locator('.lab-actions button', { hasText: 'Snapshot' }).click();
  await page
    .locator('.lab-snapshot a[download]')
    .nth(n - 1)
    .waitFor({ timeout: 90_000 });
}

/** Starts the lab, snapshots around a scenario, waits for the comparison and its retainers tree. */
async function compareAround(page: Page, chapter: string, lab: string, scenario: string): Promise<void> {
  await page.goto(site.url(`/chapters/${chapter}/`));
  await page.locator(`section.lab[data-lab-id="${lab}"] [data-lab-start]`).click();
  await page.locator('.lab-status[data-status="running"]').waitFor({ timeout: 120_000 });
  await snapshot(page, 1);
  await runScenario(page, scenario);
  await snapshot(page, 2);
  await page.locator('.lab-investigate .inv-table tr.snap-top').waitFor({ timeout: 120_000 });
  await treeSettled(page);
}

/** Waits until the tree has loaded and opened its first route (no level still loading). */
async function treeSettled(page: Page): Promise<void> {
  await page.locator('.lab-investigate .vw-tree li[role="treeitem"]').first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    () => {
      const tree = document.querySelector('.lab-investigate .vw-tree');
      return !!tree && !tree.querySelector('[aria-busy="true"]') && !/Loading…/.test(tree.textContent ?? '');
    },
    undefined,
    { timeout: 60_000 },
  );
}

async function treeText(page: Page): Promise<string[]> {
  return page
    .locator('.lab-investigate .vw-tree li[role="treeitem"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

interface Geometry {
  viewport: number;
  panelWidth: number;
  panelScrollWidth: number;
  docScrollWidth: number;
  classCol: number;
  namesFit: boolean;
  headerHeight: number;
  rowHeight: number;
  visibleRows: number;
  covered: string[];
  /** Header cells partly under the sticky class column (a column cut in half). */
  halfHidden: string[];
  /** Badges ("grew most") cut at their cell's edge. */
  badgesCut: string[];
  /** How far the first row's class name sits from the middle of its row, in px. */
  nameOffCentre: number;
  sortInView: boolean;
  sortDebug: string;
  stacked: boolean;
  treeTop: number;
  tableBottom: number;
}

/** What the reader sees of the workspace (the viewport, scrolled to it) into test-results/screenshots/. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

/** Scrolls the workspace into view and measures it. */
async function measure(page: Page): Promise<Geometry> {
  await page.locator('.lab-investigate').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(150);
  return page.evaluate(() => {
    const ws = document.querySelector<HTMLElement>('.lab-investigate')!;
    const scroller = ws.querySelector<HTMLElement>('.vw-table-scroll')!;
    const head = scroller.querySelector('thead tr')!;
    const firstTh = head.querySelector('th')!;
    const rows = [...scroller.querySelectorAll<HTMLTableRowElement>('tbody tr')];
    const box = scroller.getBoundingClientRect();
    // The header cells are sticky (the row element itself scrolls away): measure a cell.
    const headBox = firstTh.getBoundingClientRect();
    const top = Math.max(headBox.bottom, 0);
    const bottom = Math.min(box.top + scroller.clientHeight, window.innerHeight);
    const visible = rows.filter((r) => {
      const b = r.getBoundingClientRect();
      return b.top >= top - 0.5 && b.bottom <= bottom + 0.5;
    });
    const covered: string[] = [];
    for (const r of visible) {
      const b = r.getBoundingClientRect();
      // The middle of the row's visible part (scrolled sideways, its own middle may be off screen).
      const x = (Math.max(b.left, box.left) + Math.min(b.right, box.left + scroller.clientWidth)) / 2;
      const hit = document.elementFromPoint(x, b.top + b.height / 2);
      if (!hit || !r.contains(hit)) covered.push(`${r.dataset.key} covered by ${hit?.outerHTML.slice(0, 80)}`);
    }
    const names = [...scroller.querySelectorAll<HTMLElement>('tbody th')];
    // Controls of the workspace stay inside it (none cut off at the side).
    const wsBox = ws.getBoundingClientRect();
    const clipped = [...ws.querySelectorAll<HTMLElement>('.inv-bar button, .inv-bar select, .inv-tools > *')]
      .filter((el) => {
        const b = el.getBoundingClientRect();
        return b.left < wsBox.left - 0.5 || b.right > wsBox.right + 0.5;
      })
      .map((el) => el.textContent || el.className);
    // Scrolled sideways, a column is either wholly under the sticky class column or wholly beside it.
    const stickyRight = firstTh.getBoundingClientRect().right;
    const halfHidden = [...head.querySelectorAll<HTMLElement>('th')]
      .slice(1)
      .filter((th) => {
        const b = th.getBoundingClientRect();
        return b.left < stickyRight - 1 && b.right > stickyRight + 1;
      })
      .map((th) => `${th.dataset.key} ${th.getBoundingClientRect().left}-${th.getBoundingClientRect().right}`);
    const badgesCut = [...scroller.querySelectorAll<HTMLElement>('tbody th .vw-badge')]
      .filter((badge) => badge.getBoundingClientRect().right > badge.closest('th')!.getBoundingClientRect().right + 0.5)
      .map((badge) => `${badge.closest('tr')!.dataset.key}: ${badge.textContent}`);
    const firstName = rows[0]?.querySelector('.vw-cell-text')?.getBoundingClientRect();
    const firstRow = rows[0]?.getBoundingClientRect();
    const nameOffCentre =
      firstName && firstRow ? Math.abs(firstName.top + firstName.height / 2 - (firstRow.top + firstRow.height / 2)) : 0;
    const sortedTh = head.querySelector<HTMLElement>('th:not([aria-sort="none"])')!;
    const sorted = sortedTh.getBoundingClientRect();
    const tree = ws.querySelector<HTMLElement>('.inv-retainers')!.getBoundingClientRect();
    const classes = ws.querySelector<HTMLElement>('.inv-classes')!.getBoundingClientRect();
    return {
      viewport: window.innerWidth,
      panelWidth: ws.clientWidth,
      panelScrollWidth: ws.scrollWidth,
      docScrollWidth: document.documentElement.scrollWidth,
      classCol: firstTh.getBoundingClientRect().width,
      namesFit: names.every((n) => n.scrollWidth <= n.clientWidth + 1),
      headerHeight: headBox.height,
      rowHeight: rows[0]?.getBoundingClientRect().height ?? 0,
      visibleRows: visible.length,
      covered: [...covered, ...clipped.map((c) => `control cut off: ${c}`)],
      halfHidden,
      badgesCut,
      nameOffCentre,
      sortInView:
        sorted.left >= box.left + scroller.clientLeft - 0.5 &&
        sorted.right <= box.left + scroller.clientLeft + scroller.clientWidth + 0.5,
      sortDebug: `${sortedTh.dataset.key} ${sorted.left}-${sorted.right} box ${box.left}+${scroller.clientWidth} scrollLeft ${scroller.scrollLeft} of ${scroller.scrollWidth}`,
      stacked: tree.top >= classes.bottom - 1,
      treeTop: tree.top,
      tableBottom: classes.bottom,
    };
  });
}

/** Controls in the lab a finger would tap that are under 32 px tall (a pixel of border allowed). */
async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLElement>(
        '.lab-app :is(button, select, summary, a.lab-btn, input:not([type="checkbox"]), label:has(> input[type="checkbox"]))',
      ),
    ]
      .filter((el) => !el.closest('.monaco-editor') && el.getClientRects().length > 0)
      .filter((el) => el.getBoundingClientRect().height < 31)
      .map(
        (el) =>
          `${el.className || el.tagName} "${el.textContent?.trim().slice(0, 30)}" ${el.getBoundingClientRect().height}px`,
      ),
  );
}

function expectLayout(g: Geometry, opts: { desktop: boolean }): void {
  const info = JSON.stringify(g);
  expect(g.classCol >= 160 || g.namesFit, info).toBe(true);
  // One-line header: no taller than a row (plus a pixel of border).
  expect(g.headerHeight, info).toBeGreaterThan(0);
  expect(g.headerHeight, info).toBeLessThanOrEqual(g.rowHeight * 1.15 + 1);
  expect(g.covered, info).toEqual([]);
  expect(g.halfHidden, info).toEqual([]);
  expect(g.badgesCut, info).toEqual([]);
  expect(g.nameOffCentre, info).toBeLessThanOrEqual(2);
  expect(g.sortInView, info).toBe(true);
  expect(g.panelScrollWidth, info).toBeLessThanOrEqual(g.panelWidth + 1);
  expect(g.docScrollWidth, info).toBeLessThanOrEqual(g.viewport + 1);
  if (opts.desktop) {
    expect(g.visibleRows, info).toBeGreaterThanOrEqual(12);
    expect(g.stacked, info).toBe(false);
  } else {
    expect(g.visibleRows, info).toBeGreaterThanOrEqual(5);
    expect(g.stacked, info).toBe(true);
  }
}

describe('investigation workspace', () => {
  it(
    'cache-warmup: full width at every size, keyboard and mouse selection, the tree names the cache Map',
    { timeout: 600_000 },
    async () => {
      const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await compareAround(page, 'toolkit', 'cache-warmup', 'search-storm');
        // Grew most is the lab's class, not (string).
        await expect(page.locator('.lab-investigate tr.snap-top .vw-cell-text').textContent()).resolves.toBe(
          'CachedResponse',
        );
        // The first route opened names the chapter's holder: the Map inside ResponseCache.
        const tree = await treeText(page);
        expect(tree[0]).toMatch(/^\[Map entries\] in Map @\d+, holds [\d,]+/);
        expect(tree[1]).toMatch(/^entries in ResponseCache @\d+/);
        // Bookkeeping is folded by default: the kit's gauge Map is not a route shown.
        expect(tree.join('\n')).not.toMatch(/\[entry 'cache (entries|hits|misses)'\] in Map/);

        // The workspace has the lab's whole width, not the side column's.
        const widths = await page.evaluate(() => ({
          ws: document.querySelector('.lab-investigate')!.getBoundingClientRect().width,
          app: document.querySelector('.lab-app')!.getBoundingClientRect().width,
        }));
        expect(widths.ws).toBeGreaterThan(widths.app - 40);

        const g1280 = await measure(page);
        await screenshot(page, 'investigation-cache-warmup-1280');
        expectLayout(g1280, { desktop: true });

        // Keyboard: the selected row moves with the arrow keys and the tree follows.
        const selected = page.locator('.lab-investigate tbody tr[aria-selected="true"]');
        await selected.focus();
        const before = await selected.getAttribute('data-key');
        await page.keyboard.press('ArrowDown');
        const after = await selected.getAttribute('data-key');
        expect(after).not.toBe(before);
        await expect(page.locator('.inv-class-name').first().textContent()).resolves.toBe(after);
        await page.keyboard.press('ArrowUp');
        await expect(selected.getAttribute('data-key')).resolves.toBe(before);
        // Mouse: a click at a row's centre selects that row.
        const third = page.locator('.lab-investigate tbody tr').nth(2);
        await third.click();
        await expect(third.getAttribute('aria-selected')).resolves.toBe('true');
        // Every column sorts, and the sorted column is in view.
        for (const key of ['name', 'added', 'deleted', 'deltaCount', 'addedSize', 'freedSize', 'addedRetained']) {
          await page.locator(`.lab-investigate thead th[data-key="${key}"] button`).click();
          await expect(
            page.locator(`.lab-investigate thead th[data-key="${key}"]`).getAttribute('aria-sort'),
          ).resolves.not.toBe('none');
        }
        // The divider resizes the panes from the keyboard.
        const divider = page.locator('.lab-investigate [role="separator"]');
        const share = Number(await divider.getAttribute('aria-valuenow'));
        await divider.focus();
        await page.keyboard.press('ArrowRight');
        await expect(divider.getAttribute('aria-valuenow')).resolves.toBe(String(share + 5));
        await page.keyboard.press('ArrowLeft');
        await page.locator('.lab-investigate thead th[data-key="deltaSize"] button').click();

        await page.setViewportSize({ width: 1440, height: 900 });
        expectLayout(await measure(page), { desktop: true });

        // Focus mode: the window's width.
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.locator('.lab-toolbar [aria-pressed]').first().click();
        await page.locator('.lab-app.lab-app-full').waitFor();
        const gFull = await measure(page);
        expectLayout(gFull, { desktop: true });
        expect(gFull.panelWidth).toBeGreaterThan(1280 - 60);
        await page.keyboard.press('Escape');
        await page.locator('.lab-app.lab-app-full').waitFor({ state: 'detached' });

        await page.setViewportSize({ width: 768, height: 1024 });
        expectLayout(await measure(page), { desktop: false });

        await page.setViewportSize({ width: 375, height: 800 });
        const g375 = await measure(page);
        await screenshot(page, 'investigation-cache-warmup-375');
        expectLayout(g375, { desktop: false });
        // On a phone every control of the lab, the workspace's included, is big enough to tap.
        expect(await smallTapTargets(page)).toEqual([]);
        // The editor's three file tabs fit the phone's width (none cut off at the edge).
        const tabs = await page
          .locator('.lab-tabs')
          .evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
        expect(tabs.scrollWidth, JSON.stringify(tabs)).toBeLessThanOrEqual(tabs.clientWidth);

        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );

  it('trace-logs: grew most is a lab structure, and the tree names the trace map', { timeout: 600_000 }, async () => {
    const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
    try {
      await compareAround(page, 'trace-map', 'trace-logs', 'day-of-traffic');
      const top = await page.locator('.lab-investigate tr.snap-top .vw-cell-text').textContent();
      expect(top).not.toMatch(/^\(/);
      // The first route opened: the trace map's entries, then the variable that holds the map.
      const tree = await treeText(page);
      expect(tree[0]).toMatch(/^\[Map entries\] in Map @\d+, holds [\d,]+/);
      expect(tree[1]).toMatch(/^variable traceLogs in system \/ Context/);
      expect(tree.join('\n')).not.toMatch(/\[entry 'trace map entries'\]/);
      expectLayout(await measure(page), { desktop: true });
      await screenshot(page, 'investigation-trace-logs-1280');

      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
