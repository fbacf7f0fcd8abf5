// Heap snapshots taken in this session: a list with download links and a way into the
// investigation workspace (snapshots/workspace.ts), where they are compared. The bytes are fetched as soon as a snapshot is written (a stopped lab's workspace does not stay
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
  /** The service process that wrote it ("pid@start"): snapshots of different processes do not compare. */
  process?: string;
}

const MAX_KEPT = 8;

export class SnapshotsList {
  readonly el: HTMLElement;
  readonly entries: SnapshotEntry[] = [];
  private readonly list: HTMLOListElement;
  private readonly emptyNote: HTMLElement;
  private readonly investigateButton: HTMLButtonElement;
  private readonly urls = new Map<string, string>();
  private readonly labId: string;
  /** The reader asks for the investigation workspace. */
  onInvestigate: () => void = () => {};
  /** The list changed (a snapshot added, fetched or dropped). */
  onChange: () => void = () => {};

  constructor(labId: string) {
    this.labId = labId;
    this.list = h('ol', { class: 'lab-snapshots', 'aria-label': 'Heap snapshots' });
    this.emptyNote = h(
      'p',
      { class: 'lab-muted' },
      'No snapshots yet. Take one before a scenario and one after it, then compare the two to see what stayed alive.',
    );
    this.investigateButton = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-sm', hidden: true, onclick: () => this.onInvestigate() },
      'Investigate',
    );
    this.el = h('div', { class: 'lab-snapshots-panel' }, this.emptyNote, this.list, this.investigateButton);
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
    this.investigateButton.hidden = !this.entries.some((e) => e.data);
    this.onChange();
  }
}
