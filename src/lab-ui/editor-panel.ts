// Editor with one tab per lab file. Read-only files are marked and cannot be changed; every edit is
// handed to FilesState, which autosaves it.
import {
  APP_ROOT,
  applyTheme,
  languageOf,
  loadTypeLibraries,
  monaco,
  typeErrors,
  type TypeProblem,
} from './monaco-setup.ts';
import { h, icon, ICONS } from './dom.ts';
import type { FilesState } from './files.ts';
import { currentTheme } from '../lib/theme.ts';

export class EditorPanel {
  readonly el: HTMLElement;
  private readonly files: FilesState;
  private readonly tabs = new Map<string, HTMLButtonElement>();
  private readonly models = new Map<string, monaco.editor.ITextModel>();
  private readonly host: HTMLElement;
  private readonly roNote: HTMLElement;
  private editor!: monaco.editor.IStandaloneCodeEditor;
  private active = '';
  private readonly viewStates = new Map<string, monaco.editor.ICodeEditorViewState | null>();
  private readonly listeners: Array<() => void> = [];
  private suppress = false;

  constructor(files: FilesState) {
    this.files = files;
    const tablist = h('div', { class: 'lab-tabs', role: 'tablist', 'aria-label': 'Lab files' });
    this.host = h('div', { class: 'lab-editor-host', role: 'tabpanel' });
    this.roNote = h(
      'p',
      { class: 'lab-ro-note', hidden: true },
      icon(ICONS.lock),
      'Read-only: part of the lab, not something to fix.',
    );
    this.el = h('div', { class: 'lab-editor' }, tablist, this.roNote, this.host);

    for (const f of files.files) {
      const id = `lab-tab-${files.labId}-${f.path.replace(/[^\w-]/g, '_')}`;
      const tab = h(
        'button',
        {
          type: 'button',
          class: 'lab-tab',
          role: 'tab',
          id,
          'aria-selected': 'false',
          tabindex: '-1',
          'data-path': f.path,
        },
        f.editable ? null : icon(ICONS.lock),
        h('span', { class: 'lab-tab-name' }, f.path.split('/').pop() ?? f.path),
        h('span', { class: 'lab-tab-dot', 'aria-hidden': 'true', title: 'Changed from the starter' }),
        f.editable ? null : h('span', { class: 'visually-hidden' }, ' (read-only)'),
      );
      tab.title = f.editable ? f.path : `${f.path} (read-only)`;
      tab.addEventListener('click', () => this.open(f.path));
      tab.addEventListener('keydown', (e) => this.onTabKey(e));
      this.tabs.set(f.path, tab);
      tablist.append(tab);
      const uri = monaco.Uri.parse(APP_ROOT + f.path);
      const model =
        monaco.editor.getModel(uri) ?? monaco.editor.createModel(files.text(f.path), languageOf(f.path), uri);
      model.setValue(files.text(f.path));
      this.models.set(f.path, model);
      if (f.editable) {
        const sub = model.onDidChangeContent(() => {
          if (this.suppress) return;
          files.edit(f.path, model.getValue());
          this.refreshTab(f.path);
          for (const l of this.listeners) l();
        });
        this.disposables.push(sub);
      }
    }
  }

  private readonly disposables: monaco.IDisposable[] = [];

  /** Creates the Monaco instance; call once the panel is in the document. */
  mount(): void {
    applyTheme(currentTheme());
    this.editor = monaco.editor.create(this.host, {
      automaticLayout: true,
      fontSize: 13.5,
      lineHeight: 20,
      fontFamily: "ui-monospace, 'SFMono-Regular', 'Cascadia Code', 'JetBrains Mono', Menlo, Consolas, monospace",
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      wrappingIndent: 'indent',
      tabSize: 2,
      renderLineHighlight: 'line',
      padding: { top: 10, bottom: 10 },
      fixedOverflowWidgets: true,
      stickyScroll: { enabled: false },
      ariaLabel: 'Lab code editor',
      readOnlyMessage: { value: 'This file is part of the lab and cannot be edited.' },
    });
    const first = this.files.files.find((f) => f.editable) ?? this.files.files[0]!;
    this.open(first.path);
    for (const f of this.files.files) this.refreshTab(f.path);
    this.disposables.push(monaco.editor.onDidChangeMarkers((uris) => this.onMarkers(uris)));
    void loadTypeLibraries(this.files.labId)
      .then(() => this.checkAllTypes())
      .then(() => (this.el.dataset.types = 'checked'));
  }

