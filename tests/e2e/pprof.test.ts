// pprof in the page, in Chromium. Hosted (static site, no Go toolchain: WebContainer cannot run Go): the
// Go lab says what running it needs and shows the profiles recorded from a real run, diffed. On the
// local runner with Go: capture two heap and two goroutine profiles around production traffic and read
// their -base diff. Both check the layout by geometry (hosted: at 1280, 1440, 768 and 375 px).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openPage, screenshotDir, startSite, type Site } from './harness.ts';

const LAB = 'report-queue-go';
const CHAPTER = '/chapters/lonely-ticker/';
const goVersion = (() => {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
})();

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function startLab(page: Page): Promise<void> {
  const card = page.locator(`section.lab[data-lab-id="${LAB}"]`);
  await card.locator('[data-lab-start]').click();
  await page.locator(`[data-lab-app="${LAB}"] .pp-panel .pp-list`).waitFor({ timeout: 60_000 });
}

const panel = (page: Page) => page.locator(`[data-lab-app="${LAB}"] .pp-panel`);

/** The profiles panel as the reader sees it, into test-results/screenshots/<name>.png. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await panel(page).screenshot({ path: join(screenshotDir, `${name}.png`), animations: 'disabled' });
}

/** Chooses the profile shown and its base by their labels in the selects. */
async function choose(page: Page, target: RegExp, base: RegExp | null, view: 'Top' | 'Flame graph' | 'Goroutines') {
  const p = panel(page);
  const pick = async (sel: string, re: RegExp | null) => {
    const options = await p
      .locator(`${sel} option`)
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })));
    const found = re ? options.filter((o) => re.test(o.text)).at(-1) : options.find((o) => o.value === '');
    if (!found) throw new Error(`no option ${re} in ${sel}: ${options.map((o) => o.text).join(' | ')}`);
    await p.locator(sel).selectOption(found.value);
  };
  await pick('.pp-controls .pp-field:nth-child(1) select', target);
  await pick('.pp-controls .pp-field:nth-child(2) select', base);
  await p.getByRole('tab', { name: view }).click();
}

interface Geometry {
  overflowX: number;
  panelOverflowX: number;
  headerLines: Array<{ text: string; height: number; line: number }>;
  functionWidth: number;
  visibleRows: number;
  covered: string[];
  /** The sort buttons in the header: their box, and how tall one line of their text is. */
  sortButtons: Array<{ text: string; width: number; height: number; oneLine: number; inCell: boolean }>;
}

/** What the reader sees of the top table: widths, visible rows, one-line headers, nothing on top of rows. */
async function topGeometry(page: Page): Promise<Geometry> {
  await panel(page).locator('.pp-table tbody tr').first().waitFor();
  await panel(page).locator('.pp-scroll').scrollIntoViewIfNeeded();
  // bring the whole table box into the viewport when it fits
  await page.evaluate(() => document.querySelector('.pp-panel .pp-scroll')!.scrollIntoView({ block: 'center' }));
  return page.evaluate(() => {
    const scroll = document.querySelector<HTMLElement>('.pp-panel .pp-scroll')!;
    const box = scroll.getBoundingClientRect();
    const view = { top: Math.max(box.top, 0), bottom: Math.min(box.bottom, innerHeight) };
    const headers = [...scroll.querySelectorAll<HTMLElement>('thead th')].filter((th) => th.offsetParent);
    const rows = [...scroll.querySelectorAll<HTMLElement>('tbody tr')];
    const visible = rows.filter((r) => {
      const b = r.getBoundingClientRect();
      return b.top >= view.top - 1 && b.bottom <= view.bottom + 1;
    });
    const covered: string[] = [];
    for (const r of visible) {
      for (const cell of [...r.children].filter((c) => (c as HTMLElement).offsetParent) as HTMLElement[]) {
        const b = cell.getBoundingClientRect();
        const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        if (!hit || !r.contains(hit)) covered.push(`${cell.textContent} under ${hit?.className || hit?.tagName}`);
      }
    }
    const panelEl = document.querySelector<HTMLElement>('.pp-panel')!;
    return {
      overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      panelOverflowX: panelEl.scrollWidth - panelEl.clientWidth,
      headerLines: headers.map((th) => ({
        text: th.textContent ?? '',
        height: th.getBoundingClientRect().height,
        line: parseFloat(getComputedStyle(th).lineHeight) + parseFloat(getComputedStyle(th).paddingTop) * 2 + 1,
      })),
      functionWidth: headers[0]!.getBoundingClientRect().width,
      visibleRows: visible.length,
      covered,
      sortButtons: [...scroll.querySelectorAll<HTMLElement>('thead .pp-sort')]
        .filter((b) => b.offsetParent)
        .map((b) => {
          const r = b.getBoundingClientRect();
          const cell = b.closest('th')!.getBoundingClientRect();
          const cs = getComputedStyle(b);
          return {
            text: b.textContent ?? '',
            width: r.width,
            height: r.height,
            oneLine: parseFloat(cs.lineHeight) + parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom),
            inCell:
              r.top >= cell.top - 0.5 &&
              r.bottom <= cell.bottom + 0.5 &&
              r.left >= cell.left - 0.5 &&
              r.right <= cell.right + 0.5,
          };
        }),
    };
  });
}

