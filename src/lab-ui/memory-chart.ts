// Live memory chart: rss, heapUsed and external (MB, left axis) and the lab's gauges (counts, right
// axis), with scenario bands and restart lines. The last few minutes are kept; older samples roll off.
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { formatBytes } from '../../contracts/format.ts';
import { h, injectStyle } from './dom.ts';
import { cssVar } from '../lib/theme.ts';
import type { MemorySample } from '../../contracts/lab-protocol.ts';

const MAX_POINTS = 900;
/** seconds without a sample after which the lines break */
const GAP_S = 2.5;
const MB = 1024 * 1024;
/** whole-number tick steps for the counts axis */
const COUNT_INCRS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6,
];
const GAUGE_COLOURS = ['#0f9d8a', '#d6336c', '#8a6d00', '#5c7cfa', '#e8590c'];

export interface ChartMarker {
  /** scenario and check: a band from start to end; restart: a line */
  kind: 'scenario' | 'check' | 'restart';
  /** seconds on the chart's clock */
  start: number;
  end?: number;
  label: string;
}

interface SeriesDef {
  key: string;
  label: string;
  colour: string;
  scale: 'mb' | 'count';
  dash?: number[];
}

export class MemoryChart {
  readonly el: HTMLElement;
  private readonly plotHost: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly empty: HTMLElement;
  private plot: uPlot | null = null;
  private readonly t0 = performance.now();
  private xs: number[] = [];
  private columns = new Map<string, (number | null)[]>();
  private gaugeNames: string[] = [];
  private markers: ChartMarker[] = [];
  private readonly resize: ResizeObserver;
  private pending = false;
  /** how many metrics samples arrived (the e2e test and the a11y summary read it) */
  received = 0;

  constructor() {
    injectStyle('uplot', uPlotCss);
    this.plotHost = h('div', { class: 'lab-chart-plot', role: 'img', 'aria-label': 'Memory chart: no samples yet' });
    this.legend = h('ul', { class: 'lab-chart-legend', 'aria-label': 'Latest values' });
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
    const names = Object.keys(sample.gauges).sort();
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
    for (const n of this.gaugeNames) this.push(`g:${n}`, sample.gauges[n] ?? null);
    if (this.xs.length > MAX_POINTS) {
      this.xs.shift();
      for (const col of this.columns.values()) col.shift();
      const oldest = this.xs[0]!;
      this.markers = this.markers.filter((m) => (m.end ?? m.start) >= oldest);
    }
    this.updateLegend(sample);
    this.schedule();
  }

  mark(marker: ChartMarker): ChartMarker {
    this.markers.push(marker);
    this.schedule();
    return marker;
  }

  endMark(marker: ChartMarker): void {
    marker.end = this.now();
    this.schedule();
  }

  points(): number {
    return this.xs.length;
  }

  /** Re-reads colours after a theme switch. */
  retheme(): void {
    this.destroyPlot();
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
    return [
      { key: 'rss', label: 'RSS', colour: cssVar(el, '--curve-rss', '#c2410c'), scale: 'mb' },
      { key: 'heapUsed', label: 'Heap used', colour: cssVar(el, '--curve-heap', '#0b62b4'), scale: 'mb' },
      { key: 'external', label: 'External', colour: cssVar(el, '--curve-ext', '#7a4fb8'), scale: 'mb' },
      ...this.gaugeNames.map((n, i) => ({
        key: `g:${n}`,
        label: n,
        colour: GAUGE_COLOURS[i % GAUGE_COLOURS.length]!,
        scale: 'count' as const,
        dash: [5, 3],
      })),
    ];
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

  private createPlot(defs: SeriesDef[], data: uPlot.AlignedData): void {
    const el = this.el;
    const axisColour = cssVar(el, '--muted', '#5b6670');
    const gridColour = cssVar(el, '--border', '#d9dee3');
    const font = `11px ${cssVar(el, '--font-sans', 'system-ui, sans-serif')}`;
    const { width, height } = this.size();
    const hasGauges = this.gaugeNames.length > 0;
    const opts: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: false },
        mb: { range: (_u, _min, max) => [0, niceMax(max)] },
        count: { range: (_u, _min, max) => [0, niceMax(max)] },
      },
      axes: [
        {
          stroke: axisColour,
          font,
          grid: { stroke: gridColour, width: 1 },
          ticks: { stroke: gridColour },
          values: (_u, vals) => vals.map((v) => `${Math.round(v)}s`),
        },
        {
          scale: 'mb',
          stroke: axisColour,
          font,
          size: 64,
          grid: { stroke: gridColour, width: 1 },
          ticks: { stroke: gridColour },
          values: (_u, vals) => vals.map((v) => `${trim(v)} MB`),
        },
        ...(hasGauges
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
                values: (_u: uPlot, vals: number[]) => vals.map((v) => compact(v)),
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
          width: 1.75,
          dash: d.dash,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      hooks: { drawClear: [(u) => this.drawMarkers(u)] },
    };
    this.plot = new uPlot(opts, data, this.plotHost);
  }

