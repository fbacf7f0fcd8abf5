// The lab's investigation workspace: the lab's whole width (the window in focus mode) for reading
// heap snapshots. The reader picks a view (Comparison of any two snapshots, Summary of one,
// Leaked objects from baseline / target / final) and the snapshots for it; the analysis runs in
// a worker that keeps the last snapshot for the retainers tree.
import { openInvestigation, type Investigation } from '../../analysis/client.ts';
import { h } from '../dom.ts';
import { InvestigationView, type ViewKind } from './investigation-view.ts';
import { progressBox } from './progress.ts';
import './snapshots.css';
import '../views/views.css';

/** A snapshot the lab holds (see snapshots-list.ts). */
export interface WorkspaceSnapshot {
  id: string;
  label: string;
  data: ArrayBuffer | null;
  /** Which service process wrote it (pid and start); snapshots of different processes do not compare. */
  process?: string;
}

const VIEWS: { kind: ViewKind; label: string; roles: string[] }[] = [
  { kind: 'diff', label: 'Comparison', roles: ['Before', 'After'] },
  { kind: 'summary', label: 'Summary', roles: ['Snapshot'] },
  { kind: 'leaks', label: 'Leaked objects', roles: ['Baseline', 'Target', 'Final'] },
];

export class Workspace {
  readonly el: HTMLElement;
  private entries: WorkspaceSnapshot[] = [];
  /** The ids of the snapshots that had their bytes at the last setEntries(). */
  private readyIds: string[] = [];
  private kind: ViewKind = 'diff';
  private opened = false;
  private picks: Record<ViewKind, string[]> = { diff: [], summary: [], leaks: [] };
  private readonly switcher: HTMLElement;
  private readonly pickers: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly result: HTMLElement;
  private readonly showButton: HTMLButtonElement;
  private current: Investigation | null = null;
  private abort: AbortController | null = null;
  private readonly labId: string;

  constructor(labId: string) {
    this.labId = labId;
    this.switcher = h('div', { class: 'inv-switch', role: 'group', 'aria-label': 'View' });
    this.pickers = h('div', { class: 'inv-pickers' });
    this.hint = h('p', { class: 'inv-muted inv-hint', role: 'status' });
    this.showButton = h('button', { type: 'button', class: 'snap-btn', onclick: () => void this.run() }, 'Show');
    this.result = h('div', { class: 'inv-result' });
    this.el = h(
      'div',
      { class: 'snap-panel inv-workspace' },
      h(
        'div',
        { class: 'inv-bar' },
        h('h3', { class: 'inv-title' }, 'Investigate heap snapshots'),
        this.switcher,
        this.pickers,
        this.showButton,
      ),
      this.hint,
      this.result,
    );
    this.renderControls();
  }

  /** The snapshots the lab holds, oldest first. New ones move the picks to the latest. */
  setEntries(entries: WorkspaceSnapshot[]): void {
    // The list hands over the same entry objects it later fills in (their data arrives after them),
    // so what was ready before is remembered by id, not read again from those objects.
    const before = this.readyIds;
    this.entries = entries.slice();
    const ready = this.ready().map((e) => e.id);
    this.readyIds = ready;
    const grew = ready.some((id) => !before.includes(id));
    for (const v of VIEWS) {
      const n = v.roles.length;
      const valid = this.picks[v.kind].every((id) => ready.includes(id)) && this.picks[v.kind].length === n;
      if (grew || !valid) this.picks[v.kind] = ready.slice(-n);
    }
    this.renderControls();
  }

  /** Shows a view with its default picks (the latest snapshots). */
  async open(kind: ViewKind = this.kind): Promise<void> {
    this.kind = kind;
    this.opened = true;
    this.renderControls();
    await this.run();
  }

  /** The view shown, null before the first open(). */
  get view(): ViewKind | null {
    return this.opened ? this.kind : null;
  }

  dispose(): void {
    this.abort?.abort();
    this.current?.close();
    this.current = null;
  }

