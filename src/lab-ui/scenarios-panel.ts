// One button per scenario of the manifest, with its description; shows progress while one runs and
// lets the reader stop it.
import type { LabManifest } from '../../contracts/manifest.ts';
import { h, icon, ICONS } from './dom.ts';

export class ScenariosPanel {
  readonly el: HTMLElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly progress: HTMLElement;
  private readonly cancel: HTMLButtonElement;
  private running: string | null = null;
  private enabled = false;
  onRun: (id: string) => void = () => {};
  onCancel: () => void = () => {};

  constructor(manifest: LabManifest) {
    const list = h('div', { class: 'lab-scenario-list' });
    for (const s of manifest.scenarios) {
      const descId = `lab-${manifest.id}-sc-${s.id}`;
      const b = h(
        'button',
        { type: 'button', class: 'lab-scenario', 'data-scenario': s.id, 'aria-describedby': descId, disabled: true },
        h('span', { class: 'lab-scenario-label' }, icon(ICONS.play2), s.label),
        h('span', { class: 'lab-scenario-desc', id: descId }, s.description),
      );
      b.addEventListener('click', () => {
        // Disable at once: the 'start' event follows, and a double click must not queue a second run.
        this.started(s.id, `Starting ${s.label}…`);
        this.onRun(s.id);
      });
      this.buttons.set(s.id, b);
      list.append(b);
    }
    this.progress = h('p', { class: 'lab-scenario-progress', role: 'status', 'aria-live': 'polite' });
    this.cancel = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-ghost lab-btn-sm', hidden: true, onclick: () => this.onCancel() },
      icon(ICONS.stop),
      'Stop scenario',
    );
    this.el = h(
      'div',
      { class: 'lab-scenarios' },
      list,
      h('div', { class: 'lab-scenario-status' }, this.progress, this.cancel),
    );
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    this.refresh();
  }

  started(id: string, message: string): void {
    this.running = id;
    this.progress.textContent = message || `Running ${this.label(id)}…`;
    this.refresh();
  }

  progressed(message: string): void {
    this.progress.textContent = message;
  }

  ended(id: string, message: string, failed = false): void {
    if (this.running === id) this.running = null;
    this.progress.textContent = message || `${this.label(id)} finished.`;
    this.progress.classList.toggle('lab-bad-text', failed);
    this.refresh();
  }

  reset(): void {
    this.running = null;
    this.refresh();
  }

  private label(id: string): string {
    return this.buttons.get(id)?.querySelector('.lab-scenario-label')?.textContent ?? id;
  }

  private refresh(): void {
    for (const [id, b] of this.buttons) {
      b.disabled = !this.enabled || this.running !== null;
      b.toggleAttribute('data-running', this.running === id);
    }
    this.cancel.hidden = this.running === null;
  }
}
