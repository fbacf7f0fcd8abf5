// The memory chart's pure decisions: default series, marker label rows, tick labels, y-range.
import { describe, expect, it } from 'vitest';
import {
  COUNT_INCRS,
  countTicks,
  defaultVisible,
  formatSeconds,
  layoutLabels,
  MB_INCRS,
  niceMax,
  numberTicks,
  rangeMax,
  snapshotCostSpans,
  TIME_INCRS,
  type MarkerLabelInput,
  type PlacedLabel,
} from '../../src/lab-ui/chart-layout.ts';
import { seeded } from '../../kit/random.ts';

const overlaps = (a: PlacedLabel, b: PlacedLabel) =>
  a.row === b.row && a.row >= 0 && a.x < b.x + b.width && b.x < a.x + a.width;

describe('default series', () => {
  it('shows at most six, the highest priority first, ties in their given order', () => {
    const series = [
      { key: 'rss', priority: 0 },
      { key: 'heap', priority: 0 },
      { key: 'limit', priority: 1 },
      ...Array.from({ length: 12 }, (_, i) => ({ key: `g${i}`, priority: 2 })),
      { key: 'external', priority: 3 },
    ];
    expect([...defaultVisible(series)]).toEqual(['rss', 'heap', 'limit', 'g0', 'g1', 'g2']);
    expect(defaultVisible(series.slice(0, 4)).size).toBe(4);
  });
});

describe('marker labels', () => {
  const label = (x: number, text: string): MarkerLabelInput => ({ x, text, width: text.length * 7 });

  it('puts labels that would touch on different rows', () => {
    const placed = layoutLabels([label(10, 'Eight uploads'), label(40, 'restart 1'), label(300, 'Check')], {
      plotWidth: 600,
      rows: 3,
    });
    expect(placed.map((p) => p.row)).toEqual([0, 1, 0]);
    expect(placed.every((p) => !p.collapsed)).toBe(true);
  });

  it('never overlaps, whatever the markers (seeded random layouts)', () => {
    const rng = seeded(1234);
    for (let round = 0; round < 200; round++) {
      const n = rng.int(1, 25);
      const width = rng.int(200, 1200);
      const labels = Array.from({ length: n }, () =>
        label(rng.int(0, width), rng.pick(['OOM', 'restart 3', 'Eight uploads', 'Check', 'Two at once'])),
      );
      const placed = layoutLabels(labels, { plotWidth: width, rows: 2 });
      expect(placed).toHaveLength(n);
      for (const p of placed) {
        if (p.row < 0) continue;
        expect(p.row).toBeLessThan(2);
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.x + p.width).toBeLessThanOrEqual(width + 0.001);
        if (!p.collapsed) expect(p.text).toBe(labels[p.index]!.text);
        else expect(p.text.endsWith('…')).toBe(true);
      }
      for (let i = 0; i < placed.length; i++)
        for (let j = i + 1; j < placed.length; j++)
          expect(overlaps(placed[i]!, placed[j]!), JSON.stringify([placed[i], placed[j]])).toBe(false);
    }
  });

  it('keeps labels on the plot and shortens one that has no room (full text kept for hover)', () => {
    const edge = layoutLabels([label(580, 'restart 12')], { plotWidth: 620, rows: 2 })[0]!;
    expect(edge).toMatchObject({ x: 550, row: 0, text: 'restart 12', collapsed: false });
    const [first, second] = layoutLabels([label(0, 'Eight uploads'), label(10, 'Two at once')], {
      plotWidth: 120,
      rows: 1,
    });
    expect(first).toMatchObject({ row: 0, text: 'Eight uploads', collapsed: false });
    expect(second).toMatchObject({ row: 0, x: 97, text: 'Tw…', collapsed: true });
  });
});

