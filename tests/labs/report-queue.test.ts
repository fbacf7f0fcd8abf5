// The report-queue lab's moving parts, in-process and on fake timers: the ticker's Go-like stop(), the
// starter's stranded flushers, the solution's release, and the read-only files both share.
// (Starter fails / solution passes / wrong fixes fail under the real kit is tests/labs/contract.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkspace } from '../../engine/workspace.ts';
import { Ticker } from '../../labs/report-queue/starter/ticker.ts';
import { Report } from '../../labs/report-queue/starter/report.ts';
import type { BatchSink } from '../../labs/report-queue/starter/sink.ts';
import * as starter from '../../labs/report-queue/starter/queue.ts';
import { PRODUCTION, STAGING } from '../../labs/report-queue/scenarios.ts';

// solution/ is an overlay of the files the fix changes: import it from a built workspace
const solutionWs = await createWorkspace({ labId: 'report-queue', base: 'solution' });
afterAll(() => solutionWs.dispose());
const solution = (await import(path.join(solutionWs.dir, 'app', 'queue.ts'))) as typeof starter;
const LAB = path.resolve(import.meta.dirname, '../../labs/report-queue');
const INTERVAL = 10_000;

type QueueModule = typeof starter;

function fakeSink() {
  const batches: number[][] = [];
  const sink = {
    write: (batch: readonly Report[]) => void batches.push(batch.map((r) => r.seq)),
  } as unknown as BatchSink;
  return { sink, batches };
}

function makeQueue(mod: QueueModule, maxBatch: number) {
  const ticker = new Ticker();
  const { sink, batches } = fakeSink();
  // starter and solution each import their own (identical) sink and ticker modules: one shared instance serves both
  const queue = new mod.ReportQueue(sink as never, ticker as never, { maxBatch, intervalMs: INTERVAL });
  let seq = 0;
  const push = (n: number) => {
    for (let i = 0; i < n; i++) queue.push(new Report(seq++, { source: 'web', kind: 'click', value: i }, 0));
  };
  return { ticker, queue, batches, push, waiters: () => ticker.listenerCount('tick') };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Ticker (a port of time.Ticker)', () => {
  it('stop() leaves a waiter of the stopped run parked, and later runs do not wake it', async () => {
    const ticker = new Ticker();
    let woken = false;
    const run = ticker.start(100);
    void ticker.next(run).then(() => (woken = true));
    ticker.stop();
    const later = ticker.start(100);
    const laterTick = ticker.next(later);
    await vi.advanceTimersByTimeAsync(1_000);
    await laterTick;
    expect(woken).toBe(false);
    expect(ticker.listenerCount('tick')).toBe(1); // the stranded waiter
    ticker.stop();
  });

  it('an aborted signal takes the waiter back and removes its listener', async () => {
    const ticker = new Ticker();
    const run = ticker.start(100);
    const done = new AbortController();
    const wait = ticker.next(run, { signal: done.signal });
    ticker.stop();
    done.abort();
    await expect(wait).rejects.toMatchObject({ name: 'AbortError' });
    expect(ticker.listenerCount('tick')).toBe(0);
  });
});

describe('starter queue (the incident, ported)', () => {
  it('strands one flusher per size-triggered flush, each holding the batch it was timing', async () => {
    const q = makeQueue(starter, 5);
    q.push(12); // two batches fill up, two reports wait in the open batch
    expect(q.batches).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
    expect(q.waiters()).toBe(3); // two stranded, one live
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(q.batches.at(-1)).toEqual([10, 11]); // the timer still works for a batch that does not fill up
    expect(q.waiters()).toBe(2); // …but the two stranded flushers never come back
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(q.waiters()).toBe(2);
  });

  it('raises MaxListenersExceededWarning once more than 10 flushers are parked', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const q = makeQueue(starter, 2);
      q.push(24); // 12 batches filled by size: 12 stranded flushers
      await vi.advanceTimersByTimeAsync(0);
      await new Promise((r) => process.nextTick(r));
      expect(q.waiters()).toBe(12);
      expect(warnings).toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('solution queue', () => {
  it('releases the flusher whenever a batch leaves by size, and keeps order', async () => {
    const q = makeQueue(solution, 5);
    q.push(12);
    expect(q.batches).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(q.waiters()).toBe(1); // only the open batch's flusher
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(q.batches.at(-1)).toEqual([10, 11]);
    expect(q.waiters()).toBe(0);
  });

  it('sends a partial batch one interval after its first report, not before', async () => {
    const q = makeQueue(solution, 5);
    q.push(2);
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(q.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(q.batches).toEqual([[0, 1]]);
  });

  it('stop() sends what is waiting and leaves nothing parked', async () => {
    const q = makeQueue(solution, 5);
    q.push(7);
    q.queue.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.batches).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6],
    ]);
    expect(q.waiters()).toBe(0);
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(q.batches.length).toBe(2); // no second delivery of the same reports
  });
});

