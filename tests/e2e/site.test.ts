// The site shell in a real browser: home and every built chapter load without errors, have their
// landmarks and headings, navigate by sidebar and prev/next, show keyboard focus, pass axe-core's
// serious/critical rules in light and dark, and fit a 375 px screen. Screenshots go to test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  axeViolations,
  builtChapterSlugs,
  formatViolations,
  launchBrowser,
  openPage,
  screenshot,
  screenshotDir,
  startSite,
  type Site,
} from './harness.ts';

const chapters = builtChapterSlugs();
const pages = [
  { name: 'home', path: '/' },
  ...chapters.map((slug) => ({ name: `chapter-${slug}`, path: `/chapters/${slug}/` })),
];

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

test('the build produced the Toolkit chapter', () => {
  expect(chapters).toContain('toolkit');
});

describe.each(pages)('$name', ({ name, path }) => {
  test('loads cleanly with landmarks and one h1, passes axe at 1280 px (light) and 375 px (dark), fits 375 px', async () => {
    const w = await openPage(browser, { width: 1280 });
    try {
      await w.page.goto(site.url(path), { waitUntil: 'load' });
      expect(await w.page.locator('h1').count()).toBe(1);
      expect((await w.page.locator('h1').innerText()).trim().length).toBeGreaterThan(3);
      expect(await w.page.locator('header.site-header').count()).toBe(1);
      expect(await w.page.locator('main#main').count()).toBe(1);
      expect(await w.page.locator('footer').count()).toBeGreaterThan(0);
      expect(await w.page.locator('nav[aria-label="Site"] a').count()).toBeGreaterThanOrEqual(2);
      let violations = await axeViolations(w.page);
      expect(violations, `light, 1280 px:\n${formatViolations(violations)}`).toEqual([]);
      await screenshot(w.page, `${name}-1280`);

      await w.page.setViewportSize({ width: 375, height: 800 });
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `page is ${overflow}px wider than the 375 px viewport`).toBeLessThanOrEqual(0);
      await screenshot(w.page, `${name}-375`);

      await w.page.emulateMedia({ colorScheme: 'dark' });
      violations = await axeViolations(w.page);
      expect(violations, `dark, 375 px:\n${formatViolations(violations)}`).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  }, 300_000); // two axe scans and two full-page screenshots of a long page: slow on a busy 2-core machine
});

test('every chapter lists every other one in its sidebar, and Next walks through all of them once', async () => {
  const w = await openPage(browser);
  try {
    await w.page.goto(site.url('/chapters/toolkit/'));
    const sidebar = await w.page
      .locator('nav[aria-label="Chapters"] a')
      .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect([...sidebar].sort()).toEqual(chapters.map((s) => `/chapters/${s}/`).sort());
    expect(await w.page.locator('nav[aria-label="Chapters"] a[aria-current="page"]').getAttribute('href')).toBe(
      '/chapters/toolkit/',
    );

    // From the first chapter in sidebar order, follow Next to the end, then Previous back.
    await w.page.goto(site.url(sidebar[0]!));
    const visited = [sidebar[0]!];
    while (await w.page.locator('a[rel="next"]').count()) {
      await Promise.all([
        w.page.waitForURL((u) => u.pathname !== visited.at(-1)),
        w.page.locator('a[rel="next"]').click(),
      ]);
      visited.push(new URL(w.page.url()).pathname);
      expect(visited.length).toBeLessThanOrEqual(sidebar.length);
    }
    expect(visited).toEqual(sidebar);
    if (sidebar.length > 1) {
      await w.page.locator('a[rel="prev"]').click();
      await w.page.waitForURL((u) => u.pathname === sidebar.at(-2));
    } else {
      expect(await w.page.locator('a[rel="prev"]').count()).toBe(0);
    }
    expect(w.errors).toEqual([]);
  } finally {
    await w.close();
  }
});

test('"On this page" links point at headings that exist', async () => {
  const w = await openPage(browser);
  try {
    for (const slug of chapters) {
      await w.page.goto(site.url(`/chapters/${slug}/`));
      const targets = await w.page
        .locator('nav.on-this-page a')
        .evaluateAll((as) => as.map((a) => decodeURIComponent((a as HTMLAnchorElement).hash.slice(1))));
      expect(targets.length, `${slug} has an "On this page" list`).toBeGreaterThan(0);
      for (const id of targets) expect(await w.page.locator(`[id="${id}"]`).count(), `${slug}: #${id}`).toBe(1);
    }
  } finally {
    await w.close();
  }
});

