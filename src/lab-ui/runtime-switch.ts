// The visible runtime switch: local runner or WebContainer, with the reason a runtime is unavailable.
import type { RuntimeAvailability, RuntimeKind } from '../runtime/types.ts';
import { h } from './dom.ts';

export const RUNTIME_NAMES: Record<RuntimeKind, string> = {
  local: 'Local Node runner',
  webcontainer: 'WebContainer (in this tab)',
};

export class RuntimeSwitch {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly why: HTMLElement;
  private list: RuntimeAvailability[] = [];
  onChange: (kind: RuntimeKind) => void = () => {};

  constructor(labId: string) {
    this.select = h('select', {
      id: `lab-${labId}-runtime`,
      class: 'lab-select',
      'aria-describedby': `lab-${labId}-runtime-why`,
    });
    this.select.append(h('option', {}, 'Looking for a runtime…'));
    this.select.disabled = true;
    this.why = h('p', { class: 'lab-runtime-why', id: `lab-${labId}-runtime-why` });
    this.select.addEventListener('change', () => this.onChange(this.select.value as RuntimeKind));
    this.el = h('div', { class: 'lab-runtime' }, h('label', { for: this.select.id }, 'Runs on'), this.select, this.why);
  }

  set(list: RuntimeAvailability[], current: RuntimeKind | null): void {
    this.list = list;
    this.select.replaceChildren(
      ...list.map((r) =>
        h(
          'option',
          { value: r.kind, disabled: !r.available, title: r.reason ?? '' },
          `${RUNTIME_NAMES[r.kind]}${r.available ? '' : ' — unavailable'}`,
        ),
      ),
    );
    if (current) this.select.value = current;
    this.select.disabled = list.filter((r) => r.available).length < 2 && current !== null;
    this.explain();
  }

  private explain(): void {
    const off = this.list.filter((r) => !r.available && r.reason);
    this.why.textContent = off.map((r) => `${RUNTIME_NAMES[r.kind]}: ${r.reason}`).join(' ');
    this.why.hidden = off.length === 0;
  }

  value(): RuntimeKind | null {
    return (this.select.value as RuntimeKind) || null;
  }
}
