// The lab workspace's view, assembled from small panels: editor (left), scenarios + memory chart + tasks /
// output / snapshots (right). It picks the runtime, hands the reader's commands to the lab session
// (lab-session.ts, which owns the lab's state) and turns the session's updates into panel updates.
import type { TaskResult } from '../../contracts/check-result.ts';
import type { LabEvent } from '../../contracts/lab-protocol.ts';
import type { LabManifest } from '../../contracts/manifest.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { RuntimeKind } from '../runtime/types.ts';
import {
  createRuntime,
  listRuntimes,
  pickRuntime,
  saveRuntimePreference,
  savedRuntimePreference,
} from '../runtime/choose.ts';
import { loadSolution } from './bundle.ts';
import type { LabFile } from './files.ts';
import { h, icon, ICONS, injectStyle } from './dom.ts';
import type { EditorPanel } from './editor-panel.ts';
import { FilesState } from './files.ts';
import { MemoryChart, type ChartMarker } from './memory-chart.ts';
import { OutputPane } from './output-pane.ts';
import { LabSession, type LabStatus, type SessionState, type SessionUpdate } from './lab-session.ts';
import { RuntimeSwitch, RUNTIME_NAMES } from './runtime-switch.ts';
import { ScenariosPanel } from './scenarios-panel.ts';
import { SnapshotsList, type SnapshotEntry } from './snapshots-list.ts';
import type { Workspace } from './snapshots/workspace.ts';
import { TasksPanel } from './tasks-panel.ts';
import { capabilityNotices } from './notices.ts';
import { SideTabs } from './side-tabs.ts';
import type { PprofPanel } from './pprof/pprof-panel.ts';
import { watchTheme } from '../lib/theme.ts';
import { breakOut } from './breakout.ts';
import labCss from './lab-ui.css?inline';

const STATUS_TEXT: Record<LabStatus, string> = {
  idle: 'Not running',
  checking: 'Checking…',
  starting: 'Starting…',
  running: 'Running',
  restarting: 'Restarting…',
  stopped: 'Stopped',
  crashed: 'Crashed',
};
/** how long the editor waits for the service's first 'ready' before loading anyway */
const EDITOR_WAIT_MS = 2_000;

export class LabApp {
  readonly section: HTMLElement;
  readonly manifest: LabManifest;
  private root!: HTMLElement;
  private files!: FilesState;
  private editor: EditorPanel | null = null;
  private editorSlot!: HTMLElement;
  private output = new OutputPane();
  private readonly chart: MemoryChart;
  private scenarios!: ScenariosPanel;
  private tasks!: TasksPanel;
  private snapshots!: SnapshotsList;
  /**
   * Go labs: profiles instead of heap snapshots (its module loads with the lab). Node labs: the same
   * panel for allocation sites, beside the snapshots, once a service says it samples allocations.
   */
  private readonly isGo: boolean;
  private pprof: PprofPanel | null = null;
  private pprofReady: Promise<PprofPanel> | null = null;
  /** The investigation workspace, loaded with the analysis on first use. */
  private workspace: Workspace | null = null;
  private workspaceHost!: HTMLElement;
  /** Identifies the service process that writes the next snapshot (pid and when it became ready). */
  private processKey = '';
  private runtimeSwitch!: RuntimeSwitch;
  private tabs!: SideTabs;
  private readonly session: LabSession;
  private scenarioMarks = new Map<string, ChartMarker>();
  private checkMark: ChartMarker | null = null;
  private snapshotMark: ChartMarker | null = null;
  private lastScenarioLabel: string | null = null;
  private solution: Record<string, string> | null = null;
  private stopWatchingTheme: () => void = () => {};
  private breakout = { refresh() {}, stop() {} };
  // toolbar controls
  private statusPill!: HTMLElement;
  private runButton!: HTMLButtonElement;
  private stopButton!: HTMLButtonElement;
  private snapButton!: HTMLButtonElement;
  private checkButton!: HTMLButtonElement;
  private staleNote!: HTMLElement;
  private notices!: HTMLElement;
  private undoBar!: HTMLElement;
  private saveState!: HTMLElement;
  private live!: HTMLElement;

