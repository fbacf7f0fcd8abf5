// A status line with a progress bar for a running analysis, announced politely to screen readers.
import type { Progress } from '../../analysis/client.ts';
import { formatBytes } from '../../../contracts/format.ts';
import { h } from '../dom.ts';

const PHASES: Record<Progress['phase'], string> = {
  parse: 'Reading',
  dominators: 'Computing retained sizes of',
  summary: 'Summarising',
  diff: 'Comparing',
  paths: 'Tracing retainer paths in',
  done: 'Done with',
};

export function progressBox(labels: string[]): {
  el: HTMLElement;
  update(p: Progress): void;
  fail(message: string): void;
} {
  const bar = h('progress', { class: 'snap-progress', max: 1, value: 0 });
  const text = h('span', {}, 'Starting the analysis…');
  const box = h('div', { class: 'snap-status', role: 'status' }, text, bar);
  return {
    el: box,
    update(p) {
      const name = labels[p.snapshot] ?? `snapshot ${p.snapshot + 1}`;
      const done = p.totalBytes
        ? ` ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`
        : p.phase === 'parse'
          ? ` ${formatBytes(p.bytes)}`
          : '';
      text.textContent = `${PHASES[p.phase]} "${name}"${done}…`;
      // Parsing dominates; each snapshot's share of the bar grows with its bytes read.
      const within =
        p.phase === 'parse' && p.totalBytes ? (p.bytes / p.totalBytes) * 0.7 : p.phase === 'parse' ? 0 : 0.85;
      bar.value = Math.min(1, (p.snapshot + within) / p.snapshots);
    },
    fail(message) {
      box.classList.add('snap-error');
      box.setAttribute('role', 'alert');
      bar.remove();
      text.textContent = `The analysis failed: ${message}`;
    },
  };
}
