// Heap snapshots taken in this session: a list with download links, and a choice of two to compare.
// The bytes are fetched as soon as a snapshot is written (a stopped lab's workspace does not stay
// around forever) and kept in memory, bounded, until the reader leaves the lab.
import { formatBytes } from '../../contracts/format.ts';
import { h, icon, ICONS } from './dom.ts';

export interface SnapshotEntry {
  id: string;
  label: string;
  bytes: number;
  /** seconds on the chart clock */
  at: number;
  data: ArrayBuffer | null;
  error?: string;
}

const MAX_KEPT = 8;

export class SnapshotsList {
  readonly el: HTMLElement;
  readonly entries: SnapshotEntry[] = [];
  private readonly list: HTMLOListElement;
  private readonly emptyNote: HTMLElement;
  private readonly compareBar: HTMLElement;
  private readonly baseSelect: HTMLSelectElement;
  private readonly targetSelect: HTMLSelectElement;
  private readonly compareButton: HTMLButtonElement;
  readonly diffHost: HTMLElement;
  private readonly urls = new Map<string, string>();
  private readonly labId: string;
  private readyCount = 0;
  onCompare: (base: SnapshotEntry, target: SnapshotEntry) => void = () => {};

  constructor(labId: string) {
    this.labId = labId;
    this.list = h('ol', { class: 'lab-snapshots', 'aria-label': 'Heap snapshots' });
    this.emptyNote = h(
      'p',
      { class: 'lab-muted' },
      'No snapshots yet. Take one before a scenario and one after it, then compare the two to see what stayed alive.',
    );
    this.baseSelect = h('select', { id: `lab-${labId}-snap-base` });
    this.targetSelect = h('select', { id: `lab-${labId}-snap-target` });
    this.compareButton = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-sm', onclick: () => this.compare() },
      'Compare',
    );
    this.compareBar = h(
      'div',
      { class: 'lab-compare', hidden: true },
      h('label', { for: this.baseSelect.id }, 'Before'),
      this.baseSelect,
      h('label', { for: this.targetSelect.id }, 'After'),
      this.targetSelect,
      this.compareButton,
    );
    this.diffHost = h('div', { class: 'lab-diff-host' });
    this.el = h('div', { class: 'lab-snapshots-panel' }, this.emptyNote, this.list, this.compareBar, this.diffHost);
  }

  add(entry: SnapshotEntry): void {
    this.entries.push(entry);
    while (this.entries.length > MAX_KEPT) {
      const old = this.entries.shift()!;
      this.revoke(old.id);
    }
    this.render();
  }

  update(id: string, patch: Partial<SnapshotEntry>): void {
    const e = this.entries.find((x) => x.id === id);
    if (!e) return;
    Object.assign(e, patch);
    this.render();
  }

  dispose(): void {
    for (const id of [...this.urls.keys()]) this.revoke(id);
  }

  private revoke(id: string): void {
    const url = this.urls.get(id);
    if (url) URL.revokeObjectURL(url);
    this.urls.delete(id);
  }

  private downloadUrl(e: SnapshotEntry): string | null {
    if (!e.data) return null;
    let url = this.urls.get(e.id);
    if (!url) {
      url = URL.createObjectURL(new Blob([e.data], { type: 'application/json' }));
      this.urls.set(e.id, url);
    }
    return url;
  }

  private render(): void {
    this.emptyNote.hidden = this.entries.length > 0;
    this.list.replaceChildren(
      ...this.entries.map((e, i) => {
        const url = this.downloadUrl(e);
        const name = `${this.labId}-${i + 1}-${e.label.replace(/[^\w-]+/g, '-')}.heapsnapshot`;
        return h(
          'li',
          { class: 'lab-snapshot', 'data-snapshot-id': e.id },
          h('span', { class: 'lab-snapshot-n', 'aria-hidden': 'true' }, String(i + 1)),
          h(
            'span',
            { class: 'lab-snapshot-label' },
            e.label,
            h('small', {}, ` at ${e.at.toFixed(0)} s · ${formatBytes(e.bytes)}`),
          ),
          e.error
            ? h('span', { class: 'lab-bad-text' }, e.error)
            : url
              ? h(
                  'a',
                  {
                    class: 'lab-btn lab-btn-ghost lab-btn-sm',
                    href: url,
                    download: name,
                    'aria-label': `Download ${e.label} (.heapsnapshot, opens in Chrome DevTools)`,
                  },
                  icon(ICONS.download),
                  'Download',
                )
              : h('span', { class: 'lab-muted' }, 'Fetching…'),
        );
      }),
    );
    const ready = this.entries.filter((e) => e.data);
    this.compareBar.hidden = ready.length < 2;
    // A new snapshot moves the choice to the two latest; otherwise the reader's choice stays.
    const moved = ready.length !== this.readyCount;
    this.readyCount = ready.length;
    for (const [select, pick] of [
      [this.baseSelect, ready.length - 2],
      [this.targetSelect, ready.length - 1],
    ] as const) {
      const keep = select.value;
      select.replaceChildren(
        ...ready.map((e) => h('option', { value: e.id }, `${this.entries.indexOf(e) + 1}. ${e.label}`)),
      );
      select.value = !moved && ready.some((e) => e.id === keep) ? keep : (ready[Math.max(0, pick)]?.id ?? '');
    }
  }

  private compare(): void {
    const base = this.entries.find((e) => e.id === this.baseSelect.value);
    const target = this.entries.find((e) => e.id === this.targetSelect.value);
    if (base && target && base !== target) this.onCompare(base, target);
  }

  /** Selects the two latest snapshots and compares them (after the second snapshot is taken). */
  compareLatest(): void {
    const ready = this.entries.filter((e) => e.data);
    if (ready.length >= 2) this.onCompare(ready[ready.length - 2]!, ready[ready.length - 1]!);
  }
}