function expectReadable(g: Geometry, width: number, height: number): void {
  expect(g.overflowX, 'page scrolls sideways').toBeLessThanOrEqual(0);
  expect(g.panelOverflowX, 'profiles panel overflows').toBeLessThanOrEqual(0);
  for (const h of g.headerLines) expect(h.height, `header "${h.text}" wraps`).toBeLessThanOrEqual(h.line + 2);
  expect(g.functionWidth).toBeGreaterThanOrEqual(width >= 1280 ? 160 : 120);
  if (width >= 1280 && height >= 900) expect(g.visibleRows).toBeGreaterThanOrEqual(12);
  else expect(g.visibleRows).toBeGreaterThanOrEqual(6);
  expect(g.covered).toEqual([]);
  // The sort buttons are a comfortable tap target (the whole header cell), on one line.
  expect(g.sortButtons.length).toBe(2);
  for (const b of g.sortButtons) {
    const info = JSON.stringify(b);
    expect(b.height, info).toBeGreaterThanOrEqual(24);
    expect(b.width, info).toBeGreaterThanOrEqual(44);
    expect(b.height, info).toBeLessThanOrEqual(Math.max(b.oneLine, 24) + 2);
    expect(b.inCell, info).toBe(true);
  }
}

describe('Go lab profiles where Go cannot run (hosted site): recorded from a real run', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite({ server: 'static' });
  });
  afterAll(async () => {
    await site?.close();
  });

  it(
    'says what running it needs and diffs the recorded profiles, readable at 1280, 1440, 768 and 375 px',
    {
      timeout: 180_000,
    },
    async () => {
      for (const [width, height] of [
        [1280, 900],
        [1440, 900],
        [768, 1000],
        [375, 800],
      ] as const) {
        const { page, errors, close } = await openPage(browser, { width, height });
        try {
          await page.goto(site.url(CHAPTER));
          await startLab(page);
          const p = panel(page);
          // The note is written once the page has found no runner that can run Go: poll for it.
          await expect
            .poll(() => p.locator('.pp-fallback').textContent(), { timeout: 30_000 })
            .toMatch(
              /needs Go 1\.26 or newer and the local runner .* recorded from a real run of its starter code \(go1\.\d+/,
            );
          await expect(p.locator('.pp-item[data-source="recorded"]').count()).resolves.toBe(6);
          // The widened lab covers the chapter's side columns wholly or not at all (no slivers at its edges).
          const slivers = await page.evaluate((lab) => {
            const app = document.querySelector(`[data-lab-app="${lab}"]`)!.getBoundingClientRect();
            return [...document.querySelectorAll<HTMLElement>('.chapter-sidebar, .on-this-page')]
              .map((el) => ({ name: el.className, b: el.getBoundingClientRect() }))
              .filter(({ b }) => b.width > 0 && b.right > app.left && b.left < app.right)
              .filter(({ b }) => b.left < app.left - 0.5 || b.right > app.right + 0.5)
              .map(({ name, b }) => `${name} ${b.left}-${b.right} beside lab ${app.left}-${app.right}`);
          }, LAB);
          expect(slivers, `${width} px`).toEqual([]);
          // On a phone the notice's dismiss button is big enough to tap.
          if (width === 375) {
            const dismiss = (await page
              .locator('.lab-notice button[aria-label="Dismiss this notice"]')
              .first()
              .boundingBox())!;
            expect(Math.min(dismiss.width, dismiss.height), JSON.stringify(dismiss)).toBeGreaterThanOrEqual(32);
          }
          // Every profile's label is shown whole (none cut short with an ellipsis).
          const cut = await p
            .locator('.pp-item-label')
            .evaluateAll((els) =>
              els
                .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
                .map((e) => e.textContent),
            );
          expect(cut, `${width} px`).toEqual([]);
          // the recorded goroutine diff comes up first: the flushers parked on the ticker
          await p.locator('.pp-g-list').waitFor({ timeout: 30_000 });
          const first = p.locator('.pp-g').first();
          await expect(first.locator('.pp-g-count').textContent()).resolves.toMatch(/^\+\d+$/);
          await expect(first.locator('.pp-g-where').textContent()).resolves.toContain('scheduleFlush');
          await expect(first.locator('.pp-g-wait').textContent()).resolves.toBe('chan receive');
          if (width !== 768 && width !== 1440) await screenshot(page, `pprof-recorded-goroutines-${width}`);

          // the heap profile after traffic on its own: a full top table, checked by geometry
          await choose(page, /Heap · after/, null, 'Top');
          expectReadable(await topGeometry(page), width, height);
          if (width !== 768 && width !== 1440) await screenshot(page, `pprof-recorded-top-${width}`);

          await choose(page, /Heap · after/, /Heap · baseline/, 'Flame graph');
          await p.locator('.pp-frame').first().waitFor();
          expect(await p.getAttribute('data-diff')).toBe('true');
          if (width !== 768 && width !== 1440) await screenshot(page, `pprof-recorded-flame-${width}`);
          const flameOverflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          expect(flameOverflow).toBeLessThanOrEqual(0);
          expect(errors.filter((e) => !/webcontainer|stackblitz/i.test(e))).toEqual([]);
        } finally {
          await close();
        }
      }
    },
  );
});

