// The runner executes code on the reader's machine, so every request passes these gates before
// anything else happens: loopback Host (defeats DNS rebinding), own Origin (defeats cross-site
// requests), the per-start token on /api, and a hard cap on request bodies.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatBytes } from '../contracts/format.ts';
import type { ErrorReply } from '../contracts/runner-api.ts';

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface GuardConfig {
  port: number;
  token: string;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Throws HttpError when the Host header is not this runner's own loopback address. */
export function checkHost(req: IncomingMessage, cfg: GuardConfig): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts(cfg.port).includes(host))
    throw new HttpError(
      421,
      `Refused: this runner only answers to http://127.0.0.1:${cfg.port}/ (Host was "${host || 'missing'}").`,
    );
}

/** Throws when an Origin header is present and is not this runner's own origin. */
export function checkOrigin(req: IncomingMessage, cfg: GuardConfig): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const own = allowedHosts(cfg.port).map((h) => `http://${h}`);
  if (!own.includes(origin.toLowerCase()))
    throw new HttpError(
      403,
      `Refused: requests from ${origin} may not use this runner; open the workbook at http://127.0.0.1:${cfg.port}/.`,
    );
}

export function checkToken(req: IncomingMessage, cfg: GuardConfig): void {
  const header = req.headers.authorization;
  if (!header)
    throw new HttpError(
      401,
      'Refused: missing runner token (Authorization: Bearer <token>). Reload the page served by the runner.',
    );
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const given = Buffer.from(match ? match[1] : '');
  const expected = Buffer.from(cfg.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new HttpError(403, 'Refused: wrong runner token. The runner was probably restarted; reload the page.');
}

/** Reads a JSON body of at most maxBytes; rejects larger bodies before buffering them. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'Send the request body as application/json.');
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () =>
    new HttpError(413, `Request body too large: the limit is ${formatBytes(maxBytes, { limit: true })}.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

/**
 * Why a page (which carries the token) must not be served to this request, or null when it may be:
 * a request another site made (its Origin, or the browser's Sec-Fetch-Site) never gets the token.
 * A link from another page on this machine (another port is "same-site") is refused as well.
 */
export function foreignPageRequest(req: IncomingMessage): string | null {
  const own = `http://${(req.headers.host ?? '').toLowerCase()}`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== own) return `it was requested by ${origin}`;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return 'it was requested by another site';
  return null;
}

/** Security headers on every response. COOP/COEP make the page cross-origin isolated, which
 * WebContainer needs; frame-ancestors and X-Frame-Options keep other sites from framing the pages
 * (clickjacking the Run and Check buttons); nosniff and a strict referrer policy cost nothing. */
export function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': "frame-ancestors 'self'",
    'X-Frame-Options': 'SAMEORIGIN',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status = err instanceof HttpError ? err.status : 500;
  const message = err instanceof Error ? err.message : String(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // After refusing a body we do not want to read the rest of it: close the connection.
  if (status === 413) res.setHeader('Connection', 'close');
  sendJson(res, status, { error: message } satisfies ErrorReply);
}