  private ready(): WorkspaceSnapshot[] {
    return this.entries.filter((e) => e.data);
  }

  private renderControls(): void {
    const view = VIEWS.find((v) => v.kind === this.kind)!;
    this.switcher.replaceChildren(
      ...VIEWS.map((v) =>
        h(
          'button',
          {
            type: 'button',
            class: 'inv-switch-btn',
            'aria-pressed': String(v.kind === this.kind),
            onclick: () => void this.open(v.kind),
          },
          v.label,
        ),
      ),
    );
    const ready = this.ready();
    const picks = this.picks[this.kind];
    this.pickers.replaceChildren(
      ...view.roles.map((role, i) => {
        const id = `inv-${this.labId}-${this.kind}-${i}`;
        const select = h('select', { id, class: 'inv-select' });
        select.append(...ready.map((e) => h('option', { value: e.id }, `${this.entries.indexOf(e) + 1}. ${e.label}`)));
        select.value = picks[i] ?? '';
        select.addEventListener('change', () => {
          this.picks[this.kind][i] = select.value;
          this.renderHint();
        });
        return h('span', { class: 'inv-pick' }, h('label', { for: id }, role), select);
      }),
    );
    this.renderHint();
  }

  /** Why the picks cannot be shown yet, or what they will show. */
  private problem(): string | null {
    const view = VIEWS.find((v) => v.kind === this.kind)!;
    const ready = this.ready();
    const n = view.roles.length;
    if (ready.length < n)
      return n === 1
        ? 'Take a snapshot to read it here.'
        : `This view needs ${n} snapshots; take ${n - ready.length} more.`;
    const picks = this.picks[this.kind];
    if (new Set(picks).size !== n) return `Pick ${n} different snapshots.`;
    const order = picks.map((id) => ready.findIndex((e) => e.id === id));
    if (this.kind === 'leaks' && !(order[0]! < order[1]! && order[1]! < order[2]!))
      return 'Pick the baseline first, then the target (after the action), then the final snapshot (after repeating it), in the order they were taken.';
    return null;
  }

  private renderHint(): void {
    const problem = this.problem();
    this.showButton.disabled = problem !== null;
    this.hint.textContent = problem ?? '';
  }

  /** Different service processes: V8 object ids restart, so "new" and "deleted" lose their meaning. */
  private processWarning(chosen: WorkspaceSnapshot[]): string | null {
    const known = chosen.filter((e) => e.process);
    if (known.length < 2 || new Set(known.map((e) => e.process)).size === 1) return null;
    const names = chosen.map((e) => `“${e.label}”`).join(', ');
    return `These snapshots come from different service processes (the service restarted between ${names}). Object ids start afresh in a new process, so this comparison cannot tell which objects are new: read each snapshot in the Summary view, or compare snapshots taken since the last restart.`;
  }

  private async run(): Promise<void> {
    if (this.problem()) {
      this.abort?.abort();
      this.current?.close();
      this.current = null;
      this.result.replaceChildren();
      return this.renderHint();
    }
    const ready = this.ready();
    const chosen = this.picks[this.kind].map((id) => ready.find((e) => e.id === id)!);
    this.abort?.abort();
    this.current?.close();
    this.current = null;
    const abort = new AbortController();
    this.abort = abort;
    const labels = chosen.map((e) => e.label);
    const status = progressBox(labels);
    this.result.replaceChildren(status.el);
    try {
      const inv = await openInvestigation({
        snapshots: chosen.map((e) => e.data!.slice(0)),
        labels,
        signal: abort.signal,
        onProgress: (p) => status.update(p),
      });
      if (abort.signal.aborted) return inv.close();
      this.current = inv;
      const view = new InvestigationView(inv, { kind: this.kind, warning: this.processWarning(chosen) });
      this.result.replaceChildren(view.el);
      view.shown();
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      status.fail((error as Error).message);
    }
  }
}
