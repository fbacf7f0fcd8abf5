// The memory chart's decisions that need no canvas: which series show by default, where marker labels
// go so none overlaps another, tick labels that are never repeated, and a y-range that a heap
// snapshot's own memory spike does not stretch. memory-chart.ts draws what these return.

/** Series visible before the reader opens the legend: enough to read, few enough to tell apart. */
export const MAX_DEFAULT_SERIES = 6;

export interface SeriesChoice {
  key: string;
  /** lower comes first; ties keep their given order */
  priority: number;
}

/** The keys shown by default: the `max` lowest-priority-number series, in their given order. */
export function defaultVisible(series: readonly SeriesChoice[], max = MAX_DEFAULT_SERIES): Set<string> {
  const ranked = series.map((s, i) => ({ ...s, i })).sort((a, b) => a.priority - b.priority || a.i - b.i);
  return new Set(ranked.slice(0, max).map((s) => s.key));
}

// ---- marker labels -----------------------------------------------------------------------------

export interface MarkerLabelInput {
  /** left edge of the label in px, relative to the plot */
  x: number;
  /** the label's full text and its width in px */
  text: string;
  width: number;
}

export interface PlacedLabel {
  /** index into the input */
  index: number;
  x: number;
  width: number;
  /** row 0 is the top line of labels; rows never exceed `rows - 1` */
  row: number;
  /** what to print: the full text, or a shortened one when space is short (full text on hover) */
  text: string;
  collapsed: boolean;
}

export interface LabelLayoutOptions {
  /** plot width in px: labels stay inside [0, plotWidth] */
  plotWidth: number;
  /** label rows available */
  rows: number;
  /** px between two labels on the same row */
  gap?: number;
  /** width of the ellipsis marker used when a label is collapsed */
  collapsedWidth?: number;
  /** measures a shortened text (for labels cut to fit); defaults to a per-character estimate */
  measure?: (text: string) => number;
}

/**
 * Places marker labels in rows so that no two overlap. Each label takes the first row where it fits
 * at its marker; if it fits nowhere it is cut to the room left before the next label on the least
 * crowded row, down to a bare "…" (its full text stays on hover); a label with no room even for that
 * is left out of the placement and reported with `row: -1`.
 */
export function layoutLabels(labels: readonly MarkerLabelInput[], opts: LabelLayoutOptions): PlacedLabel[] {
  const gap = opts.gap ?? 6;
  const ellipsis = opts.collapsedWidth ?? 14;
  const perChar = labels.length ? Math.max(...labels.map((l) => l.width / Math.max(1, l.text.length))) : 7;
  const measure = opts.measure ?? ((t: string) => t.length * perChar);
  // right edge of the last label placed on each row
  const ends = Array.from({ length: Math.max(1, opts.rows) }, () => -Infinity);
  const order = labels.map((l, index) => ({ ...l, index })).sort((a, b) => a.x - b.x || a.index - b.index);
  const placed: PlacedLabel[] = [];
  for (const l of order) {
    const x = Math.max(0, Math.min(l.x, opts.plotWidth - Math.min(l.width, opts.plotWidth)));
    let row = ends.findIndex((end) => end + gap <= x);
    if (row >= 0) {
      const width = Math.min(l.width, opts.plotWidth - x);
      const text = width < l.width ? shorten(l.text, width, measure) : l.text;
      placed.push({
        index: l.index,
        x,
        width: text === l.text ? l.width : measure(text),
        row,
        text,
        collapsed: text !== l.text,
      });
      ends[row] = x + placed[placed.length - 1]!.width;
      continue;
    }
    // No row is free at the marker: shift right on the row that frees up first.
    row = ends.indexOf(Math.min(...ends));
    const start = ends[row]! + gap;
    const room = opts.plotWidth - start;
    if (room < ellipsis) {
      placed.push({ index: l.index, x: start, width: 0, row: -1, text: '', collapsed: true });
      continue;
    }
    const text = l.width <= room ? l.text : shorten(l.text, room, measure);
    const width = text === l.text ? l.width : measure(text);
    placed.push({ index: l.index, x: start, width, row, text, collapsed: text !== l.text });
    ends[row] = start + width;
  }
  return placed.sort((a, b) => a.index - b.index);
}

/** The longest prefix of `text` plus "…" that measures at most `room` px ("…" alone at least). */
function shorten(text: string, room: number, measure: (t: string) => number): string {
  for (let n = text.length - 1; n > 0; n--) {
    const candidate = `${text.slice(0, n).trimEnd()}…`;
    if (measure(candidate) <= room) return candidate;
  }
  return '…';
}

