// Scenario drivers for the Go trace-logs lab. Every request carries its own X-Trace-Id, so checks can
// find its uploads again; order ids are seeded, so every run sends the same traffic.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineScenarios, forEachLimit, formatCount, type ScenarioContext } from '#kit';

export const HOUR = { lookups: 60, refunds: 12, exports: 8 };
/** How long (lab time) the late audit lines take, at most, after their request. */
export const AUDIT_LAB_MS = 10_000;

export interface Sent {
  trace: string;
  kind: 'lookup' | 'refund' | 'export' | 'report';
  id: string;
  status: number;
}

function orderId(hour: number, i: number): string {
  return String(1000 + ((hour * 7919 + i * 104729) % 90000));
}

/** One simulated hour: lookups and refunds, 8 at a time, then the hourly report job. */
export async function hour(s: ScenarioContext, h: number, withJobs = true, run = 0): Promise<Sent[]> {
  const sent: Sent[] = [];
  const prefix = `r${run}h${h}`;
  await forEachLimit(
    HOUR.lookups + HOUR.refunds,
    8,
    async (i) => {
      const lookup = i < HOUR.lookups;
      const id = orderId(h, i);
      const trace = `${prefix}-${lookup ? 'l' : 'f'}${i}`;
      const r = await s.service.request(lookup ? `/orders/${id}` : `/orders/${id}/refund`, {
        method: lookup ? 'GET' : 'POST',
        headers: { 'x-trace-id': trace },
      });
      if (r.error) throw new Error(`the service stopped answering (${r.error})`);
      sent.push({ trace, kind: lookup ? 'lookup' : 'refund', id, status: r.status });
    },
    s.signal,
  );
  // exports all at once: they overlap in the service
  await Promise.all(
    Array.from({ length: HOUR.exports }, async (_, i) => {
      const id = orderId(h, 500 + i);
      const trace = `${prefix}-e${i}`;
      const r = await s.service.request(`/orders/${id}/export`, { headers: { 'x-trace-id': trace } });
      if (r.error) throw new Error(`the service stopped answering (${r.error})`);
      sent.push({ trace, kind: 'export', id, status: r.status });
    }),
  );
  if (withJobs) {
    const r = await s.service.request(`/admin/report/${prefix}`, { method: 'POST' });
    if (r.status !== 202) throw new Error(`the report job could not start (${r.status || r.error})`);
    sent.push({ trace: `job-report-${prefix}`, kind: 'report', id: prefix, status: r.status });
  }
  return sent;
}

export default defineScenarios({
  'day-of-traffic': async (s) => {
    for (let h = 1; h <= 8 && !s.signal.aborted; h++) {
      await hour(s, h);
      s.progress(`hour ${h} of 8: ${formatCount(h * (HOUR.lookups + HOUR.refunds))} requests, ${h} report runs`);
    }
    await sleep(s.ms(AUDIT_LAB_MS), undefined, { signal: s.signal });
    return `8 hours: ${formatCount(8 * (HOUR.lookups + HOUR.refunds))} requests and 8 report runs`;
  },
  'quiet-hour': async (s) => {
    await forEachLimit(
      HOUR.lookups,
      4,
      async (i) => {
        await s.service.request(`/orders/${orderId(0, i)}`, { headers: { 'x-trace-id': `quiet-${i}` } });
      },
      s.signal,
    );
    return `${HOUR.lookups} order lookups`;
  },
});
