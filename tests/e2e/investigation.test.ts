// The investigation workspace in Chromium against the local runner, as a reader uses it: start a
// lab, snapshot, trigger the incident, snapshot again; the comparison opens at the lab's whole
// width. Asserted by geometry at 1280×900, 1440×900, focus mode, 768×1024 and 375×800 (class
// column, one-line header, visible rows, nothing covering a row, no sideways overflow, retainer rows
// inside their pane), and by what the retainers tree names: the holder each chapter teaches (the
// cache Map, the trace map, the Ticker's tick listeners, the gzip middleware's Set, the eager import's
// rows array). excel-upload also snapshots across the starter's OOM restart and a reader's Restart:
// the comparison says plainly, above the table, that the snapshots come from different processes.
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

/** Waits until the lab's heapUsed has stayed under 25 MB for three seconds (no import in flight). */
async function quietHeap(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __quietSince?: number };
      const v = document.querySelector('.lab-chart-legend li[data-key="heapUsed"] .lab-legend-value')?.textContent;
      const running = !!document.querySelector('.lab-status[data-status="running"]');
      const low = running && !!v && /MB/.test(v) && parseFloat(v) < 25;
      if (!low) w.__quietSince = undefined;
      else w.__quietSince ??= Date.now();
      return low && Date.now() - w.__quietSince! >= 3000;
    },
    undefined,
    { timeout: 180_000, polling: 250 },
  );
}

/**
 * Opens the first route further, one level at a time, until a row's label matches `re` (the tree
 * opens 8 levels by itself; a chapter's holder may sit deeper). Returns the labels of the route.
 */