  constructor(section: HTMLElement, manifest: LabManifest) {
    this.section = section;
    this.manifest = manifest;
    this.isGo = manifest.language === 'go';
    this.chart = new MemoryChart({ heapLimitMb: manifest.heapLimitMb, language: manifest.language ?? 'node' });
    this.session = new LabSession({ labId: manifest.id, storage: localStorage });
    this.session.subscribe((u) => this.onUpdate(u));
  }

  /**
   * Shows the workspace and starts the lab at once; the editor (Monaco, the largest download) arrives
   * through `editorModule` and is attached when ready, so the service does not wait for it.
   */
  mount(starter: LabFile[], loadEditor: () => Promise<typeof import('./editor-panel.ts')>): void {
    injectStyle('lab-ui', labCss);
    this.files = new FilesState(this.manifest.id, starter, localStorage);
    this.build();
    this.section.dataset.started = 'true';
    this.breakout = breakOut(this.root);
    this.stopWatchingTheme = watchTheme((t) => {
      this.editor?.setTheme(t);
      this.chart.retheme();
    });
    addEventListener('pagehide', this.onPageHide);
    addEventListener('pageshow', this.onPageShow);
    this.root.querySelector<HTMLElement>('.lab-app-title')?.focus();
    // Evaluating Monaco keeps the main thread busy for seconds on a slow machine; start the lab first so
    // the reader sees it running (and it is not delayed), then bring in the editor.
    let editorRequested = false;
    const requestEditor = () => {
      if (editorRequested) return;
      editorRequested = true;
      loadEditor().then(
        ({ EditorPanel }) => this.attachEditor(new EditorPanel(this.files)),
        (err) => this.fail(err, 'The code editor could not load'),
      );
    };
    // Load the editor once the service answers, or after a short wait if it is slow to boot.
    this.afterStartRequested = () => setTimeout(requestEditor, EDITOR_WAIT_MS);
    this.afterReady = requestEditor;
    void this.chooseRuntime()
      .catch((err) => this.fail(err, 'The lab could not start'))
      .finally(requestEditor);
  }

  /** Called once the first start request has gone out (or failed), and on every 'ready'. */
  private afterStartRequested: () => void = () => {};
  private afterReady: () => void = () => {};

  private attachEditor(editor: EditorPanel): void {
    this.editor = editor;
    editor.onEdit(() => this.onEdited());
    this.editorSlot.replaceWith(editor.el);
    editor.mount();
    this.root.dataset.editor = 'ready';
  }

  // ---- layout ----------------------------------------------------------------------------------

