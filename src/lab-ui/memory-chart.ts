// Live memory chart: rss, heapUsed, the lab's heap limit and external (MB, left axis) and the lab's
// gauges (counts, right axis; gauges named "… (MB)" share the MB axis), with scenario, check,
// snapshot and restart markers. At most six series show at first; the legend toggles the rest.
// The last few minutes are kept; older samples roll off.
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { formatBytes } from '../../contracts/format.ts';
import { h, injectStyle } from './dom.ts';
import { cssVar } from '../lib/theme.ts';
import type { MemorySample } from '../../contracts/lab-protocol.ts';
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
  type Interval,
} from './chart-layout.ts';

const MAX_POINTS = 900;
/** seconds without a sample after which the lines break */
const GAP_S = 2.5;
/** after a snapshot is written the service's memory takes a moment to settle back */
const SNAPSHOT_SETTLE_S = 3;
const MB = 1024 * 1024;
const GAUGE_COLOURS = ['#0f9d8a', '#d6336c', '#8a6d00', '#5c7cfa', '#e8590c', '#2b8a3e', '#862e9c'];
/** the lab's own report of V8's heap limit: folded into the manifest's heap-limit line */
const HEAP_LIMIT_GAUGE = /^heap limit\b/i;
const LABEL_ROW_PX = 15;
const LABEL_ROWS = 2;

export interface ChartMarker {
  /** scenario, check and snapshot: a band from start to end; restart (crash, OOM kill): a line */
  kind: 'scenario' | 'check' | 'snapshot' | 'restart';
  /** seconds on the chart's clock */
  start: number;
  end?: number;
  label: string;
}

export interface MemoryChartOptions {
  /** the lab manifest's heapLimitMb: --max-old-space-size for a Node service, the RSS limit for Go */
  heapLimitMb?: number;
  language?: 'node' | 'go';
}

interface SeriesDef {
  key: string;
  label: string;
  colour: string;
  scale: 'mb' | 'count';
  dash?: number[];
  /** lower shows first by default */
  priority: number;
  /** tooltip on the legend entry */
  title?: string;
}

export class MemoryChart {
  readonly el: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly marks: HTMLElement;
  private readonly empty: HTMLElement;
  private plot: uPlot | null = null;
  private readonly t0 = performance.now();
  private xs: number[] = [];
  private columns = new Map<string, (number | null)[]>();
  private gaugeNames: string[] = [];
  private markers: ChartMarker[] = [];
  /** the reader's legend choices, over the default selection */
  private readonly chosen = new Map<string, boolean>();
  private readonly heapLimitMb: number | null;
  private readonly language: 'node' | 'go';
  /** V8's heap_size_limit as the lab reports it, in MB */
  private v8HeapLimitMb: number | null = null;
  private readonly resize: ResizeObserver;
  private pending = false;
  private latest: MemorySample | null = null;
  /** how many metrics samples arrived (the e2e test and the a11y summary read it) */
  received = 0;

