// Seeded traffic for the trace-logs checks, over the service's whole surface: order lookups with every
// method (some for orders that do not exist), exports read to the end or abandoned at any byte, HEAD
// exports, unknown paths, from one client or many at once, in bursts, trickles with pauses of lab minutes,
// idle gaps and interleavings; the hourly report runs on its own timer meanwhile. Every answer is compared
// with the reference (model.ts) as it arrives: status, content type, body, and an x-trace-id header.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng, ScenarioContext } from '#kit';
import { expectedResponse, ORDERS, route, type Route } from './model.ts';

/** Every request gets an answer within this, or the check says what it was waiting for. */
export const REQUEST_TIMEOUT_MS = 5_000;
const EXPORT_BYTES = expectedResponse({ kind: 'export', n: 1 }).body.length;
const CHUNK_BYTES = EXPORT_BYTES / 16;

export interface Request {
  method: string;
  path: string;
  route: Route;
  /** the client reads this many bytes of the body, then disconnects */
  abortAfterBytes?: number;
}

/** What one request saw; `completed` is whether the client read the whole export. */
export interface Sent {
  req: Request;
  traceId: string;
  status: number;
  completed: boolean;
  /** sent just before the service was shut down, so its export may have been cut off by the shutdown */
  atShutdown?: boolean;
}

export function shown(req: Request): string {
  const cut = req.abortAfterBytes !== undefined ? ` (the client leaving after ${req.abortAfterBytes} bytes)` : '';
  return `${req.method} ${req.path}${cut}`;
}

/** Numbers for orders and exports, never used twice in one service (a subject names one request). */
export class Numbers {
  #used = new Set<number>();
  #rng: Rng;
  constructor(rng: Rng) {
    this.#rng = rng;
  }
  take(min: number, max: number): number {
    for (;;) {
      const n = this.#rng.int(min, max);
      if (!this.#used.has(n)) {
        this.#used.add(n);
        return n;
      }
    }
  }
}

const UNKNOWN = [
  '/',
  '/orders',
  '/orders/',
  '/orders/12a',
  '/orders/7?debug=1',
  '/export',
  '/exports/3',
  '/ORDERS/5',
  '/favicon.ico',
  '/orders/%ZZ',
  '/export/4/5',
];

/** One request of the mix: mostly order lookups, a quarter exports (half of them abandoned), some unknown. */
export function request(rng: Rng, numbers: Numbers): Request {
  const r = rng.next();
  if (r < 0.55) {
    const n = rng.chance(0.1) ? numbers.take(ORDERS, ORDERS + 99_999) : numbers.take(0, ORDERS - 1);
    const method = rng.pick(['GET', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'DELETE', 'PUT']);
    return { method, path: `/orders/${n}`, route: { kind: 'order', n } };
  }
  if (r < 0.85) {
    const n = numbers.take(1, 99_999);
    const req: Request = { method: 'GET', path: `/export/${n}`, route: { kind: 'export', n } };
    if (rng.chance(0.06)) req.method = 'HEAD';
    else if (rng.chance(0.55)) {
      const at = rng.next();
      req.abortAfterBytes =
        at < 0.15 ? rng.int(0, 1) : at < 0.5 ? rng.int(2, CHUNK_BYTES * 2) : rng.int(CHUNK_BYTES * 2, EXPORT_BYTES - 1);
    }
    return req;
  }
  const path = rng.pick(UNKNOWN);
  return { method: rng.pick(['GET', 'GET', 'POST', 'HEAD']), path, route: route(path) };
}

