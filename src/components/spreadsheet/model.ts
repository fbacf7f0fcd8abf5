// A deliberately simple model of a Go service's memory across the incident's eight uploads. It is a
// teaching model, not a simulation of the Go runtime: it keeps only the rules that decide the outcome.
//   - The GC lets the heap grow to a goal: live + live × GOGC/100 (https://go.dev/doc/gc-guide).
//   - GOMEMLIMIT lowers the goal so heap + runtime overhead stays under the limit, but it is soft: the
//     GC cannot free live memory, so above it the GC thrashes and the heap follows the live data.
//   - The container is killed when memory the kernel cannot reclaim exceeds its limit. Pages freed with
//     MADV_FREE still count in reported RSS until the kernel needs them, but they are reclaimed before
//     any OOM kill, so the madvise mode changes the RSS line, never which uploads die.

export interface ModelParams {
  /** GOGC percent; null = off */
  gogc: number | null;
  /** GOMEMLIMIT in MB; null = no limit */
  memLimitMb: number | null;
  madvise: 'free' | 'dontneed';
  containerMb: number;
  /** how the handler reads the workbook */
  reader: 'eager' | 'streaming';
  /** uploads in flight at once */
  concurrent: 1 | 2;
}

export const DEFAULTS: ModelParams = {
  gogc: 100,
  memLimitMb: null,
  madvise: 'free',
  containerMb: 512,
  reader: 'eager',
  concurrent: 1,
};

/** Assumptions, in MB: the steady live heap, each upload's extra live data, non-heap runtime memory. */
export const ASSUME = { baseLiveMb: 40, eagerUploadMb: 220, streamingUploadMb: 12, runtimeMb: 30 };

export interface Sample {
  /** minutes */
  t: number;
  live: number;
  heap: number;
  /** RSS as `top` or a dashboard reports it (includes lazily freed pages) */
  rss: number;
  /** memory the kernel cannot simply drop: what the OOM decision is based on */
  needed: number;
}

export interface UploadOutcome {
  n: number;
  startT: number;
  peakLive: number;
  peakHeap: number;
  peakNeeded: number;
  killed: boolean;
  thrashing: boolean;
}

export interface ModelResult {
  samples: Sample[];
  uploads: UploadOutcome[];
  kills: number;
  /** minutes at which the process was killed */
  killTimes: number[];
  verdict: string;
}

const UPLOADS = 8;
const EVERY_MIN = 10;
const RAMP_MIN = 2;
const STEP_MIN = 0.25;

function heapGoal(live: number, p: ModelParams): { goal: number; thrashing: boolean } {
  const byGogc = p.gogc === null ? Number.POSITIVE_INFINITY : live * (1 + p.gogc / 100);
  if (p.memLimitMb === null) return { goal: byGogc, thrashing: false };
  const byLimit = p.memLimitMb - ASSUME.runtimeMb;
  if (live >= byLimit) return { goal: live * 1.05, thrashing: true }; // soft limit: cannot go below live
  return { goal: Math.min(byGogc, byLimit), thrashing: false };
}