it('lab.json describes the scenarios the drivers actually run', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(LAB, 'lab.json'), 'utf8')) as {
    scenarios: Array<{ id: string; description: string }>;
  };
  const words = [
    '',
    'One',
    'Two',
    'Three',
    'Four',
    'Five',
    'Six',
    'Seven',
    'Eight',
    'Nine',
    'Ten',
    'Eleven',
    'Twelve',
    'Thirteen',
    'Fourteen',
    'Fifteen',
    'Sixteen',
    'Seventeen',
    'Eighteen',
    'Nineteen',
    'Twenty',
  ];
  const staging = manifest.scenarios.find((s) => s.id === 'staging')!.description;
  const production = manifest.scenarios.find((s) => s.id === 'production')!.description;
  expect(staging).toContain(
    `${words[STAGING.rounds]} rounds of ${(STAGING.bundlesPerRound * STAGING.bundleSize).toLocaleString('en-US')} reports`,
  );
  expect(staging).toContain(`${STAGING.quietLabMs / 1000} s of quiet`);
  expect(production).toContain(
    `${words[PRODUCTION.bursts]} bursts of ${(PRODUCTION.bundlesPerBurst * PRODUCTION.bundleSize).toLocaleString('en-US')} reports, ${PRODUCTION.gapLabMs / 1000} s apart`,
  );
});

describe('the checks judge the ledger, not the gauges', async () => {
  const { judgeLedger, judgeTypicalWait } = await import('../../labs/report-queue/checks/ledger.ts');
  const { bundleSizes } = await import('../../labs/report-queue/checks/traffic.ts');
  const { seeded } = await import('../../kit/random.ts');
  type B = { n: number; size: number; first: number; last: number; firstAt: number; deliveredAt: number };
  /** batches of the given sizes, back to back; `times` gives [firstAt, deliveredAt] for each */
  const ledger = (sizes: number[], times: Array<[number, number]>): B[] => {
    let seq = 0;
    return sizes.map((size, i) => {
      const b = { n: i + 1, size, first: seq, last: seq + size - 1, firstAt: times[i]![0], deliveredAt: times[i]![1] };
      seq += size;
      return b;
    });
  };
  const ok: Array<[number, number]> = [
    [0, 3_000],
    [3_000, 13_050],
    [20_000, 20_100],
    [20_100, 30_100],
  ];

  it('passes full batches that leave at once and partial ones 10 s after their first report', () => {
    const j = judgeLedger(ledger([5_000, 1_200, 5_000, 30], ok), 11_230, Infinity, 'here');
    expect(j.problem).toBeNull();
    expect(j.partialWaits).toEqual([10_050, 10_000]);
    expect(judgeTypicalWait(j.partialWaits)).toBeNull();
  });

  it('names lost, repeated and oversized deliveries', () => {
    expect(judgeLedger(ledger([5_000, 1_200], ok), 6_300, Infinity, 'here').problem).toMatch(
      /6,300 reports were accepted but only 6,200/,
    );
    const dup = ledger([5_000, 1_200], ok);
    dup[1] = { ...dup[1]!, first: 4_999, last: 6_198 };
    expect(judgeLedger(dup, 6_200, Infinity, 'here').problem).toMatch(/#4999 was delivered twice or out of order/);
    expect(judgeLedger(ledger([6_000], ok), 6_000, Infinity, 'here').problem).toMatch(/held 6,000 reports/);
  });

  it('fails a full batch held for the timer, batches sent too often, and a wait far over 10 s', () => {
    expect(
      judgeLedger(
        ledger(
          [5_000, 10],
          [
            [0, 10_000],
            [1_000, 12_000],
          ],
        ),
        5_010,
        Infinity,
        'here',
      ).problem,
    ).toMatch(/was full but left 9.0 s/);
    expect(
      judgeLedger(
        ledger(
          [3, 3],
          [
            [0, 10],
            [10, 20],
          ],
        ),
        6,
        Infinity,
        'here',
      ).problem,
    ).toMatch(/left 0.0 s apart/);
    expect(judgeLedger(ledger([3], [[0, 95_000]]), 3, Infinity, 'here').problem).toMatch(
      /left 95.0 s after its first report/,
    );
    expect(judgeTypicalWait([15_000, 15_100, 40_000])).toMatch(/typically left 15.1 s/);
  });

  it('judges deliveries made at shutdown for completeness only', () => {
    const j = judgeLedger(
      ledger(
        [5_000, 3],
        [
          [0, 100],
          [100, 100_000],
        ],
      ),
      5_003,
      50_000,
      'here',
    );
    expect(j.problem).toBeNull();
    expect(j.partialWaits).toEqual([]);
  });

  it('generates the same traffic for the same seed, summing to the round total', () => {
    const a = bundleSizes(seeded('x'), 15_000);
    expect(a.reduce((s, n) => s + n, 0)).toBe(15_000);
    expect(bundleSizes(seeded('x'), 15_000)).toEqual(a);
    expect(Math.max(...a)).toBeLessThanOrEqual(12_000);
  });
});
