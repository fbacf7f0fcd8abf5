// Browser side of /progress/: renders the learner's progress, exports it, and builds the cohort table.
// The cohort is kept in localStorage so a facilitator can reload the page without losing it.
import { COHORT_KEY } from '../../contracts/storage-keys.ts';
import {
  buildProgressFile,
  collectProgress,
  parseProgressFile,
  progressFileSchema,
  summarizeCohort,
  type Catalog,
  type ProgressFile,
  type TaskState,
} from './progress.ts';
import { h } from '../lab-ui/dom.ts';

const stateLabel: Record<TaskState, string> = {
  passed: 'passed',
  failing: 'tried, not passing yet',
  'not-tried': 'not tried',
};
const stateMark: Record<TaskState, string> = { passed: '✓', failing: '✗', 'not-tried': '·' };

function renderMine(catalog: Catalog, root: HTMLElement): void {
  const mine = collectProgress(localStorage, catalog);
  root.replaceChildren(
    ...catalog.chapters.map((chapter) => {
      const items: HTMLElement[] = [
        h('li', {}, mine.chapters[chapter.slug] ? 'Chapter read' : 'Chapter not opened yet'),
      ];
      for (const lab of chapter.labs) {
        for (const task of lab.tasks) {
          const t = mine.labs[lab.id]?.[task.id];
          const state: TaskState = t ? (t.passed ? 'passed' : 'failing') : 'not-tried';
          items.push(
            h(
              'li',
              {},
              h('span', { class: `state-${state}`, 'aria-hidden': 'true' }, stateMark[state] + ' '),
              `${task.title} — ${stateLabel[state]}`,
            ),
          );
        }
      }
      const quiz = chapter.quizId ? mine.quizzes[chapter.quizId] : undefined;
      items.push(
        h(
          'li',
          {},
          quiz ? `Quiz: ${quiz.correct} of ${quiz.total} right (${quiz.answered} answered)` : 'Quiz: not started',
        ),
      );
      return h(
        'article',
        { class: 'progress-card' },
        h('h3', {}, h('a', { href: `/chapters/${chapter.slug}/` }, chapter.title)),
        h('ul', {}, ...items),
      );
    }),
  );
}

function loadCohort(): ProgressFile[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(COHORT_KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((f) => {
      const parsed = progressFileSchema.safeParse(f);
      return parsed.success ? [parsed.data] : [];
    });
  } catch {
    return [];
  }
}

function renderCohort(catalog: Catalog, files: ProgressFile[], root: HTMLElement): void {
  if (files.length === 0) {
    root.replaceChildren(h('p', {}, 'No progress files added yet.'));
    return;
  }
  const cohort = summarizeCohort(files, catalog);
  const quizChapters = catalog.chapters.filter((c) => c.quizId);
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Learner'), h('th', { scope: 'col' }, 'Chapters read'));
  for (const t of cohort.tasks) head.append(h('th', { scope: 'col', title: t.lab }, `${t.lab}: ${t.title}`));
  for (const c of quizChapters) head.append(h('th', { scope: 'col' }, `Quiz: ${c.title}`));
  const body = cohort.rows.map((row) => {
    const tr = h(
      'tr',
      {},
      h('th', { scope: 'row' }, row.name),
      h('td', {}, `${row.chaptersVisited} / ${catalog.chapters.length}`),
    );
    for (const t of cohort.tasks) {
      const state = row.tasks[t.key];
      tr.append(
        h(
          'td',
          { class: `state-${state}`, title: stateLabel[state] },
          h('span', { 'aria-hidden': 'true' }, stateMark[state]),
          h('span', { class: 'visually-hidden' }, stateLabel[state]),
        ),
      );
    }
    for (const c of quizChapters) {
      const q = row.quizzes[c.quizId!];
      tr.append(h('td', {}, q ? `${q.correct}/${q.total}` : '–'));
    }
    return tr;
  });
  const foot = h('tr', {}, h('td', {}, 'Stuck (tried, failing)'), h('td', {}, ''));
  for (const t of cohort.tasks) foot.append(h('td', t.failing > 0 ? { class: 'stuck' } : {}, String(t.failing)));
  for (const _ of quizChapters) foot.append(h('td', {}, ''));
  root.replaceChildren(
    h(
      'table',
      { class: 'cohort' },
      h('caption', { class: 'visually-hidden' }, 'Cohort progress by learner and task'),
      h('thead', {}, head),
      h('tbody', {}, ...body),
      h('tfoot', {}, foot),
    ),
  );
}

export function mountProgressPage(): void {
  const catalog = JSON.parse(document.getElementById('catalog')!.textContent!) as Catalog;
  renderMine(catalog, document.getElementById('my-progress')!);

  const form = document.getElementById('export-form') as HTMLFormElement;
  const nameInput = document.getElementById('display-name') as HTMLInputElement;
  const exportMessage = document.getElementById('export-message')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      const file = buildProgressFile(localStorage, catalog, nameInput.value);
      const blob = new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' });
      const a = h('a', {
        href: URL.createObjectURL(blob),
        download: `leakbook-progress-${file.name.replace(/[^\w-]+/g, '-')}.json`,
      });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      exportMessage.textContent = `Saved your progress as ${a.download}.`;
    } catch (err) {
      exportMessage.textContent = (err as Error).message;
    }
  });

  let cohort = loadCohort();
  const table = document.getElementById('cohort-table')!;
  const messages = document.getElementById('cohort-messages')!;
  renderCohort(catalog, cohort, table);

  const input = document.getElementById('cohort-files') as HTMLInputElement;
  input.addEventListener('change', async () => {
    const results = await Promise.all(
      [...(input.files ?? [])].map(async (f) => ({
        name: f.name,
        result: parseProgressFile(await f.text(), catalog, f.name),
      })),
    );
    const accepted = results.flatMap((r) => (r.result.ok ? [r.result.file] : []));
    messages.replaceChildren(
      ...results.map((r) =>
        r.result.ok
          ? h('li', { class: 'ok' }, `Added ${r.result.file.name} (${r.name}).`)
          : h('li', { class: 'error' }, r.result.error),
      ),
    );
    if (accepted.length > 0) {
      cohort = [...cohort, ...accepted];
      try {
        localStorage.setItem(COHORT_KEY, JSON.stringify(cohort));
      } catch {
        messages.append(
          h(
            'li',
            { class: 'error' },
            'This browser would not store the cohort; it is shown but will not survive a reload.',
          ),
        );
      }
      renderCohort(catalog, cohort, table);
    }
    input.value = '';
  });

  document.getElementById('cohort-clear')!.addEventListener('click', () => {
    if (cohort.length > 0 && !confirm('Remove every learner from the cohort view? Their files are not affected.'))
      return;
    cohort = [];
    localStorage.removeItem(COHORT_KEY);
    messages.replaceChildren();
    renderCohort(catalog, cohort, table);
  });
}
