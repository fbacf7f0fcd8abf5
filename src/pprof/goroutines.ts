// The goroutine profile as `/debug/pprof/goroutine?debug=1` shows it: goroutines grouped by stack, with
// a count per stack, largest first. Works on a -base diff too (counts then say how many were added or
// went away). The proto profile carries no wait reason, so the one shown is read off the runtime
// frames the goroutine is parked in.
import { frameKey, type Frame, type ParsedProfile } from './decode.ts';

export interface GoroutineGroup {
  count: number;
  /** leaf first */
  frames: Frame[];
  /** the first frame outside the runtime: where the lab's code waits */
  where: Frame | null;
  /** what the runtime frames say it waits for, e.g. "chan receive", or null */
  waiting: string | null;
}

export interface GoroutineGroups {
  total: number;
  groups: GoroutineGroup[];
}

// runtime function (or prefix) -> the wait reason Go prints in a goroutine dump
const WAITS: Array<[RegExp, string]> = [
  [/^runtime\.chanrecv/, 'chan receive'],
  [/^runtime\.chansend/, 'chan send'],
  [/^runtime\.selectgo$/, 'select'],
  [/^runtime\.block$/, 'select (no cases)'],
  [/^time\.Sleep$/, 'sleep'],
  [/^internal\/poll\.runtime_pollWait$|^runtime\.netpollblock$/, 'IO wait'],
  [/^sync\.\(\*Cond\)\.Wait$/, 'sync.Cond.Wait'],
  [/^sync\.\(\*WaitGroup\)\.Wait$/, 'sync.WaitGroup.Wait'],
  [/^sync\.\(\*(RW)?Mutex\)\.R?Lock|^internal\/sync\.\(\*Mutex\)\.lockSlow/, 'sync.Mutex.Lock'],
  [/^runtime\.gcBgMarkWorker$|^runtime\.bgsweep$|^runtime\.bgscavenge$/, 'GC worker'],
];

const RUNTIME = /^(runtime|internal\/|runtime\/|sync\.|time\.|net\.|bufio\.|crypto\/tls\.)/;

export function waitReason(frames: Frame[]): string | null {
  for (const f of frames) for (const [re, reason] of WAITS) if (re.test(f.name)) return reason;
  return null;
}

export function groupGoroutines(p: ParsedProfile, valueIndex = 0): GoroutineGroups {
  const groups = new Map<string, GoroutineGroup>();
  let total = 0;
  for (const s of p.samples) {
    const count = s.values[valueIndex] ?? 0;
    if (count === 0) continue;
    total += count;
    const frames = s.stack.map((id) => p.frames[id]!);
    // samples that differ only in labels are one stack here
    const key = frames.map(frameKey).join('\n');
    const g = groups.get(key);
    if (g) g.count += count;
    else
      groups.set(key, {
        count,
        frames,
        where: frames.find((f) => !RUNTIME.test(f.name)) ?? frames[frames.length - 1] ?? null,
        waiting: waitReason(frames),
      });
  }
  const sorted = [...groups.values()]
    .filter((g) => g.count !== 0)
    .sort((a, b) => Math.abs(b.count) - Math.abs(a.count) || (a.where?.name ?? '').localeCompare(b.where?.name ?? ''));
  return { total, groups: sorted };
}