async function openRouteUntil(page: Page, re: RegExp, maxLevels = 12): Promise<string[]> {
  for (let i = 0; i < maxLevels; i++) {
    const route = await page.evaluate(() => {
      const labels: string[] = [];
      let item = document.querySelector<HTMLElement>('.lab-investigate .vw-tree > li[role="treeitem"]');
      while (item) {
        labels.push(item.getAttribute('aria-label') ?? '');
        if (item.getAttribute('aria-expanded') !== 'true') break;
        item = item.querySelector<HTMLElement>(':scope > ul > li[role="treeitem"]');
      }
      return { labels, closed: item?.getAttribute('aria-expanded') === 'false' };
    });
    if (route.labels.some((l) => re.test(l)) || !route.closed) return route.labels;
    await page
      .locator('.lab-investigate .vw-tree li[role="treeitem"][aria-expanded="false"]')
      .first()
      .locator(':scope > .vw-tree-row')
      .click();
    await treeSettled(page);
  }
  return treeText(page);
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
  /** Retainer rows running past the tree's pane (a name cut off or scrolled out sideways). */
  treeRowsCut: string[];
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
    const treeBox = ws.querySelector<HTMLElement>('.inv-tree-scroll')!;
    const paneRight = treeBox.getBoundingClientRect().left + treeBox.clientLeft + treeBox.clientWidth;
    const treeRowsCut = [...treeBox.querySelectorAll<HTMLElement>('.vw-tree-row')]
      .filter((row) => {
        const parts = [...row.querySelectorAll<HTMLElement>('.inv-ret > *')];
        return (
          row.scrollWidth > row.clientWidth + 1 ||
          parts.some((p) => p.getBoundingClientRect().right > paneRight + 0.5 || p.scrollWidth > p.clientWidth + 1)
        );
      })
      .map((row) => `${row.textContent} (${row.getBoundingClientRect().width} px of ${treeBox.clientWidth})`);
    if (treeBox.scrollWidth > treeBox.clientWidth + 1)
      treeRowsCut.push(`tree scrolls sideways: ${treeBox.scrollWidth} of ${treeBox.clientWidth} px`);
    // Both panes end inside the workspace (none spills over what follows it).
    const wsBottom = ws.getBoundingClientRect().bottom;
    const spilled = [tree, classes]
      .filter((b) => b.bottom > wsBottom + 0.5)
      .map((b) => `pane ends at ${b.bottom}, below the workspace's ${wsBottom}`);
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
      covered: [...covered, ...clipped.map((c) => `control cut off: ${c}`), ...spilled],
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
      treeRowsCut,
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
  expect(g.treeRowsCut, info).toEqual([]);
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

  it(
    'report-queue: the tree follows a Report to the Ticker whose tick listeners hold the parked flushers',
    { timeout: 600_000 },
    async () => {
      const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await compareAround(page, 'lonely-ticker', 'report-queue', 'production');
        // (grew most is an Array, the batches; the chapter follows a Report)
        await page.locator('.lab-investigate .inv-filter').fill('Report');
        await page.locator('.lab-investigate tbody tr[data-key="Report"]').click();
        await page.locator('.inv-class-name', { hasText: /^Report$/ }).waitFor();
        await treeSettled(page);
        // The chapter's path: Ticker → _events.tick (its listeners) → … → Flusher → batch (Array) → Report.
        const route = await openRouteUntil(page, / in Ticker @\d+/);
        const all = route.join('\n');
        // Report ← the batch array ← the Flusher waiting for its tick ← its suspended async wait
        expect(route[0], all).toMatch(/^\[…\] in Array \(\d+ objects\), holds [\d,]+/);
        expect(route[1], all).toMatch(/^batch in Flusher \(\d+ objects\)/);
        expect(route[2], all).toMatch(/in Generator \(\d+ objects\)/);
        // …and on to the one Ticker whose 'tick' listeners hold them.
        expect(all).toMatch(/ in Ticker @\d+/);

        // Fourteen levels deep on a phone: every retainer row wraps inside its pane.
        await page.setViewportSize({ width: 375, height: 800 });
        const g375 = await measure(page);
        expect(g375.treeRowsCut, JSON.stringify(g375)).toEqual([]);
        expect(g375.covered, JSON.stringify(g375)).toEqual([]);
        expect(g375.docScrollWidth).toBeLessThanOrEqual(376);
        await page.locator('.lab-investigate .inv-retainers').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await screenshot(page, 'investigation-report-queue-retainers-375');
        await page.setViewportSize({ width: 1280, height: 900 });
        const g1280 = await measure(page);
        expect(g1280.treeRowsCut, JSON.stringify(g1280)).toEqual([]);
        await page.locator('.lab-investigate .inv-retainers').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await screenshot(page, 'investigation-report-queue-retainers-1280');
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );

  it("gzip-preflight: the tree follows a Gzip to the gzip middleware's Set", { timeout: 600_000 }, async () => {
    const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
    try {
      await compareAround(page, 'gzip-preflight', 'gzip-preflight', 'dashboard-traffic');
      // Gzip objects are small (their memory is native): pick the class by name.
      await page.locator('.lab-investigate .inv-filter').fill('Gzip');
      await page.locator('.lab-investigate tbody tr[data-key="Gzip"]').click();
      await page.locator('.inv-class-name', { hasText: /^Gzip$/ }).waitFor();
      await treeSettled(page);
      const level1 = await page
        .locator('.lab-investigate .vw-tree > li[role="treeitem"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      const all = level1.join('\n');
      // Every Gzip has the bookkeeping route through its native handle (the chapter's trap)…
      const zlib = /^<symbol owner_symbol> in Zlib \(([\d,]+) objects\)/.exec(level1[0] ?? '');
      expect(zlib, all).not.toBeNull();
      // …and the route through the lab's code: one Set in the gzip middleware holds every one of them.
      expect(all).toMatch(new RegExp(`^\\[Set members\\] in Set @\\d+, holds ${zlib![1]},`, 'm'));
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it(
    'excel-upload: a comparison across an OOM restart says so above the table; the tree names the rows array',
    { timeout: 600_000 },
    async () => {
      const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await page.goto(site.url('/chapters/spreadsheet/'));
        await page.locator('section.lab[data-lab-id="excel-upload"] [data-lab-start]').click();
        await page.locator('.lab-status[data-status="running"]').waitFor({ timeout: 120_000 });
        await snapshot(page, 1);
        // The starter's eager import dies at the heap limit; the supervisor starts a fresh process,
        // as an orchestrator would, and the snapshot list keeps the first process's snapshot.
        await page.locator('[data-scenario="eight-uploads"]').click();
        // (the Output tab is hidden behind the Snapshots tab: read its text, not what is visible)
        await page.waitForFunction(
          () =>
            /Service ready on port \d+ \([^)]*, restart 1\)/.test(
              document.querySelector('.lab-output-log')?.textContent ?? '',
            ),
          undefined,
          { timeout: 300_000, polling: 500 },
        );
        await page.locator('.lab-scenario-status button', { hasText: 'Stop scenario' }).click();
        await page.locator('[data-scenario="eight-uploads"]:not([disabled])').waitFor({ timeout: 120_000 });
        // An upload the service had already read goes on being imported (and dies): wait until the
        // service is idle, so the next two snapshots come from one process.
        await quietHeap(page);
        await snapshot(page, 2);
        const warning = page.locator('.lab-investigate .inv-warning');
        await warning.waitFor({ timeout: 120_000 });
        await page.locator('.lab-investigate .vw-table-scroll thead th').first().waitFor();
        await expect(warning.textContent()).resolves.toMatch(/different service processes/);
        // Two idle processes hand out the same ids: the diff by id is empty, and the panel does not
        // claim that nothing changed.
        if ((await page.locator('.lab-investigate .inv-table tbody tr').count()) === 0)
          await expect(page.locator('.lab-investigate .vw-tree').textContent()).resolves.toMatch(
            /says nothing here: the snapshots come from different processes/,
          );
        await page.locator('.lab-investigate').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.waitForTimeout(150);
        await screenshot(page, 'investigation-excel-upload-restart-1280');
        const g = await page.evaluate(() => {
          const ws = document.querySelector<HTMLElement>('.lab-investigate')!;
          const w = ws.querySelector<HTMLElement>('.inv-warning')!.getBoundingClientRect();
          const table = ws.querySelector<HTMLElement>('.vw-table-scroll')!.getBoundingClientRect();
          const header = document.querySelector('header.site-header')!.getBoundingClientRect();
          const hit = document.elementFromPoint(w.left + w.width / 2, w.top + w.height / 2);
          return {
            top: w.top,
            bottom: w.bottom,
            height: w.height,
            tableTop: table.top,
            underHeader:
              w.top < header.bottom - 0.5 &&
              getComputedStyle(document.querySelector('header.site-header')!).position === 'sticky',
            viewport: window.innerHeight,
            hitInside: !!hit && ws.querySelector('.inv-warning')!.contains(hit),
          };
        });
        const info = JSON.stringify(g);
        expect(g.height, info).toBeGreaterThan(10);
        // above the table, in view, and nothing on top of it
        expect(g.bottom, info).toBeLessThanOrEqual(g.tableTop + 0.5);
        expect(g.top, info).toBeGreaterThanOrEqual(0);
        expect(g.bottom, info).toBeLessThanOrEqual(g.viewport);
        expect(g.underHeader, info).toBe(false);
        expect(g.hitInside, info).toBe(true);

        // Within one process: a snapshot while an upload's heap climbs compares without the warning,
        // and the tree names what the chapter teaches: the one array the eager import keeps its rows in.
        await page.locator('[data-scenario="eight-uploads"]').click();
        await page.waitForFunction(
          () => {
            const v = document.querySelector(
              '.lab-chart-legend li[data-key="heapUsed"] .lab-legend-value',
            )?.textContent;
            return !!v && /MB/.test(v) && parseFloat(v) >= 30;
          },
          undefined,
          { timeout: 120_000, polling: 200 },
        );
        await snapshot(page, 3);
        await page.locator('.lab-scenario-status button', { hasText: 'Stop scenario' }).click();
        // The comparison moves to the two latest snapshots, both of the second process.
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll<HTMLSelectElement>('.lab-investigate .inv-pickers select')]
              .map((s) => s.selectedOptions[0]?.textContent)
              .join() === '2. snapshot 2,3. snapshot 3',
          undefined,
          { timeout: 60_000 },
        );
        await page.locator('.lab-investigate .inv-table tbody tr').first().waitFor({ timeout: 120_000 });
        await expect(page.locator('.lab-investigate .inv-warning').count()).resolves.toBe(0);
        await page.locator('.lab-investigate .inv-filter').fill('Row');
        await page.locator('.lab-investigate tbody tr[data-key="Row"]').click();
        await page.locator('.inv-class-name', { hasText: /^Row$/ }).waitFor();
        await treeSettled(page);
        const level1 = await page
          .locator('.lab-investigate .vw-tree > li[role="treeitem"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        const all = level1.join('\n');
        // Each Row's cells point back at it (a cycle, not a holder); beside them, one array holds
        // (nearly) every row: the import's `rows`.
        const cells = /^_row in Cell \([\d,]+ objects\), holds ([\d,]+)/.exec(level1[0] ?? '');
        const n = (x: string) => Number(x.replace(/,/g, ''));
        const one = level1.findIndex((l) => /^\[…\] in Array @\d+, holds [\d,]+/.test(l));
        expect(one, all).toBeGreaterThan(0);
        const held = n(/holds ([\d,]+)/.exec(level1[one]!)![1]!);
        expect(held, all).toBeGreaterThanOrEqual(cells ? n(cells[1]!) - 2 : 1000);
        await page
          .locator('.lab-investigate .vw-tree > li[role="treeitem"]')
          .nth(one)
          .locator(':scope > .vw-tree-row')
          .click();
        await treeSettled(page);
        const holder = await page
          .locator('.lab-investigate .vw-tree > li[role="treeitem"]')
          .nth(one)
          .locator(':scope > ul > li[role="treeitem"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        // `rows` is a local of the suspended import (no closure captures it): the array sits in the
        // register file of its async function's generator.
        expect(holder[0], holder.join('\n')).toMatch(/^‹\d+› in \(array\) @\d+, holds 1/);
        const frame = page
          .locator('.lab-investigate .vw-tree > li[role="treeitem"]')
          .nth(one)
          .locator(':scope > ul > li[role="treeitem"]')
          .first();
        await frame.locator(':scope > .vw-tree-row').click();
        await treeSettled(page);
        const owner = await frame
          .locator(':scope > ul > li[role="treeitem"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        expect(owner.join('\n')).toMatch(/in Generator @\d+/);
        await screenshot(page, 'investigation-excel-upload-rows-1280');

        // The reader's Restart starts the lab afresh, and its supervisor numbers snapshots from 1
        // again: the list keeps the earlier ones apart from the new one.
        await page.locator('.lab-actions button', { hasText: 'Restart' }).click();
        await page
          .locator('.lab-status[data-status="restarting"]')
          .waitFor({ timeout: 30_000 })
          .catch(() => undefined);
        await page.locator('.lab-status[data-status="running"]').waitFor({ timeout: 120_000 });
        await snapshot(page, 4);
        const ids = await page
          .locator('.lab-snapshot')
          .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.snapshotId));
        expect(new Set(ids).size, JSON.stringify(ids)).toBe(4);
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll<HTMLSelectElement>('.lab-investigate .inv-pickers select')]
              .map((s) => s.selectedOptions[0]?.textContent?.slice(0, 2))
              .join() === '3.,4.',
          undefined,
          { timeout: 60_000 },
        );
        await page.locator('.lab-investigate .inv-warning').waitFor({ timeout: 120_000 });

        expect(errors).toEqual([]);
      } catch (error) {
        await screenshot(page, 'investigation-excel-upload-failed');
        console.log(
          'PICKERS',
          await page
            .locator('.lab-investigate .inv-pickers select')
            .evaluateAll((els) => els.map((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)),
          await page.locator('.lab-snapshot').evaluateAll((els) => els.map((e) => e.textContent)),
        );
        const text = await page.locator('.lab-app').evaluate((el) => (el as HTMLElement).innerText);
        console.log(text.slice(-3000));
        throw error;
      } finally {
        await close();
      }
    },
  );
});
