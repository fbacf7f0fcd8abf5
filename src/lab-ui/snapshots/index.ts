// The heap-snapshot panel of the lab UI. Two ways in:
//
//   mountSnapshotDiff(host, base, target, third?)
//     What the lab's Snapshots tab calls when the reader compares: analyses the given snapshots
//     (bytes the lab already holds) in a Web Worker and shows the comparison in `host`.
//
//   mountSnapshotPanel(el, { list, readSnapshot })
//     A self-contained panel: the list of snapshots (the lab protocol's 'snapshot' events), a
//     choice of two or three to compare, downloads, progress and the report. Returns
//     { setList(list), dispose() } so the host can pass new snapshots as they are taken.
//
// The snapshot bytes are copied before being handed to the worker, so the caller's buffers stay
// usable (for downloads and later comparisons).
import { analyze, type Progress, type Report } from '../../analysis/client.ts';
import { h } from '../dom.ts';
import { formatBytes } from '../../../contracts/format.ts';
import { ReportView } from './report-view.ts';
import './snapshots.css';

export interface SnapshotBytes {
  label: string;
  data: ArrayBuffer;
}

const PHASES: Record<Progress['phase'], string> = {
  parse: 'Reading',
  dominators: 'Computing retained sizes of',
  summary: 'Summarising',
  diff: 'Comparing',
  paths: 'Tracing retainer paths in',
  done: 'Done with',
};

/** A status line with a progress bar, announced politely to screen readers. */
function progressBox(): { el: HTMLElement; update(p: Progress, labels: string[]): void; fail(message: string): void } {
  const bar = h('progress', { class: 'snap-progress', max: 1, value: 0 });
  const text = h('span', {}, 'Starting the analysis…');
  const box = h('div', { class: 'snap-status', role: 'status' }, text, bar);
  return {
    el: box,
    update(p, labels) {
      const name = labels[p.snapshot] ?? `snapshot ${p.snapshot + 1}`;
      const done = p.totalBytes
        ? ` ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`
        : p.phase === 'parse'
          ? ` ${formatBytes(p.bytes)}`
          : '';
      text.textContent = `${PHASES[p.phase]} "${name}"${done}…`;
      // Parsing dominates; each snapshot's share of the bar grows with its bytes read.
      const within =
        p.phase === 'parse' && p.totalBytes ? (p.bytes / p.totalBytes) * 0.7 : p.phase === 'parse' ? 0 : 0.85;
      bar.value = Math.min(1, (p.snapshot + within) / p.snapshots);
    },
    fail(message) {
      box.classList.add('snap-error');
      box.setAttribute('role', 'alert');
      bar.remove();
      text.textContent = `The analysis failed: ${message}`;
    },
  };
}

async function run(host: HTMLElement, snapshots: SnapshotBytes[], signal?: AbortSignal): Promise<Report | null> {
  const labels = snapshots.map((s) => s.label);
  const status = progressBox();
  const title = h('h3', { class: 'snap-title' }, labels.join(' → '));
  const root = h('section', { class: 'snap-panel', 'aria-label': 'Heap snapshot comparison' }, title, status.el);
  host.replaceChildren(root);
  try {
    const report = await analyze({
      snapshots: snapshots.map((s) => s.data.slice(0)),
      labels,
      signal,
      onProgress: (p) => status.update(p, labels),
    });
    status.el.remove();
    root.append(new ReportView(report).el);
    return report;
  } catch (error) {
    if ((error as Error).name === 'AbortError') return null;
    status.fail((error as Error).message);
    return null;
  }
}

export function mountSnapshotDiff(
  host: HTMLElement,
  base: SnapshotBytes,
  target: SnapshotBytes,
  third?: SnapshotBytes,
): Promise<Report | null> {
  return run(host, third ? [base, target, third] : [base, target]);
}

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
      await run(
        result,
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

  render();
  return {
    setList(next) {
      list = next.slice();
      render();
    },
    dispose() {
      abort?.abort();
      for (const url of urls.values()) URL.revokeObjectURL(url);
      urls.clear();
      cache.clear();
      host.replaceChildren();
    },
  };
}
