// Every Node lab's starter type-checks in the page's editor: once the editor has Node's, the kit's and
// the lab's vendored types, no file tab reports an error (a red squiggle tells readers their code is
// wrong before they have touched it). On the local runner (the editor comes up once the service answers).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, repoRoot, startSite, type Site } from './harness.ts';

interface Manifest {
  id: string;
  chapter: string;
  language?: string;
  files: { path: string; editable: boolean }[];
}
const nodeLabs = readdirSync(join(repoRoot, 'labs'))
  .filter((id) => existsSync(join(repoRoot, 'labs', id, 'lab.json')))
  .map((id) => JSON.parse(readFileSync(join(repoRoot, 'labs', id, 'lab.json'), 'utf8')) as Manifest)
  .filter((m) => (m.language ?? 'node') === 'node');

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

describe('editor types', () => {
  it('finds the Node labs', () => {
    expect(nodeLabs.map((m) => m.id).sort()).toEqual([
      'cache-warmup',
      'excel-upload',
      'gzip-preflight',
      'report-queue',
      'trace-logs',
    ]);
  });

  for (const lab of nodeLabs) {
    it(`${lab.id}: every starter file type-checks in the editor`, { timeout: 180_000 }, async () => {
      const { page, close } = await openPage(browser, { width: 1280, height: 900 });
      try {
        await page.goto(site.url(`/chapters/${lab.chapter}/`));
        const section = page.locator(`section.lab[data-lab-id="${lab.id}"]`);
        await section.locator('[data-lab-start]').click();
        await section.locator('.lab-editor[data-types="checked"]').waitFor({ timeout: 120_000 });
        const tsFiles = lab.files.filter((f) => f.path.endsWith('.ts'));
        // Every file has been checked once the types are in; markers may still settle for a moment (a
        // check that raced the type libraries), so allow a few seconds for the count to reach zero.
        const problems = async () =>
          section.locator('.lab-tab').evaluateAll((tabs) =>
            tabs.map((t) => ({
              path: t.getAttribute('data-path'),
              errors: t.getAttribute('data-errors'),
              title: (t as HTMLElement).title,
            })),
          );
        const deadline = Date.now() + 15_000;
        let seen = await problems();
        while (Date.now() < deadline) {
          seen = await problems();
          const checked = tsFiles.every((f) => seen.some((t) => t.path === f.path && t.errors !== null));
          if (checked && seen.every((t) => t.errors === null || t.errors === '0')) break;
          await page.waitForTimeout(500);
        }
        const failing = seen.filter((t) => t.errors !== null && t.errors !== '0').map((t) => t.title);
        expect(failing, failing.join('\n\n')).toEqual([]);
        for (const f of tsFiles) expect(seen.find((t) => t.path === f.path)?.errors, f.path).toBe('0');
      } finally {
        await close();
      }
    });
  }
});
