// Hidden checks for the Go trace-logs lab. Memory: the service's "log lines held" gauge, the lab's
// goroutines and the heap in use after GC, over rounds of traffic. Behaviour: what the file service
// received, trace by trace (GET /debug/uploads?trace=), against what the reference uploads.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import {
  defineChecks,
  formatBytes,
  formatCount,
  goroutines,
  growsEveryRound,
  liveHeap,
  settleGoroutines,
  type CheckContext,
} from '#kit';
import { AUDIT_LAB_MS, hour, type Sent } from '../scenarios.ts';

const ROUNDS = 3;
const HOURS_PER_ROUND = 2;
const REPORT_LINES = 300;
const QUIET_LAB_MS = 60_000;
/** growth per round that counts as growing: a round leaves about 1,000 lines behind in the starter */
const HEAP_STEP = 64 * 1024;

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
    const extra: number[] = [];
    let want = await uploadedLines(t);
    for (let round = 1; round <= ROUNDS; round++) {
      for (let h = 1; h <= HOURS_PER_ROUND; h++) want += linesOf(await hour(t, h, true, round));
      await untilUploaded(t, want);
      const m = await settleGoroutines(t, baseline, QUIET_LAB_MS);
      held.push(m.gauges['log lines held'] ?? NaN);
      heap.push(liveHeap(m));
      extra.push(goroutines(m) - baseline);
    }
    const down = crashed(t);
    if (down) return { passed: false, message: down };
    const traffic = `after ${ROUNDS} rounds of ${HOURS_PER_ROUND} hours of traffic and a quiet spell`;
    if (held.some((n) => !Number.isFinite(n)))
      throw new Error('the service no longer reports its "log lines held" gauge');
    if (held.some((n) => n > 0))
      return {
        passed: false,
        message: `${traffic}, the service still held ${held.map(formatCount).join(', then ')} log lines that had not been uploaded`,
      };
    if (extra.some((n) => n > 0))
      return {
        passed: false,
        message: `${traffic}, ${extra.map(formatCount).join(', then ')} goroutines more than before were still running`,
      };
    if (growsEveryRound(heap, HEAP_STEP))
      return {
        passed: false,
        message: `${traffic}, the heap in use after GC grew every round: ${heap.map((n) => formatBytes(n)).join(' → ')}`,
      };
    return {
      passed: true,
      message: `${traffic}, no log line was held, the goroutines were back to ${formatCount(baseline)} and the heap in use after GC stayed at ${heap.map((n) => formatBytes(n)).join(', ')}`,
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
