// The Solution dialog in a lab with two editable files (excel-upload), on the local runner: switching
// files back and forth always shows that file's pair and throws nothing, the file list says which
// files differ, long lines wrap on both sides, a narrow screen says it shows one inline column, and
// on a phone the first tap on Solution opens the confirmation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, repoRoot, screenshotDir, startSite, type Site } from './harness.ts';

const LAB = 'excel-upload';
const text = (variant: 'starter' | 'solution', file: string) =>
  readFileSync(join(repoRoot, 'labs', LAB, variant, file), 'utf8');
const firstLine = (s: string) => s.split('\n')[0]!;

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

async function startLab(page: Page): Promise<void> {
  await page.goto(site.url('/chapters/spreadsheet/'));
  await page.locator(`section.lab[data-lab-id="${LAB}"] [data-lab-start]`).click();
  await page.locator('.lab-app[data-editor="ready"]').waitFor({ timeout: 120_000 });
}

async function openDialog(page: Page, via: 'click' | 'tap' = 'click'): Promise<void> {
  const solution = page.locator('.lab-editor-foot button', { hasText: 'Solution' });
  const compare = page.locator('.lab-confirm').getByRole('button', { name: 'Compare with the solution' });
  await solution.scrollIntoViewIfNeeded();
  if (via === 'tap') await solution.tap();
  else await solution.click();
  // One tap or click is enough: the confirmation is there at once.
  await expect(compare.isVisible()).resolves.toBe(true);
  if (via === 'tap') await compare.tap();
  else await compare.click();
  await page.locator('dialog.lab-solution-dialog .monaco-diff-editor').waitFor();
  await page.waitForTimeout(500);
}

/** The first rendered line of each side of the diff editor. */
async function shownFirstLines(page: Page): Promise<{ original: string; modified: string }> {
  return page.locator('dialog.lab-solution-dialog').evaluate((d) => {
    const first = (side: string) =>
      (d.querySelector(`.editor.${side} .view-lines`)?.querySelector('.view-line')?.textContent ?? '').replace(
        /\u00a0/g,
        ' ',
      );
    const lines = (side: string) =>
      [...(d.querySelector(`.editor.${side} .view-lines`)?.querySelectorAll('.view-line') ?? [])]
        .map((l) => ({ top: (l as HTMLElement).offsetTop, text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text);
    return { original: lines('original')[0] ?? first('original'), modified: lines('modified')[0] ?? first('modified') };
  });
}

describe('solution dialog', () => {
  it(
    'switching files shows the right pair, marks differing files, wraps both sides',
    { timeout: 240_000 },
    async () => {
      const { page, errors, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await startLab(page);
        await openDialog(page);
        const dialog = page.locator('dialog.lab-solution-dialog');
        const select = dialog.locator('select');
        const options = await select
          .locator('option')
          .evaluateAll((os) =>
            os.map((o) => [(o as HTMLOptionElement).value, o.textContent, o.getAttribute('data-differs')]),
          );
        // Both editable files differ from the solution in the starter, and the list says so.
        expect(options).toEqual([
          ['import-orders.ts', 'import-orders.ts — differs', 'true'],
          ['server.ts', 'server.ts — differs', 'true'],
        ]);
        await expect(dialog.getAttribute('data-layout')).resolves.toBe('side-by-side');
        await expect(dialog.locator('.lab-diff-layout').isVisible()).resolves.toBe(false);

        for (const file of ['import-orders.ts', 'server.ts', 'import-orders.ts', 'server.ts', 'import-orders.ts']) {
          await select.selectOption(file);
          await page.waitForTimeout(400);
          await expect(dialog.getAttribute('data-file')).resolves.toBe(file);
          const shown = await shownFirstLines(page);
          // Wrapped: the first view line may hold only the start of the file's first line.
          expect(
            firstLine(text('starter', file)).startsWith(shown.original.trimEnd()),
            `${file} left: ${shown.original}`,
          ).toBe(true);
          expect(
            firstLine(text('solution', file)).startsWith(shown.modified.trimEnd()),
            `${file} right: ${shown.modified}`,
          ).toBe(true);
          expect(shown.original.length).toBeGreaterThan(10);
        }

        // Long lines wrap on both sides: no rendered line is wider than its pane.
        await select.selectOption('import-orders.ts');
        await page.waitForTimeout(400);
        const longest = Math.max(
          ...text('starter', 'import-orders.ts')
            .split('\n')
            .map((l) => l.length),
        );
        expect(longest).toBeGreaterThan(100);
        const overflow = await dialog.evaluate((d) =>
          ['original', 'modified'].map((side) => {
            // The editor pane itself: the lines' own box is as wide as Monaco's scroll extent.
            const pane = d.querySelector(`.editor.${side}`)!.getBoundingClientRect();
            const widest = Math.max(
              ...[...d.querySelectorAll(`.editor.${side} .view-line > span`)].map(
                (s) => s.getBoundingClientRect().right,
              ),
            );
            return { side, paneRight: pane.right, widest };
          }),
        );
        for (const o of overflow) expect(o.widest, JSON.stringify(o)).toBeLessThanOrEqual(o.paneRight + 1);
        await dialog.screenshot({ path: join(screenshotDir, 'solution-dialog-1280.png') });
        expect(errors.filter((e) => /ModelService|already exists/.test(e))).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    },
  );

  it('on a phone: the first tap opens it, and the inline layout says so', { timeout: 240_000 }, async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 800 },
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 2,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    try {
      await startLab(page);
      await openDialog(page, 'tap');
      const dialog = page.locator('dialog.lab-solution-dialog');
      await expect(dialog.getAttribute('data-layout')).resolves.toBe('inline');
      const note = dialog.locator('.lab-diff-layout');
      await expect(note.isVisible()).resolves.toBe(true);
      await expect(note.textContent()).resolves.toMatch(/one column/);
      // The dialog fits the phone's width.
      const box = (await dialog.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      await page.screenshot({ path: join(screenshotDir, 'solution-dialog-375.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
