// Hidden checks for the report-queue lab.
// Portable core: the service's "tick waiters" gauge, process warnings, and what the batch endpoint
// recorded (GET /batches and its ledger file). Where the runtime can count objects after a full GC
// (real Node): live Report and Flusher objects.
//
// Time: all timing is judged in lab time, on the service's own clock (real ms / timeScale), from the
// ledger: each batch carries when its first report arrived and when it was delivered. Timers never fire
// early, but a loaded 2-core machine can run them late, and at timeScale 0.05 a 100 ms stall is 2 s of
// lab time. So "on time" means delivered within the 10 s promise plus ON_TIME_SLACK_LAB_MS of slack
// (1 s of real stall); a queue that forgets its timer is late by minutes, not seconds. Waiting for a
// delivery polls with a deadline instead of asserting after a fixed sleep.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineChecks, formatCount, type CheckContext, type Measurement } from '#kit';
import { bundle, sendBundle, PRODUCTION, PRODUCTION_REPORTS, STAGING, STAGING_REPORTS } from '../scenarios.ts';

const MAX_BATCH = 5_000;
const FLUSH_AFTER_LAB_MS = 10_000;
const ON_TIME_SLACK_LAB_MS = 20_000;
/** How long a check waits (lab time) for reports that should leave on their timer. */
const QUIET_LAB_MS = 30_000;
/** Fewer reports per batch than this on average means the queue is not batching. */
const MIN_AVERAGE_BATCH = 100;
const SHUTDOWN_REPORTS = 777;

interface BatchSummary {
  n: number;
  size: number;
  first: number;
  last: number;
  firstAt: number;
  deliveredAt: number;
}
interface SinkState {
  received: number;
  delivered: number;
  waiting: number;
  batches: number;
  largest: number;
  problems: string[];
  problemCount: number;
  ledger: string;
  now: number;
}

async function sinkState(t: CheckContext): Promise<SinkState> {
  const r = await t.service.request('/batches', { timeoutMs: 10_000 });
  if (r.status !== 200) throw new Error(`GET /batches answered ${r.status || r.error}; the batch endpoint could not be read`);
  return JSON.parse(r.body.toString('utf8')) as SinkState;
}

/** Poll until nothing is waiting or `labMs` of lab time have passed; returns the last state seen. */
async function untilDelivered(t: CheckContext, labMs: number): Promise<SinkState> {
  const deadline = performance.now() + t.ms(labMs);
  let state = await sinkState(t);
  while (state.waiting > 0 && performance.now() < deadline) {
    await sleep(t.ms(500));
    state = await sinkState(t);
  }
  return state;
}

/** Memory after a full GC with live Report (and, if the lab still has the class, Flusher) counts. */
async function measureAfterGc(t: CheckContext): Promise<Measurement> {
  const caps = t.service.caps;
  if (!caps.queryObjects) return t.service.measure({ gc: caps.gc });
  try {
    return await t.service.measure({ gc: true, count: ['Report', 'Flusher'] });
  } catch {
    return t.service.measure({ gc: true, count: ['Report'] }); // the fix may have removed Flusher
  }
}

function crashed(t: CheckContext): string | null {
  const exit = t.service.exits().find((e) => e.reason !== 'stopped');
  return exit ? `the service went down: ${exit.message}` : null;
}

function listenerWarning(t: CheckContext): string | null {
  const w = t.service.warnings().find((w) => w.name === 'MaxListenersExceededWarning');
  return w ? w.message : null;
}

