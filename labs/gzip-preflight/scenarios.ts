// Traffic for the reporting service: browsers sending reports (preflight + POST) and phones that give
// up on the /stats download half-way. The helpers are shared with the checks.
import { defineScenarios, formatCount, type HttpResult, type ServiceControl } from '#kit';

export const DASHBOARD_ORIGINS = ['https://dash.example.com', 'https://ops.example.com', 'https://m.example.com'];
export const REFUSED_ORIGINS = ['https://evil.example.org', 'https://staging.example.dev'];
/** What a browser sends. */
export const BROWSER_ENCODINGS = 'gzip, deflate, br';

export function preflight(service: ServiceControl, origin: string): Promise<HttpResult> {
  return service.request('/report', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
      'accept-encoding': BROWSER_ENCODINGS,
    },
  });
}

export function postReport(service: ServiceControl, origin: string, n: number): Promise<HttpResult> {
  return service.request('/report', {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', 'accept-encoding': BROWSER_ENCODINGS },
    body: JSON.stringify({ page: '/checkout', event: 'render', ms: 100 + (n % 50), n }),
  });
}

export function downloadStats(service: ServiceControl, abortAfterBytes?: number): Promise<HttpResult> {
  return service.request('/stats', {
    headers: { 'accept-encoding': 'gzip', origin: DASHBOARD_ORIGINS[0] },
    abortAfterBytes,
    // a full download takes 24 pages x 100 ms of lab time; a busy machine can stretch that a lot,
    // so only a response that makes no progress for this long counts as stuck
    timeoutMs: 30_000,
  });
}

/** Run fn(0..count-1) with at most `width` in flight; stops early when the signal aborts. */
export async function inParallel(
  count: number,
  width: number,
  signal: AbortSignal,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !signal.aborted) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** The origin of the i-th browser report: one in eight comes from a site that is not allowed. */
export function originFor(i: number): string {
  return i % 8 === 7 ? REFUSED_ORIGINS[i % REFUSED_ORIGINS.length] : DASHBOARD_ORIGINS[i % DASHBOARD_ORIGINS.length];
}

export default defineScenarios({
  'dashboard-traffic': async (s) => {
    const reports = 1200;
    let allowed = 0;
    let refused = 0;
    let accepted = 0;
    await inParallel(reports, 8, s.signal, async (i) => {
      const origin = originFor(i);
      const pre = await preflight(s.service, origin);
      if (pre.status === 204 && pre.headers['access-control-allow-origin'] === origin) {
        allowed++;
        const post = await postReport(s.service, origin, i);
        if (post.status === 202) accepted++;
      } else refused++;
      if (i % 300 === 299) await downloadStats(s.service);
      if ((i + 1) % 200 === 0) s.progress(`${formatCount(i + 1)} of ${formatCount(reports)} reports sent`);
    });
    return `${formatCount(allowed + refused)} preflights: ${formatCount(allowed)} allowed, ${formatCount(refused)} refused; ${formatCount(accepted)} reports accepted`;
  },

  'flaky-mobile-clients': async (s) => {
    const downloads = 150;
    let cut = 0;
    await inParallel(downloads, 6, s.signal, async (i) => {
      const r = await downloadStats(s.service, 2048);
      if (r.aborted) cut++;
      if ((i + 1) % 25 === 0) s.progress(`${formatCount(i + 1)} of ${formatCount(downloads)} downloads started`);
    });
    return `${formatCount(downloads)} downloads of /stats, ${formatCount(cut)} dropped by the client after 2 KB`;
  },
});
