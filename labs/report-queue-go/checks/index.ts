// Hidden checks for the Go report-queue lab. Goroutines: the Go kit's "goroutines" gauge (the lab's own),
// back to its baseline after each round of production traffic and a quiet spell; heap in use after GC
// flat across rounds. Behaviour: what the batch endpoint recorded (GET /batches and its ledger file).
//
// Time is lab time on the service's own clock (real ms / timeScale). Timers never fire early, but a
// loaded machine can run them late: "on time" is the 10 s promise plus ON_TIME_SLACK_LAB_MS of slack;
// a queue that forgets its timer is late by minutes, not seconds.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  defineChecks,
  formatBytes,
  seeded,
  formatCount,
  goroutines,
  growthPerRound,
  liveHeap,
  liveObjects,
  settleGoroutines,
  type CheckContext,
} from '#kit';
import { bundle, production, sendBundle, PRODUCTION, STAGING, STAGING_REPORTS } from '../scenarios.ts';

const MAX_BATCH = 5_000;
const FLUSH_AFTER_LAB_MS = 10_000;
const ON_TIME_SLACK_LAB_MS = 20_000;
const QUIET_LAB_MS = 30_000;
const MIN_AVERAGE_BATCH = 100;
const SHUTDOWN_REPORTS = 777;
/**
 * A trickle after production: one report at a time, 1 to 3 s of lab time apart (seeded), for about 48 s,
 * longer than the promise and its slack together. A batch must leave about 10 s after its FIRST report:
 * a queue that restarts its timer at every report (a debounce) would hold the whole trickle.
 */
const TRICKLE_REPORTS = 24;
const ROUNDS = 3;
const BURSTS_PER_ROUND = PRODUCTION.bursts / ROUNDS;
/**
 * Growth per production round, after GC, that counts as keeping something. The queue keeps its last
 * committed batch referenced (queue[2] swaps two lists), and with a queue-wide ticker that batch's size
 * depends on where the tick falls: anything up to 5,000 reports (about 11,000 objects, 500 KB) more or
 * less after any round, so at most that much in all over the three rounds, half of it per round. The
 * reference and the right variants otherwise (2 busy cores): +1 to +3 KB and +3 to +6 objects a round. A
 * queue that keeps what it sent keeps 20,000 reports a round (+62,000 objects, +2.5 MB). The starter's
 * parked waiters (four a round) are caught by the goroutine count first.
 */
const HEAP_PER_ROUND = 800 * 1024;
const OBJECTS_PER_ROUND = 8_000;

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
  ledger: string;
  now: number;
}

async function sinkState(t: CheckContext): Promise<SinkState> {
  const r = await t.service.request('/batches', { timeoutMs: 10_000 });
  if (r.status !== 200)
    throw new Error(`GET /batches answered ${r.status || r.error}; the batch endpoint could not be read`);
  return JSON.parse(r.body.toString('utf8')) as SinkState;
}

async function untilDelivered(t: CheckContext, labMs: number): Promise<SinkState> {
  const deadline = performance.now() + t.ms(labMs);
  let state = await sinkState(t);
  while (state.waiting > 0 && performance.now() < deadline) {
    await sleep(t.ms(500));
    state = await sinkState(t);
  }
  return state;
}

function crashed(t: CheckContext): string | null {
  const exit = t.service.exits().find((e) => e.reason !== 'stopped');
  return exit ? `the service went down: ${exit.message}` : null;
}

