// Seeded traffic for the report-queue checks: what clients send, and what an outside observer expects
// the service to answer. server.ts is read-only, so its answers are a small model kept here: 202 with the
// number of reports accepted for a valid bundle, 400 for anything that is not a report or an array of
// them, 413 over 2 MB, 404 for every other method or path. Reports carry varied, non-round values and
// odd strings; bundles range from a single object to 12,000 reports and cross batch boundaries anywhere.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng, ScenarioContext } from '#kit';

/** Every request of a check gets an answer within this, or the check says what it was waiting for. */
export const REQUEST_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const SOURCES = ['web', 'ios', 'android', 'kiosk', 'partner-api', 'edge/eu-west-1', 'café-terminal', '', ' '];
const KINDS = ['page_view', 'click', 'purchase', 'error', 'heartbeat', 'checkout.step', 'ø', 'x'.repeat(120)];

export interface Request {
  method: string;
  path: string;
  body?: string;
  /** the answer server.ts gives: status, and for 202 how many reports it accepted */
  expect: { status: number; accepted?: number };
  what: string;
}

function value(rng: Rng): number {
  const r = rng.next();
  if (r < 0.3) return rng.int(-1_000_000, 1_000_000);
  if (r < 0.6) return Math.round(rng.next() * 1e6) / 1e3 - 500;
  if (r < 0.7) return rng.pick([0, -0.5, 1e-9, 2 ** 53 - 1, -(2 ** 31), 3.14159]);
  return rng.next() * 1e4;
}

function report(rng: Rng): Record<string, unknown> {
  const r: Record<string, unknown> = { source: rng.pick(SOURCES), kind: rng.pick(KINDS), value: value(rng) };
  if (rng.chance(0.05)) r.extra = { note: 'ignored by the service', n: rng.int(0, 9) };
  return r;
}

/** A valid bundle of `count` reports: one JSON object when count is 1 (sometimes), else an array. */
export function bundle(rng: Rng, count: number): Request {
  const reports = Array.from({ length: count }, () => report(rng));
  const body = count === 1 && rng.chance(0.5) ? JSON.stringify(reports[0]) : JSON.stringify(reports);
  return {
    method: 'POST',
    path: '/report',
    body,
    expect: { status: 202, accepted: count },
    what: `a bundle of ${count} reports`,
  };
}

/** Bundle sizes summing to exactly `total`: mostly ordinary, some single reports, some huge ones. */
export function bundleSizes(rng: Rng, total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  while (left > 0) {
    const r = rng.next();
    let n =
      r < 0.15
        ? 1
        : r < 0.35
          ? rng.int(2, 60)
          : r < 0.85
            ? rng.int(400, 2_600)
            : r < 0.93
              ? 5_000
              : rng.int(6_000, 12_000);
    n = Math.min(n, left);
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

/** Requests the service must refuse or route elsewhere; none of them may change what is delivered. */
export function oddRequest(rng: Rng): Request {
  const bad = (body: string, what: string): Request => ({
    method: 'POST',
    path: '/report',
    body,
    expect: { status: 400 },
    what,
  });
  const route = (method: string, path: string, status = 404): Request => ({
    method,
    path,
    expect: { status },
    what: `${method} ${path}`,
  });
  const good = JSON.stringify([report(rng), report(rng)]);
  const choices: Array<() => Request> = [
    () => bad(good.slice(0, Math.max(1, good.length - rng.int(1, 20))), 'a bundle cut off mid-JSON'),
    () => bad('', 'an empty body'),
    () => bad('[{"source":"web","kind":"click","value":"12"}]', 'a report whose value is a string'),
    () => bad(`[${JSON.stringify(report(rng))},null]`, 'a bundle with a null in it'),
    () =>
      bad(`[${JSON.stringify(report(rng))},{"source":"web","value":1}]`, 'a bundle with one report missing its kind'),
    () => bad('42', 'a bare number'),
    () => ({
      method: 'POST',
      path: '/report',
      body: '[]',
      expect: { status: 202, accepted: 0 },
      what: 'an empty bundle',
    }),
    () => route('GET', '/batches', 200),
    () => route('HEAD', '/batches'),
    () => route('OPTIONS', '/report'),
    () => route('GET', '/report'),
    () => route('PUT', '/report'),
    () => route('POST', '/batches'),
    () => route('GET', `/reports/${rng.int(1, 99)}?x=%ZZ`),
  ];
  return rng.pick(choices)();
}

/** A body just over the service's 2 MB limit (413, nothing accepted). */
export function oversized(rng: Rng): Request {
  const one = JSON.stringify(report(rng));
  const body = '[' + Array.from({ length: Math.ceil(MAX_BODY_BYTES / one.length) + 1 }, () => one).join(',') + ']';
  return { method: 'POST', path: '/report', body, expect: { status: 413 }, what: 'a bundle larger than 2 MB' };
}

/** What clients sent and the service accepted, across every request of a check. */
export class TrafficLog {
  accepted = 0;
  requests = 0;
}

/** Send one request, compare the answer with server.ts's; a wrong or missing answer throws, in the reader's terms. */
export async function send(s: ScenarioContext, req: Request, log: TrafficLog): Promise<void> {
  const r = await s.service.request(req.path, {
    method: req.method,
    body: req.body,
    headers: req.body !== undefined ? { 'content-type': 'application/json' } : {},
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  log.requests++;
  if (s.signal.aborted) return;
  if (r.error) throw new Error(`the service did not answer ${req.what} (${r.error})`);
  if (r.status !== req.expect.status)
    throw new Error(`the service answered ${req.what} with status ${r.status} instead of ${req.expect.status}`);
  if (req.expect.accepted !== undefined) {
    const accepted = (JSON.parse(r.body.toString('utf8')) as { accepted?: unknown }).accepted;
    if (accepted !== req.expect.accepted)
      throw new Error(`the service accepted ${String(accepted)} reports of ${req.what}`);
    log.accepted += req.expect.accepted;
  }
}

/** Several clients, each sending its own requests one after another; their requests interleave. */
export async function clients(s: ScenarioContext, lanes: Request[][], log: TrafficLog): Promise<void> {
  await Promise.all(
    lanes.map(async (lane) => {
      for (const req of lane) {
        if (s.signal.aborted) return;
        await send(s, req, log);
      }
    }),
  );
}

/** Deal requests to `n` clients in a seeded way (each client keeps its own order). */
export function deal(rng: Rng, requests: Request[], n: number): Request[][] {
  const lanes: Request[][] = Array.from({ length: n }, () => []);
  for (const req of requests) lanes[rng.int(0, n - 1)]!.push(req);
  return lanes;
}

/** A trickle: `requests` sent one by one, `gapsLabMs[i]` of lab time before each. */
export async function trickle(
  s: ScenarioContext,
  requests: Request[],
  gapsLabMs: number[],
  log: TrafficLog,
): Promise<void> {
  for (let i = 0; i < requests.length && !s.signal.aborted; i++) {
    if (gapsLabMs[i]) await sleep(s.ms(gapsLabMs[i]!), undefined, { signal: s.signal }).catch(() => {});
    await send(s, requests[i]!, log);
  }
}