export function simulate(p: ModelParams): ModelResult {
  const perUpload = p.reader === 'eager' ? ASSUME.eagerUploadMb : ASSUME.streamingUploadMb;
  const base = ASSUME.baseLiveMb;
  const rt = ASSUME.runtimeMb;
  // the heap between uploads; with GOGC=off and no limit it is never collected, so cap it for the picture
  const idle = Math.min(heapGoal(base, p).goal, base * 3);
  const samples: Sample[] = [];
  const uploads: UploadOutcome[] = [];
  let held = idle; // heap pages touched and still counted in RSS
  const killTimes: number[] = [];
  for (let n = 0; n < UPLOADS; n++) {
    const start = n * EVERY_MIN;
    const peakLive = base + perUpload * p.concurrent;
    const { goal, thrashing } = heapGoal(peakLive, p);
    const peakHeap = Math.max(peakLive, Number.isFinite(goal) ? goal : peakLive * 3);
    const peakNeeded = peakHeap + rt;
    const killed = peakNeeded > p.containerMb;
    uploads.push({ n: n + 1, startT: start, peakLive, peakHeap, peakNeeded, killed, thrashing });
    let dead = false;
    for (let i = 0; i < EVERY_MIN / STEP_MIN; i++) {
      const t = start + i * STEP_MIN;
      const into = i * STEP_MIN;
      if (!dead && into <= RAMP_MIN) {
        const f = into / RAMP_MIN;
        const live = base + (peakLive - base) * f;
        const heap = Math.max(idle, base + (peakHeap - base) * f);
        if (heap + rt > p.containerMb) {
          // the kernel's OOM killer ends the process; the orchestrator starts a fresh one
          dead = true;
          held = idle;
          killTimes.push(t);
          samples.push({ t, live: base, heap: idle, rss: idle + rt, needed: idle + rt });
          continue;
        }
        held = Math.max(held, heap);
        samples.push({ t, live, heap, rss: held + rt, needed: heap + rt });
        continue;
      }
      // after the upload (or after a restart): the upload's data is garbage and the heap is back at idle.
      // MADV_DONTNEED: the scavenger returns the freed pages and RSS follows within minutes.
      // MADV_FREE: the pages stay in RSS (as LazyFree) until the kernel needs the memory.
      if (p.madvise === 'dontneed') held = idle + (held - idle) * 0.5;
      samples.push({ t, live: base, heap: idle, rss: Math.max(held, idle) + rt, needed: idle + rt });
    }
  }
  const kills = uploads.filter((u) => u.killed).length;
  return { samples, uploads, kills, killTimes, verdict: verdict(p, uploads, kills) };
}

function mb(n: number): string {
  return `${Math.round(n)} MB`;
}

function verdict(p: ModelParams, uploads: UploadOutcome[], kills: number): string {
  const u = uploads[0]!;
  const gogc = p.gogc === null ? 'GOGC=off' : `GOGC=${p.gogc}`;
  const parts: string[] = [];
  if (kills > 0) {
    parts.push(
      `Every upload is OOM-killed (${kills} restarts): each needs ${mb(u.peakLive)} of live heap, the GC lets the heap reach ${mb(u.peakHeap)} (${gogc}${p.memLimitMb ? `, GOMEMLIMIT=${p.memLimitMb}MiB` : ''}), and with ${mb(ASSUME.runtimeMb)} of runtime memory that is over the ${mb(p.containerMb)} container limit.`,
    );
  } else {
    parts.push(
      `All 8 uploads survive. The heap peaks at ${mb(u.peakHeap)} and the process at ${mb(u.peakNeeded)}, under the ${mb(p.containerMb)} limit.`,
    );
  }
  if (u.thrashing)
    parts.push(
      `The live heap alone (${mb(u.peakLive)}) is above what GOMEMLIMIT leaves for it: the GC runs almost continuously, spending CPU, and still cannot go below the live data, because the limit is soft.`,
    );
  else if (p.memLimitMb !== null && u.peakHeap < u.peakLive * (1 + (p.gogc ?? 1e9) / 100) - 1)
    parts.push(
      `GOMEMLIMIT holds the heap below what ${gogc} alone would allow: the GC simply runs more often near the limit.`,
    );
  if (p.madvise === 'free' && kills < 8)
    parts.push(
      'With MADV_FREE the reported RSS stays near the peak between uploads, but those pages are reclaimable: they never cause a kill.',
    );
  if (p.madvise === 'dontneed' && kills > 0)
    parts.push(
      'MADV_DONTNEED makes RSS fall faster after each upload; it does not lower the peak, so it cannot prevent the kill.',
    );
  if (p.concurrent === 2) parts.push('Two uploads at once double the live data, and the GC headroom doubles with it.');
  return parts.join(' ');
}
