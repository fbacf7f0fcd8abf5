// End-to-end harness: the built site served by the local runner (`node server/start.ts --port 0`)
// and headless Debian Chromium driven by playwright-core. Shared by every e2e test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built site; LEAKBOOK_DIST points elsewhere (e.g. a private `astro build --outDir`). */
export const distDir = resolve(repoRoot, process.env.LEAKBOOK_DIST ?? 'dist');
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export const CHROMIUM_PATH = process.env.LEAKBOOK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Site {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  origin: string;
  url(path: string): string;
  /** everything the server printed, for failure messages */
  output(): string;
  close(): Promise<void>;
}

/**
 * Serves the built dist/ on a free 127.0.0.1 port. By default through the local runner (the way readers
 * run it); LEAKBOOK_E2E_SERVER=static (or opts.server) uses a plain static server for site-only checks.
 */
export async function startSite(
  opts: { env?: Record<string, string>; timeoutMs?: number; server?: 'runner' | 'static' } = {},
): Promise<Site> {
  if (!existsSync(join(distDir, 'index.html')))
    throw new Error(`No built site at ${distDir}. Run \`npm run build\` first (\`npm test\` does it for you).`);
  const kind = opts.server ?? (process.env.LEAKBOOK_E2E_SERVER === 'static' ? 'static' : 'runner');
  if (kind === 'static') return startStaticSite();
  const child = spawn(process.execPath, [join(repoRoot, 'server', 'start.ts'), '--port', '0', '--dist', distDir], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  const origin = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`The runner printed no URL within ${opts.timeoutMs ?? 20_000} ms. Output:\n${log}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The runner exited early (code ${code}, signal ${signal}). Output:\n${log}`));
    });
  });
  return {
    origin,
    url: (path) => origin + (path.startsWith('/') ? path : `/${path}`),
    output: () => log,
    close: () => stop(child),
  };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** dist/ as a deployed static host would serve it, with the COOP/COEP headers WebContainer needs. */
async function startStaticSite(): Promise<Site> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(distDir, path));
    if (!file.startsWith(distDir)) return void res.writeHead(403).end();
    if (path.endsWith('/')) file = join(file, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-opener-policy': 'same-origin',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => origin + (path.startsWith('/') ? path : `/${path}`),
    output: () => '',
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (apt-get install chromium) or set LEAKBOOK_CHROMIUM.`,
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** console errors, uncaught exceptions and failed same-origin requests seen so far */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context (own storage) and page that records every error the page produces. */
export async function openPage(
  browser: Browser,
  opts: {
    width?: number;
    height?: number;
    colorScheme?: 'light' | 'dark';
    reducedMotion?: 'reduce' | 'no-preference';
  } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
    reducedMotion: opts.reducedMotion ?? 'reduce',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, context, errors, close: () => context.close() };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const axeSource = () => readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core in the page and returns violations of the given impacts (default serious + critical). */
export async function axeViolations(page: Page, impacts: string[] = ['serious', 'critical']): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource() });
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact !== null && impacts.includes(v.impact));
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    at ${v.nodes.slice(0, 5).join('\n    at ')}`)
    .join('\n');
}

/** Full-page screenshot into test-results/screenshots/<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled', timeout: 120_000 });
  return path;
}

/** Chapter slugs as built: one folder per chapter under dist/chapters/. */
export function builtChapterSlugs(): string[] {
  const dir = join(distDir, 'chapters');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'index.html')))
    .map((d) => d.name)
    .sort();
}
