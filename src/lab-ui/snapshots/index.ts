// The heap-snapshot views of the lab UI. Two ways in:
//
//   new Workspace(labId)
//     The lab's investigation workspace (workspace.ts): the snapshots the lab holds, a choice of
//     view and snapshots, and the analysed view at the lab's whole width.
//
//   mountSnapshotPanel(el, { list, readSnapshot })
//     A self-contained panel: the list of snapshots (the lab protocol's 'snapshot' events), a
//     choice of two or three to compare, downloads, progress and the report. Returns
//     { setList(list), dispose() } so the host can pass new snapshots as they are taken.
//
// The snapshot bytes are copied before being handed to the worker, so the caller's buffers stay
// usable (for downloads and later comparisons).
import { openInvestigation, type Investigation } from '../../analysis/client.ts';
import { h } from '../dom.ts';
import { formatBytes } from '../../../contracts/format.ts';
import { InvestigationView, type ViewKind } from './investigation-view.ts';
import { progressBox } from './progress.ts';
import './snapshots.css';
import '../views/views.css';

export { Workspace, type WorkspaceSnapshot } from './workspace.ts';

/** A snapshot as the lab protocol announces it ({ type: 'snapshot', id, path, bytes, label }). */
export interface SnapshotListItem {
  id: string;
  label: string;
  path: string;
  bytes: number;
}

export interface SnapshotPanelOptions {
  list: SnapshotListItem[];
  readSnapshot(path: string): Promise<ArrayBuffer>;
}

export interface SnapshotPanel {
  setList(list: SnapshotListItem[]): void;
  dispose(): void;
}

export function mountSnapshotPanel(host: HTMLElement, options: SnapshotPanelOptions): SnapshotPanel {
  let list = options.list.slice();
  const chosen = new Set<string>();
  const cache = new Map<string, Promise<ArrayBuffer>>();
  const urls = new Map<string, string>();
  let abort: AbortController | null = null;
  let current: Investigation | null = null;
  const read = (item: SnapshotListItem) => {
    let p = cache.get(item.id);
    if (!p) {
      p = options.readSnapshot(item.path);
      cache.set(item.id, p);
      p.catch(() => cache.delete(item.id));
    }
    return p;
  };
  const items = h('ol', { class: 'snap-list', 'aria-label': 'Heap snapshots' });
  const hint = h('p', { class: 'snap-muted' });
  const compare = h('button', { type: 'button', class: 'snap-btn', onclick: () => void start() }, 'Compare');
  const result = h('div', { class: 'snap-result' });
  host.replaceChildren(
    h(
      'div',
      { class: 'snap-panel snap-standalone' },
      items,
      h('div', { class: 'snap-actions' }, compare, hint),
      result,
    ),
  );

  async function download(item: SnapshotListItem, link: HTMLAnchorElement): Promise<void> {
    if (urls.has(item.id)) return;
    link.setAttribute('aria-busy', 'true');
    const data = await read(item);
    const url = URL.createObjectURL(new Blob([data], { type: 'application/json' }));
    urls.set(item.id, url);
    link.href = url;
    link.removeAttribute('aria-busy');
    link.click();
  }

  function render(): void {
    // The list is rebuilt on every change; keep keyboard focus on the same control.
    const focused = host.ownerDocument.activeElement?.id;
    for (const id of [...chosen]) if (!list.some((i) => i.id === id)) chosen.delete(id);
    items.replaceChildren(
      ...list.map((item, n) => {
        const box = h('input', {
          type: 'checkbox',
          id: `snap-pick-${item.id}`,
          checked: chosen.has(item.id),
          disabled: !chosen.has(item.id) && chosen.size >= 3,
          onchange: (e: Event) => {
            if ((e.target as HTMLInputElement).checked) chosen.add(item.id);
            else chosen.delete(item.id);
            render();
          },
        });
        const file = `${n + 1}-${item.label.replace(/[^\w-]+/g, '-')}.heapsnapshot`;
        const link = h(
          'a',
          {
            class: 'snap-btn snap-btn-ghost',
            href: urls.get(item.id) ?? '#',
            download: file,
            'aria-label': `Download ${item.label} (.heapsnapshot for Chrome DevTools)`,
          },
          'Download',
        );
        if (!urls.has(item.id))
          link.addEventListener('click', (e) => {
            e.preventDefault();
            void download(item, link);
          });
        return h(
          'li',
          { class: 'snap-item' },
          box,
          h(
            'label',
            { for: box.id },
            h('span', { class: 'snap-n' }, n + 1),
            item.label,
            h('small', {}, ` · ${formatBytes(item.bytes)}`),
          ),
          link,
        );
      }),
    );
    if (focused) host.ownerDocument.getElementById(focused)?.focus();
    const k = chosen.size;
    compare.disabled = k < 2;
    hint.textContent =
      list.length < 2
        ? 'Take at least two snapshots to compare them.'
        : k < 2
          ? 'Pick two snapshots (before, after) — or three (baseline, after the action, after repeating it) to see only what leaked.'
          : k === 2
            ? 'Compare the two picked snapshots.'
            : 'Three picked: the report lists objects the action allocated that are still alive after repeating it.';
  }

  async function start(): Promise<void> {
    abort?.abort();
    abort = new AbortController();
    const picked = list.filter((i) => chosen.has(i.id)); // in the order they were taken
    result.replaceChildren(h('p', { class: 'snap-muted', role: 'status' }, 'Fetching snapshots…'));
    try {
      const data = await Promise.all(picked.map(read));
      await show(
        picked.map((p, i) => ({ label: p.label, data: data[i]! })),
        abort.signal,
      );
    } catch (error) {
      result.replaceChildren(
        h(
          'p',
          { class: 'snap-status snap-error', role: 'alert' },
          `Could not fetch the snapshots: ${(error as Error).message}`,
        ),
      );
    }
  }

  async function show(snapshots: { label: string; data: ArrayBuffer }[], signal: AbortSignal): Promise<void> {
    current?.close();
    current = null;
    const labels = snapshots.map((s) => s.label);
    const status = progressBox(labels);
    const kind: ViewKind = snapshots.length === 3 ? 'leaks' : snapshots.length === 2 ? 'diff' : 'summary';
    result.replaceChildren(h('h3', { class: 'snap-title' }, labels.join(' → ')), status.el);
    try {
      current = await openInvestigation({
        snapshots: snapshots.map((s) => s.data.slice(0)),
        labels,
        signal,
        onProgress: (p) => status.update(p),
      });
      const view = new InvestigationView(current, { kind });
      status.el.replaceWith(view.el);
      view.shown();
    } catch (error) {
      if ((error as Error).name !== 'AbortError') status.fail((error as Error).message);
    }
  }

  render();
  return {
    setList(next) {
      list = next.slice();
      render();
    },
    dispose() {
      abort?.abort();
      current?.close();
      for (const url of urls.values()) URL.revokeObjectURL(url);
      urls.clear();
      cache.clear();
      host.replaceChildren();
    },
  };
}
