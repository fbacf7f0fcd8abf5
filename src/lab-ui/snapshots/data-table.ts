// A sortable class table, DevTools-like: click a column header to sort (again to reverse), filter
// by name, select a row (its class name is a button) to see retainer paths. Used for the
// comparison, the leaked-objects and the summary views.
import { h } from '../dom.ts';
import { count } from './numbers.ts';

export interface Column<T> {
  key: keyof T & string;
  label: string;
  title: string;
  format: (row: T) => string;
}

const MAX_ROWS = 300;

export class DataTable<T extends { name: string }> {
  readonly el: HTMLElement;
  private readonly rows: T[];
  private readonly columns: Column<T>[];
  private sortKey: keyof T & string;
  private descending = true;
  private filter = '';
  private showEngine: boolean;
  private readonly engine: ReadonlySet<string>;
  private selected: string | null = null;
  private readonly body: HTMLTableSectionElement;
  private readonly head: HTMLTableRowElement;
  private readonly note: HTMLElement;
  private readonly highlight: string | null;
  private readonly withPaths: Set<string>;
  private readonly badge: string;
  onSelect: (name: string) => void = () => {};

  constructor(options: {
    rows: T[];
    columns: Column<T>[];
    sortKey: keyof T & string;
    caption: string;
    /** Class to highlight (the one that grew most), with its badge text. */
    highlight?: { name: string; badge: string } | null;
    /** Classes that have retainer paths. */
    withPaths?: Set<string>;
    /** Engine bookkeeping classes, hidden until the reader ticks "Show V8 internals". */
    engine?: ReadonlySet<string>;
  }) {
    this.engine = options.engine ?? new Set();
    this.showEngine = this.engine.size === 0;
    this.rows = options.rows;
    this.columns = options.columns;
    this.sortKey = options.sortKey;
    this.highlight = options.highlight?.name ?? null;
    this.badge = options.highlight?.badge ?? '';
    this.withPaths = options.withPaths ?? new Set();
    this.head = h('tr');
    this.body = h('tbody');
    this.note = h('p', { class: 'snap-muted snap-table-note' });
    const search = h('input', {
      type: 'search',
      class: 'snap-filter',
      placeholder: 'Filter classes',
      'aria-label': 'Filter classes by name',
      oninput: (e: Event) => {
        this.filter = (e.target as HTMLInputElement).value.trim().toLowerCase();
        this.render();
      },
    });
    const toggle =
      this.engine.size === 0
        ? null
        : h(
            'label',
            { class: 'snap-toggle', title: [...this.engine].join(', ') },
            h('input', {
              type: 'checkbox',
              onchange: (e: Event) => {
                this.showEngine = (e.target as HTMLInputElement).checked;
                this.render();
              },
            }),
            ' Show V8 internals',
          );
    const table = h(
      'table',
      { class: 'snap-table' },
      h('caption', { class: 'snap-sr' }, options.caption),
      h('thead', {}, this.head),
      this.body,
    );
    this.el = h(
      'div',
      { class: 'snap-table-wrap' },
      h('div', { class: 'snap-tools' }, search, toggle),
      h('div', { class: 'snap-scroll' }, table),
      this.note,
    );
    this.render();
  }

  select(name: string): void {
    this.selected = name;
    this.render();
    this.onSelect(name);
  }

  private sortBy(key: keyof T & string): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key !== 'name';
    }
    this.render();
  }

  private sorted(): T[] {
    const key = this.sortKey;
    const dir = this.descending ? -1 : 1;
    const list = this.rows.filter(
      (r) =>
        (this.showEngine || !this.engine.has(r.name)) && (!this.filter || r.name.toLowerCase().includes(this.filter)),
    );
    return list.sort((a, b) => {
      const x = a[key],
        y = b[key];
      const c = typeof x === 'string' ? x.localeCompare(y as string) : (x as number) - (y as number);
      return c * dir;
    });
  }

  private render(): void {
    this.head.replaceChildren(
      ...this.columns.map((c, i) => {
        const active = this.sortKey === c.key;
        return h(
          'th',
          {
            scope: 'col',
            class: i === 0 ? 'snap-col-name' : 'snap-num',
            'aria-sort': active ? (this.descending ? 'descending' : 'ascending') : 'none',
          },
          h(
            'button',
            { type: 'button', class: 'snap-sort', title: c.title, onclick: () => this.sortBy(c.key) },
            c.label,
            h('span', { class: 'snap-sort-mark', 'aria-hidden': 'true' }, active ? (this.descending ? '▼' : '▲') : ''),
          ),
        );
      }),
    );
    const rows = this.sorted();
    this.body.replaceChildren(
      ...rows.slice(0, MAX_ROWS).map((r) => {
        const top = r.name === this.highlight;
        const chosen = r.name === this.selected;
        const tr = h('tr', { class: [top && 'snap-top', chosen && 'snap-selected'].filter(Boolean).join(' ') });
        this.columns.forEach((c, i) => {
          if (i > 0) {
            tr.append(h('td', { class: 'snap-num' }, c.format(r)));
            return;
          }
          const paths = this.withPaths.has(r.name);
          tr.append(
            h(
              'th',
              { scope: 'row', class: 'snap-col-name' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'snap-class',
                  'aria-pressed': chosen ? 'true' : 'false',
                  title: paths ? 'Show retainer paths' : 'Select',
                  onclick: () => this.select(r.name),
                },
                c.format(r),
              ),
              top ? h('span', { class: 'snap-badge' }, this.badge) : null,
              paths
                ? h(
                    'span',
                    { class: 'snap-path-mark', title: 'Retainer paths available' },
                    h('span', { 'aria-hidden': 'true' }, '⤷'),
                    h('span', { class: 'snap-sr' }, ' (retainer paths available)'),
                  )
                : null,
            ),
          );
        });
        return tr;
      }),
    );
    this.note.textContent =
      rows.length > MAX_ROWS
        ? `Showing ${MAX_ROWS} of ${count(rows.length)} classes; filter to find others.`
        : rows.length === 0
          ? 'No class matches.'
          : '';
  }
}