  constructor(opts: MemoryChartOptions = {}) {
    injectStyle('uplot', uPlotCss);
    this.heapLimitMb = opts.heapLimitMb ?? null;
    this.language = opts.language ?? 'node';
    this.plotHost = h('div', { class: 'lab-chart-plot', role: 'img', 'aria-label': 'Memory chart: no samples yet' });
    this.legend = h('ul', { class: 'lab-chart-legend', 'aria-label': 'Series: latest values; press to show or hide' });
    this.marks = h('div', { class: 'lab-chart-marks' });
    this.empty = h('p', { class: 'lab-chart-empty' }, 'Waiting for the first memory sample…');
    this.el = h('div', { class: 'lab-chart' }, this.legend, this.plotHost, this.empty);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.plotHost);
  }

  /** The chart's clock (seconds since the lab opened); markers use it too. */
  now(): number {
    return (performance.now() - this.t0) / 1000;
  }

  add(sample: MemorySample): void {
    this.received++;
    this.el.dataset.samples = String(this.received);
    // Gauges keep the order the lab registers them in: a lab lists its most telling ones first.
    const names = Object.keys(sample.gauges).filter((n) => !HEAP_LIMIT_GAUGE.test(n));
    const limitGauge = Object.keys(sample.gauges).find((n) => HEAP_LIMIT_GAUGE.test(n));
    if (limitGauge) this.v8HeapLimitMb = sample.gauges[limitGauge] ?? null;
    const newGauges = names.filter((n) => !this.gaugeNames.includes(n));
    if (newGauges.length) {
      this.gaugeNames = [...this.gaugeNames, ...newGauges];
      for (const n of newGauges)
        this.columns.set(
          `g:${n}`,
          this.xs.map(() => null),
        );
      this.destroyPlot();
    }
    const now = this.now();
    const last = this.xs[this.xs.length - 1];
    if (last !== undefined && now - last > GAP_S) {
      // No samples for a while (service busy, restarting, or a check running in fresh processes):
      // break the lines instead of drawing a straight line across the silence.
      this.xs.push((last + now) / 2);
      for (const col of this.columns.values()) col.push(null);
    }
    this.xs.push(now);
    this.push('rss', sample.rss / MB);
    this.push('heapUsed', sample.heapUsed / MB);
    this.push('external', sample.external / MB);
    if (this.heapLimitMb !== null) this.push('heapLimit', this.heapLimitMb);
    for (const n of this.gaugeNames) this.push(`g:${n}`, sample.gauges[n] ?? null);
    if (this.xs.length > MAX_POINTS) {
      this.xs.shift();
      for (const col of this.columns.values()) col.shift();
      const oldest = this.xs[0]!;
      this.markers = this.markers.filter((m) => (m.end ?? m.start) >= oldest);
    }
    this.latest = sample;
    this.updateLegend();
    this.schedule();
  }

  mark(marker: ChartMarker): ChartMarker {
    this.markers.push(marker);
    this.schedule();
    return marker;
  }

  endMark(marker: ChartMarker): void {
    marker.end ??= this.now();
    this.schedule();
  }

  points(): number {
    return this.xs.length;
  }

  /** Re-reads colours after a theme switch. */
  retheme(): void {
    this.destroyPlot();
    this.legend.replaceChildren();
    this.updateLegend();
    this.schedule();
  }

  dispose(): void {
    this.resize.disconnect();
    this.destroyPlot();
  }

  private push(key: string, v: number | null): void {
    let col = this.columns.get(key);
    if (!col) {
      col = this.xs.slice(0, -1).map(() => null);
      this.columns.set(key, col);
    }
    col.push(v);
  }

  private defs(): SeriesDef[] {
    const el = this.el;
    const defs: SeriesDef[] = [
      { key: 'rss', label: 'RSS', colour: cssVar(el, '--curve-rss', '#c2410c'), scale: 'mb', priority: 0 },
      {
        key: 'heapUsed',
        label: 'Heap used',
        colour: cssVar(el, '--curve-heap', '#0b62b4'),
        scale: 'mb',
        priority: 0,
      },
    ];
    if (this.heapLimitMb !== null)
      defs.push({
        key: 'heapLimit',
        label: this.language === 'go' ? 'Memory limit' : 'Heap limit',
        colour: cssVar(el, '--bad', '#c62828'),
        scale: 'mb',
        dash: [2, 4],
        priority: 1,
        title: limitTitle(this.language, this.heapLimitMb, this.v8HeapLimitMb),
      });
    defs.push(
      ...this.gaugeNames.map((n, i) => ({
        key: `g:${n}`,
        label: n,
        colour: GAUGE_COLOURS[i % GAUGE_COLOURS.length]!,
        scale: / \(MB\)$/.test(n) ? ('mb' as const) : ('count' as const),
        dash: [5, 3],
        priority: 2,
      })),
      {
        key: 'external',
        label: 'External',
        colour: cssVar(el, '--curve-ext', '#7a4fb8'),
        scale: 'mb',
        priority: 3,
        title: 'Memory outside the JS heap that JS objects hold: Buffers, zlib streams',
      },
    );
    return defs;
  }

  private visible(defs: SeriesDef[]): Set<string> {
    const shown = defaultVisible(defs);
    for (const [key, on] of this.chosen)
      if (on) shown.add(key);
      else shown.delete(key);
    return shown;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    if (!this.xs.length) return;
    this.empty.hidden = true;
    const defs = this.defs();
    const data = [this.xs, ...defs.map((d) => this.columns.get(d.key) ?? [])] as uPlot.AlignedData;
    if (!this.plot) this.createPlot(defs, data);
    else this.plot.setData(data);
  }

  /** Time spans a heap snapshot was being written (and settling): their samples do not set the axis. */
  private snapshotSpans(): Interval[] {
    return this.markers
      .filter((m) => m.kind === 'snapshot')
      .map((m) => ({ start: m.start, end: (m.end ?? this.now()) + SNAPSHOT_SETTLE_S }));
  }

  /** RSS a snapshot inflated: until it settles back, which may be never (the allocator keeps it). */
  private rssCostSpans(): Interval[] {
    return snapshotCostSpans(this.xs, this.columns.get('rss') ?? [], this.snapshotSpans());
  }

  private scaleMax(defs: SeriesDef[], scale: 'mb' | 'count'): number {
    const shown = this.visible(defs);
    const keys = defs.filter((d) => d.scale === scale && d.key !== 'heapLimit' && shown.has(d.key)).map((d) => d.key);
    // Only RSS carries a snapshot's cost (V8 writes it from native memory); other series keep every sample.
    const rssSpans = this.rssCostSpans();
    let max = rangeMax(
      this.xs,
      keys.map((k) => this.columns.get(k) ?? []),
      keys.map((k) => (k === 'rss' ? rssSpans : [])),
    );
    // The heap limit line joins the axis when the data come near it; far above, the legend still reads it.
    if (scale === 'mb' && this.heapLimitMb !== null && shown.has('heapLimit') && this.heapLimitMb <= max * 2)
      max = Math.max(max, niceMax(this.heapLimitMb));
    return max;
  }

  private createPlot(defs: SeriesDef[], data: uPlot.AlignedData): void {
    const el = this.el;
    const axisColour = cssVar(el, '--muted', '#5b6670');
    const gridColour = cssVar(el, '--border', '#d9dee3');
    const font = `11px ${cssVar(el, '--font-sans', 'system-ui, sans-serif')}`;
    const { width, height } = this.size();
    const hasCounts = defs.some((d) => d.scale === 'count');
    const shown = this.visible(defs);
    const opts: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      // Room above the lines for the marker labels.
      padding: [LABEL_ROW_PX * LABEL_ROWS + 4, 8, 0, 0],
      scales: {
        x: { time: false },
        mb: { range: () => [0, this.scaleMax(this.defs(), 'mb')] },
        count: { range: () => [0, this.scaleMax(this.defs(), 'count')] },
      },
      axes: [
        {
          stroke: axisColour,
          font,
          grid: { stroke: gridColour, width: 1 },
          ticks: { stroke: gridColour },
          incrs: TIME_INCRS,
          space: 48,
          values: (_u, vals) => this.ticks('x', vals.map(formatSeconds)),
        },
        {
          scale: 'mb',
          stroke: axisColour,
          font,
          size: 64,
          grid: { stroke: gridColour, width: 1 },
          ticks: { stroke: gridColour },
          incrs: MB_INCRS,
          values: (_u, vals, _axis, _space, incr) => this.ticks('mb', numberTicks(vals, incr, ' MB')),
        },
        ...(hasCounts
          ? [
              {
                scale: 'count',
                side: 1,
                stroke: axisColour,
                font,
                size: 48,
                grid: { show: false },
                ticks: { stroke: gridColour },
                incrs: COUNT_INCRS,
                values: (_u: uPlot, vals: number[]) => this.ticks('count', countTicks(vals)),
              } as uPlot.Axis,
            ]
          : []),
      ],
      series: [
        {},
        ...defs.map((d) => ({
          label: d.label,
          scale: d.scale,
          stroke: d.colour,
          width: d.key === 'heapLimit' ? 1.25 : 1.75,
          dash: d.dash,
          spanGaps: false,
          show: shown.has(d.key),
          points: { show: false },
        })),
      ],
      hooks: {
        drawClear: [(u) => this.drawBands(u)],
        draw: [(u) => this.placeLabels(u)],
      },
    };
    this.plot = new uPlot(opts, data, this.plotHost);
    this.plot.over.append(this.marks);
  }

  /** The axes draw on the canvas; their labels are also kept on the element, for tests and tools. */
  private ticks(axis: 'x' | 'mb' | 'count', labels: string[]): string[] {
    this.plotHost.dataset[`ticks${axis === 'x' ? 'X' : axis === 'mb' ? 'Mb' : 'Count'}`] = labels.join('|');
    return labels;
  }

  private markerColour(m: ChartMarker): string {
    if (m.kind === 'restart') return cssVar(this.el, '--bad', '#c62828');
    if (m.kind === 'scenario') return cssVar(this.el, '--accent', '#0b62b4');
    return cssVar(this.el, '--muted', '#5b6670');
  }

  /** Bands and lines on the canvas, under the series. */
  private drawBands(u: uPlot): void {
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    for (const m of this.markers) {
      const colour = this.markerColour(m);
      const x0 = u.valToPos(m.start, 'x', true);
      if (m.kind === 'restart') {
        if (x0 < left || x0 > left + width) continue;
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(x0, top);
        ctx.lineTo(x0, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        continue;
      }
      const x1 = u.valToPos(m.end ?? this.now(), 'x', true);
      const a = Math.max(left, x0);
      const b = Math.min(left + width, Math.max(x1, x0 + dpr));
      if (b <= left || a >= left + width) continue;
      ctx.fillStyle = hexAlpha(colour, m.kind === 'snapshot' ? 0.16 : 0.08);
      ctx.fillRect(a, top, b - a, height);
      ctx.fillStyle = colour;
      if (x0 >= left) ctx.fillRect(x0, top, dpr, height);
    }
    ctx.restore();
  }

  /** Marker labels as HTML over the plot, in rows that never overlap; the full text on hover. */
  private placeLabels(u: uPlot): void {
    const dpr = devicePixelRatio || 1;
    const plotWidth = u.bbox.width / dpr;
    const ctx = u.ctx;
    ctx.save();
    ctx.font = `${11 * dpr}px ${cssVar(this.el, '--font-sans', 'system-ui, sans-serif')}`;
    const measure = (t: string) => ctx.measureText(t).width / dpr + 8;
    const xMax = this.xs[this.xs.length - 1] ?? 0;
    const inView = this.markers.filter((m) => (m.end ?? xMax) >= (this.xs[0] ?? 0) && m.start <= xMax);
    const texts = inView.map((m) => this.labelText(m));
    const placed = layoutLabels(
      inView.map((m, i) => ({
        x: Math.max(0, u.valToPos(m.start, 'x') + 2),
        text: texts[i]!,
        width: measure(texts[i]!),
      })),
      { plotWidth, rows: LABEL_ROWS, measure },
    );
    ctx.restore();
    // Rows sit in the padding above the plot area (the overlay's top edge is the plot's).
    this.marks.replaceChildren(
      ...placed
        .filter((p) => p.row >= 0)
        .map((p) => {
          const m = inView[p.index]!;
          return h(
            'span',
            {
              class: `lab-chart-mark lab-chart-mark-${m.kind}`,
              title: this.labelTitle(m, texts[p.index]!),
              style: `left:${p.x}px;top:${(p.row - LABEL_ROWS) * LABEL_ROW_PX - 2}px;width:${p.width}px;--mark:${this.markerColour(m)}`,
            },
            p.text,
          );
        }),
    );
  }

  /** A snapshot's label says how high memory went while it was written, when that is off the axis. */
  private labelText(m: ChartMarker): string {
    if (m.kind !== 'snapshot') return m.label;
    const snapshots = this.markers.filter((k) => k.kind === 'snapshot');
    const end = this.rssCostSpans()[snapshots.indexOf(m)]?.end ?? m.end ?? this.now();
    const rss = this.columns.get('rss') ?? [];
    let peak = 0;
    for (let i = 0; i < this.xs.length; i++)
      if (this.xs[i]! >= m.start && this.xs[i]! <= end) peak = Math.max(peak, rss[i] ?? 0);
    const top = this.scaleMax(this.defs(), 'mb');
    return peak > top ? `${m.label} (RSS ↑ ${Math.round(peak)} MB)` : m.label;
  }

  private labelTitle(m: ChartMarker, text: string): string {
    if (m.kind !== 'snapshot' || text === m.label) return text;
    return `${text}: RSS rose above the axis while V8 wrote the snapshot, memory the allocator may keep afterwards; the axis follows the other samples`;
  }

  private toggle(key: string): void {
    const defs = this.defs();
    const on = !this.visible(defs).has(key);
    this.chosen.set(key, on);
    const i = defs.findIndex((d) => d.key === key);
    if (this.plot && i >= 0) {
      this.plot.setSeries(i + 1, { show: on });
      // The range functions read the visible series: rescale to what is shown now.
      this.plot.setData(this.plot.data as uPlot.AlignedData);
    }
    this.updateLegend();
  }

  private updateLegend(): void {
    const s = this.latest;
    if (!s) return;
    const defs = this.defs();
    const shown = this.visible(defs);
    const values: Record<string, string> = {
      rss: formatBytes(s.rss),
      heapUsed: formatBytes(s.heapUsed),
      external: formatBytes(s.external),
      heapLimit: this.heapLimitMb === null ? '' : `${this.heapLimitMb} MB`,
    };
    for (const n of this.gaugeNames) {
      const v = s.gauges[n] ?? 0;
      values[`g:${n}`] = / \(MB\)$/.test(n) ? `${v} MB` : countTicks([v])[0]!;
    }
    if (this.legend.childElementCount !== defs.length) {
      this.legend.replaceChildren(
        ...defs.map((d) =>
          h(
            'li',
            { 'data-key': d.key },
            h(
              'button',
              {
                type: 'button',
                class: 'lab-legend-toggle',
                title: d.title ?? '',
                onclick: () => this.toggle(d.key),
              },
              h('span', {
                class: `lab-swatch${d.dash ? ' lab-swatch-dash' : ''}`,
                style: `--swatch:${d.colour}`,
                'aria-hidden': 'true',
              }),
              h('span', { class: 'lab-legend-label' }, d.label.replace(/ \(MB\)$/, '')),
              h('span', { class: 'lab-legend-value' }),
            ),
          ),
        ),
      );
    }
    for (const li of this.legend.children) {
      const key = (li as HTMLElement).dataset.key!;
      const def = defs.find((d) => d.key === key);
      li.querySelector('.lab-legend-value')!.textContent = values[key] ?? '';
      const button = li.querySelector('button')!;
      button.setAttribute('aria-pressed', String(shown.has(key)));
      if (def?.title) button.title = def.title;
      (li as HTMLElement).toggleAttribute('data-hidden', !shown.has(key));
    }
    if (this.received % 10 === 1) {
      this.plotHost.setAttribute(
        'aria-label',
        `Memory chart, ${this.xs.length} samples. Latest: ${defs
          .filter((d) => shown.has(d.key))
          .map((d) => `${d.label} ${values[d.key]}`)
          .join(', ')}.`,
      );
    }
  }

  private size(): { width: number; height: number } {
    const r = this.plotHost.getBoundingClientRect();
    return { width: Math.max(240, Math.floor(r.width)), height: Math.max(160, Math.floor(r.height) || 220) };
  }

  private fit(): void {
    if (this.plot) this.plot.setSize(this.size());
  }

  private destroyPlot(): void {
    this.marks.remove();
    this.plot?.destroy();
    this.plot = null;
  }
}

/** What the limit line means; for Node, why V8's own figure is higher (--max-old-space-size is the old space only). */
export function limitTitle(language: 'node' | 'go', manifestMb: number, v8Mb: number | null): string {
  if (language === 'go')
    return `The container's memory limit: ${manifestMb} MB of RSS; past it the service is killed (OOMKilled) and restarted.`;
  const base = `The lab's heap limit: ${manifestMb} MB for the old generation (--max-old-space-size=${manifestMb}), where long-lived objects go; past it the service dies of an out-of-memory error.`;
  if (v8Mb === null || v8Mb === manifestMb) return base;
  return `${base} V8 reports ${v8Mb} MB (heap_size_limit) because it counts the young generation's ${v8Mb - manifestMb} MB, where new objects start, on top.`;
}

function hexAlpha(colour: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(colour.trim());
  if (!m) return colour;
  const n = parseInt(m[1]!, 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
