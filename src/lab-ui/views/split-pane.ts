// Two panes side by side with a draggable, keyboard-resizable divider (WAI-ARIA window splitter),
// stacked one above the other when the container is narrow (container query in views.css).
// Used by the snapshot investigation view; made to host any pair of panes.
import { h } from '../dom.ts';

export interface SplitPaneOptions {
  first: HTMLElement;
  second: HTMLElement;
  /** Names the divider for assistive tech, e.g. "Resize the class table and the retainers". */
  label: string;
  /** Share of the width the first pane starts with, 0..1. */
  initial?: number;
  /** Smallest share either pane may get. */
  min?: number;
}

const STEP = 0.05;

export class SplitPane {
  readonly el: HTMLElement;
  readonly divider: HTMLElement;
  private share: number;
  private readonly min: number;

  constructor(options: SplitPaneOptions) {
    this.min = options.min ?? 0.25;
    this.share = options.initial ?? 0.55;
    this.divider = h('div', {
      class: 'vw-split-divider',
      role: 'separator',
      tabindex: '0',
      'aria-orientation': 'vertical',
      'aria-label': options.label,
      'aria-valuemin': Math.round(this.min * 100),
      'aria-valuemax': Math.round((1 - this.min) * 100),
    });
    const inner = h(
      'div',
      { class: 'vw-split-inner' },
      h('div', { class: 'vw-split-pane vw-split-first' }, options.first),
      this.divider,
      h('div', { class: 'vw-split-pane vw-split-second' }, options.second),
    );
    this.el = h('div', { class: 'vw-split' }, inner);
    this.divider.addEventListener('keydown', (e) => this.onKey(e));
    this.divider.addEventListener('pointerdown', (e) => this.onPointerDown(e, inner));
    this.set(this.share);
  }

  /** The first pane's share of the width (0..1), clamped to the minimum of either pane. */
  set(share: number): void {
    this.share = Math.min(1 - this.min, Math.max(this.min, share));
    this.el.style.setProperty('--vw-split', `${(this.share * 100).toFixed(1)}%`);
    this.divider.setAttribute('aria-valuenow', String(Math.round(this.share * 100)));
  }

  get value(): number {
    return this.share;
  }

  private onKey(e: KeyboardEvent): void {
    const keys: Record<string, number> = {
      ArrowLeft: this.share - STEP,
      ArrowRight: this.share + STEP,
      Home: this.min,
      End: 1 - this.min,
    };
    const next = keys[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.set(next);
  }

  private onPointerDown(e: PointerEvent, inner: HTMLElement): void {
    if (e.button !== 0) return;
    e.preventDefault();
    this.divider.setPointerCapture(e.pointerId);
    this.divider.focus();
    const move = (ev: PointerEvent) => {
      const box = inner.getBoundingClientRect();
      if (box.width > 0) this.set((ev.clientX - box.left) / box.width);
    };
    const up = () => {
      this.divider.removeEventListener('pointermove', move);
      this.divider.removeEventListener('pointerup', up);
      this.divider.removeEventListener('pointercancel', up);
    };
    this.divider.addEventListener('pointermove', move);
    this.divider.addEventListener('pointerup', up);
    this.divider.addEventListener('pointercancel', up);
  }
}
