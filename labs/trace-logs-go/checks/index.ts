// Hidden checks for the Go trace-logs lab. Memory, measured by the Go kit after GC (never by lab code: the
// "log lines held" gauge is computed in logging.go, which the reader edits, so it is only shown): live heap
// objects, heap in use and the lab's goroutines, over rounds of traffic, as growth per round against what
// the reference grows by. Behaviour: what the file service received, trace by trace
// (GET /debug/uploads?trace=), against what the reference uploads.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import {
  defineChecks,
  formatBytes,
  formatCount,
  goroutines,
  leastGrowth,
  liveHeap,
  liveObjects,
  settleGoroutines,
  type CheckContext,
} from '#kit';
import { AUDIT_LAB_MS, hour, type Sent } from '../scenarios.ts';

const ROUNDS = 3;
const HOURS_PER_ROUND = 2;
const REPORT_LINES = 300;
const QUIET_LAB_MS = 60_000;
/**
 * Growth per round that counts as retention, judged on the round that added least (leastGrowth: a leak
 * adds in every round, warm-up and replaced state do not). The reference and the right variants (after GC,
 * 3 rounds of 2 hours, 2 busy cores): live objects +1 to +29 per round, heap in use +1 to +14 KB. A round
 * is about 140 requests and job runs, so a fix that keeps one small thing per request (a trace id in a
 * "finished" set, a counter per trace) keeps about 130 objects a round; the starter keeps about 730 lines
 * a round (the audit line of 120 lookups, 12 failed refunds, 2 report runs of 300 lines): +965 objects and
 * +62 KB.
 */
const OBJECTS_PER_ROUND = 60;
const HEAP_PER_ROUND = 48 * 1024;

/** What the reference uploads for one request or job run: the uploads, in order. */
function expected(s: Sent): string[][] {
  if (s.kind === 'lookup')
    return [[`lookup order ${s.id}`, `order ${s.id}: ${(s.id.length % 5) + 1} items`], [`audit: order ${s.id} viewed`]];
  if (s.kind === 'export') return [[`export of order ${s.id} started`, `export of order ${s.id} finished`]];
  if (s.kind === 'refund')
    return Number(s.id) % 2 === 1
      ? [[`refund requested for order ${s.id}`]]
      : [[`refund requested for order ${s.id}`, `refund accepted for order ${s.id}`]];
  return [Array.from({ length: REPORT_LINES }, (_, i) => `report ${s.id}: region ${i} totals computed`)];
}

async function uploadedLines(t: CheckContext): Promise<number> {
  const r = await t.service.request('/debug/uploads');
  if (r.status !== 200) throw new Error(`GET /debug/uploads answered ${r.status || r.error}`);
  return (JSON.parse(r.body.toString('utf8')) as { lines: number }).lines;
}

/** Wait (lab time) until the file service has `want` lines or nothing arrives any more. */
async function untilUploaded(t: CheckContext, want: number): Promise<number> {
  const deadline = performance.now() + t.ms(QUIET_LAB_MS);
  let n = await uploadedLines(t);
  while (n < want && performance.now() < deadline) {
    await sleep(t.ms(1_000));
    n = await uploadedLines(t);
  }
  await sleep(t.ms(AUDIT_LAB_MS)); // anything late would show up now
  return uploadedLines(t);
}

function crashed(t: CheckContext): string | null {
  const exit = t.service.exits().find((e) => e.reason !== 'stopped');
  return exit ? `the service went down: ${exit.message}` : null;
}

const linesOf = (sent: Sent[]) => sent.reduce((n, s) => n + expected(s).flat().length, 0);

export default defineChecks({
  'nothing-retained': async (t) => {
    const baseline = goroutines(await t.service.measure({ gc: true }));
    const held: number[] = [];
    const heap: number[] = [];
    const objects: number[] = [];
    const extra: number[] = [];
    let want = await uploadedLines(t);
    for (let round = 1; round <= ROUNDS; round++) {
      for (let h = 1; h <= HOURS_PER_ROUND; h++) want += linesOf(await hour(t, h, true, round));
      await untilUploaded(t, want);
      const m = await settleGoroutines(t, baseline, QUIET_LAB_MS);
      held.push(m.gauges['log lines held'] ?? NaN);
      heap.push(liveHeap(m));
      objects.push(liveObjects(m));
      extra.push(goroutines(m) - baseline);
    }
    const down = crashed(t);
    if (down) return { passed: false, message: down };
    const traffic = `after ${ROUNDS} rounds of ${HOURS_PER_ROUND} hours of traffic and a quiet spell`;
    const gauge = held.every(Number.isFinite)
      ? ` (its "log lines held" gauge read ${held.map(formatCount).join(', ')})`
      : '';
    if (extra.some((n) => n > 0))
      return {
        passed: false,
        message: `${traffic}, ${extra.map(formatCount).join(', then ')} goroutines more than before were still running`,
      };
    const objectGrowth = leastGrowth(objects);
    const heapGrowth = leastGrowth(heap);
    const measured = `live objects after GC ${objects.map(formatCount).join(' → ')}, heap in use ${heap.map((n) => formatBytes(n)).join(' → ')}`;
    if (objectGrowth > OBJECTS_PER_ROUND || heapGrowth > HEAP_PER_ROUND)
      return {
        passed: false,
        message: `${traffic}, the service kept more every round: ${measured}, about ${formatCount(Math.round(objectGrowth))} objects (${formatBytes(Math.max(0, heapGrowth))}) per round that nothing frees${gauge}`,
      };
    return {
      passed: true,
      message: `${traffic}, the goroutines were back to ${formatCount(baseline)} and nothing piled up: ${measured}`,
    };
  },

  'every-log-delivered': async (t) => {
    const sent: Sent[] = [];
    const before = await uploadedLines(t);
    for (let h = 1; h <= HOURS_PER_ROUND; h++) sent.push(...(await hour(t, h, true, 9)));
    const total = await untilUploaded(t, before + linesOf(sent));
    for (const s of sent) {
      if (s.kind === 'lookup' && s.status !== 200)
        return { passed: false, message: `looking up order ${s.id} answered ${s.status}` };
      const r = await t.service.request(`/debug/uploads?trace=${encodeURIComponent(s.trace)}`);
      const got = (JSON.parse(r.body.toString('utf8')) as { uploads: string[][] | null }).uploads ?? [];
      const want = expected(s);
      if (isDeepStrictEqual(got, want)) continue;
      const what = s.kind === 'report' ? `report run ${s.id}` : `the ${s.kind} of order ${s.id} (trace ${s.trace})`;
      const shape = (u: string[][]) => (u.length ? u.map((x) => `${x.length} lines`).join(' + ') : 'nothing');
      return {
        passed: false,
        message: `the file service received ${shape(got)} for ${what}, where ${shape(want)} were due`,
      };
    }
    const extra = total - before - linesOf(sent);
    if (extra !== 0)
      return {
        passed: false,
        message: `the file service received ${formatCount(Math.abs(extra))} lines ${extra > 0 ? 'more' : 'fewer'} than the requests and jobs wrote`,
      };
    return {
      passed: true,
      message: `${formatCount(sent.length)} requests and report runs: each uploaded its lines once, complete and in order, and every late audit line followed under its trace ID`,
    };
  },
});
