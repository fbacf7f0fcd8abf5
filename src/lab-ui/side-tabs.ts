// Accessible tabs (WAI-ARIA tabs pattern, arrow keys move between tabs) for Tasks / Output / Snapshots.
import { h } from './dom.ts';

export interface SideTab {
  id: string;
  label: string;
  panel: HTMLElement;
}

export class SideTabs {
  readonly el: HTMLElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly panels = new Map<string, HTMLElement>();
  private readonly badges = new Map<string, HTMLElement>();
  private current = '';

  constructor(labId: string, tabs: SideTab[]) {
    const list = h('div', { class: 'lab-side-tablist', role: 'tablist', 'aria-label': 'Lab panels' });
    const body = h('div', { class: 'lab-side-panels' });
    for (const t of tabs) {
      const tabId = `lab-${labId}-tab-${t.id}`;
      const panelId = `lab-${labId}-panel-${t.id}`;
      const badge = h('span', { class: 'lab-tab-badge', hidden: true });
      const b = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: tabId,
          class: 'lab-side-tab',
          'aria-controls': panelId,
          'aria-selected': 'false',
          tabindex: '-1',
        },
        t.label,
        badge,
      );
      b.addEventListener('click', () => this.select(t.id));
      b.addEventListener('keydown', (e) => this.onKey(e));
      const panel = h(
        'div',
        {
          role: 'tabpanel',
          id: panelId,
          class: 'lab-side-panel',
          'aria-labelledby': tabId,
          tabindex: '0',
          hidden: true,
        },
        t.panel,
      );
      this.buttons.set(t.id, b);
      this.panels.set(t.id, panel);
      this.badges.set(t.id, badge);
      list.append(b);
      body.append(panel);
    }
    this.el = h('section', { class: 'lab-card lab-side' }, list, body);
    if (tabs[0]) this.select(tabs[0].id);
  }

  select(id: string): void {
    if (!this.buttons.has(id)) return;
    this.current = id;
    for (const [k, b] of this.buttons) {
      const on = k === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      this.panels.get(k)!.hidden = !on;
    }
    this.badge(id, null);
  }

  /** A small count on a tab that is not shown (new output lines, new snapshots). */
  badge(id: string, text: string | null): void {
    const el = this.badges.get(id);
    if (!el) return;
    el.hidden = !text || id === this.current;
    el.textContent = text ?? '';
  }

  private onKey(e: KeyboardEvent): void {
    const ids = [...this.buttons.keys()];
    const i = ids.indexOf(this.current);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % ids.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + ids.length) % ids.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? ids.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    this.select(ids[next]!);
    this.buttons.get(ids[next]!)!.focus();
  }
}
