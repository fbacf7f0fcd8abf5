// The lab's console: its own output with ANSI colours (HTML escaped by ansi_up), plus the lab's
// events as short system lines. Bounded so a chatty lab cannot grow the page without limit.
import { AnsiUp } from 'ansi_up';
import { LineSplitter } from '../../contracts/lines.ts';
import { h } from './dom.ts';

const MAX_LINES = 1500;

export type LineKind = 'out' | 'info' | 'ok' | 'warn' | 'error';

export class OutputPane {
  readonly el: HTMLElement;
  private readonly log: HTMLElement;
  private readonly ansi = new AnsiUp();
  private readonly partial = new LineSplitter();
  private lines = 0;

  constructor() {
    this.ansi.use_classes = true;
    this.ansi.escape_html = true;
    this.log = h('div', { class: 'lab-output-log', role: 'log', 'aria-label': 'Lab output', tabindex: '0' });
    const clear = h(
      'button',
      { type: 'button', class: 'lab-btn lab-btn-ghost lab-btn-sm', onclick: () => this.clear() },
      'Clear',
    );
    this.el = h('div', { class: 'lab-output' }, h('div', { class: 'lab-output-bar' }, clear), this.log);
  }

  /** Raw output from the lab (may contain partial lines and ANSI escapes). */
  write(text: string): void {
    for (const line of this.partial.push(text)) this.addLine(this.ansi.ansi_to_html(line), 'out');
  }

  /** A line from the lab UI itself (scenario started, service restarted…). */
  note(text: string, kind: LineKind = 'info'): void {
    this.flushPartial();
    const span = document.createElement('span');
    span.textContent = text;
    this.addLine(span.outerHTML, kind);
  }

  text(): string {
    return this.log.textContent ?? '';
  }

  clear(): void {
    this.log.replaceChildren();
    this.lines = 0;
  }

  private flushPartial(): void {
    for (const rest of this.partial.flush()) this.addLine(this.ansi.ansi_to_html(rest), 'out');
  }

  private addLine(html: string, kind: LineKind): void {
    const stick = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 24;
    const div = document.createElement('div');
    div.className = `lab-line lab-line-${kind}`;
    div.innerHTML = html || '&#8203;';
    this.log.append(div);
    if (++this.lines > MAX_LINES) {
      this.log.firstElementChild?.remove();
      this.lines--;
    }
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }
}