test('keyboard: the skip link comes first, is visible when focused and moves focus to the content', async () => {
  const w = await openPage(browser);
  try {
    await w.page.goto(site.url('/chapters/toolkit/'));
    await w.page.keyboard.press('Tab');
    const skip = await w.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return {
        text: el.textContent?.trim(),
        top: r.top,
        bottom: r.bottom,
        outline: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
      };
    });
    expect(skip.text).toBe('Skip to content');
    expect(skip.top).toBeGreaterThanOrEqual(0);
    expect(skip.bottom).toBeGreaterThan(skip.top);
    await w.page.keyboard.press('Enter');
    expect(await w.page.evaluate(() => document.activeElement?.id)).toBe('main');

    // Every further stop in the header shows a visible focus outline.
    await w.page.goto(site.url('/'));
    for (let i = 0; i < 4; i++) {
      await w.page.keyboard.press('Tab');
      const focus = await w.page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        return { tag: el.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      expect(focus.tag).not.toBe('BODY');
      expect(focus.outline, `focus stop ${i + 1} (${focus.tag})`).not.toBe('none');
      expect(focus.width).toBeGreaterThanOrEqual(2);
    }
  } finally {
    await w.close();
  }
});

test('the theme toggle switches theme, survives a reload, and the OS preference applies by default', async () => {
  const w = await openPage(browser, { colorScheme: 'dark' });
  try {
    await w.page.goto(site.url('/'));
    const bg = () => w.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const darkBg = await bg();
    const toggle = w.page.locator('[data-theme-toggle]');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await toggle.click();
    expect(await w.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    const lightBg = await bg();
    expect(lightBg).not.toBe(darkBg);
    await w.page.reload();
    // The stored theme is applied by the inline head script, before first paint.
    expect(await w.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await bg()).toBe(lightBg);
  } finally {
    await w.close();
  }
});

test('a chapter page loads at most 30 KB of gzipped JavaScript before a lab is started', async () => {
  const { gzipSync } = await import('node:zlib');
  const w = await openPage(browser);
  try {
    let total = 0;
    const scripts: string[] = [];
    w.page.on('response', async (res) => {
      if (res.request().resourceType() !== 'script') return;
      const body = await res.body().catch(() => Buffer.alloc(0));
      total += gzipSync(body).length;
      scripts.push(res.url());
    });
    const inline = async () =>
      w.page.evaluate(() =>
        [...document.querySelectorAll('script:not([src])')].map((s) => s.textContent ?? '').join('\n'),
      );
    for (const slug of chapters) {
      total = 0;
      scripts.length = 0;
      await w.page.goto(site.url(`/chapters/${slug}/`), { waitUntil: 'networkidle' });
      const size = total + gzipSync(await inline()).length;
      expect(size, `${slug} loads ${size} bytes of gzipped JS: ${scripts.join(', ')}`).toBeLessThanOrEqual(30 * 1024);
    }
  } finally {
    await w.close();
  }
});

test('printing a chapter keeps the content and drops the site chrome', async () => {
  const w = await openPage(browser);
  try {
    await w.page.goto(site.url('/chapters/toolkit/'));
    await w.page.emulateMedia({ media: 'print' });
    const shown = await w.page.evaluate(() =>
      Object.fromEntries(
        [
          'header.site-header',
          'nav[aria-label="Chapters"]',
          'nav.on-this-page',
          'nav.pager',
          'article h1',
          '.prose',
        ].map((sel) => {
          const el = document.querySelector(sel);
          return [sel, !!el && getComputedStyle(el).display !== 'none'];
        }),
      ),
    );
    expect(shown).toEqual({
      'header.site-header': false,
      'nav[aria-label="Chapters"]': false,
      'nav.on-this-page': false,
      'nav.pager': false,
      'article h1': true,
      '.prose': true,
    });
  } finally {
    await w.close();
  }
});

// A reviewer looks at every page at these widths: none may scroll sideways, and the field guide's
// cards (its table on a tablet or phone) still say which list is which.
const WIDTHS = [
  [1280, 900],
  [1440, 900],
  [768, 900],
  [375, 812],
] as const;
const allPages = [...pages.map((p) => p.path), '/guide/', '/field-guide/', '/progress/'];

test('no page scrolls sideways at 1280, 1440, 768 or 375 px', async () => {
  const w = await openPage(browser);
  try {
    const wide: string[] = [];
    for (const path of allPages) {
      await w.page.goto(site.url(path), { waitUntil: 'load' });
      for (const [width, height] of WIDTHS) {
        await w.page.setViewportSize({ width, height });
        const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) wide.push(`${path} at ${width} px: ${overflow} px too wide`);
      }
    }
    expect(wide).toEqual([]);
    expect(w.errors).toEqual([]);
  } finally {
    await w.close();
  }
}, 120_000);

