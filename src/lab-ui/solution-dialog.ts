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

export function openSolutionDialog(opts: SolutionDialogOptions): HTMLDialogElement {
  const paths = opts.paths.filter((p) => opts.solution[p] !== undefined);
  const title = h('h3', { id: 'lab-solution-title' }, 'Your code compared with a working fix');
  const fileSelect = h(
    'select',
    { id: 'lab-solution-file', 'aria-label': 'File to compare' },
    ...paths.map((p) => h('option', { value: p }, p)),
  );
  const host = h('div', { class: 'lab-diff-editor' });
  const changed = h('p', { class: 'lab-muted lab-diff-note' });
  const close = h('button', { type: 'button', class: 'lab-btn lab-btn-ghost' }, 'Close');
  const apply = h(
    'button',
    { type: 'button', class: 'lab-btn lab-btn-primary' },
    icon(ICONS.solution),
    'Apply the solution',
  );
  const dialog = h(
    'dialog',
    { class: 'lab-dialog lab-solution-dialog', 'aria-labelledby': title.id },
    h('div', { class: 'lab-dialog-head' }, title, paths.length > 1 ? fileSelect : h('code', {}, paths[0] ?? '')),
    h(
      'p',
      { class: 'lab-muted' },
      'Left: your code (kept). Right: the solution. Applying it replaces your editable files; you can undo that.',
    ),
    host,
    h('div', { class: 'lab-dialog-foot' }, changed, close, apply),
  );
  document.body.append(dialog);
  const originals: monaco.editor.ITextModel[] = [];
  const diff = monaco.editor.createDiffEditor(host, {
    automaticLayout: true,
    readOnly: true,
    originalEditable: false,
    renderSideBySide: true,
    useInlineViewWhenSpaceIsLimited: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    wordWrap: 'on',
    diffWordWrap: 'on',
    fontSize: 13,
    renderOverviewRuler: false,
    ariaLabel: 'Your code compared with the solution',
  } as monaco.editor.IStandaloneDiffEditorConstructionOptions);
  const show = (path: string) => {
    const a = monaco.editor.createModel(opts.mine(path), languageOf(path), monaco.Uri.parse(`inmemory://mine/${path}`));
    const b = monaco.editor.createModel(
      opts.solution[path]!,
      languageOf(path),
      monaco.Uri.parse(`inmemory://solution/${path}`),
    );
    originals.push(a, b);
    diff.setModel({ original: a, modified: b });
    const same = opts.mine(path) === opts.solution[path];
    changed.textContent = same ? 'This file already matches the solution.' : '';
  };
  if (paths[0]) show(paths[0]);
  fileSelect.addEventListener('change', () => show(fileSelect.value));
  const teardown = () => {
    diff.dispose();
    for (const m of originals) m.dispose();
    dialog.remove();
  };
  dialog.addEventListener('close', teardown, { once: true });
  close.addEventListener('click', () => dialog.close());
  apply.addEventListener('click', () => {
    opts.onApply();
    dialog.close();
  });
  dialog.showModal();
  close.focus();
  return dialog;
}