describe('ticks', () => {
  it('time labels are whole seconds and minutes', () => {
    expect([0, 5, 45, 60, 90, 125, 600].map(formatSeconds)).toEqual([
      '0s',
      '5s',
      '45s',
      '1m',
      '1m 30s',
      '2m 5s',
      '10m',
    ]);
    expect(TIME_INCRS.every((s) => Number.isInteger(s))).toBe(true);
  });

  it('labels are distinct for every step uPlot may choose', () => {
    for (const [incrs, fmt] of [
      [TIME_INCRS, (vals: number[]) => vals.map(formatSeconds)],
      [MB_INCRS, (vals: number[], step: number) => numberTicks(vals, step, ' MB')],
      [COUNT_INCRS, (vals: number[]) => countTicks(vals)],
    ] as const) {
      for (const step of incrs) {
        for (const start of [0, step * 7, step * 1234]) {
          const vals = Array.from({ length: 8 }, (_, i) => start + i * step);
          const labels = fmt(vals, step);
          expect(new Set(labels).size, `${labels.join(' ')} (step ${step})`).toBe(labels.length);
        }
      }
    }
  });

  it('MB labels are exact for the step', () => {
    expect(numberTicks([0, 2.5, 5, 7.5, 10, 12.5], 2.5, ' MB')).toEqual([
      '0 MB',
      '2.5 MB',
      '5 MB',
      '7.5 MB',
      '10 MB',
      '12.5 MB',
    ]);
    expect(numberTicks([0, 0.1, 0.2, 0.3], 0.1)).toEqual(['0', '0.1', '0.2', '0.3']);
    expect(countTicks([10000, 10250, 10500])).toEqual(['10K', '10.25K', '10.5K']);
    expect(countTicks([0, 500, 1000, 1500])).toEqual(['0', '500', '1K', '1.5K']);
  });
});

describe('y-range', () => {
  const xs = [0, 1, 2, 3, 4, 5];
  const rss = [40, 42, 41, 400, 380, 43];
  const heap = [10, 11, 12, 12, 12, 12];

  it('ignores samples taken while a snapshot was written', () => {
    expect(rangeMax(xs, [rss, heap], [{ start: 2.5, end: 4.5 }])).toBe(50);
    expect(rangeMax(xs, [rss, heap], [])).toBe(500);
  });

  it('skips gaps and respects a floor', () => {
    expect(rangeMax(xs, [[null, null, 3, null, null, null]], [])).toBe(4);
    expect(rangeMax(xs, [[null, null, null, null, null, null]], [], 0)).toBe(1);
    expect(rangeMax(xs, [[1, 1, 1, 1, 1, 1]], [], 30)).toBe(40);
  });

  it('rounds up at least 10 %', () => {
    expect([0.5, 9, 9.2, 19, 90, 93, 130, 1e-9].map(niceMax)).toEqual([0.6, 10, 12, 25, 100, 120, 150, 1.2e-9]);
  });
});

describe('snapshot cost', () => {
  const xs = [0, 1, 2, 3, 4, 5, 6, 7];
  it('lasts until RSS settles back near its level before the snapshot', () => {
    const rss = [40, 41, 40, 160, 150, 90, 45, 44];
    const [span] = snapshotCostSpans(xs, rss, [{ start: 2.5, end: 3.5 }]);
    expect(span).toEqual({ start: 2.5, end: 6 });
    expect(rangeMax(xs, [rss], [[span!]])).toBe(50);
  });

  it('runs to the end when the allocator keeps the memory', () => {
    const rss = [40, 41, 40, 160, 150, 150, 150, 150];
    expect(snapshotCostSpans(xs, rss, [{ start: 2.5, end: 3.5 }])).toEqual([{ start: 2.5, end: Infinity }]);
  });

  it('applies per column: heap used keeps its own samples', () => {
    const rss = [40, 41, 40, 160, 150, 150, 150, 150];
    const heap = [10, 10, 10, 12, 30, 30, 30, 30];
    const spans = snapshotCostSpans(xs, rss, [{ start: 2.5, end: 3.5 }]);
    expect(rangeMax(xs, [rss, heap], [spans, [{ start: 2.5, end: 3.5 }]])).toBe(50);
    expect(rangeMax(xs, [rss, heap], [spans, []])).toBe(50);
  });
});