// ---- ticks -------------------------------------------------------------------------------------

/** Whole-second steps for the time axis: a step never rounds two ticks to the same label. */
export const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
/** Steps for the MB axis. */
export const MB_INCRS = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000];
/** Whole-number steps for the counts axis. */
export const COUNT_INCRS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 2.5e4, 5e4, 1e5, 2e5, 2.5e5, 5e5, 1e6,
  2e6, 2.5e6, 5e6, 1e7,
];

/** "45s", "1m 30s", "2m": seconds since the lab opened. */
export function formatSeconds(v: number): string {
  const s = Math.round(v);
  if (Math.abs(s) < 60) return `${s}s`;
  const m = Math.trunc(s / 60);
  const rest = Math.abs(s % 60);
  return rest ? `${m}m ${rest}s` : `${m}m`;
}

/** Tick labels at the fewest decimals that keep every label distinct (and exact for the step). */
export function numberTicks(values: readonly number[], step: number, suffix = ''): string[] {
  const stepDecimals = decimalsOf(step);
  for (let d = stepDecimals; d <= stepDecimals + 3; d++) {
    const labels = values.map((v) => `${trimZeros(v.toFixed(d))}${suffix}`);
    if (new Set(labels).size === labels.length) return labels;
  }
  return values.map((v) => `${v}${suffix}`);
}

/** Compact counts (1.5K, 2M) with the fewest digits that print every tick exactly. */
export function countTicks(values: readonly number[]): string[] {
  const compact = (digits: number) =>
    new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: digits });
  const exact = values.map((v) => compact(6).format(v));
  for (let digits = 0; digits < 6; digits++) {
    const labels = values.map((v) => compact(digits).format(v));
    if (labels.every((l, i) => l === exact[i])) return labels;
  }
  return exact;
}

function decimalsOf(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 6;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

// ---- y-range -----------------------------------------------------------------------------------

export interface Interval {
  start: number;
  end: number;
}

/** How far above its level before a snapshot RSS may be and still count as settled back. */
const SETTLED_RATIO = 1.15;

/**
 * The span of RSS samples that a heap snapshot itself inflated: from the snapshot's start until RSS
 * comes back to within 15 % of its level just before (the memory V8 used to write the snapshot is
 * often kept by the allocator, so that may be never: the span then runs to the end).
 */
export function snapshotCostSpans(
  xs: readonly number[],
  rss: readonly (number | null)[],
  snapshots: readonly Interval[],
): Interval[] {
  return snapshots.map((snap) => {
    let before = 0;
    for (let i = 0; i < xs.length && xs[i]! < snap.start; i++) before = rss[i] ?? before;
    let end = Infinity;
    for (let i = 0; i < xs.length; i++) {
      const v = rss[i];
      if (xs[i]! > snap.end && v !== null && v !== undefined && v <= before * SETTLED_RATIO) {
        end = xs[i]!;
        break;
      }
    }
    return { start: snap.start, end: before > 0 ? end : snap.end };
  });
}

/**
 * The top of a y-axis: a round number above the largest value outside each column's excluded
 * intervals (the memory a heap snapshot costs the service to write). Values inside them are drawn
 * clipped rather than stretching the axis; `floor` keeps the axis from collapsing when everything
 * else is tiny.
 */
export function rangeMax(
  xs: readonly number[],
  columns: readonly (readonly (number | null)[])[],
  excluded: readonly Interval[] | readonly (readonly Interval[])[],
  floor = 0,
): number {
  const perColumn = (c: number): readonly Interval[] =>
    excluded.length && Array.isArray(excluded[0]) ? ((excluded as Interval[][])[c] ?? []) : (excluded as Interval[]);
  let max = floor;
  columns.forEach((col, c) => {
    const spans = perColumn(c);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (spans.some((r) => x >= r.start && x <= r.end)) continue;
      const v = col[i];
      if (v !== null && v !== undefined && v > max) max = v;
    }
  });
  return niceMax(max);
}

/** Axis tops, times a power of ten: close enough that a line near the top does not waste half the plot. */
const NICE_TOPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12];

/** A round value at least 10 % above max. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(max));
  // toPrecision: 6 × 0.1 is 0.6000000000000001 in floating point.
  return Number((NICE_TOPS.find((m) => max * 1.1 <= m * exp)! * exp).toPrecision(6));
}
