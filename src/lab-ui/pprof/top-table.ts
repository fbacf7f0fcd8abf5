// The top table: one row per function with flat, flat%, cum, cum% (as `go tool pprof -top`), the
// function's busiest file:line beside its name, sortable by flat or cum. The header stays in view while
// the rows scroll. A frame in one of the lab's own files links to that line in the editor.
import { formatPercent, formatValue, shortFile, type SampleType, type TopTable } from '../../pprof/index.ts';
import { h } from '../dom.ts';

const MAX_ROWS = 400;

type SortKey = 'flat' | 'cum';

/**
 * The lab file a profile's frame is in ("app/cache.ts" → "cache.ts", an absolute Go path ending in
 * "/app/queue.go" → "queue.go"), or null when it is not one of the lab's own files.
 */
export function labFileOf(file: string, labFiles: readonly string[]): string | null {
  const m = /(?:^|[\\/])app[\\/](.+)$/.exec(file);
  const rel = m?.[1]?.replaceAll('\\', '/');
  return rel && labFiles.includes(rel) ? rel : null;
}

export interface SourceLinks {
  /** the lab's files, as the editor names them */
  files: readonly string[];
  open(file: string, line: number): void;
}

export function renderTopTable(table: TopTable, type: SampleType, signed: boolean, source?: SourceLinks): HTMLElement {
  let sort: SortKey = 'flat';
  const body = h('tbody');
  const headerButton = (key: SortKey, label: string) =>
    h('button', { type: 'button', class: 'pp-sort', 'data-sort': key, onclick: () => setSort(key) }, label);
  const th = (key: SortKey) => h('th', { scope: 'col', class: 'pp-num', 'aria-sort': 'none' }, headerButton(key, key));
  const flatTh = th('flat');
  const cumTh = th('cum');
  const head = h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'pp-fn' }, 'Function'),
      flatTh,
      h('th', { scope: 'col', class: 'pp-num pp-pct' }, 'flat%'),
      cumTh,
      h('th', { scope: 'col', class: 'pp-num pp-pct' }, 'cum%'),
    ),
  );
  const cls = (v: number) => (signed && v > 0 ? 'pp-up' : signed && v < 0 ? 'pp-down' : '');
  const fill = () => {
    const rows = [...table.rows].sort(
      (a, b) => Math.abs(b[sort]) - Math.abs(a[sort]) || Math.abs(b.flat) - Math.abs(a.flat),
    );
    body.replaceChildren(
      ...rows.slice(0, MAX_ROWS).map((r) => {
        const where = r.file ? `${shortFile(r.file)}:${r.line}` : '';
        const own = source && r.file ? labFileOf(r.file, source.files) : null;
        const whereEl = !where
          ? null
          : own
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'pp-fn-where pp-source',
                  title: `Open ${own} at line ${r.line} in the editor`,
                  onclick: () => source!.open(own, r.line),
                },
                where,
              )
            : h('span', { class: 'pp-fn-where' }, where);
        return h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row', class: 'pp-fn', title: `${r.name}${r.file ? `\n${r.file}:${r.line}` : ''}` },
            h('span', { class: 'pp-fn-name' }, r.name),
            whereEl,
          ),
          h('td', { class: `pp-num ${cls(r.flat)}` }, formatValue(r.flat, type, signed)),
          h('td', { class: 'pp-num pp-pct' }, formatPercent(r.flat, table.total)),
          h('td', { class: `pp-num ${cls(r.cum)}` }, formatValue(r.cum, type, signed)),
          h('td', { class: 'pp-num pp-pct' }, formatPercent(r.cum, table.total)),
        );
      }),
    );
    for (const [el, key] of [
      [flatTh, 'flat'],
      [cumTh, 'cum'],
    ] as const)
      el.setAttribute('aria-sort', key === sort ? 'descending' : 'none');
  };
  const setSort = (key: SortKey) => {
    sort = key;
    fill();
  };
  fill();
  const note =
    table.rows.length > MAX_ROWS
      ? h('p', { class: 'lab-muted pp-note' }, `The ${MAX_ROWS} largest of ${table.rows.length} functions.`)
      : null;
  return h(
    'div',
    { class: 'pp-top' },
    h(
      'div',
      { class: 'pp-scroll', tabindex: '0', role: 'region', 'aria-label': 'Top functions' },
      h('table', { class: 'pp-table' }, head, body),
    ),
    note,
  );
}
