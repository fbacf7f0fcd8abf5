// The Go lab's profiles: capture heap, allocs and goroutine profiles from the running service, list them
// with a download each (.pb.gz, for `go tool pprof`), and investigate one, or the -base diff of two, as a
// top table, a flame graph or goroutines grouped by stack. Where the lab cannot run, profiles recorded
// from a real run of it are shown the same way.
//
// A Node lab whose runtime samples allocations (caps.allocationSampling) gets the same panel with one
// capture, "Allocation sites": V8's sampling heap profile of the objects still alive (.heapprofile,
// which opens in Chrome DevTools › Memory), converted to the same views (src/pprof/v8-sampling.ts).
import type { LabEvent, ProfileKind } from '../../../contracts/lab-protocol.ts';
import { formatBytes } from '../../../contracts/format.ts';
import {
  callTree,
  diffProfiles,
  formatValue,
  groupGoroutines,
  parseHeapProfile,
  parseProfile,
  topTable,
  type ParsedProfile,
} from '../../pprof/index.ts';
import { h, icon, ICONS, injectStyle } from '../dom.ts';
import { renderFlameGraph } from './flame-graph.ts';
import { renderGoroutines } from './goroutine-list.ts';
import { recordedProfiles, type RecordedProfiles } from './recordings.ts';
import { renderTopTable, type SourceLinks } from './top-table.ts';
import css from './pprof.css?inline';

export interface ProfileEntry {
  id: string;
  kind: ProfileKind;
  label: string;
  source: 'live' | 'recorded';
  bytes: number;
  /** download URL (an object URL for live profiles, the bundled asset for recorded ones) */
  url: string | null;
  profile: ParsedProfile | null;
  error?: string;
}

export interface PprofPanelOptions {
  labId: string;
  /** whose profiles: a Go service's pprof (default) or a Node service's sampling heap profile */
  language?: 'go' | 'node';
  /** sends the capture command; the profile arrives as a 'profile' event (addLive) */
  capture(kind: ProfileKind, label: string): Promise<boolean>;
  /** the label of the last scenario that finished, for naming the next capture */
  lastScenario(): string | null;
  /** the lab's files and how to open one at a line: frames in them become links to the editor */
  source?: SourceLinks;
}

type View = 'top' | 'flame' | 'goroutines';

const KIND_NAMES: Record<ProfileKind, string> = { heap: 'Heap', allocs: 'Allocs', goroutine: 'Goroutines' };

/** What differs between a Go lab's panel and a Node lab's: every text that names the tool or the format. */
interface Flavour {
  title: string;
  kinds: readonly ProfileKind[];
  kindName(kind: ProfileKind): string;
  captureLabel(kind: ProfileKind): string;
  baseLabel: string;
  extension: string;
  mime: string;
  opensWith: string;
  note: string | null;
  parse(data: ArrayBuffer): Promise<ParsedProfile>;
}

const GO: Flavour = {
  title: 'Profiles (pprof)',
  kinds: ['heap', 'allocs', 'goroutine'],
  kindName: (kind) => KIND_NAMES[kind],
  captureLabel: (kind) => `Capture a ${kind === 'goroutine' ? 'goroutine' : kind} profile`,
  baseLabel: 'Base (-base)',
  extension: 'pb.gz',
  mime: 'application/gzip',
  opensWith: 'opens with go tool pprof',
  note: null,
  parse: (data) => parseProfile(data),
};

const NODE: Flavour = {
  title: 'Allocation sites (sampling heap profiler)',
  kinds: ['heap'],
  kindName: () => 'Allocation sites',
  captureLabel: () => 'Capture the allocation sites of the objects still alive',
  baseLabel: 'Base (an earlier capture)',
  extension: 'heapprofile',
  mime: 'application/json',
  opensWith: 'opens in Chrome DevTools › Memory',
  note: 'V8 samples about one allocation in every 16 KB for the whole life of the service and forgets the samples of objects that were collected: each capture shows what is still alive, by the function that allocated it (its first line). inuse_objects counts samples, not objects. Compare a capture after a scenario with one before it to see what grew.',
  parse: async (data) => parseHeapProfile(data),
};
const MAX_LIVE = 12;
const CAPTURE_TIMEOUT_MS = 60_000;

