// "Compare with the solution": a modal with Monaco's diff editor, the reader's code on the left and a
// working fix on the right, file by file. "Apply the solution" is undoable (an undo copy is kept and
// the editor's own undo works too).
import { languageOf, monaco } from './monaco-setup.ts';
import { h, icon, ICONS } from './dom.ts';

export interface SolutionDialogOptions {
  paths: string[];
  mine: (path: string) => string;
  solution: Record<string, string>;
  onApply: () => void;
}

/** Below this width of the diff editor the two sides become one inline view (Monaco's own switch). */
const INLINE_BREAKPOINT_PX = 760;

export function openSolutionDialog(opts: SolutionDialogOptions): HTMLDialogElement {
  const paths = opts.paths.filter((p) => opts.solution[p] !== undefined);
  const differs = (p: string) => opts.mine(p) !== opts.solution[p];
  const title = h('h3', { id: 'lab-solution-title' }, 'Your code compared with a working fix');
  // The file list says which files the solution changes, so the reader knows where to look.
  const fileSelect = h(
    'select',
    { id: 'lab-solution-file', 'aria-label': 'File to compare' },
    ...paths.map((p) =>
      h('option', { value: p, 'data-differs': String(differs(p)) }, `${p} — ${differs(p) ? 'differs' : 'same'}`),
    ),
  );
  const host = h('div', { class: 'lab-diff-editor' });
  const layoutNote = h('p', { class: 'lab-muted lab-diff-layout', role: 'status' });
  const changed = h('p', { class: 'lab-muted lab-diff-note' });
  const close = h('button', { type: 'button', class: 'lab-btn lab-btn-ghost' }, 'Close');
  const apply = h(
    'button',
    { type: 'button', class: 'lab-btn lab-btn-primary' },
    icon(ICONS.solution),
    'Apply the solution',
  );
  const single = paths.length === 1 ? paths[0]! : '';
  const dialog = h(
    'dialog',
    { class: 'lab-dialog lab-solution-dialog', 'aria-labelledby': title.id },
    h(
      'div',
      { class: 'lab-dialog-head' },
      title,
      single ? h('code', {}, `${single} — ${differs(single) ? 'differs' : 'same'}`) : fileSelect,
    ),
    h(
      'p',
      { class: 'lab-muted' },
      'Left: your code (kept). Right: the solution. Applying it replaces your editable files; you can undo that.',
    ),
    layoutNote,
    host,
    h('div', { class: 'lab-dialog-foot' }, changed, close, apply),
  );
  document.body.append(dialog);
  const diff = monaco.editor.createDiffEditor(host, {
    automaticLayout: true,
    readOnly: true,
    originalEditable: false,
    renderSideBySide: true,
    useInlineViewWhenSpaceIsLimited: true,
    renderSideBySideInlineBreakpoint: INLINE_BREAKPOINT_PX,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    wordWrap: 'on',
    diffWordWrap: 'on',
    fontSize: 13,
    renderOverviewRuler: false,
    ariaLabel: 'Your code compared with the solution',
  });
  // The diff editor passes wordWrap to the right side only; the left side wraps when told directly.
  diff.getOriginalEditor().updateOptions({ wordWrap: 'on' });
  diff.getModifiedEditor().updateOptions({ wordWrap: 'on' });

  // One pair of models per file, created on first view and reused: Monaco refuses a second model at
  // the same URI, so switching back to a file must not create it again.
  const models = new Map<string, { mine: monaco.editor.ITextModel; solution: monaco.editor.ITextModel }>();
  const modelFor = (uri: monaco.Uri, text: string, path: string) => {
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, languageOf(path), uri);
    if (model.getValue() !== text) model.setValue(text);
    return model;
  };
  const show = (path: string) => {
    let pair = models.get(path);
    if (!pair) {
      pair = {
        mine: modelFor(monaco.Uri.parse(`inmemory://mine/${path}`), opts.mine(path), path),
        solution: modelFor(monaco.Uri.parse(`inmemory://solution/${path}`), opts.solution[path]!, path),
      };
      models.set(path, pair);
    }
    diff.setModel({ original: pair.mine, modified: pair.solution });
    dialog.dataset.file = path;
    changed.textContent = differs(path) ? '' : 'This file already matches the solution.';
  };
  const first = paths.find(differs) ?? paths[0];
  if (first) {
    fileSelect.value = first;
    show(first);
  }
  fileSelect.addEventListener('change', () => show(fileSelect.value));

  // On a narrow screen Monaco shows one inline view; say so, or the reader looks for a second pane.
  const describeLayout = () => {
    const inline = host.getBoundingClientRect().width < INLINE_BREAKPOINT_PX;
    // Created before the dialog opens, the diff editor has no width yet and starts inline, where
    // Monaco turns the hidden left side's wrapping off (wordWrapOverride2) and never turns it back
    // on: side by side, long lines of your code ran off the pane. Undo that whenever it is shown.
    if (!inline) diff.getOriginalEditor().updateOptions({ wordWrapOverride2: 'inherit' });
    dialog.dataset.layout = inline ? 'inline' : 'side-by-side';
    layoutNote.hidden = !inline;
    layoutNote.textContent = inline
      ? 'Narrow screen: one column. Lines in red are yours, lines in green are the solution’s.'
      : '';
  };
  const resize = new ResizeObserver(describeLayout);
  resize.observe(host);

  const teardown = () => {
    resize.disconnect();
    diff.dispose();
    for (const pair of models.values()) {
      pair.mine.dispose();
      pair.solution.dispose();
    }
    dialog.remove();
  };
  dialog.addEventListener('close', teardown, { once: true });
  close.addEventListener('click', () => dialog.close());
  apply.addEventListener('click', () => {
    opts.onApply();
    dialog.close();
  });
  dialog.showModal();
  describeLayout();
  close.focus();
  return dialog;
}
