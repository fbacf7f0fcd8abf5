// A sortable table of rows in its own scroll box, DevTools-like: a one-line header that stays on
// top while the rows scroll under it, the first column on one line (truncated, full text in its
// title) and kept in view while wide tables scroll sideways, every column sortable, and one row
// selected by mouse or keyboard (WAI-ARIA grid: arrows, Home/End, Page Up/Down).
import { h } from '../dom.ts';

export interface Column<T> {
  /** Identifies the column; also the sort key. */
  key: string;
  label: string;
  /** Explains the column (the header's tooltip). */
  title: string;
  /** Text of the cell. */
  format: (row: T) => string;
  /** Value to sort by (defaults to the formatted text). */
  value?: (row: T) => number | string;
}

export interface RowDecor {
  /** Extra classes on the row. */
  className?: string;
  /** A short tag after the first cell's text ("grew most"). */
  badge?: string;
}

export interface DataTableOptions<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  sortKey: string;
  descending?: boolean;
  caption: string;
  decorate?: (row: T) => RowDecor | null;
  /** At most this many rows are drawn (a note says how many more there are). */
  maxRows?: number;
  /** Class for the table (for page-specific styles). */
  className?: string;
}

export class DataTable<T> {
  readonly el: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly options: DataTableOptions<T>;
  private rows: T[];
  private sortKey: string;
  private descending: boolean;
  private selected: string | null = null;
  private readonly head: HTMLTableRowElement;
  private readonly body: HTMLTableSectionElement;
  private readonly note: HTMLElement;
  private shown: T[] = [];
  onSelect: (row: T) => void = () => {};

  constructor(options: DataTableOptions<T>) {
    this.options = options;
    this.rows = options.rows;
    this.sortKey = options.sortKey;
    this.descending = options.descending ?? true;
    this.head = h('tr');
    this.body = h('tbody');
    this.note = h('p', { class: 'vw-table-note', role: 'status' });
    const table = h(
      'table',
      { class: `vw-table ${options.className ?? ''}`.trim(), role: 'grid', 'aria-readonly': 'true' },
      h('caption', { class: 'vw-sr' }, options.caption),
      h('thead', {}, this.head),
      this.body,
    );
    table.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller = h('div', { class: 'vw-table-scroll' }, table);
    this.scroller.addEventListener('scroll', () => this.markScrolled(), { passive: true });
    this.el = h('div', { class: 'vw-table-wrap' }, this.scroller, this.note);
    this.render();
    // Column widths settle late (fonts, the box's own size): keep the sorted column in view.
    new ResizeObserver(() => this.revealSortColumn()).observe(table);
    new ResizeObserver(() => this.revealSortColumn()).observe(this.scroller);
  }

  setRows(rows: T[]): void {
    this.rows = rows;
    this.render();
  }

  /** Selects the row with this key (if shown) and tells onSelect. */
  select(key: string, options: { focus?: boolean; notify?: boolean } = {}): void {
    const index = this.shown.findIndex((r) => this.options.rowKey(r) === key);
    if (index < 0) return;
    this.selected = key;
    this.markSelection(options.focus ?? false);
    if (options.notify ?? true) this.onSelect(this.shown[index]!);
  }

  get selectedKey(): string | null {
    return this.selected;
  }

