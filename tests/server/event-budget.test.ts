// The runner's own bounds on a run's events: a byte budget that refills with time, and a replay for
// reconnecting pages bounded in events and in bytes that keeps the run's history before its metrics.
import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import { ByteBucket, ReplayBuffer } from '../../server/event-budget.ts';

describe('ByteBucket', () => {
  it('lets a burst through, refuses more, and refills at its rate', () => {
    let now = 0;
    const bucket = new ByteBucket(1000, 100, () => now);
    expect(bucket.take(600)).toBe(true);
    expect(bucket.take(600)).toBe(false); // nothing spent by a refusal
    expect(bucket.take(400)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 2000;
    expect(bucket.take(200)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 60_000; // never beyond its capacity
    expect(bucket.take(1001)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
  });
});

describe('ReplayBuffer', () => {
  const output = (n: number): RuntimeEvent => ({ type: 'output', text: 'x'.repeat(n) });
  const snapshot: RuntimeEvent = {
    type: 'snapshot',
    id: 's1',
    path: 'snapshots/s1.heapsnapshot',
    bytes: 1,
    label: 'a',
  };

  it('stays within its bytes, dropping output before the run history', () => {
    const replay = new ReplayBuffer(1000, 10_000);
    replay.push(snapshot, 100);
    for (let i = 0; i < 100; i++) replay.push(output(1000), 1000);
    expect(replay.size.bytes).toBeLessThanOrEqual(10_000);
    expect([...replay][0]).toBe(snapshot);
    expect(replay.size.events).toBe(10);
  });

  it('stays within its event count', () => {
    const replay = new ReplayBuffer(5, 1 << 30);
    for (let i = 0; i < 50; i++) replay.push(output(1), 1);
    expect(replay.size.events).toBe(5);
  });

  it('keeps the newest event even when it alone is over the byte limit', () => {
    const replay = new ReplayBuffer(10, 100);
    replay.push(output(10), 10);
    const big = output(500);
    replay.push(big, 500);
    expect([...replay]).toEqual([big]);
  });
});
