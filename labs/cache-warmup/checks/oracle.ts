// The reference behaviour of the search service, computed from the lab's read-only catalogue (the same
// search the service runs), and the driver that sends seeded traffic and compares every answer with it.
// Only what a client sees is judged: status, content type, the x-cache header set by the read-only
// server (hit or miss), and the body byte for byte. The cache's own gauges are never read.
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachLimit, type HttpResult, type ScenarioContext } from '#kit';
import { search, type SortOrder } from './catalog.ts';
import type { SearchRequest } from './traffic.ts';

export interface Expected {
  status: number;
  contentType: string;
  body: string;
}

/** What the reference service answers for a request (routing as in the read-only server.ts). */
const known = new Map<string, Expected>();
/** The same, by request: a pool of probes asked in turn, or a storm weighed after it was sent, is searched once. */
const answered = new WeakMap<SearchRequest, Expected>();

/** The reference answer; popular searches are remembered, as they are asked again and again. */
export function expected(req: SearchRequest): Expected {
  let hit = known.get(req.path) ?? answered.get(req);
  if (!hit) {
    hit = reference(req.path);
    if (req.popular) known.set(req.path, hit);
    else answered.set(req, hit);
  }
  return hit;
}

function reference(path: string): Expected {
  const url = new URL(path, 'http://catalogue.local');
  if (url.pathname !== '/search') return { status: 404, contentType: 'text/plain', body: 'not found\n' };
  const sort = url.searchParams.get('sort');
  const order: SortOrder = sort === 'price' || sort === 'name' ? sort : 'relevance';
  const page = search(url.searchParams.get('q') ?? '', Number(url.searchParams.get('page') ?? '1'), order);
  return { status: 200, contentType: 'application/json', body: JSON.stringify(page) };
}

/**
 * How a request is shown to the reader: "GET /search?q=teal%20lamp&page=2". A long one keeps both ends,
 * where look-alike searches differ: "GET /search?utm_source=newsletter&utm_……&q=teal&page=2&sort=name".
 */
export function shown(req: SearchRequest): string {
  const path = req.path.length > 120 ? req.path.slice(0, 60) + '...' + req.path.slice(-57) : req.path;
  return `${req.method} ${path}`;
}

function describeBody(body: string): string {
  try {
    const page = JSON.parse(body) as { query?: unknown; page?: unknown; sort?: unknown; results?: unknown[] };
    const n = Array.isArray(page.results) ? page.results.length : '?';
    return `the results of "${String(page.query)}" page ${String(page.page)} by ${String(page.sort)} (${n} products)`;
  } catch {
    return `${body.length} bytes that are not the JSON search page`;
  }
}

/** null when the answer is what the reference gives, else what was observed, in the reader's terms */
export function compare(req: SearchRequest, r: HttpResult): string | null {
  if (r.error) return `${shown(req)} got no answer (${r.error})`;
  const want = expected(req);
  if (r.status !== want.status) return `${shown(req)} was answered with status ${r.status} instead of ${want.status}`;
  const type = (r.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type !== want.contentType) return `${shown(req)} was answered as "${type}" instead of ${want.contentType}`;
  if (want.status === 200 && r.headers['x-cache'] !== 'hit' && r.headers['x-cache'] !== 'miss')
    return `${shown(req)} came without an x-cache header of hit or miss`;
  const body = r.body.toString('utf8');
  if (req.method === 'HEAD') return body === '' ? null : `${shown(req)} was answered with a body`;
  if (body === want.body) return null;
  const from = r.headers['x-cache'] === 'hit' ? 'from the cache' : 'freshly searched';
  if (want.status !== 200) return `${shown(req)} was answered with "${body.slice(0, 60)}"`;
  return `${shown(req)} was answered (${from}) with ${describeBody(body)}, not the page the search gives for it`;
}

export interface Sent {
  /** first mismatch with the reference, in the reader's terms, or null */
  wrong: string | null;
  /**
   * Popular searches asked again (every request of a popular search but its first), and how many popular
   * requests were cache hits. Counted per search, so the order in which parallel requests land does not matter.
   */
  popularRepeats: number;
  popularHits: number;
}

/**
 * Send request phases: a burst goes out from 8 clients at once, a trickle from one client with pauses
 * of a few lab seconds. Every answer is compared with the reference; the first mismatch is kept.
 */
export async function send(
  s: ScenarioContext,
  phases: Array<{ kind: 'burst' | 'trickle'; requests: SearchRequest[] }>,
  popularSeen = new Set<string>(),
): Promise<Sent> {
  const out: Sent = { wrong: null, popularRepeats: 0, popularHits: 0 };
  const one = async (req: SearchRequest) => {
    if (out.wrong) return; // one wrong answer decides; a hung service then costs one timeout, not hundreds
    if (req.popular && popularSeen.has(req.path)) out.popularRepeats++;
    if (req.popular) popularSeen.add(req.path);
    const body = req.method === 'POST' ? 'q=ignored' : undefined;
    let r = await s.service.request(req.path, { method: req.method, body, timeoutMs: 5000 });
    // A kept-alive connection the server closed just as it was reused: any HTTP client sends again.
    if (r.status === 0 && /ECONNRESET|EPIPE|socket hang up/.test(r.error ?? ''))
      r = await s.service.request(req.path, { method: req.method, body, timeoutMs: 5000 });
    out.wrong ??= compare(req, r);
    if (req.popular && r.headers['x-cache'] === 'hit') out.popularHits++;
  };
  for (const phase of phases) {
    if (out.wrong || s.signal.aborted) break;
    if (phase.kind === 'burst') {
      await forEachLimit(phase.requests.length, 8, (i) => one(phase.requests[i]!), s.signal);
    } else {
      for (const [i, req] of phase.requests.entries()) {
        if (s.signal.aborted) break;
        await one(req);
        if (i % 5 === 4) await sleep(s.ms(2_000)); // a shopper reading the results
      }
    }
  }
  return out;
}