export default defineChecks({
  'nothing-parked': async (t) => {
    const baseline = goroutines(await t.service.measure({ gc: true }));
    const after: number[] = [];
    const heap: number[] = [];
    const objects: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await production(t, BURSTS_PER_ROUND, round * 101);
      const state = await untilDelivered(t, QUIET_LAB_MS);
      if (state.waiting > 0)
        return {
          passed: false,
          message: `after round ${round} of production traffic and ${QUIET_LAB_MS / 1000} s of quiet, ${formatCount(state.waiting)} reports were still waiting`,
        };
      const m = await settleGoroutines(t, baseline, QUIET_LAB_MS);
      after.push(goroutines(m));
      heap.push(liveHeap(m));
      objects.push(liveObjects(m));
    }
    const down = crashed(t);
    if (down) return { passed: false, message: down };
    const traffic = `after ${ROUNDS} rounds of ${BURSTS_PER_ROUND} production bursts, each followed by ${QUIET_LAB_MS / 1000} s of quiet`;
    const extra = after.map((n) => n - baseline);
    if (extra.some((n) => n > 0))
      return {
        passed: false,
        message: `${traffic}, the service has ${extra.map(formatCount).join(', then ')} goroutines more than before the traffic (started with ${formatCount(baseline)}): one is left parked for every batch that filled up`,
      };
    const measured = `the heap in use after GC went ${heap.map((n) => formatBytes(n)).join(' → ')}, live objects ${objects.map(formatCount).join(' → ')}`;
    if (growthPerRound(heap) > HEAP_PER_ROUND || growthPerRound(objects) > OBJECTS_PER_ROUND)
      return { passed: false, message: `${traffic}, the service kept more every round: ${measured}` };
    return {
      passed: true,
      message: `${traffic}, the goroutine count was back to ${formatCount(baseline)} every time and ${measured}`,
    };
  },

  'exactly-once-on-time': async (t) => {
    await t.runScenario('staging');
    let state = await untilDelivered(t, QUIET_LAB_MS);
    if (state.waiting > 0)
      return {
        passed: false,
        message: `after staging traffic (${formatCount(STAGING_REPORTS)} reports in ${STAGING.rounds} rounds) and ${QUIET_LAB_MS / 1000} s of quiet, ${formatCount(state.waiting)} reports had still not been sent`,
      };
    if (state.batches > 0 && state.delivered / state.batches < MIN_AVERAGE_BATCH)
      return {
        passed: false,
        message: `staging's ${formatCount(state.delivered)} reports went out in ${formatCount(state.batches)} batches: the queue no longer batches`,
      };

    await t.runScenario('production');
    state = await untilDelivered(t, QUIET_LAB_MS);
    if (state.waiting > 0)
      return {
        passed: false,
        message: `after production traffic and ${QUIET_LAB_MS / 1000} s of quiet, ${formatCount(state.waiting)} of ${formatCount(state.received)} reports had not reached the batch endpoint`,
      };

    const rng = seeded('report-queue-go/trickle');
    for (let i = 0; i < TRICKLE_REPORTS; i++) {
      await sendBundle(t, bundle(1, 500 + i));
      await sleep(t.ms(rng.int(1_000, 3_000)));
    }
    state = await untilDelivered(t, QUIET_LAB_MS);
    if (state.waiting > 0)
      return {
        passed: false,
        message: `after ${TRICKLE_REPORTS} reports sent one at a time, a few seconds apart, and ${QUIET_LAB_MS / 1000} s of quiet, ${formatCount(state.waiting)} had not reached the batch endpoint`,
      };

    await sendBundle(t, bundle(SHUTDOWN_REPORTS, 7));
    const beforeStop = await sinkState(t);
    await t.service.restart();
    const down = crashed(t);
    if (down) return { passed: false, message: down };

    let ledger: BatchSummary[];
    try {
      ledger = fs
        .readFileSync(beforeStop.ledger, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as BatchSummary);
      fs.rmSync(beforeStop.ledger, { force: true });
    } catch (err) {
      throw new Error(`the batch endpoint's ledger could not be read (${(err as Error).message})`, { cause: err });
    }
    // commits run on their own goroutines, so the ledger is judged in report order
    ledger.sort((a, b) => a.first - b.first);
    const total = beforeStop.received;
    const delivered = ledger.reduce((sum, b) => sum + b.size, 0);
    let expected = 0;
    for (const b of ledger) {
      if (b.first !== expected || b.last - b.first + 1 !== b.size) {
        const what = b.first < expected ? 'repeated reports' : `skipped reports #${expected} to #${b.first - 1}`;
        return { passed: false, message: `a batch of reports #${b.first} to #${b.last} ${what}` };
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
    const largest = ledger.reduce((m, b) => Math.max(m, b.size), 0);
    if (largest > MAX_BATCH)
      return {
        passed: false,
        message: `a batch of ${formatCount(largest)} reports was sent; batches may hold at most ${formatCount(MAX_BATCH)}`,
      };
    const average = delivered / ledger.length;
    if (average < MIN_AVERAGE_BATCH)
      return {
        passed: false,
        message: `${formatCount(delivered)} reports went out in ${formatCount(ledger.length)} batches: the queue no longer batches`,
      };
    const shutdownStart = beforeStop.now;
    const late = ledger.filter(
      (b) => b.deliveredAt < shutdownStart && b.deliveredAt - b.firstAt > FLUSH_AFTER_LAB_MS + ON_TIME_SLACK_LAB_MS,
    );
    if (late.length > 0) {
      const worst = late.reduce((a, b) => (b.deliveredAt - b.firstAt > a.deliveredAt - a.firstAt ? b : a));
      return {
        passed: false,
        message: `${late.length === 1 ? 'a batch was' : `${formatCount(late.length)} batches were`} sent late: the worst left ${((worst.deliveredAt - worst.firstAt) / 1000).toFixed(1)} s after its first report (the promise is 10 s)`,
      };
    }
    const timed = ledger.filter((b) => b.size < MAX_BATCH && b.deliveredAt < shutdownStart);
    const slowest = timed.reduce((m, b) => Math.max(m, b.deliveredAt - b.firstAt), 0);
    return {
      passed: true,
      message: `${formatCount(total)} reports arrived and each was delivered once in ${formatCount(ledger.length)} batches of at most ${formatCount(largest)}; the ${timed.length} partly filled batches left at most ${(slowest / 1000).toFixed(1)} s after their first report, and the ${formatCount(SHUTDOWN_REPORTS)} waiting at shutdown were sent`,
    };
  },
});