  private drawMarkers(u: uPlot): void {
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.font = `${11 * dpr}px ${cssVar(this.el, '--font-sans', 'system-ui, sans-serif')}`;
    for (const m of this.markers) {
      const x0 = u.valToPos(m.start, 'x', true);
      if (m.kind !== 'restart') {
        const x1 = u.valToPos(m.end ?? this.now(), 'x', true);
        const a = Math.max(left, x0);
        const b = Math.min(left + width, Math.max(x1, x0 + dpr));
        if (b <= left || a >= left + width) continue;
        const colour =
          m.kind === 'check' ? cssVar(this.el, '--muted', '#5b6670') : cssVar(this.el, '--accent', '#0b62b4');
        ctx.fillStyle = hexAlpha(colour, 0.1);
        ctx.fillRect(a, top, b - a, height);
        ctx.fillStyle = colour;
        ctx.fillRect(x0, top, dpr, height);
        // Scenario names along the top, "Check" along the bottom, so adjacent bands stay readable.
        ctx.fillText(m.label, a + 4 * dpr, m.kind === 'check' ? top + height - 6 * dpr : top + 12 * dpr);
      } else {
        if (x0 < left || x0 > left + width) continue;
        ctx.strokeStyle = cssVar(this.el, '--bad', '#c62828');
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(x0, top);
        ctx.lineTo(x0, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = cssVar(this.el, '--bad', '#c62828');
        ctx.fillText(m.label, x0 + 4 * dpr, top + height - 6 * dpr);
      }
    }
    ctx.restore();
  }

  private updateLegend(s: MemorySample): void {
    const defs = this.defs();
    const values: Record<string, string> = {
      rss: formatBytes(s.rss),
      heapUsed: formatBytes(s.heapUsed),
      external: formatBytes(s.external),
    };
    for (const n of this.gaugeNames) values[`g:${n}`] = compact(s.gauges[n] ?? 0);
    if (this.legend.childElementCount !== defs.length) {
      this.legend.replaceChildren(
        ...defs.map((d) =>
          h(
            'li',
            { 'data-key': d.key },
            h('span', {
              class: `lab-swatch${d.dash ? ' lab-swatch-dash' : ''}`,
              style: `--swatch:${d.colour}`,
              'aria-hidden': 'true',
            }),
            h('span', { class: 'lab-legend-label' }, d.label),
            h('span', { class: 'lab-legend-value' }),
          ),
        ),
      );
    }
    for (const li of this.legend.children) {
      const key = (li as HTMLElement).dataset.key!;
      li.querySelector('.lab-legend-value')!.textContent = values[key] ?? '';
    }
    if (this.received % 10 === 1) {
      this.plotHost.setAttribute(
        'aria-label',
        `Memory chart, ${this.xs.length} samples. Latest: ${defs.map((d) => `${d.label} ${values[d.key]}`).join(', ')}.`,
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
    this.plot?.destroy();
    this.plot = null;
  }
}

function niceMax(max: number | null): number {
  if (!max || max <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (max * 1.1 <= m * exp) return m * exp;
  return 10 * exp;
}

function trim(v: number): string {
  return v >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
}

function compact(v: number): string {
  return Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}

function hexAlpha(colour: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(colour.trim());
  if (!m) return colour;
  const n = parseInt(m[1]!, 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
