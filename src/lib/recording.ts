// A recorded run of a lab (src/data/recordings/<lab-id>.json), drawn by IncidentCurve.
// t is in real milliseconds since the recording started (continuous across restarts); memory values are
// bytes. The lab's timeScale (from the recording, else the lab's manifest) converts t to lab time.
export interface RecordingSample {
  t: number;
  rss: number;
  heapUsed: number;
  external: number;
  gauges?: Record<string, number>;
}

export interface RecordingMarker {
  t: number;
  kind: 'scenario' | 'restart';
  label: string;
}

export interface Recording {
  labId: string;
  recordedAt: string;
  node: string;
  heapLimitMb: number;
  /** real ms per lab ms, as in the lab manifest; optional */
  timeScale?: number;
  samples: RecordingSample[];
  markers: RecordingMarker[];
}

/** Shape check with a reason, so a malformed file is reported instead of drawing nonsense. */
export function recordingProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'not an object';
  const r = value as Partial<Recording>;
  if (typeof r.labId !== 'string') return 'labId must be a string';
  if (typeof r.node !== 'string') return 'node must be a string';
  if (typeof r.heapLimitMb !== 'number') return 'heapLimitMb must be a number';
  if (!Array.isArray(r.samples) || r.samples.length < 2) return 'samples needs at least two entries';
  for (const [i, s] of r.samples.entries()) {
    for (const key of ['t', 'rss', 'heapUsed', 'external'] as const)
      if (typeof s?.[key] !== 'number' || !Number.isFinite(s[key])) return `samples[${i}].${key} must be a number`;
  }
  if (r.markers !== undefined && !Array.isArray(r.markers)) return 'markers must be an array';
  return null;
}

/** "Nice" axis ticks: 0 .. max in steps of 1, 2 or 5 × 10^n, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}