  /** Once the type libraries are in: every TypeScript file's errors, whether or not it was opened. */
  private async checkAllTypes(): Promise<void> {
    for (const [path, model] of this.models) {
      if (model.getLanguageId() !== 'typescript') continue;
      this.showProblems(path, await typeErrors(model));
    }
  }

  private onMarkers(uris: readonly monaco.Uri[]): void {
    for (const uri of uris) {
      const path = [...this.models].find(([, m]) => m.uri.toString() === uri.toString())?.[0];
      if (!path) continue;
      const errors = monaco.editor
        .getModelMarkers({ resource: uri })
        .filter((m) => m.severity === monaco.MarkerSeverity.Error)
        .map((m) => ({ line: m.startLineNumber, message: m.message }));
      this.showProblems(path, errors);
    }
  }

  /** Marks a tab whose file has type errors: a count on the tab, the first messages in its title. */
  private showProblems(path: string, errors: readonly TypeProblem[]): void {
    const tab = this.tabs.get(path);
    if (!tab) return;
    tab.dataset.errors = String(errors.length);
    const base = this.files.file(path)?.editable ? path : `${path} (read-only)`;
    tab.title = errors.length
      ? `${base}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n${errors
          .slice(0, 3)
          .map((m) => `line ${m.line}: ${m.message}`)
          .join('\n')}`
      : base;
  }

  onEdit(listener: () => void): void {
    this.listeners.push(listener);
  }

  open(path: string): void {
    const model = this.models.get(path);
    if (!model) return;
    if (this.active) this.viewStates.set(this.active, this.editor.saveViewState());
    this.active = path;
    const editable = this.files.file(path)?.editable ?? false;
    this.editor.setModel(model);
    this.editor.updateOptions({
      readOnly: !editable,
      ariaLabel: `${path}${editable ? '' : ' (read-only)'}, lab code editor`,
    });
    const vs = this.viewStates.get(path);
    if (vs) this.editor.restoreViewState(vs);
    this.roNote.hidden = editable;
    for (const [p, tab] of this.tabs) {
      const on = p === path;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on) this.host.setAttribute('aria-labelledby', tab.id);
    }
  }

  activePath(): string {
    return this.active;
  }

  /** Opens `path` at `line` (1-based), centred and selected, and gives the editor focus. */
  reveal(path: string, line: number): boolean {
    if (!this.models.has(path)) return false;
    this.open(path);
    const at = Math.max(1, Math.min(line, this.models.get(path)!.getLineCount()));
    this.editor.revealLineInCenter(at);
    this.editor.setSelection({ startLineNumber: at, startColumn: 1, endLineNumber: at, endColumn: 1 });
    this.editor.focus();
    return true;
  }

  focus(): void {
    this.editor.focus();
  }

  /** Replaces file texts as one undoable edit (Ctrl+Z in the editor brings the previous text back). */
  setTexts(texts: Record<string, string>): void {
    for (const [path, text] of Object.entries(texts)) {
      const model = this.models.get(path);
      if (!model || model.getValue() === text) continue;
      model.pushStackElement();
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
      model.pushStackElement();
      this.refreshTab(path);
    }
  }

  /** The editor's current text (the model is the source of truth while the lab is open). */
  text(path: string): string {
    return this.models.get(path)?.getValue() ?? '';
  }

  private refreshTab(path: string): void {
    this.tabs.get(path)?.toggleAttribute('data-modified', this.files.isModified(path));
  }

  private onTabKey(e: KeyboardEvent): void {
    const paths = [...this.tabs.keys()];
    const i = paths.indexOf(this.active);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % paths.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + paths.length) % paths.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = paths.length - 1;
    if (next < 0) return;
    e.preventDefault();
    this.open(paths[next]!);
    this.tabs.get(paths[next]!)?.focus();
  }

  setTheme(theme: 'light' | 'dark'): void {
    applyTheme(theme);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.editor?.dispose();
    for (const m of this.models.values()) m.dispose();
  }
}