test('the site nav is one row at 1280 px and neat columns at 375 and 320 px, every link one line', async () => {
  const w = await openPage(browser);
  try {
    await w.page.goto(site.url('/chapters/toolkit/'), { waitUntil: 'load' });
    for (const width of [1280, 375, 320]) {
      await w.page.setViewportSize({ width, height: 800 });
      const g = await w.page.evaluate(() => {
        const header = document.querySelector('header.site-header')!.getBoundingClientRect();
        return [...document.querySelectorAll<HTMLElement>('nav[aria-label="Site"] a')].map((a) => {
          const b = a.getBoundingClientRect();
          const cs = getComputedStyle(a);
          return {
            text: a.textContent!.trim(),
            left: Math.round(b.left),
            top: Math.round(b.top),
            right: b.right,
            height: b.height,
            oneLine: parseFloat(cs.lineHeight) + parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom),
            inHeader: b.left >= header.left - 0.5 && b.right <= header.right + 0.5 && b.bottom <= header.bottom + 0.5,
          };
        });
      });
      const info = `${width} px: ${JSON.stringify(g)}`;
      const rows = [...new Set(g.map((l) => l.top))].sort((a, b) => a - b);
      for (const l of g) {
        expect(l.inHeader, info).toBe(true);
        // one line each, and a finger's tap target on a phone
        expect(l.height, info).toBeLessThanOrEqual(Math.max(l.oneLine, 32) + 2);
        if (width < 640) expect(l.height, info).toBeGreaterThanOrEqual(32);
      }
      if (width >= 1280) expect(rows, info).toHaveLength(1);
      else {
        // Wrapped deliberately: the links stand in columns (every link starts where one of the first
        // row's does), and no row is left with a single link while another holds three or more.
        const firstRow = g.filter((l) => l.top === rows[0]).map((l) => l.left);
        for (const l of g) expect(firstRow, info).toContain(l.left);
        const sizes = rows.map((t) => g.filter((l) => l.top === t).length);
        expect(Math.max(...sizes) - Math.min(...sizes), info).toBeLessThanOrEqual(1);
      }
    }
    await w.page.setViewportSize({ width: 375, height: 800 });
    mkdirSync(screenshotDir, { recursive: true });
    await w.page.screenshot({
      path: join(screenshotDir, 'site-nav-375.png'),
      clip: { x: 0, y: 0, width: 375, height: 160 },
    });
    expect(w.errors).toEqual([]);
  } finally {
    await w.close();
  }
});

test('the field guide is a table at 1280 px and labelled cards at 768 and 375 px', async () => {
  const w = await openPage(browser);
  try {
    await w.page.goto(site.url('/field-guide/'));
    const layout = () =>
      w.page.evaluate(() => {
        const table = document.querySelector('.field-guide table')!;
        const cells = [...table.querySelectorAll<HTMLElement>('tbody td')];
        return {
          header: getComputedStyle(table.querySelector('thead')!).display !== 'none',
          // the label a card shows above each list, and whether the card is as wide as its row
          labels: [...new Set(cells.map((td) => getComputedStyle(td, '::before').content))],
          fullWidth: cells.every(
            (td) => td.getBoundingClientRect().width >= td.closest('tr')!.getBoundingClientRect().width - 40,
          ),
        };
      });
    const desktop = await layout();
    expect(desktop.header).toBe(true);
    expect(desktop.labels).toEqual(['none']);
    for (const [width, height] of [WIDTHS[2], WIDTHS[3]]) {
      await w.page.setViewportSize({ width, height });
      const cards = await layout();
      expect(cards.header, `${width} px`).toBe(false);
      expect(cards.fullWidth, `${width} px`).toBe(true);
      expect(cards.labels, `${width} px`).toEqual([
        '"First tool: Go"',
        '"First tool: Node"',
        '"Likely causes"',
        '"Fixes"',
      ]);
    }
  } finally {
    await w.close();
  }
});

test('on a 375 px phone every chapter\'s "On this page" links are at least 32 px tall', async () => {
  const w = await openPage(browser, { width: 375, height: 812 });
  try {
    const small: string[] = [];
    for (const slug of chapters) {
      await w.page.goto(site.url(`/chapters/${slug}/`));
      const heights = await w.page
        .locator('nav.on-this-page a')
        .evaluateAll((as) =>
          as
            .filter((a) => a.getClientRects().length > 0)
            .map((a) => ({ text: a.textContent?.trim(), height: a.getBoundingClientRect().height })),
        );
      for (const h of heights) if (h.height < 32) small.push(`${slug}: "${h.text}" ${h.height}px`);
    }
    expect(small).toEqual([]);
  } finally {
    await w.close();
  }
});