describe.skipIf(!goVersion)(`Go lab on the local runner (${goVersion ?? 'skipped: go is not on PATH'})`, () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  async function capture(page: Page, kind: 'Heap' | 'Goroutines', n: number): Promise<void> {
    await panel(page)
      .getByRole('button', { name: new RegExp(`Capture a ${kind === 'Heap' ? 'heap' : 'goroutine'}`) })
      .click();
    await panel(page)
      .locator('.pp-item[data-source="live"] a[download]')
      .nth(n - 1)
      .waitFor({ timeout: 60_000 });
  }

  it(
    'captures heap and goroutine profiles around production traffic and shows their -base diff',
    {
      timeout: 420_000,
    },
    async () => {
      const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await page.goto(site.url(CHAPTER));
        await startLab(page);
        const app = page.locator(`[data-lab-app="${LAB}"]`);
        await app.locator('.lab-status[data-status="running"]').waitFor({ timeout: 240_000 });
        await expect(panel(page).locator('.pp-fallback').isHidden()).resolves.toBe(true);
        await capture(page, 'Heap', 1);
        await capture(page, 'Goroutines', 2);
        await app.locator('[data-scenario="production"]').click();
        await app
          .locator('.lab-scenario-progress')
          .filter({ hasText: /finished|failed/ })
          .waitFor({ timeout: 180_000 });
        await expect(app.locator('.lab-scenario-progress').textContent()).resolves.toMatch(/finished/);
        await capture(page, 'Heap', 3);
        await capture(page, 'Goroutines', 4);

        // the newest profile is shown against the previous one of its kind: goroutines parked on the ticker
        const p = panel(page);
        await expect(p.getAttribute('data-diff')).resolves.toBe('true');
        const first = p.locator('.pp-g').first();
        await expect(first.locator('.pp-g-count').textContent()).resolves.toMatch(/^\+\d+$/);
        expect(Number((await first.locator('.pp-g-count').textContent())!.slice(1))).toBeGreaterThanOrEqual(5);
        await expect(first.locator('.pp-g-where').textContent()).resolves.toContain('scheduleFlush');

        // the heap diff: a top table with signed values
        await choose(page, /Heap · after/, /Heap · baseline/, 'Top');
        await p.locator('.pp-table tbody tr').first().waitFor();
        expect(await p.locator('.pp-table tbody td.pp-up').count()).toBeGreaterThan(0);
        await screenshot(page, 'pprof-live-heap-diff-1280');

        // a live profile downloads as a gzipped pprof file
        const download = await p.locator('.pp-item[data-source="live"] a[download]').first().getAttribute('download');
        expect(download).toMatch(/^report-queue-go-\d+-heap-baseline\.pb\.gz$/);
        const magic = await page.evaluate(async () => {
          const a = document.querySelector<HTMLAnchorElement>('.pp-item[data-source="live"] a[download]')!;
          return [...new Uint8Array(await (await fetch(a.href)).arrayBuffer()).slice(0, 2)];
        });
        expect(magic).toEqual([0x1f, 0x8b]);

        await choose(page, /Heap · after/, null, 'Top');
        expectReadable(await topGeometry(page), 1280, 900);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );
});
