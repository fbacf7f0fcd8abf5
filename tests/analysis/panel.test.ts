// The snapshot panel in real headless Chromium: the analysis runs in a Web Worker on two real
// snapshots, the table highlights the class that grew, and the retainer path names the Map.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeSnapshots, type SnapshotRun } from './fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let run: SnapshotRun;
let out: string;
let server: Server;
let browser: Browser;
let page: Page;
let origin: string;

const HTML = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/panel.css">
<style>body{font-family:system-ui;margin:1rem;max-width:60rem}</style></head><body><main id="host"></main>
<script type="module">
import { mountSnapshotPanel } from '/panel.js';
const list = [
  { id: 'a', label: 'baseline', path: '/snap/before', bytes: Number(document.body.dataset.a || 0) },
  { id: 'b', label: 'after 3 rounds', path: '/snap/after', bytes: 0 },
  { id: 'c', label: 'cut short', path: '/snap/truncated', bytes: 0 },
];
window.panel = mountSnapshotPanel(document.getElementById('host'), {
  list, readSnapshot: (path) => fetch(path).then((r) => r.arrayBuffer()),
});
</script></body></html>`;

beforeAll(async () => {
  run = await writeSnapshots(`
    class CartLine { constructor(i) { this.qty = i; this.price = i * 2; this.a = 1; this.b = 2; this.c = 3; this.d = 4; this.e = 5; this.f = 6; } }
    const carts = new Map();
    globalThis.carts = carts;
    snap('before');
    for (let i = 0; i < 250; i++) carts.set('cart-' + i, new CartLine(i));
    snap('after');
  `);
  out = await mkdtemp(join(tmpdir(), 'leakbook-panel-'));
  await build({
    entryPoints: { panel: join(root, 'src/lab-ui/snapshots/index.ts'), worker: join(root, 'src/analysis/worker.ts') },
    bundle: true,
    format: 'esm',
    outdir: out,
    logLevel: 'silent',
    target: 'es2022',
  });
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html'],
    '/panel.js': ['panel.js', 'text/javascript'],
    '/panel.css': ['panel.css', 'text/css'],
    // client.ts creates the worker from new URL('./worker.ts', import.meta.url): serve the bundle there.
    '/worker.ts': ['worker.js', 'text/javascript'],
  };
  server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
      return;
    }
    if (url.startsWith('/snap/')) {
      const name = url.slice(6);
      const body =
        name === 'truncated'
          ? (await readFile(run.files.after!)).subarray(0, 300_000)
          : await readFile(run.files[name]!);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
      return;
    }
    const f = files[url];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f[1] }).end(await readFile(join(out, f[0])));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.LEAKBOOK_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await run?.cleanup();
  if (out) await rm(out, { recursive: true, force: true });
});

it('compares two picked snapshots in a worker, highlights the growth and names the Map', async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin);
  const compare = page.getByRole('button', { name: 'Compare' });
  await expect(compare.isDisabled()).resolves.toBe(true);
  // Keyboard only: tab to each checkbox and tick it with the space bar.
  await page.getByRole('checkbox', { name: /baseline/ }).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab'); // the baseline's download link
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('snap-pick-b');
  await page.keyboard.press('Space');
  await compare.focus();
  await page.keyboard.press('Enter');
  const top = page.locator('tr.snap-top');
  await top.waitFor({ timeout: 60_000 });
  await expect(top.locator('.vw-cell-text').textContent()).resolves.toBe('CartLine');
  const cells = await top.locator('td').allTextContents();
  expect(cells.slice(0, 3)).toEqual(['250', '0', '+250']);
  const paths = await page
    .locator('.snap-path .snap-steps')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  expect(paths.length).toBeGreaterThan(0);
  const viaMap = paths.filter((p) =>
    /^\(GC roots\) → global → carts \(Map\) → \[entry 'cart-\d+'\] → CartLine$/.test(p ?? ''),
  );
  // The script's last CartLine may still sit in a stack slot; every other sample is held by the Map.
  expect(viaMap.length).toBeGreaterThanOrEqual(paths.length - 1);
  expect(viaMap.length).toBeGreaterThan(0);
  // The retainers tree opens the route through the Map, and names the global that holds it.
  await page.locator('.vw-tree li[role="treeitem"]').nth(1).waitFor({ timeout: 30_000 });
  const tree = await page
    .locator('.vw-tree li[role="treeitem"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(tree[0]).toMatch(/^\[Map entries\] in Map @\d+, holds 250,/);
  expect(tree[1]).toMatch(/^carts in /);
  // Sorting by name puts classes in alphabetical order, and the header says so.
  await page.getByRole('button', { name: /Constructor/ }).click();
  await expect(page.locator('th[aria-sort="ascending"]').count()).resolves.toBe(1);
  await page.screenshot({ path: join(root, 'test-results', 'snapshot-panel.png'), fullPage: true });
  expect(errors).toEqual([]);
}, 120_000);

it('a truncated snapshot ends the analysis with a clear message', async () => {
  await page.goto(origin);
  await page.getByRole('checkbox', { name: /baseline/ }).check();
  await page.getByRole('checkbox', { name: /cut short/ }).check();
  await page.getByRole('button', { name: 'Compare' }).click();
  const alert = page.locator('.snap-status[role="alert"]');
  await alert.waitFor({ timeout: 60_000 });
  await expect(alert.textContent()).resolves.toMatch(
    /^The analysis failed: snapshot ended after 29\d\.\d KB inside the (nodes|edges) array — the file is truncated$/,
  );
}, 120_000);
