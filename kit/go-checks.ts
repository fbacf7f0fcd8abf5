// Helpers for the checks of Go labs (they run in the supervisor, like every check). Goroutine counts come
// from the Go kit's "goroutines" gauge: the lab's own goroutines, without the kit's or idle connections'.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckContext, Measurement } from './types.ts';

/** The lab's goroutines in a measurement; throws when the service is not a Go kit service. */
export function goroutines(m: Measurement): number {
  const n = m.gauges.goroutines;
  if (typeof n !== 'number') throw new Error('the service does not report its goroutines (is it a Go lab?)');
  return n;
}

/**
 * A quiet spell, goleak-style: poll until the lab's goroutines are back to `baseline` or `labMs` of lab
 * time have passed; resolves with the last measurement (taken after a GC).
 */
export async function settleGoroutines(t: CheckContext, baseline: number, labMs: number): Promise<Measurement> {
  const deadline = performance.now() + t.ms(labMs);
  let m = await t.service.measure({ gc: true });
  while (goroutines(m) > baseline && performance.now() < deadline) {
    await sleep(Math.max(10, t.ms(250)));
    m = await t.service.measure({ gc: true });
  }
  return m;
}

/** The live heap after a GC, in bytes ("heap live" gauge of the Go kit). */
export function liveHeap(m: Measurement): number {
  return m.gauges['heap live'] ?? m.heapUsed;
}

/** Live heap objects after a GC ("heap objects", counted by the Go kit's runtime/metrics, not by lab code). */
export function liveObjects(m: Measurement): number {
  const n = m.gauges['heap objects'];
  if (typeof n !== 'number') throw new Error('the measurement has no heap object count (measure a Go kit service)');
  return n;
}

/**
 * Growth across rounds of values measured after GC, one per round: from the first round's end to the
 * last's, per round. The first round absorbs warm-up (pools, lazily built tables, connections); what a
 * leak keeps adds up round after round. Checks compare it with what the reference grows by.
 */
export function growthPerRound(values: number[]): number {
  if (values.length < 3) throw new Error('judging growth needs at least 3 rounds');
  return (values[values.length - 1] - values[0]) / (values.length - 1);
}

/**
 * The least any round added to the one before (values measured after GC, one per round). What a leak keeps
 * adds up in every round; state that is replaced rather than kept (the last batch a queue still refers to,
 * a buffer sized by the last request) can jump once in either direction and is not counted.
 */
export function leastGrowth(values: number[]): number {
  if (values.length < 3) throw new Error('judging growth needs at least 3 rounds');
  let least = Infinity;
  for (let i = 1; i < values.length; i++) least = Math.min(least, values[i]! - values[i - 1]!);
  return least;
}
