// Helpers for the checks of Node labs (they run in the supervisor, like every check): memory as growth,
// measured by the kit after a full GC (its measurement functions are taken before lab code loads): heap
// in use, live JavaScript objects (v8.queryObjects(Object) counts every object whose prototype chain
// reaches Object.prototype: arrays, closures, listeners, promises, timers…), and active timers and
// handles (process.getActiveResourcesInfo()). Gauges are computed by lab code and are never judged.
import type { CheckContext, Measurement } from './types.ts';

export interface GcSample {
  label: string;
  heap: number;
  /** of `heap`, compiled code and bytecode (Measurement.codeHeap; 0 where the runtime does not say) */
  code: number;
  objects: number | null;
  resources: Record<string, number>;
  afterGc: boolean;
}

/**
 * One measurement after a full GC; `objects` only when asked (each count costs a heap walk). Rejects,
 * naming `label`, when the service does not answer within `timeoutMs`.
 */
export async function sampleAfterGc(
  t: CheckContext,
  label: string,
  withObjects: boolean,
  timeoutMs = 8_000,
): Promise<GcSample> {
  const count = withObjects && t.service.caps.queryObjects ? ['Object'] : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the service did not answer a memory measurement ${label} within ${timeoutMs / 1000} s (is its event loop blocked?)`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const m: Measurement = await Promise.race([
      t.service.measure({ gc: t.service.caps.gc, count, resources: true }),
      timeout,
    ]);
    return {
      label,
      heap: m.heapUsed,
      code: m.codeHeap ?? 0,
      objects: m.counts?.Object ?? null,
      resources: m.resources ?? {},
      afterGc: m.afterGc,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Timers, intervals and other handles by kind, leaving out the sockets the check's own clients hold. */
export function handles(s: GcSample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, n] of Object.entries(s.resources)) if (!/^TCP(Socket)?Wrap$/.test(kind)) out[kind] = n;
  return out;
}

/** Kinds of handles of which `b` holds more than `a` (plus `allow` of each), as "3 more Timeout". */
export function moreHandles(a: GcSample, b: GcSample, allow = 0): string | null {
  const ha = handles(a);
  const hb = handles(b);
  const more = Object.entries(hb)
    .filter(([k, n]) => n > (ha[k] ?? 0) + allow)
    .map(([k, n]) => `${n - (ha[k] ?? 0)} more ${k}`);
  return more.length ? more.join(', ') : null;
}

/**
 * A gauge of `m` that the lab's read-only files registered themselves (Measurement.readOnlyGauges), or
 * undefined when it is missing or was registered by the reader's code: only such gauges may be judged.
 */
export function readOnlyGauge(m: Measurement, name: string): number | undefined {
  const v = m.gauges[name];
  return typeof v === 'number' && m.readOnlyGauges?.includes(name) ? v : undefined;
}
