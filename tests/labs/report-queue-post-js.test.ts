// Evidence for the lonely-ticker chapter: the post's JavaScript version of the queue, as printed
// (only `commit` and the module wrapper added). clearTimeout really does cancel the pending callback,
// so nothing is left waiting; but as printed the function has two other bugs the chapter points out.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

type ReportData = { id: number };

function postQueue() {
  const commits: ReportData[][] = [];
  const commit = (batch: ReportData[]) => commits.push([...batch]);

  // ---- from the post ----
  let q: ReportData[] = [];
  let timerId: ReturnType<typeof setTimeout> | 0 = 0;

  const pushBack = (data: ReportData) => {
    q.push(data);
    if (q.length > 5000) {
      flush();
    } else {
      scheduleFlush();
    }
    return data;
  };

  const scheduleFlush = () => {
    if (timerId) return;
    timerId = setTimeout(() => flush(), 10 * 1000);
  };

  const flush = () => {
    setTimeout(() => commit(q));
    clearTimeout(timerId);
    q = [];
  };
  // ---- end ----

  return { pushBack, commits, queued: () => q.length };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

it('clearTimeout cancels the pending timed flush: no timer is left behind after a size flush', () => {
  const p = postQueue();
  for (let id = 0; id < 5001; id++) p.pushBack({ id });
  // the 10 s timer was cleared; only the zero-delay commit is pending
  expect(vi.getTimerCount()).toBe(1);
  vi.runOnlyPendingTimers();
  expect(vi.getTimerCount()).toBe(0);
});

it('commits the new, empty queue instead of the batch: the arrow reads `q` after flush replaced it', () => {
  const p = postQueue();
  p.pushBack({ id: 1 });
  p.pushBack({ id: 2 });
  vi.advanceTimersByTime(10_000); // timed flush
  vi.advanceTimersByTime(1); // the deferred commit
  expect(p.commits).toEqual([[]]); // reports 1 and 2 never reach commit
});

it('never schedules another timed flush after the first one: timerId is never reset', () => {
  const p = postQueue();
  p.pushBack({ id: 1 });
  vi.advanceTimersByTime(10_001);
  p.pushBack({ id: 2 });
  vi.advanceTimersByTime(60_000);
  expect(p.commits.length).toBe(1);
  expect(p.queued()).toBe(1); // report 2 waits until 5,000 more arrive
  expect(vi.getTimerCount()).toBe(0);
});

it('flushes at 5,001 records where the Go version flushes at 5,000 (> versus >=)', () => {
  const p = postQueue();
  for (let id = 0; id < 5000; id++) p.pushBack({ id });
  expect(p.queued()).toBe(5000);
  p.pushBack({ id: 5000 });
  expect(p.queued()).toBe(0);
});
