// The lab's tasks: what to do, the last Check verdict per task (with what was observed), progressive
// hints revealed one at a time, and the offer to see the solution once a Check has failed.
import type { LabTask } from '../../contracts/manifest.ts';
import type { TaskResult } from '../../contracts/check-result.ts';
import { h, icon, ICONS } from './dom.ts';
import { readHints, readTasks, saveHintsRevealed, type StorageLike } from '../lib/progress-store.ts';

type TaskState = 'todo' | 'running' | 'pass' | 'fail';

interface TaskView {
  task: LabTask;
  li: HTMLLIElement;
  badge: HTMLElement;
  message: HTMLElement;
  hints: HTMLOListElement;
  hintButton: HTMLButtonElement;
  revealed: number;
}

export class TasksPanel {
  readonly el: HTMLElement;
  private readonly views: TaskView[] = [];
  private readonly summary: HTMLElement;
  private readonly offer: HTMLElement;
  private readonly labId: string;
  private readonly storage: StorageLike;
  onShowSolution: () => void = () => {};

  constructor(labId: string, tasks: readonly LabTask[], storage: StorageLike) {
    this.labId = labId;
    this.storage = storage;
    const saved = readTasks(storage, labId);
    const hintsSeen = readHints(storage, labId);
    this.summary = h('p', { class: 'lab-tasks-summary' });
    const solutionButton = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-sm', onclick: () => this.onShowSolution() },
      icon(ICONS.solution),
      'Compare with the solution',
    );
    this.offer = h(
      'div',
      { class: 'lab-solution-offer', hidden: true },
      h('p', {}, 'Stuck? You can compare your code with a working fix. Your edits stay saved.'),
      solutionButton,
    );
    const list = h('ol', { class: 'lab-tasks' });
    for (const task of tasks) {
      const badge = h('span', { class: 'lab-task-badge' });
      const message = h('p', { class: 'lab-task-message', hidden: true });
      const hints = h('ol', { class: 'lab-hints', 'aria-label': `Hints for ${task.title}` });
      const hintButton = h('button', { type: 'button', class: 'lab-btn lab-btn-ghost lab-btn-sm lab-hint-btn' });
      const li = h(
        'li',
        { class: 'lab-task', 'data-task-id': task.id },
        h('div', { class: 'lab-task-head' }, badge, h('h4', { class: 'lab-task-title' }, task.title)),
        h('p', { class: 'lab-task-desc' }, task.description),
        message,
        hints,
        hintButton,
      );
      const view: TaskView = { task, li, badge, message, hints, hintButton, revealed: 0 };
      hintButton.addEventListener('click', () => this.revealHint(view));
      this.views.push(view);
      list.append(li);
      const prior = saved[task.id];
      this.setState(view, prior ? (prior.passed ? 'pass' : 'fail') : 'todo', prior?.message);
      for (let i = 0; i < Math.min(hintsSeen[task.id] ?? 0, task.hints.length); i++) this.revealHint(view, false);
      this.refreshHintButton(view);
    }
    this.el = h('div', { class: 'lab-tasks-panel' }, this.summary, list, this.offer);
    this.refreshSummary();
  }

  checking(): void {
    for (const v of this.views) this.setState(v, 'running', undefined, true);
    this.summary.textContent = 'Checking your code against every task…';
  }

  result(r: TaskResult): void {
    const v = this.views.find((x) => x.task.id === r.id);
    if (v) this.setState(v, r.passed ? 'pass' : 'fail', r.message);
  }

  /** After a Check ends; returns the sentence announced to screen readers. */
  finished(tasks: readonly TaskResult[]): string {
    for (const r of tasks) this.result(r);
    for (const v of this.views) if (v.li.dataset.state === 'running') this.setState(v, 'todo');
    const passed = tasks.filter((t) => t.passed).length;
    if (passed < tasks.length) this.offer.hidden = false;
    this.refreshSummary();
    const failed = tasks.filter((t) => !t.passed).map((t) => `${t.title}: ${t.message}`);
    return passed === tasks.length
      ? `Check passed: all ${tasks.length} task${tasks.length === 1 ? '' : 's'} done.`
      : `Check: ${passed} of ${tasks.length} tasks pass. ${failed.join(' ')}`;
  }

  /** A Check that could not run (lab crashed, runtime gone): tasks go back to their previous state. */
  aborted(reason: string): void {
    const saved = readTasks(this.storage, this.labId);
    for (const v of this.views) {
      const prior = saved[v.task.id];
      this.setState(v, prior ? (prior.passed ? 'pass' : 'fail') : 'todo', prior?.message);
    }
    this.summary.textContent = reason;
  }

  showSolutionOffer(): void {
    this.offer.hidden = false;
  }

  private setState(v: TaskView, state: TaskState, message?: string, keepMessage = false): void {
    v.li.dataset.state = state;
    v.badge.replaceChildren(
      state === 'pass'
        ? icon(ICONS.check)
        : state === 'fail'
          ? icon(ICONS.cross)
          : state === 'running'
            ? h('span', { class: 'lab-spinner', 'aria-hidden': 'true' })
            : '',
      h(
        'span',
        { class: 'visually-hidden' },
        { todo: 'Not checked yet: ', running: 'Checking: ', pass: 'Passed: ', fail: 'Not passing yet: ' }[state],
      ),
    );
    if (!keepMessage) {
      v.message.hidden = !message;
      v.message.textContent = message ? message : '';
    }
  }

  private revealHint(v: TaskView, persist = true): void {
    if (v.revealed >= v.task.hints.length) return;
    const n = v.revealed++;
    const li = h(
      'li',
      { class: 'lab-hint', tabindex: '-1' },
      h('span', { class: 'lab-hint-label' }, `Hint ${n + 1}`),
      v.task.hints[n]!,
    );
    v.hints.append(li);
    if (persist) {
      saveHintsRevealed(this.storage, this.labId, v.task.id, v.revealed);
      li.focus();
    }
    this.refreshHintButton(v);
  }

  private refreshHintButton(v: TaskView): void {
    const total = v.task.hints.length;
    v.hintButton.hidden = v.revealed >= total;
    v.hintButton.replaceChildren(
      icon(ICONS.bulb),
      v.revealed === 0 ? `Show a hint (${total} available)` : `Next hint (${v.revealed + 1} of ${total})`,
    );
  }

  private refreshSummary(): void {
    const passed = this.views.filter((v) => v.li.dataset.state === 'pass').length;
    this.summary.textContent =
      passed === this.views.length
        ? `All ${passed} tasks pass. Well done.`
        : `${passed} of ${this.views.length} tasks pass. Press Check to test your code.`;
  }
}