  private build(): void {
    const m = this.manifest;
    this.statusPill = h('span', { class: 'lab-status', 'data-status': 'idle', role: 'status' }, STATUS_TEXT.idle);
    this.runtimeSwitch = new RuntimeSwitch(m.id);
    this.runtimeSwitch.onChange = (kind) => void this.switchRuntime(kind);
    this.runButton = h(
      'button',
      {
        type: 'button',
        class: 'lab-btn',
        'aria-keyshortcuts': 'Control+Enter',
        title: 'Run your code (Ctrl+Enter)',
        onclick: () => void this.run(),
      },
      icon(ICONS.play),
      h('span', {}, 'Run'),
    );
    this.stopButton = h(
      'button',
      { type: 'button', class: 'lab-btn', disabled: true, onclick: () => void this.stop() },
      icon(ICONS.stop),
      'Stop',
    );
    this.snapButton = h(
      'button',
      { type: 'button', class: 'lab-btn', disabled: true, onclick: () => void this.snapshot() },
      icon(ICONS.camera),
      'Snapshot',
    );
    this.checkButton = h(
      'button',
      {
        type: 'button',
        class: 'lab-btn lab-btn-primary',
        'aria-keyshortcuts': 'Control+Shift+Enter',
        title: 'Check your fix against the tasks (Ctrl+Shift+Enter)',
        onclick: () => this.check(),
      },
      icon(ICONS.check),
      'Check',
    );
    const expand = h(
      'button',
      {
        type: 'button',
        class: 'lab-btn lab-btn-ghost lab-btn-icon',
        'aria-pressed': 'false',
        'aria-label': 'Focus mode (fill the window)',
        title: 'Focus mode',
        onclick: () => this.toggleFull(),
      },
      icon(ICONS.expand),
    );
    this.staleNote = h(
      'p',
      { class: 'lab-stale', hidden: true },
      'Your latest edits are not running yet. Press Restart to apply them.',
    );
    this.notices = h('div', { class: 'lab-notices' });
    this.live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });

    const toolbar = h(
      'div',
      { class: 'lab-toolbar' },
      h(
        'div',
        { class: 'lab-toolbar-title' },
        h('span', { class: 'lab-eyebrow' }, 'Lab'),
        h('h3', { class: 'lab-app-title', tabindex: '-1' }, m.title),
        this.statusPill,
      ),
      this.runtimeSwitch.el,
      h(
        'div',
        { class: 'lab-actions', role: 'group', 'aria-label': 'Lab controls' },
        this.runButton,
        this.stopButton,
        this.snapButton,
        this.checkButton,
        expand,
      ),
    );

    // editor column (the editor itself is attached when its module has loaded)
    this.editorSlot = h(
      'div',
      { class: 'lab-editor lab-editor-loading', role: 'status' },
      h('span', { class: 'lab-spinner', 'aria-hidden': 'true' }),
      'Loading the editor…',
    );
    this.saveState = h('span', { class: 'lab-save-state', role: 'status' });
    const reset = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-ghost lab-btn-sm', onclick: () => this.reset() },
      icon(ICONS.reset),
      'Reset',
    );
    const showSolution = h(
      'button',
      {
        type: 'button',
        class: 'lab-btn lab-btn-ghost lab-btn-sm',
        'aria-expanded': 'false',
        'aria-controls': `lab-${m.id}-solution-confirm`,
      },
      icon(ICONS.solution),
      'Solution',
    );
    // Asking first: seeing the answer before trying is a choice the reader makes on purpose.
    const confirmBar = h(
      'div',
      { class: 'lab-confirm', id: `lab-${m.id}-solution-confirm`, hidden: true },
      h('span', {}, 'See a working solution? Your code stays saved, and nothing changes unless you apply it.'),
      h(
        'button',
        {
          type: 'button',
          class: 'lab-btn lab-btn-sm lab-btn-primary',
          onclick: () => {
            toggleConfirm(false);
            void this.showSolution();
          },
        },
        'Compare with the solution',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'lab-btn lab-btn-ghost lab-btn-sm',
          onclick: () => {
            toggleConfirm(false);
            showSolution.focus();
          },
        },
        'Not yet',
      ),
    );
    const toggleConfirm = (open: boolean) => {
      confirmBar.hidden = !open;
      showSolution.setAttribute('aria-expanded', String(open));
      if (open) confirmBar.querySelector<HTMLButtonElement>('.lab-btn-primary')?.focus();
    };
    showSolution.addEventListener('click', () => toggleConfirm(confirmBar.hidden !== false));
    this.undoBar = h('div', { class: 'lab-undo', hidden: true });
    const editorCol = h(
      'div',
      { class: 'lab-col lab-col-editor' },
      this.editorSlot,
      h(
        'div',
        { class: 'lab-editor-foot' },
        this.saveState,
        h(
          'span',
          { class: 'lab-kbd-hint' },
          ' · ',
          h('kbd', {}, 'Ctrl'),
          '+',
          h('kbd', {}, 'M'),
          ' lets Tab leave the editor',
        ),
        h('span', { class: 'lab-spacer' }),
        reset,
        showSolution,
      ),
      confirmBar,
      this.undoBar,
    );

    // side column
    this.scenarios = new ScenariosPanel(m);
    this.scenarios.onRun = (id) => void this.runScenario(id);
    this.scenarios.onCancel = () => void this.session.cancelScenario();
    this.tasks = new TasksPanel(m.id, m.tasks, localStorage);
    this.tasks.onShowSolution = () => void this.showSolution();
    this.snapshots = new SnapshotsList(m.id);
    this.snapshots.onInvestigate = () => void this.investigate(true);
    this.snapshots.onChange = () => this.workspace?.setEntries(this.snapshots.entries);
    this.workspaceHost = h('section', {
      class: 'lab-investigate',
      id: `lab-${m.id}-investigate`,
      'aria-label': 'Investigate heap snapshots',
      hidden: true,
    });
    this.tabs = new SideTabs(m.id, [
      { id: 'tasks', label: 'Tasks', panel: this.tasks.el },
      { id: 'output', label: 'Output', panel: this.output.el },
      // a Go service has no heap snapshots: its profiles have a panel of their own below
      ...(this.isGo ? [] : [{ id: 'snapshots', label: 'Snapshots', panel: this.snapshots.el }]),
    ]);
    this.snapButton.hidden = this.isGo;
    const sideCol = h(
      'div',
      { class: 'lab-col lab-col-side' },
      h(
        'section',
        { class: 'lab-card', 'aria-label': 'Scenarios' },
        h('h4', { class: 'lab-card-title' }, 'Trigger the incident'),
        this.scenarios.el,
      ),
      h(
        'section',
        { class: 'lab-card lab-card-chart', 'aria-label': 'Memory' },
        h('h4', { class: 'lab-card-title' }, 'Memory'),
        this.chart.el,
      ),
      this.tabs.el,
    );

    this.root = h(
      'div',
      { class: 'lab-app', 'data-lab-app': m.id },
      toolbar,
      this.staleNote,
      this.notices,
      h('div', { class: 'lab-body' }, editorCol, sideCol),
      this.workspaceHost,
      this.live,
    );
    if (this.isGo) this.mountPprof();
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    this.section.append(this.root);
    this.refreshSaveState();
    this.refreshUndo();
    this.refreshControls();
  }

  private mountPprof(): void {
    if (this.pprofReady) return;
    const slot = h('div', { class: 'lab-card pp-panel', role: 'status' }, 'Loading the profiles panel…');
    this.root.insertBefore(slot, this.live);
    this.pprofReady = import('./pprof/pprof-panel.ts').then(({ PprofPanel }) => {
      const panel = new PprofPanel({
        labId: this.manifest.id,
        language: this.isGo ? 'go' : 'node',
        capture: (kind, label) => this.session.profile(kind, label),
        lastScenario: () => this.lastScenarioLabel,
        source: {
          files: this.manifest.files.map((f) => f.path),
          open: (file, line) => {
            if (this.editor?.reveal(file, line)) this.editorSlot.scrollIntoView({ block: 'nearest' });
          },
        },
      });
      this.pprof = panel;
      slot.replaceWith(panel.el);
      this.refreshControls();
      return panel;
    });
    this.pprofReady.catch((err) => this.fail(err, 'The profiles panel could not load'));
  }

  /** A Go lab that cannot run here still shows its recorded profiles, and says what running it needs. */
  private goUnavailable(): void {
    void this.pprofReady?.then((p) => p.showFallback());
  }

  // ---- runtime ---------------------------------------------------------------------------------

  private async chooseRuntime(): Promise<void> {
    const list = await listRuntimes();
    const kind = pickRuntime(list, savedRuntimePreference());
    this.runtimeSwitch.set(list, kind);
    if (!kind) {
      if (this.isGo) this.goUnavailable();
      this.notice(
        'error',
        `This lab cannot run here. ${list.map((r) => `${RUNTIME_NAMES[r.kind]}: ${r.reason ?? 'unavailable'}`).join(' ')} Your edits are still saved in this browser.`,
      );
      return;
    }
    await this.useRuntime(kind);
    await this.run();
  }

  private async useRuntime(kind: RuntimeKind): Promise<void> {
    await this.session.dispose();
    try {
      await this.session.attach(await createRuntime(kind));
    } catch (err) {
      this.fail(err, `Could not load the ${RUNTIME_NAMES[kind]}`);
      return;
    }
    this.root.dataset.runtime = kind;
  }

  private async switchRuntime(kind: RuntimeKind): Promise<void> {
    if (kind === this.session.state.runtime) return;
    saveRuntimePreference(kind);
    this.output.note(`Switching to the ${RUNTIME_NAMES[kind]}. Your edits are kept.`);
    await this.useRuntime(kind);
    await this.run();
  }

  run(): Promise<boolean> {
    if (this.isGo && this.session.state.runtime === 'webcontainer') {
      // WebContainer runs Node only: there is no Go toolchain in it
      this.goUnavailable();
      this.notice(
        'warn',
        'This Go lab cannot run in the browser: it needs the local runner (`npm start`) and Go 1.26 or newer.',
      );
      return Promise.resolve(false);
    }
    return this.session.run(this.files.editableSnapshot());
  }

  stop(): Promise<void> {
    return this.session.stop();
  }

  private onUpdate(u: SessionUpdate): void {
    switch (u.type) {
      case 'state':
        this.showState(u.state);
        return;
      case 'starting':
        this.scenarios.reset();
        this.output.note(`Starting the lab on the ${RUNTIME_NAMES[u.runtime]}…`);
        return;
      case 'start-sent':
        this.afterStartRequested();
        return;
      case 'event':
        this.onEvent(u.event);
        return;
      case 'check-ended':
        this.checkEnded(u.results, u.problem);
        return;
      case 'ready-timeout':
        this.notice(
          'error',
          `The lab's service did not answer within ${u.seconds} s. Look at the Output tab for its messages; your edits are saved.`,
        );
        this.tabs.select('output');
        return;
      case 'failed':
        this.output.note(u.message, 'error');
        this.notice('error', u.message);
        return;
    }
  }

  private onEvent(ev: RuntimeEvent): void {
    switch (ev.type) {
      case 'output':
        this.output.write(ev.text);
        return;
      case 'stopped':
        this.output.note(`Lab stopped: ${ev.reason}`, 'info');
        return;
      default:
        this.onLabEvent(ev);
    }
  }

  private onLabEvent(ev: LabEvent): void {
    switch (ev.type) {
      case 'ready':
        this.processKey = `${ev.pid ?? 'service'}@${Date.now()}`;
        if (ev.restarts > 0)
          this.chart.mark({ kind: 'restart', start: this.chart.now(), label: `restart ${ev.restarts}` });
        this.output.note(
          `Service ready on port ${ev.port} (${ev.caps.goVersion ? `Go ${ev.caps.goVersion.replace(/^go/, '')}` : `Node ${ev.caps.nodeVersion}`}${ev.restarts ? `, restart ${ev.restarts}` : ''}).`,
          'ok',
        );
        this.renderCapabilityNotices();
        // a Node lab's allocation sites: only where the runtime samples them (node:inspector)
        if (!this.isGo && ev.caps.allocationSampling) this.mountPprof();
        this.afterReady();
        return;
      case 'metrics':
        this.chart.add(ev);
        return;
      case 'snapshot':
        void this.receiveSnapshot(ev);
        return;
      case 'profile':
        void this.pprofReady?.then((p) => p.addLive(ev, (path) => this.session.readProfile(path)));
        return;
      case 'warning':
        this.output.note(`${ev.name}: ${ev.message}`, 'warn');
        return;
      case 'exit': {
        const restarting = ev.restartInMs !== null;
        // the runner's machine has no Go, or one older than the lab's go.mod asks for
        if (this.isGo && /needs Go|requires go|go: go\.mod requires/i.test(ev.message)) this.goUnavailable();
        this.output.note(
          `The service exited (${ev.reason}${ev.code !== null ? `, code ${ev.code}` : ''}${ev.signal ? `, ${ev.signal}` : ''}): ${ev.message}${restarting ? ' Restarting it, as an orchestrator would.' : ''}`,
          ev.reason === 'stopped' ? 'info' : 'error',
        );
        if (ev.reason !== 'stopped') {
          this.chart.mark({
            kind: 'restart',
            start: this.chart.now(),
            label: ev.reason === 'oom' ? 'OOM kill' : 'crash',
          });
          this.live.textContent = `The lab's service ${ev.reason === 'oom' ? 'ran out of memory' : 'crashed'}${restarting ? ' and is restarting' : ''}.`;
        }
        return;
      }
      case 'scenario':
        this.onScenario(ev);
        return;
      case 'check':
        if (ev.phase === 'start') {
          this.tasks.checking();
          this.checkMark = this.chart.mark({ kind: 'check', start: this.chart.now(), label: 'Check' });
        } else if (ev.phase === 'task') this.tasks.result(ev.task);
        else this.endCheckMark();
        return;
      case 'error':
        if (ev.message.startsWith('Profile')) this.pprof?.captureFailed();
        this.output.note(ev.message, 'error');
        this.notice('error', ev.message);
        return;
    }
  }

  private onScenario(ev: Extract<LabEvent, { type: 'scenario' }>): void {
    const label = this.manifest.scenarios.find((s) => s.id === ev.id)?.label ?? ev.id;
    if (ev.phase === 'start') {
      this.scenarioMarks.set(ev.id, this.chart.mark({ kind: 'scenario', start: this.chart.now(), label }));
      this.scenarios.started(ev.id, ev.message);
      this.output.note(`▶ ${label}${ev.message ? `: ${ev.message}` : ''}`);
    } else if (ev.phase === 'progress') {
      this.scenarios.progressed(ev.message);
    } else {
      const mark = this.scenarioMarks.get(ev.id);
      if (mark) this.chart.endMark(mark);
      this.scenarioMarks.delete(ev.id);
      const failed = ev.phase === 'error';
      this.scenarios.ended(
        ev.id,
        failed ? `${label} failed: ${ev.message}` : `${label} finished${ev.message ? `: ${ev.message}` : '.'}`,
        failed,
      );
      this.output.note(
        `${failed ? '✖' : '■'} ${label} ${failed ? 'failed' : 'finished'}${ev.message ? `: ${ev.message}` : ''}`,
        failed ? 'error' : 'info',
      );
      if (!failed) this.lastScenarioLabel = label;
    }
  }

  private async runScenario(id: string): Promise<void> {
    if (!(await this.session.runScenario(id))) this.scenarios.reset();
  }

  // ---- snapshots -------------------------------------------------------------------------------

  private async snapshot(): Promise<void> {
    if (!this.session.controls().snapshot) return;
    const n = this.snapshots.entries.length;
    const label =
      n === 0 ? 'baseline' : this.lastScenarioLabel ? `after ${this.lastScenarioLabel}` : `snapshot ${n + 1}`;
    this.live.textContent = 'Taking a heap snapshot…';
    // Writing a snapshot costs the service memory of its own: the chart marks that span.
    this.snapshotMark = this.chart.mark({ kind: 'snapshot', start: this.chart.now(), label: 'snapshot' });
    await this.session.snapshot(label);
  }

  private endSnapshotMark(): void {
    if (this.snapshotMark) this.chart.endMark(this.snapshotMark);
    this.snapshotMark = null;
  }

  private async receiveSnapshot(ev: Extract<LabEvent, { type: 'snapshot' }>): Promise<void> {
    this.endSnapshotMark();
    // The supervisor numbers snapshots afresh when the lab is started again (Restart): the process
    // key keeps the ids of a session's list apart.
    const id = `${ev.id}@${this.processKey}`;
    const entry: SnapshotEntry = {
      id,
      label: ev.label,
      bytes: ev.bytes,
      at: this.chart.now(),
      data: null,
      process: this.processKey,
    };
    this.snapshots.add(entry);
    this.tabs.select('snapshots');
    this.live.textContent = `Snapshot "${ev.label}" taken.`;
    try {
      const data = await this.session.readSnapshot(ev.path);
      this.snapshots.update(id, { data, bytes: data.byteLength });
      if (this.snapshots.entries.filter((e) => e.data).length >= 2) void this.investigate(false);
    } catch (err) {
      this.snapshots.update(id, { error: `Could not fetch it: ${(err as Error).message}` });
    }
  }

  /** Opens the investigation workspace below the editor and shows the latest snapshots in it. */
  private async investigate(reveal: boolean): Promise<void> {
    if (!this.workspace) {
      // The analysis and its views are their own chunk, fetched on first use.
      const { Workspace } = await import('./snapshots/index.ts');
      this.workspace ??= new Workspace(this.manifest.id);
      this.workspaceHost.replaceChildren(this.workspace.el);
    }
    this.workspace.setEntries(this.snapshots.entries);
    this.workspaceHost.hidden = false;
    if (reveal) this.workspaceHost.scrollIntoView({ block: 'start' });
    // The reader's button keeps the view they are reading; a new snapshot shows the latest ones.
    if (reveal && this.workspace.view) return;
    const ready = this.snapshots.entries.filter((e) => e.data).length;
    await this.workspace.open(this.workspace.view ?? (ready >= 2 ? 'diff' : 'summary'));
  }

  // ---- checks ----------------------------------------------------------------------------------

  check(): void {
    if (!this.session.check(this.files.editableSnapshot())) return;
    this.tabs.select('tasks');
    this.tasks.checking();
    this.live.textContent = 'Checking your code…';
  }

  private endCheckMark(): void {
    if (this.checkMark) this.chart.endMark(this.checkMark);
    this.checkMark = null;
  }

  private checkEnded(results: TaskResult[] | null, problem?: string): void {
    this.endCheckMark();
    if (results) {
      this.live.textContent = this.tasks.finished(results);
      this.markCardTasks();
    } else {
      this.tasks.aborted(problem ?? 'The check did not finish.');
      this.live.textContent = problem ?? 'The check did not finish.';
    }
  }

  private markCardTasks(): void {
    for (const li of this.section.querySelectorAll<HTMLElement>('.lab-card-tasks li')) {
      const state = this.root.querySelector<HTMLElement>(`.lab-task[data-task-id="${li.dataset.taskId}"]`)?.dataset
        .state;
      if (state === 'pass') li.dataset.done = 'true';
    }
  }

  // ---- files: reset, solution, undo ------------------------------------------------------------

  private onEdited(): void {
    this.refreshSaveState();
    this.refreshStale();
  }

  private reset(): void {
    if (!this.files.anyModified()) {
      this.live.textContent = 'Your files already match the starter.';
      return;
    }
    this.files.resetToStarter(Date.now());
    this.editor?.setTexts(this.files.editableSnapshot());
    this.onEdited();
    this.refreshUndo('Files reset to the starter.');
  }

  private async showSolution(): Promise<void> {
    try {
      this.solution ??= await loadSolution(this.manifest);
    } catch (err) {
      this.fail(err, 'The solution could not load');
      return;
    }
    const solution = this.solution;
    // Monaco's diff editor: loaded on demand (app.ts must not pull Monaco in before the lab starts).
    const { openSolutionDialog } = await import('./solution-dialog.ts');
    openSolutionDialog({
      paths: this.files.editablePaths(),
      mine: (p) => this.files.text(p),
      solution,
      onApply: () => {
        this.files.replace(solution, 'solution', Date.now());
        this.editor?.setTexts(this.files.editableSnapshot());
        this.onEdited();
        this.refreshUndo('Solution applied.');
        this.editor?.focus();
      },
    });
  }

  private undo(): void {
    const restored = this.files.undo();
    if (!restored) return;
    this.editor?.setTexts(restored);
    this.onEdited();
    this.refreshUndo();
    this.live.textContent = 'Your previous code is back.';
  }

  private refreshUndo(message?: string): void {
    const copy = this.files.undoCopy();
    this.undoBar.hidden = !copy;
    if (!copy) return;
    const text =
      message ?? (copy.reason === 'reset' ? 'You reset this lab to the starter.' : 'You applied the solution.');
    this.undoBar.replaceChildren(
      h('span', {}, `${text} Your previous code is kept.`),
      h('button', { type: 'button', class: 'lab-btn lab-btn-sm', onclick: () => this.undo() }, 'Undo'),
      h(
        'button',
        {
          type: 'button',
          class: 'lab-btn lab-btn-ghost lab-btn-sm',
          'aria-label': 'Dismiss',
          onclick: () => {
            this.files.dropUndo();
            this.refreshUndo();
          },
        },
        '✕',
      ),
    );
    if (message) this.live.textContent = `${text} Undo is available.`;
  }

  private refreshSaveState(): void {
    const modified = this.files.anyModified();
    this.saveState.textContent = !this.files.persisting
      ? 'Edits cannot be saved in this browser (storage full or blocked).'
      : modified
        ? 'Saved in this browser'
        : 'Starter code';
    this.saveState.classList.toggle('lab-bad-text', !this.files.persisting);
  }

  private refreshStale(): void {
    const stale = this.session.state.status === 'running' && this.session.isStale(this.files.editableSnapshot());
    this.staleNote.hidden = !stale;
  }

  // ---- status, notices, keys -------------------------------------------------------------------

  private showState(s: SessionState): void {
    this.statusPill.dataset.status = s.status;
    this.statusPill.textContent = STATUS_TEXT[s.status];
    this.refreshControls();
    this.refreshStale();
  }

  private refreshControls(): void {
    const s = this.session.state;
    const c = this.session.controls();
    this.scenarios.setEnabled(c.scenarios);
    this.runButton.querySelector('span')!.textContent = c.runLabel;
    this.runButton.disabled = !c.run;
    this.stopButton.disabled = !c.stop;
    this.snapButton.disabled = !c.snapshot;
    this.snapButton.setAttribute('aria-busy', String(s.snapshotPending));
    if (!s.snapshotPending) this.endSnapshotMark();
    this.snapButton.title =
      s.caps && !s.caps.heapSnapshot ? 'This runtime cannot take heap snapshots' : 'Take a heap snapshot';
    this.checkButton.disabled = !c.check;
    const profiles = this.isGo ? s.caps?.pprof === true : s.caps?.allocationSampling === true;
    this.pprof?.setEnabled(c.scenarios && s.check === 'none' && profiles);
    // a Node runtime without allocation sampling shows no capture button (profiles taken before stay)
    if (!this.isGo && s.caps) this.pprof?.setCaptureAvailable(profiles);
    this.checkButton.setAttribute('aria-busy', String(s.check !== 'none'));
  }

  private renderCapabilityNotices(): void {
    this.notices.querySelectorAll('[data-caps]').forEach((n) => n.remove());
    const { caps, runtime } = this.session.state;
    if (!caps || !runtime) return;
    for (const text of capabilityNotices(caps, runtime)) this.notice('warn', text, true);
  }

  private notice(kind: 'warn' | 'error', text: string, caps = false): void {
    const close = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-ghost lab-btn-sm', 'aria-label': 'Dismiss this notice' },
      '✕',
    );
    const n = h(
      'div',
      {
        class: `lab-notice lab-notice-${kind}`,
        role: kind === 'error' ? 'alert' : 'note',
        'data-caps': caps ? '' : null,
      },
      h('p', {}, text),
      close,
    );
    close.addEventListener('click', () => n.remove());
    this.notices.append(n);
  }

  private fail(err: unknown, prefix?: string): void {
    const message = err instanceof Error ? err.message : String(err);
    const text = prefix ? `${prefix}: ${message}` : message;
    this.output.note(text, 'error');
    this.notice('error', text);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.root.classList.contains('lab-app-full')) {
      this.toggleFull();
      return;
    }
    if (!(e.ctrlKey || e.metaKey) || e.key !== 'Enter') return;
    e.preventDefault();
    if (e.shiftKey) this.check();
    else if (!this.runButton.disabled) void this.run();
  }

  private toggleFull(): void {
    const on = this.root.classList.toggle('lab-app-full');
    document.documentElement.classList.toggle('lab-full-open', on);
    const b = this.root.querySelector<HTMLButtonElement>('[aria-pressed]')!;
    b.setAttribute('aria-pressed', String(on));
    b.replaceChildren(icon(on ? ICONS.collapse : ICONS.expand));
    b.setAttribute('aria-label', on ? 'Leave focus mode' : 'Focus mode (fill the window)');
    this.breakout.refresh();
  }

  // ---- teardown --------------------------------------------------------------------------------

  private readonly onPageHide = () => {
    void this.session.dispose();
  };

  private readonly onPageShow = (e: PageTransitionEvent) => {
    // Back/forward cache: the runtime was disposed on pagehide; offer to start again.
    if (e.persisted && this.runtimeSwitch.value())
      void this.useRuntime(this.runtimeSwitch.value()!).then(() => this.refreshControls());
  };

  async dispose(): Promise<void> {
    removeEventListener('pagehide', this.onPageHide);
    removeEventListener('pageshow', this.onPageShow);
    this.stopWatchingTheme();
    this.breakout.stop();
    await this.session.dispose();
    this.chart.dispose();
    this.snapshots.dispose();
    this.pprof?.dispose();
    this.workspace?.dispose();
    this.editor?.dispose();
  }
}