export class PprofPanel {
  readonly el: HTMLElement;
  readonly entries: ProfileEntry[] = [];
  private readonly opts: PprofPanelOptions;
  private readonly buttons = new Map<ProfileKind, HTMLButtonElement>();
  private readonly fallback: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly targetSelect: HTMLSelectElement;
  private readonly baseSelect: HTMLSelectElement;
  private readonly typeSelect: HTMLSelectElement;
  private readonly tabs = new Map<View, HTMLButtonElement>();
  private readonly summary: HTMLElement;
  private readonly content: HTMLElement;
  private readonly live: HTMLElement;
  private enabled = false;
  private pending: ReturnType<typeof setTimeout> | null = null;
  private view: View = 'top';
  private recording: RecordedProfiles['recording'] | null = null;
  private readonly flavour: Flavour;
  private readonly captureGroup: HTMLElement;
  private readonly unavailable: HTMLElement;

  constructor(opts: PprofPanelOptions) {
    injectStyle('lab-pprof', css);
    this.opts = opts;
    this.flavour = opts.language === 'node' ? NODE : GO;
    const id = (s: string) => `lab-${opts.labId}-pp-${s}`;
    for (const kind of this.flavour.kinds) {
      const b = h(
        'button',
        {
          type: 'button',
          class: 'lab-btn lab-btn-sm',
          disabled: true,
          'aria-label': this.flavour.captureLabel(kind),
          onclick: () => void this.capture(kind),
        },
        icon(ICONS.camera),
        this.flavour.kindName(kind),
      );
      this.buttons.set(kind, b);
    }
    this.fallback = h('p', { class: 'lab-notice lab-notice-warn pp-fallback', role: 'note', hidden: true });
    this.unavailable = h('span', { class: 'lab-muted', hidden: true }, 'This runtime cannot sample allocations.');
    this.captureGroup = h(
      'div',
      { class: 'pp-capture', role: 'group', 'aria-label': 'Capture a profile' },
      h('span', { class: 'lab-muted' }, 'Capture'),
      ...this.buttons.values(),
    );
    this.list = h('ol', { class: 'pp-list', 'aria-label': 'Profiles' });
    this.targetSelect = h('select', { id: id('target'), onchange: () => this.onTargetChosen() });
    this.baseSelect = h('select', { id: id('base'), onchange: () => this.show() });
    this.typeSelect = h('select', { id: id('type'), onchange: () => this.show() });
    const tablist = h('div', { class: 'pp-tabs', role: 'tablist', 'aria-label': 'Profile views' });
    for (const [view, label] of [
      ['top', 'Top'],
      ['flame', 'Flame graph'],
      ['goroutines', 'Goroutines'],
    ] as const) {
      const b = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          class: 'pp-tab',
          'aria-selected': 'false',
          'aria-controls': id('content'),
          onclick: () => this.setView(view),
        },
        label,
      );
      b.addEventListener('keydown', (e) => this.onTabKey(e));
      this.tabs.set(view, b);
      tablist.append(b);
    }
    this.summary = h('p', { class: 'pp-summary' });
    this.content = h('div', { class: 'pp-content', id: id('content'), role: 'tabpanel' });
    this.live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const field = (label: string, select: HTMLSelectElement) =>
      h('div', { class: 'pp-field' }, h('label', { for: select.id }, label), select);
    this.el = h(
      'section',
      {
        class: 'lab-card pp-panel',
        'aria-label': opts.language === 'node' ? 'Allocation sites' : 'Profiles',
        'data-language': opts.language ?? 'go',
      },
      h(
        'div',
        { class: 'pp-head' },
        h('h4', { class: 'lab-card-title' }, this.flavour.title),
        this.unavailable,
        this.captureGroup,
      ),
      this.fallback,
      this.flavour.note ? h('p', { class: 'lab-muted pp-note pp-intro' }, this.flavour.note) : null,
      h(
        'div',
        { class: 'pp-main' },
        h('div', { class: 'pp-side' }, this.list),
        h(
          'div',
          { class: 'pp-view' },
          h(
            'div',
            { class: 'pp-controls' },
            field('Profile', this.targetSelect),
            field(this.flavour.baseLabel, this.baseSelect),
            field('Values', this.typeSelect),
          ),
          tablist,
          this.summary,
          this.content,
        ),
      ),
      this.live,
    );
    this.render();
    void this.loadRecorded(recordedProfiles(opts.labId));
  }

  /** Capture buttons follow the lab: on while the service runs and can write profiles. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    this.refreshButtons();
  }

  /**
   * Whether the runtime can capture at all (a Node runtime without node:inspector cannot): without it
   * the capture buttons are not shown, and profiles captured earlier stay readable.
   */
  setCaptureAvailable(on: boolean): void {
    this.captureGroup.hidden = !on;
    this.unavailable.hidden = on;
  }

  /** Says what running the lab needs, above the profiles recorded from a real run of it. */
  showFallback(): void {
    const rec = this.recording;
    this.fallback.textContent = rec
      ? `Running this lab needs Go 1.26 or newer and the local runner (\`npm start\`); until then, compare the profiles below, recorded from a real run of its ${rec.code} code (${rec.goVersion}, ${rec.scenario}).`
      : 'Running this lab needs Go 1.26 or newer and the local runner (`npm start`).';
    this.fallback.hidden = false;
  }

  /** A 'profile' event: fetch its bytes from the runtime, parse, and show it against the previous one. */
  async addLive(
    ev: Extract<LabEvent, { type: 'profile' }>,
    read: (path: string) => Promise<ArrayBuffer>,
  ): Promise<void> {
    this.endPending();
    const entry: ProfileEntry = {
      id: ev.id,
      kind: ev.kind,
      label: ev.label,
      source: 'live',
      bytes: ev.bytes,
      url: null,
      profile: null,
    };
    this.entries.push(entry);
    const lives = this.entries.filter((e) => e.source === 'live');
    if (lives.length > MAX_LIVE) this.remove(lives[0]!);
    this.render();
    try {
      const data = await read(ev.path);
      entry.url = URL.createObjectURL(new Blob([data], { type: this.flavour.mime }));
      entry.profile = await this.flavour.parse(data);
      entry.bytes = data.byteLength;
      this.live.textContent = `${this.flavour.kindName(ev.kind)} profile "${ev.label}" captured.`;
    } catch (err) {
      entry.error = (err as Error).message;
    }
    this.render();
    this.selectLatest(entry);
  }

  /** An error about a capture ends the wait for it. */
  captureFailed(): void {
    this.endPending();
  }

  dispose(): void {
    this.endPending();
    for (const e of this.entries) if (e.source === 'live' && e.url) URL.revokeObjectURL(e.url);
  }

  // ---- capture ---------------------------------------------------------------------------------

  private async capture(kind: ProfileKind): Promise<void> {
    if (this.pending) return;
    const lives = this.entries.filter((e) => e.source === 'live' && e.kind === kind).length;
    const scenario = this.opts.lastScenario();
    const what = this.opts.language === 'node' ? 'capture' : kind;
    const label = lives === 0 && !scenario ? 'baseline' : scenario ? `after ${scenario}` : `${what} ${lives + 1}`;
    this.pending = setTimeout(() => this.endPending(), CAPTURE_TIMEOUT_MS);
    this.refreshButtons();
    this.live.textContent = `Capturing ${this.opts.language === 'node' ? 'the allocation sites' : `a ${kind} profile`}…`;
    if (!(await this.opts.capture(kind, label.toLowerCase()))) this.endPending();
  }

  private endPending(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.refreshButtons();
  }

  private refreshButtons(): void {
    for (const b of this.buttons.values()) {
      b.disabled = !this.enabled || this.pending !== null;
      b.setAttribute('aria-busy', String(this.pending !== null));
    }
  }

  // ---- recorded profiles -----------------------------------------------------------------------

  private async loadRecorded(rec: RecordedProfiles | null): Promise<void> {
    if (!rec || rec.files.length === 0) return;
    this.recording = rec.recording;
    if (!this.fallback.hidden) this.showFallback();
    const entries = rec.files.map((f, i): ProfileEntry => ({
      id: `r${i + 1}`,
      kind: f.kind,
      label: f.label,
      source: 'recorded',
      bytes: 0,
      url: f.url,
      profile: null,
    }));
    this.entries.unshift(...entries);
    this.render();
    await Promise.all(
      entries.map(async (e) => {
        try {
          const data = await (await fetch(e.url!)).arrayBuffer();
          e.bytes = data.byteLength;
          e.profile = await parseProfile(data);
        } catch (err) {
          e.error = `Could not read it: ${(err as Error).message}`;
        }
      }),
    );
    this.el.dataset.recorded = `${rec.recording.goVersion}, ${rec.recording.code}`;
    this.render();
    // show the recorded diff that says most, unless the reader has live profiles already
    if (this.entries.some((e) => e.source === 'live')) return;
    const base = (kind: ProfileKind) => entries.find((e) => e.kind === kind && e.profile);
    // the largest of the later profiles: after the scenario, or during it when the service was killed
    const size = (e: ProfileEntry) => topTable(e.profile!, e.profile!.defaultIndex).total;
    const after = (kind: ProfileKind) =>
      entries
        .filter((e) => e.kind === kind && e.profile && e !== base(kind))
        .reduce<ProfileEntry | undefined>((best, e) => (!best || size(e) > size(best) ? e : best), undefined);
    const gained = (kind: ProfileKind) => {
      const a = after(kind)?.profile;
      const b = base(kind)?.profile;
      return a && b ? groupGoroutines(a).total - groupGoroutines(b).total : 0;
    };
    const kind: ProfileKind = gained('goroutine') >= 5 ? 'goroutine' : 'heap';
    const target = after(kind);
    if (target) this.select(target, base(kind) !== target ? base(kind) : undefined);
  }

  // ---- choosing --------------------------------------------------------------------------------

  private remove(e: ProfileEntry): void {
    const i = this.entries.indexOf(e);
    if (i >= 0) this.entries.splice(i, 1);
    if (e.source === 'live' && e.url) URL.revokeObjectURL(e.url);
  }

  private number(e: ProfileEntry): number {
    return this.entries.indexOf(e) + 1;
  }

  private name(e: ProfileEntry): string {
    return `${this.number(e)}. ${this.flavour.kindName(e.kind)} · ${e.label}${e.source === 'recorded' ? ' (recorded)' : ''}`;
  }

  /** A new profile becomes the one shown, against the previous profile of its kind. */
  private selectLatest(entry: ProfileEntry): void {
    if (!entry.profile) return;
    const sameKind = this.entries.filter((e) => e.kind === entry.kind && e.profile && e.source === entry.source);
    const previous = sameKind[sameKind.indexOf(entry) - 1];
    this.select(entry, previous);
  }

  private select(target: ProfileEntry, base?: ProfileEntry): void {
    this.targetSelect.value = target.id;
    this.fillBase(base?.id ?? '');
    this.fillTypes(false);
    this.view = target.kind === 'goroutine' ? 'goroutines' : 'top';
    this.show();
  }

  private onTargetChosen(): void {
    const target = this.target();
    if (!target) return;
    const keep = this.baseSelect.value;
    this.fillBase(keep);
    this.fillTypes();
    if (target.kind !== 'goroutine' && this.view === 'goroutines') this.view = 'top';
    this.show();
  }

  private target(): ProfileEntry | undefined {
    return this.entries.find((e) => e.id === this.targetSelect.value && e.profile);
  }

  private fillBase(keep: string): void {
    const target = this.target();
    const options = this.entries.filter((e) => e.profile && target && e !== target && e.kind === target.kind);
    this.baseSelect.replaceChildren(
      h('option', { value: '' }, 'None'),
      ...options.map((e) => h('option', { value: e.id }, this.name(e))),
    );
    this.baseSelect.value = options.some((e) => e.id === keep) ? keep : '';
  }

  /** keep: stay on the sample type shown when the new profile has it (the reader chose it) */
  private fillTypes(keepChoice = true): void {
    const p = this.target()?.profile;
    const keep = keepChoice ? (this.typeSelect.dataset.type ?? '') : '';
    const types = p?.sampleTypes ?? [];
    this.typeSelect.replaceChildren(...types.map((t, i) => h('option', { value: String(i) }, t.type)));
    this.typeSelect.disabled = types.length < 2;
    const kept = keep ? types.findIndex((t) => t.type === keep) : -1;
    this.typeSelect.value = String(kept >= 0 ? kept : (p?.defaultIndex ?? 0));
    this.typeSelect.dataset.type = types[Number(this.typeSelect.value)]?.type ?? '';
  }

  /** Arrow keys move between the visible tabs (WAI-ARIA tabs pattern). */
  private onTabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const views = [...this.tabs].filter(([, b]) => !b.hidden).map(([v]) => v);
    const i = views.indexOf(this.view);
    e.preventDefault();
    this.setView(views[(i + (e.key === 'ArrowRight' ? 1 : views.length - 1)) % views.length]!);
  }

  private setView(view: View): void {
    this.view = view;
    this.show();
    this.tabs.get(view)?.focus();
  }

  // ---- rendering -------------------------------------------------------------------------------

  private render(): void {
    const heading = (e: ProfileEntry, i: number) =>
      i > 0 && this.entries[i - 1]!.source === e.source
        ? null
        : h(
            'li',
            { class: 'pp-group' },
            e.source === 'recorded'
              ? `Recorded run${this.recording ? ` (${this.recording.goVersion}, ${this.recording.code})` : ''}`
              : 'This session',
          );
    this.list.replaceChildren(
      ...this.entries
        .flatMap((e, i) => [
          heading(e, i),
          h(
            'li',
            {
              class: 'pp-item',
              'data-profile-id': e.id,
              'data-source': e.source,
              title: `${this.name(e)}${e.bytes ? `, ${formatBytes(e.bytes)}` : ''}`,
            },
            h('span', { class: 'pp-item-n', 'aria-hidden': 'true' }, String(this.number(e))),
            h(
              'span',
              { class: 'pp-item-label' },
              `${this.flavour.kindName(e.kind)} · ${e.label}`,
              e.bytes ? h('small', {}, ` · ${formatBytes(e.bytes)}`) : null,
            ),
            e.error
              ? h('span', { class: 'lab-bad-text', title: e.error }, 'Unreadable')
              : e.url
                ? h(
                    'a',
                    {
                      class: 'lab-btn lab-btn-ghost lab-btn-sm lab-btn-icon',
                      href: e.url,
                      download: `${this.opts.labId}-${this.number(e)}-${e.kind}-${e.label.replace(/[^\w-]+/g, '-')}.${this.flavour.extension}`,
                      'aria-label': `Download ${this.flavour.kindName(e.kind).toLowerCase()} profile "${e.label}" (.${this.flavour.extension}, ${this.flavour.opensWith})`,
                      title: `Download (.${this.flavour.extension}, ${this.flavour.opensWith})`,
                    },
                    icon(ICONS.download),
                  )
                : h('span', { class: 'lab-muted' }, 'Fetching…'),
          ),
        ])
        .filter((li): li is HTMLLIElement => li !== null),
    );
    if (this.entries.length === 0)
      this.list.append(
        h(
          'li',
          { class: 'lab-muted pp-empty' },
          'No profiles yet. Capture one before a scenario and one after it, then compare the two.',
        ),
      );
    const keep = this.targetSelect.value;
    const ready = this.entries.filter((e) => e.profile);
    this.targetSelect.replaceChildren(...ready.map((e) => h('option', { value: e.id }, this.name(e))));
    if (ready.some((e) => e.id === keep)) this.targetSelect.value = keep;
    this.fillBase(this.baseSelect.value);
  }

  private show(): void {
    const target = this.target();
    for (const [view, b] of this.tabs) {
      b.hidden = view === 'goroutines' && target?.kind !== 'goroutine';
      b.setAttribute('aria-selected', String(view === this.view));
      b.tabIndex = view === this.view ? 0 : -1;
    }
    if (!target?.profile) {
      this.summary.textContent = '';
      this.content.replaceChildren();
      return;
    }
    const base = this.entries.find((e) => e.id === this.baseSelect.value && e.profile);
    let profile = target.profile;
    try {
      if (base?.profile) profile = diffProfiles(base.profile, target.profile);
    } catch (err) {
      this.summary.textContent = '';
      this.content.replaceChildren(h('p', { class: 'lab-bad-text', role: 'alert' }, (err as Error).message));
      return;
    }
    const signed = Boolean(base);
    const index = Number(this.typeSelect.value) || 0;
    const type = profile.sampleTypes[index] ?? { type: 'value', unit: 'count' };
    this.typeSelect.dataset.type = type.type;
    const top = topTable(profile, index);
    const sum = (p: ParsedProfile) => p.samples.reduce((n, s) => n + (s.values[index] ?? 0), 0);
    this.summary.textContent = base?.profile
      ? `${this.name(target)} −base ${this.name(base)}: ${type.type} ${formatValue(sum(target.profile) - sum(base.profile), type, true)} in all`
      : `${this.name(target)}: ${type.type} ${formatValue(top.total, type)} in all`;
    this.el.dataset.view = this.view;
    this.el.dataset.diff = String(signed);
    this.content.replaceChildren(
      this.view === 'flame'
        ? renderFlameGraph(callTree(profile, index), type, signed)
        : this.view === 'goroutines'
          ? renderGoroutines(groupGoroutines(profile, index), signed)
          : renderTopTable(top, type, signed, this.opts.source),
    );
  }
}
