// Traffic for the trace-logs lab. Time is lab time, scaled by the manifest (an hour takes half a second).
import { defineScenarios, formatCount, type ScenarioContext } from '#kit';

const HOUR_MS = 3_600_000;
const ORDERS_PER_HOUR = 40;
const EXPORTS_PER_HOUR = 6;
/** Clients that give up on an export disconnect after this many bytes. */
const GIVE_UP_AFTER_BYTES = 20 * 1024;
const CONCURRENCY = 8;

export interface TrafficResult {
  /** order subject ("order-7") -> trace ID its response carried */
  traceIds: Map<string, string>;
  requests: number;
  disconnected: number;
  /** responses that were not what the service promises (wrong status, body or missing trace ID) */
  problems: string[];
}

async function pool<T>(items: T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await each(items[next++]);
  });
  await Promise.all(workers);
}

/** Drive `hours` simulated hours of order lookups and exports, paced to the lab clock. */
export async function driveHours(
  s: ScenarioContext,
  hours: number,
  opts: { exports: boolean } = { exports: true },
): Promise<TrafficResult> {
  const result: TrafficResult = { traceIds: new Map(), requests: 0, disconnected: 0, problems: [] };
  const started = performance.now();
  let orderNo = 0;
  let exportNo = 0;
  for (let hour = 1; hour <= hours && !s.signal.aborted; hour++) {
    const jobs: Array<() => Promise<void>> = [];
    for (let i = 0; i < ORDERS_PER_HOUR; i++) {
      const n = ++orderNo;
      jobs.push(async () => {
        const r = await s.service.request(`/orders/${n}`);
        result.requests++;
        const traceId = r.headers['x-trace-id'];
        if (r.status !== 200)
          result.problems.push(`GET /orders/${n} answered ${r.status}${r.error ? ` (${r.error})` : ''}`);
        else if (!traceId) result.problems.push(`GET /orders/${n} carried no x-trace-id header`);
        else {
          result.traceIds.set(`order-${n}`, traceId);
          const order = JSON.parse(r.body.toString('utf8')) as { id?: number };
          if (order.id !== n) result.problems.push(`GET /orders/${n} returned order ${String(order.id)}`);
        }
      });
    }
    if (opts.exports) {
      for (let i = 0; i < EXPORTS_PER_HOUR; i++) {
        const n = ++exportNo;
        const givesUp = i % 2 === 0;
        jobs.push(async () => {
          const r = await s.service.request(`/export/${n}`, givesUp ? { abortAfterBytes: GIVE_UP_AFTER_BYTES } : {});
          result.requests++;
          if (givesUp) result.disconnected++;
          else if (r.status !== 200 || r.aborted)
            result.problems.push(`GET /export/${n} did not complete (${r.error ?? r.status})`);
        });
      }
    }
    await pool(jobs, CONCURRENCY, (job) => job());
    s.progress(
      `hour ${hour} of ${hours}: ${formatCount(result.requests)} requests, ${formatCount(result.disconnected)} clients gave up`,
    );
    const hourEnds = started + hour * s.ms(HOUR_MS);
    const wait = hourEnds - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return result;
}

export default defineScenarios({
  'day-of-traffic': async (s) => {
    const r = await driveHours(s, 24);
    return `24 simulated hours: ${formatCount(r.requests)} requests, ${formatCount(r.disconnected)} clients gave up on their export`;
  },
  'quiet-hour': async (s) => {
    const r = await driveHours(s, 1, { exports: false });
    return `one quiet hour: ${formatCount(r.requests)} order lookups`;
  },
});