export default defineChecks({
  'nothing-parked': async (t) => {
    const before = await measureAfterGc(t);
    await t.runScenario('production');
    // A quiet spell: the last, partly filled batch leaves on its timer and its flusher finishes.
    const state = await untilDelivered(t, QUIET_LAB_MS);
    const after = await measureAfterGc(t);
    const down = crashed(t);
    if (down) return { passed: false, message: down };

    const traffic = `after ${PRODUCTION.bursts} production bursts (${formatCount(PRODUCTION_REPORTS)} reports) and ${QUIET_LAB_MS / 1000} s of quiet`;
    const waiters = after.gauges['tick waiters'];
    if (typeof waiters !== 'number') throw new Error('the service no longer reports its "tick waiters" gauge');
    if (waiters > 1)
      return { passed: false, message: `${traffic}, ${formatCount(waiters)} flushers are still waiting for a tick that will never come` };
    const warning = listenerWarning(t);
    if (warning) return { passed: false, message: `${traffic}, the service warned: ${warning}` };

    const counts = after.counts;
    if (counts && before.counts) {
      const flushers = counts.Flusher;
      if (flushers !== undefined && flushers > (before.counts.Flusher ?? 0) + 1)
        return { passed: false, message: `${traffic} and a full GC, ${formatCount(flushers)} Flusher objects are still alive` };
      // Reports not yet delivered may legitimately be in memory. Delivered ones must be gone, give or take
      // one batch: a design may hold on to the last batch it sent until the next one opens (bounded),
      // while a stranded flusher per burst holds a whole batch each.
      const extraReports = counts.Report - before.counts.Report - state.waiting;
      if (extraReports > MAX_BATCH)
        return { passed: false, message: `${traffic} and a full GC, ${formatCount(extraReports)} reports that were already delivered are still in memory` };
    }
    const memoryNote = counts ? `; after a full GC ${formatCount(counts.Report)} reports and ${formatCount(counts.Flusher ?? 0)} flushers are alive` : '';
    return { passed: true, message: `${traffic}, ${formatCount(waiters)} ${waiters === 1 ? 'flusher waits' : 'flushers wait'} for a tick and no listener warning was raised${memoryNote}` };
  },

  'exactly-once-on-time': async (t) => {
    // 1. Staging: every batch should leave on its timer.
    await t.runScenario('staging');
    let state = await untilDelivered(t, QUIET_LAB_MS);
    if (state.waiting > 0)
      return { passed: false, message: `after staging traffic (${formatCount(STAGING_REPORTS)} reports in ${STAGING.rounds} rounds) and ${QUIET_LAB_MS / 1000} s of quiet, ${formatCount(state.waiting)} reports had still not been sent` };
    // A queue that does not batch shows it already here; no need to push production traffic through it.
    if (state.batches > 0 && state.delivered / state.batches < MIN_AVERAGE_BATCH)
      return { passed: false, message: `staging's ${formatCount(state.delivered)} reports went out in ${formatCount(state.batches)} batches (${(state.delivered / state.batches).toFixed(1)} per batch on average): the queue no longer batches` };

    // 2. Production: batches fill up and leave through the size trigger.
    await t.runScenario('production');
    state = await untilDelivered(t, QUIET_LAB_MS);
    if (state.waiting > 0)
      return { passed: false, message: `after production traffic and ${QUIET_LAB_MS / 1000} s of quiet, ${formatCount(state.waiting)} of ${formatCount(state.received)} reports had not reached the batch endpoint` };

    // 3. Shutdown: reports still in the open batch must be sent when the service stops.
    await sendBundle(t, bundle(SHUTDOWN_REPORTS));
    const beforeStop = await sinkState(t);
    await t.service.restart();
    const down = crashed(t);
    if (down) return { passed: false, message: down };

    let ledger: BatchSummary[];
    try {
      ledger = fs.readFileSync(beforeStop.ledger, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as BatchSummary);
      fs.rmSync(beforeStop.ledger, { force: true });
    } catch (err) {
      throw new Error(`the batch endpoint's ledger could not be read (${(err as Error).message})`);
    }
    const total = beforeStop.received;
    const delivered = ledger.reduce((sum, b) => sum + b.size, 0);
    const shutdownStart = beforeStop.now;

    if (beforeStop.problemCount > 0)
      return { passed: false, message: `the batch endpoint saw ${formatCount(beforeStop.problemCount)} deliveries out of order or repeated, e.g. ${beforeStop.problems[0]}` };
    let expected = 0;
    for (const b of ledger) {
      if (b.first !== expected || b.last - b.first + 1 !== b.size) {
        const what = b.first < expected ? 'repeated or reordered reports' : `skipped reports #${expected} to #${b.first - 1}`;
        return { passed: false, message: `batch ${b.n} (reports #${b.first} to #${b.last}) ${what}` };
      }
      expected = b.last + 1;
    }
    if (delivered < total) {
      const lostAtShutdown = total - delivered === SHUTDOWN_REPORTS && beforeStop.waiting === SHUTDOWN_REPORTS;
      return {
        passed: false,
        message: lostAtShutdown
          ? `${formatCount(SHUTDOWN_REPORTS)} reports were still waiting when the service shut down, and they were never sent`
          : `${formatCount(total)} reports arrived but only ${formatCount(delivered)} reached the batch endpoint`,
      };
    }
    if (delivered > total) return { passed: false, message: `${formatCount(total)} reports arrived but ${formatCount(delivered)} were delivered` };

    const largest = ledger.reduce((m, b) => Math.max(m, b.size), 0);
    if (largest > MAX_BATCH) return { passed: false, message: `a batch of ${formatCount(largest)} reports was sent; batches may hold at most ${formatCount(MAX_BATCH)}` };
    const average = delivered / ledger.length;
    if (average < MIN_AVERAGE_BATCH)
      return { passed: false, message: `${formatCount(delivered)} reports went out in ${formatCount(ledger.length)} batches (${average.toFixed(1)} per batch on average): the queue no longer batches` };
    // Deliveries made while shutting down are on time by definition; every other batch gets 10 s + slack.
    const late = ledger.filter((b) => b.deliveredAt < shutdownStart && b.deliveredAt - b.firstAt > FLUSH_AFTER_LAB_MS + ON_TIME_SLACK_LAB_MS);
    if (late.length > 0) {
      const worst = late.reduce((a, b) => (b.deliveredAt - b.firstAt > a.deliveredAt - a.firstAt ? b : a));
      return { passed: false, message: `${formatCount(late.length)} batches were sent late: the worst, ${formatCount(worst.size)} reports, left ${((worst.deliveredAt - worst.firstAt) / 1000).toFixed(1)} s after its first report arrived (the promise is 10 s)` };
    }
    const timed = ledger.filter((b) => b.size < MAX_BATCH && b.deliveredAt < shutdownStart);
    const slowest = timed.reduce((m, b) => Math.max(m, b.deliveredAt - b.firstAt), 0);
    return {
      passed: true,
      message: `${formatCount(total)} reports arrived and each was delivered once, in order, in ${formatCount(ledger.length)} batches of at most ${formatCount(largest)}; the ${timed.length} partly filled batches left at most ${(slowest / 1000).toFixed(1)} s after their first report, and the ${formatCount(SHUTDOWN_REPORTS)} waiting at shutdown were sent`,
    };
  },
});