/** Send one request and compare the answer with the reference; a wrong or missing answer throws. */
export async function send(s: ScenarioContext, req: Request, out: Sent[]): Promise<void> {
  const r = await s.service.request(req.path, {
    method: req.method,
    abortAfterBytes: req.abortAfterBytes,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  if (s.signal.aborted) return;
  if (r.error && /^no complete response/.test(r.error))
    throw new Error(`the service did not answer ${shown(req)}: waited ${REQUEST_TIMEOUT_MS / 1000} s for its response`);
  if (r.error) throw new Error(`the connection broke while the service answered ${shown(req)} (${r.error})`);
  const want = expectedResponse(req.route);
  if (r.status !== want.status)
    throw new Error(`the service answered ${shown(req)} with status ${r.status} instead of ${want.status}`);
  const type = (r.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type !== want.contentType)
    throw new Error(`the service answered ${shown(req)} as "${type}" instead of ${want.contentType}`);
  const traceId = r.headers['x-trace-id'];
  if (!traceId) throw new Error(`the answer to ${shown(req)} carried no x-trace-id header`);
  const body = r.body.toString('latin1');
  const expected = req.method === 'HEAD' ? '' : want.body;
  const ok = r.aborted ? expected.startsWith(body) : body === expected;
  if (!ok)
    throw new Error(
      `the service answered ${shown(req)} with ${body.length} bytes that are not ${req.method === 'HEAD' ? 'an empty body' : 'what it promises'}`,
    );
  out.push({ req, traceId, status: r.status, completed: !r.aborted });
}

/** Clients, each sending its own requests one after another with `gapLabMs` of lab time before each. */
export async function clients(
  s: ScenarioContext,
  lanes: Array<Array<{ req: Request; gapLabMs: number }>>,
  out: Sent[],
): Promise<void> {
  await Promise.all(
    lanes.map(async (lane) => {
      for (const { req, gapLabMs } of lane) {
        if (s.signal.aborted) return;
        if (gapLabMs > 0) await sleep(s.ms(gapLabMs), undefined, { signal: s.signal }).catch(() => {});
        await send(s, req, out);
      }
    }),
  );
}

const MINUTE = 60_000;

/** A flood of quick order lookups from `clientCount` clients at once: many requests for little work, so
 * what a design keeps per request shows. */
export async function lookups(
  s: ScenarioContext,
  rng: Rng,
  numbers: Numbers,
  count: number,
  clientCount: number,
  out: Sent[],
): Promise<void> {
  const flood = Array.from({ length: count }, (): Request => {
    const n = numbers.take(0, ORDERS - 1);
    return { method: 'GET', path: `/orders/${n}`, route: { kind: 'order', n } };
  });
  await clients(
    s,
    spread(rng, flood, clientCount, () => 0),
    out,
  );
}

/** `requests` dealt at random among `n` clients, each with `gap()` lab ms before it. */
function spread(rng: Rng, requests: Request[], n: number, gap: () => number) {
  const out: Array<Array<{ req: Request; gapLabMs: number }>> = Array.from({ length: n }, () => []);
  for (const req of requests) out[rng.int(0, n - 1)]!.push({ req, gapLabMs: gap() });
  return out;
}

/**
 * One round of traffic: a burst from `burstClients` clients at once, a flood of lookups from as many, an idle gap, a trickle from one client with
 * pauses of lab minutes, and three clients interleaving.
 */
export async function round(
  s: ScenarioContext,
  rng: Rng,
  numbers: Numbers,
  out: Sent[],
  burstClients: number,
): Promise<void> {
  const many = (n: number) => Array.from({ length: n }, () => request(rng, numbers));
  const lanes = (requests: Request[], n: number, gap: () => number) => spread(rng, requests, n, gap);
  await clients(
    s,
    lanes(many(20), burstClients, () => 0),
    out,
  );
  await lookups(s, rng, numbers, 60, burstClients, out);
  await sleep(s.ms(rng.int(5, 20) * MINUTE), undefined, { signal: s.signal }).catch(() => {});
  await clients(
    s,
    lanes(many(6), 1, () => rng.int(1, 6) * MINUTE),
    out,
  );
  await clients(
    s,
    lanes(many(12), 3, () => (rng.chance(0.5) ? 0 : rng.int(1, 4) * MINUTE)),
    out,
  );
}

/**
 * Shutdown mid-work: start exports and leave them running, resolving once each has its headers, so the
 * service is shut down under them when the check returns. Their sockets are left to the shutdown.
 */
export async function leaveRunning(s: ScenarioContext, numbers: Numbers, count: number, out: Sent[]): Promise<void> {
  const url = new URL(s.service.baseUrl);
  await Promise.all(
    Array.from({ length: count }, async () => {
      const n = numbers.take(1, 99_999);
      const req: Request = { method: 'GET', path: `/export/${n}`, route: { kind: 'export', n } };
      const traceId = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          client.destroy();
          reject(new Error(`the service did not start ${shown(req)} within ${REQUEST_TIMEOUT_MS / 1000} s`));
        }, REQUEST_TIMEOUT_MS);
        const client = http.get({ host: url.hostname, port: url.port, path: req.path, agent: false }, (res) => {
          clearTimeout(timer);
          res.resume();
          res.on('error', () => {});
          const id = res.headers['x-trace-id'];
          if (typeof id === 'string' && id) resolve(id);
          else reject(new Error(`the answer to ${shown(req)} carried no x-trace-id header`));
        });
        client.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      out.push({ req, traceId, status: 200, completed: false, atShutdown: true });
    }),
  );
}
