// Serves the built site (dist/) with the runner's token injected into every HTML page, so pages
// served by this runner (and only those: the Host/Origin gates stop other sites) can call /api.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { baseHeaders, foreignPageRequest, HttpError } from './http-guard.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.ts': 'text/plain; charset=utf-8',
};

export const RUNNER_META = 'leakbook-runner';

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export function injectToken(html: string, token: string): string {
  const meta = `<meta name="${RUNNER_META}" content="${token}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  return meta + html;
}

export interface StaticSite {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export function createStaticSite(distDir: string, token: string): StaticSite {
  const root = resolve(distDir);

  async function findFile(urlPath: string): Promise<{ file: string; redirect?: string } | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      throw new HttpError(400, 'Malformed URL.');
    }
    if (decoded.includes('\0')) throw new HttpError(400, 'Malformed URL.');
    const target = resolve(root, '.' + decoded);
    if (target !== root && !target.startsWith(root + sep)) return null;
    const info = await stat(target).catch(() => null);
    if (info?.isFile()) return { file: target };
    if (info?.isDirectory()) {
      if (!decoded.endsWith('/')) return { file: '', redirect: urlPath + '/' };
      const index = join(target, 'index.html');
      if ((await stat(index).catch(() => null))?.isFile()) return { file: index };
      return null;
    }
    // Astro may emit "page.html" for "/page" depending on build.format.
    const asHtml = target + '.html';
    if (!decoded.endsWith('/') && (await stat(asHtml).catch(() => null))?.isFile()) return { file: asHtml };
    return null;
  }

  async function sendHtml(res: ServerResponse, req: IncomingMessage, file: string, status: number): Promise<void> {
    const foreign = foreignPageRequest(req);
    if (foreign) return refusePage(res, req, foreign);
    const html = injectToken(await readFile(file, 'utf8'), token);
    const body = Buffer.from(html);
    res.writeHead(status, {
      ...baseHeaders(),
      'Content-Type': MIME['.html'],
      'Content-Length': body.length,
      // The token changes with every start: never let a browser reuse an old page.
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** No token here: a plain page saying why, with a link that opens the page from this runner itself. */
  function refusePage(res: ServerResponse, req: IncomingMessage, why: string): void {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const href = escapeHtml(url.pathname + url.search);
    const body = Buffer.from(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Open Leakbook from its own address</title></head>` +
        `<body><h1>Open Leakbook from its own address</h1><p>This runner serves its pages only to itself: ${escapeHtml(why)}. ` +
        `Pages of the workbook carry the key that runs code on this computer, so another site may not load or frame them.</p>` +
        `<p><a href="${href}">Open ${escapeHtml(url.origin + url.pathname)}</a></p></body></html>`,
    );
    res.writeHead(403, {
      ...baseHeaders(),
      'Content-Type': MIME['.html'],
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function notFound(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const page = join(root, '404.html');
    if ((await stat(page).catch(() => null))?.isFile()) return sendHtml(res, req, page, 404);
    const body = 'Not found';
    res.writeHead(404, { ...baseHeaders(), 'Content-Type': MIME['.txt'], 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return {
    async handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET and HEAD are served here.');
      const url = new URL(req.url ?? '/', 'http://runner.invalid');
      const found = await findFile(url.pathname);
      if (!found) return notFound(req, res);
      if (found.redirect) {
        res.writeHead(308, { ...baseHeaders(), Location: found.redirect + url.search });
        res.end();
        return;
      }
      if (found.file.endsWith('.html')) return sendHtml(res, req, found.file, 200);
      const info = await stat(found.file);
      const hashed = url.pathname.startsWith('/_astro/');
      res.writeHead(200, {
        ...baseHeaders(),
        'Content-Type': mimeType(found.file),
        'Content-Length': info.size,
        'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(found.file)
        .on('error', () => res.destroy())
        .pipe(res);
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