  /** Sort by a column; the same column again reverses the order. */
  sortBy(key: string): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key !== this.options.columns[0]?.key;
    }
    this.render();
    this.revealSortColumn();
  }

  private sorted(): T[] {
    const column = this.options.columns.find((c) => c.key === this.sortKey) ?? this.options.columns[0]!;
    const value = column.value ?? column.format;
    const dir = this.descending ? -1 : 1;
    return this.rows.slice().sort((a, b) => {
      const x = value(a),
        y = value(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c * dir;
    });
  }

  private render(): void {
    const { columns } = this.options;
    this.head.replaceChildren(
      ...columns.map((c, i) => {
        const active = this.sortKey === c.key;
        return h(
          'th',
          {
            scope: 'col',
            class: i === 0 ? 'vw-col-first' : 'vw-num',
            'data-key': c.key,
            'aria-sort': active ? (this.descending ? 'descending' : 'ascending') : 'none',
          },
          h(
            'button',
            { type: 'button', class: 'vw-sort', title: c.title, onclick: () => this.sortBy(c.key) },
            h('span', { class: 'vw-sort-label' }, c.label),
            h('span', { class: 'vw-sort-mark', 'aria-hidden': 'true' }, active ? (this.descending ? '▼' : '▲') : ''),
          ),
        );
      }),
    );
    const all = this.sorted();
    const max = this.options.maxRows ?? 300;
    this.shown = all.slice(0, max);
    if (this.selected && !this.shown.some((r) => this.options.rowKey(r) === this.selected)) this.selected = null;
    this.body.replaceChildren(
      ...this.shown.map((r, index) => {
        const key = this.options.rowKey(r);
        const decor = this.options.decorate?.(r) ?? null;
        const tr = h('tr', {
          class: decor?.className ?? null,
          'data-key': key,
          'aria-selected': 'false',
          tabindex: '-1',
          onclick: () => this.select(key, { focus: true }),
        });
        columns.forEach((c, i) => {
          const text = c.format(r);
          if (i > 0) {
            tr.append(h('td', { class: 'vw-num' }, text));
            return;
          }
          tr.append(
            h(
              'th',
              { scope: 'row', class: 'vw-col-first', title: text },
              // One flex line: the name gives up width (ellipsis) before the badge does.
              h(
                'span',
                { class: 'vw-cell-line' },
                h('span', { class: 'vw-cell-text' }, text),
                decor?.badge ? h('span', { class: 'vw-badge' }, decor.badge) : null,
              ),
            ),
          );
        });
        if (index === 0 && !this.selected) tr.tabIndex = 0;
        return tr;
      }),
    );
    this.markSelection(false);
    this.note.textContent =
      all.length > max
        ? `Showing ${max} of ${all.length.toLocaleString('en')} rows; filter to find others.`
        : all.length === 0
          ? 'Nothing to show.'
          : '';
  }

  private markSelection(focus: boolean): void {
    let chosen: HTMLTableRowElement | null = null;
    for (const tr of this.body.rows) {
      const on = tr.dataset.key === this.selected;
      tr.setAttribute('aria-selected', String(on));
      tr.classList.toggle('vw-selected', on);
      if (on) chosen = tr;
    }
    // One row in the tab order: the selected one, else the first.
    const tabRow = chosen ?? this.body.rows[0] ?? null;
    for (const tr of this.body.rows) tr.tabIndex = tr === tabRow ? 0 : -1;
    if (chosen) {
      this.reveal(chosen);
      if (focus) chosen.focus({ preventScroll: true });
    }
  }

  /** Scrolls a row fully into the visible part of the box: below the sticky header, above the bottom. */
  private reveal(tr: HTMLTableRowElement): void {
    const box = this.scroller;
    const headH = this.head.getBoundingClientRect().height;
    const top = tr.offsetTop - headH;
    const bottom = tr.offsetTop + tr.offsetHeight - box.clientHeight;
    if (box.scrollTop > top) box.scrollTop = top;
    else if (box.scrollTop < bottom) box.scrollTop = bottom;
  }

  /**
   * Brings the sorted column into horizontal view (the first column is sticky, so skip its width).
   * The scroll stops on a column's left edge: any other offset leaves the column beside the sticky
   * one cut in half under it, its numbers unreadable and its header a fragment ("…ted").
   */
  private revealSortColumn(): void {
    const th = this.head.querySelector<HTMLElement>(`th[data-key="${CSS.escape(this.sortKey)}"]`);
    const first = this.head.cells[0];
    if (!th || !first) return;
    const box = this.scroller;
    const left = th.offsetLeft - first.offsetWidth;
    // Offsets are whole pixels, widths are not: a pixel more keeps the column's edge in view.
    const right = th.offsetLeft + th.offsetWidth + 1 - box.clientWidth;
    let target = box.scrollLeft;
    if (box.scrollLeft > left) target = left;
    else if (box.scrollLeft < right) target = right;
    // The first column edge at or past the target (the sorted column's own edge at the latest).
    const edges = [...this.head.cells].slice(1).map((c) => c.offsetLeft - first.offsetWidth);
    const edge = Math.max(0, Math.min(edges.find((e) => e >= target - 1) ?? left, left));
    // Near the end the box may not scroll that far; room after the last column lets it stop there.
    const table = this.head.closest('table')!;
    const room = Math.max(0, Math.ceil(edge - (table.offsetWidth - box.clientWidth)));
    box.style.paddingInlineEnd = room ? `${room}px` : '';
    box.scrollLeft = edge;
    this.markScrolled();
  }

  /** A shadow on the sticky column says columns are hidden to its left. */
  private markScrolled(): void {
    this.scroller.classList.toggle('vw-scrolled-x', this.scroller.scrollLeft > 0);
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr');
    if (!tr || tr.parentElement !== this.body) return;
    const rows = [...this.body.rows];
    const i = rows.indexOf(tr as HTMLTableRowElement);
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / Math.max(1, tr.offsetHeight)) - 1);
    const next: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: i + page,
      PageUp: i - page,
    };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.select(tr.dataset.key!, { focus: true });
      return;
    }
    const to = next[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const target = rows[Math.max(0, Math.min(rows.length - 1, to))];
    if (target) this.select(target.dataset.key!, { focus: true });
  }

  /** The column with this key is where the table is sorted. */
  get sortColumn(): string {
    return this.sortKey;
  }

  /** Call after the table becomes visible (sizes are known only then). */
  refresh(): void {
    this.revealSortColumn();
    const chosen = this.body.querySelector<HTMLTableRowElement>('tr[aria-selected="true"]');
    if (chosen) this.reveal(chosen);
  }
}
