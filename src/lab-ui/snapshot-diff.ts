// Shows the comparison of two snapshots. The analysis (parser, diff, retainer paths) and its panel
// belong to src/analysis and src/lab-ui/snapshots/; this file only hands them the two snapshots.
// Until that panel is part of the build, the reader gets the two files to compare in Chrome DevTools.
import { h } from './dom.ts';
import type { SnapshotEntry } from './snapshots-list.ts';

type PanelModule = {
  mountSnapshotDiff?: (host: HTMLElement, base: { label: string; data: ArrayBuffer }, target: { label: string; data: ArrayBuffer }) => unknown;
};
const panel = import.meta.glob<PanelModule>('./snapshots/index.ts');

export async function showDiff(host: HTMLElement, base: SnapshotEntry, target: SnapshotEntry): Promise<void> {
  if (!base.data || !target.data) return;
  const load = panel['./snapshots/index.ts'];
  const mod = load ? await load() : null;
  host.replaceChildren();
  if (mod?.mountSnapshotDiff) {
    await mod.mountSnapshotDiff(host, { label: base.label, data: base.data }, { label: target.label, data: target.data });
    return;
  }
  host.append(
    h('p', { class: 'lab-muted' },
      `To compare "${base.label}" with "${target.label}", download both and load them in Chrome DevTools (Memory panel → Load), then pick the Comparison view.`),
  );
}
