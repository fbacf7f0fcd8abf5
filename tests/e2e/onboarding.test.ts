// Team onboarding end to end: the facilitator guide, quiz answers that persist, progress export →
// cohort import for several learners, refusal of bad files, and the field guide printed to one page.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  axeViolations,
  formatViolations,
  launchBrowser,
  openPage,
  screenshot,
  startSite,
  type Site,
} from './harness.ts';
import { agendas } from '../../src/data/facilitation.ts';

let site: Site;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  site = await startSite({ server: 'static' });
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'leakbook-onboarding-'));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** PDF page count from the page tree objects Chromium writes. */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

describe('facilitator guide', () => {
  it('lists agendas that add up, notes for every chapter, answer keys behind a toggle, and a large-type mode', async () => {
    for (const agenda of agendas) expect(agenda.blocks.reduce((s, b) => s + b.minutes, 0)).toBe(agenda.minutes);
    const w = await openPage(browser);
    await w.page.goto(site.url('/guide/'));
    await expect(w.page.locator('#agenda-90 li').count()).resolves.toBeGreaterThan(3);
    const chapters = await w.page.locator('.chapter-notes').count();
    expect(chapters).toBeGreaterThanOrEqual(2);
    const key = w.page.locator('#notes-trace-map .answer-key');
    await expect(key.locator('ol').isVisible()).resolves.toBe(false);
    await key.locator('summary').click();
    await expect(key.locator('ol').isVisible()).resolves.toBe(true);
    await expect(key.locator('ol').innerText()).resolves.toContain('Answer:');

    const before = await w.page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    await w.page.getByRole('button', { name: 'Large type for projectors' }).click();
    const after = await w.page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(after).toBeGreaterThan(before * 1.2);
    await w.page.reload();
    await expect(w.page.evaluate(() => document.documentElement.classList.contains('large-type'))).resolves.toBe(true);
    await screenshot(w.page, 'guide-large-type');
    expect(formatViolations(await axeViolations(w.page))).toBe('');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});

describe('quiz', () => {
  it('explains the chosen answer and keeps it after a reload', async () => {
    const w = await openPage(browser);
    await w.page.goto(site.url('/chapters/trace-map/'));
    const question = w.page.locator('.quiz[data-quiz-id="trace-map"] .quiz-question').first();
    // The question's number is on the question's line, not beside its first answer (where a list
    // marker lands when the question is a fieldset legend).
    const numbering = await question.evaluate((li) => {
      const legend = li.querySelector('legend')!;
      const number = getComputedStyle(legend, '::before');
      return {
        marker: getComputedStyle(li).listStyleType,
        number: number.content,
        numberWidth: parseFloat(number.width),
        questionAbove: legend.getBoundingClientRect().bottom <= li.querySelector('label')!.getBoundingClientRect().top,
      };
    });
    expect(numbering).toEqual({
      marker: 'none',
      number: 'counter(quiz-question) "."',
      numberWidth: 20,
      questionAbove: true,
    });
    await question.locator('label').nth(0).click();
    await expect(question.getAttribute('data-state')).resolves.toBe('wrong');
    await expect(question.locator('.quiz-feedback p:not([hidden])').innerText()).resolves.toMatch(/Not quite/);
    await question.locator('label').nth(1).click();
    await expect(question.getAttribute('data-state')).resolves.toBe('correct');
    await w.page.reload();
    const again = w.page.locator('.quiz[data-quiz-id="trace-map"] .quiz-question').first();
    await expect(again.locator('input').nth(1).isChecked()).resolves.toBe(true);
    await expect(again.getAttribute('data-state')).resolves.toBe('correct');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});

describe('progress and cohort', () => {
  async function learnerExports(name: string, setup: (labTasks: string) => void | string): Promise<string> {
    const w = await openPage(browser);
    await w.page.goto(site.url('/chapters/trace-map/'));
    const tasks = setup('');
    if (tasks) await w.page.evaluate((t) => localStorage.setItem('leakbook:v1:lab:trace-logs:tasks', t), tasks);
    await w.page.locator('.quiz[data-quiz-id="trace-map"] .quiz-question').first().locator('label').nth(1).click();
    await w.page.goto(site.url('/progress/'));
    await expect(w.page.locator('#my-progress').innerText()).resolves.toContain('Chapter read');
    await w.page.fill('#display-name', name);
    const [download] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.click('#export-form button[type=submit]'),
    ]);
    const path = join(dir, `${name}.json`);
    await download.saveAs(path);
    await w.close();
    return path;
  }

  it('imports several learners into a cohort table and refuses bad files without changing it', async () => {
    const ada = await learnerExports('Ada', () =>
      JSON.stringify({ 'nothing-retained': { passed: true, at: 1 }, 'every-log-delivered': { passed: true, at: 2 } }),
    );
    const bob = await learnerExports('Bob', () =>
      JSON.stringify({ 'nothing-retained': { passed: false, at: 1, message: 'lines never uploaded' } }),
    );
    const cy = await learnerExports('Cy', () => undefined);
    const exported = JSON.parse(await readFile(ada, 'utf8'));
    expect(exported).toMatchObject({ format: 'leakbook-progress', version: 1, name: 'Ada' });
    expect(Object.keys(exported).sort()).toEqual([
      'chapters',
      'exportedAt',
      'format',
      'labs',
      'name',
      'quizzes',
      'version',
    ]);

    const foreign = join(dir, 'package.json');
    await writeFile(foreign, JSON.stringify({ name: 'x', version: '1.0.0' }));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, (await readFile(bob, 'utf8')).slice(0, 40));

    const w = await openPage(browser);
    await w.page.goto(site.url('/progress/'));
    await w.page.setInputFiles('#cohort-files', [ada, bob, cy]);
    // files are read asynchronously: wait for the messages, then count
    await w.page.locator('#cohort-messages li').nth(2).waitFor();
    await expect(w.page.locator('.cohort tbody tr').count()).resolves.toBe(3);
    const table = await w.page.locator('.cohort').innerText();
    expect(table).toMatch(/Ada/);
    expect(table).toMatch(/Bob/);
    const stuck = await w.page.locator('.cohort tfoot td.stuck').count();
    expect(stuck).toBe(1); // Bob is stuck on "Nothing retained"

    const rowsBefore = await w.page.locator('.cohort').innerHTML();
    await w.page.setInputFiles('#cohort-files', [foreign, broken]);
    await w.page.locator('#cohort-messages li.error').nth(1).waitFor();
    const messages = await w.page.locator('#cohort-messages').innerText();
    expect(messages).toMatch(/package\.json is not a Leakbook progress file/);
    expect(messages).toMatch(/broken\.json is not a Leakbook progress file \(it is not JSON\)/);
    await expect(w.page.locator('.cohort').innerHTML()).resolves.toBe(rowsBefore);

    await w.page.reload();
    await expect(w.page.locator('.cohort tbody tr').count()).resolves.toBe(3);
    await screenshot(w.page, 'progress-cohort');
    expect(formatViolations(await axeViolations(w.page))).toBe('');
    expect(w.errors).toEqual([]);
    await w.close();
  });
});

describe('field guide', () => {
  for (const format of ['A4', 'Letter'] as const) {
    it(`prints on exactly one ${format} page`, async () => {
      const w = await openPage(browser);
      await w.page.goto(site.url('/field-guide/'));
      await w.page.emulateMedia({ media: 'print' });
      const pdf = await w.page.pdf({ format, printBackground: true });
      await writeFile(join(dir, `field-guide-${format}.pdf`), pdf);
      expect(pdfPages(pdf)).toBe(1);
      await w.close();
    });
  }
});
