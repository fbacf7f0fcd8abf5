// Renders an analysis report: totals, a Comparison / Leaked / Summary switch, the class table,
// and the retainer paths of the selected class.
import type { ClassPaths, Report } from '../../analysis/analyze.ts';
import { ENGINE_CLASSES } from '../../analysis/classes.ts';
import type { DiffRow, LeakRow } from '../../analysis/diff.ts';
import type { RetainerPath } from '../../analysis/retainers.ts';
import type { ClassRow } from '../../analysis/summary.ts';
import { DataTable, type Column } from './data-table.ts';
import { h } from '../dom.ts';
import { formatBytes } from '../../../contracts/format.ts';
import { count, signedBytes, signedCount } from './numbers.ts';

const DIFF_COLUMNS: Column<DiffRow>[] = [
  { key: 'name', label: 'Constructor', title: 'Class or constructor name', format: (r) => r.name },
  {
    key: 'added',
    label: '# New',
    title: 'Objects in the later snapshot that the earlier one did not have',
    format: (r) => count(r.added),
  },
  {
    key: 'deleted',
    label: '# Deleted',
    title: 'Objects of the earlier snapshot that are gone',
    format: (r) => count(r.deleted),
  },
  {
    key: 'deltaCount',
    label: '# Delta',
    title: 'Change in the number of live objects',
    format: (r) => signedCount(r.deltaCount),
  },
  {
    key: 'addedSize',
    label: 'Alloc. size',
    title: 'Shallow size of the new objects',
    format: (r) => formatBytes(r.addedSize),
  },
  {
    key: 'freedSize',
    label: 'Freed size',
    title: 'Shallow size of the deleted objects',
    format: (r) => formatBytes(r.freedSize),
  },
  { key: 'deltaSize', label: 'Size delta', title: 'Change in shallow size', format: (r) => signedBytes(r.deltaSize) },
];

const LEAK_COLUMNS: Column<LeakRow>[] = [
  { key: 'name', label: 'Constructor', title: 'Class or constructor name', format: (r) => r.name },
  {
    key: 'count',
    label: 'Still alive',
    title: 'Objects allocated between the first and second snapshot that are still alive in the third',
    format: (r) => count(r.count),
  },
  { key: 'shallowSize', label: 'Shallow size', title: 'Their own size', format: (r) => formatBytes(r.shallowSize) },
];

const SUMMARY_COLUMNS: Column<ClassRow>[] = [
  { key: 'name', label: 'Constructor', title: 'Class or constructor name', format: (r) => r.name },
  { key: 'count', label: 'Objects', title: 'Live objects of this class', format: (r) => count(r.count) },
  { key: 'shallowSize', label: 'Shallow size', title: 'Their own size', format: (r) => formatBytes(r.shallowSize) },
  {
    key: 'retainedSize',
    label: 'Retained size',
    title: 'Memory freed if they were all gone',
    format: (r) => formatBytes(r.retainedSize),
  },
];

type ViewId = 'diff' | 'leaks' | 'summary';

export class ReportView {
  readonly el: HTMLElement;
  private readonly report: Report;
  private readonly body: HTMLElement;
  private readonly paths: HTMLElement;
  private readonly switcher: HTMLElement;
  private view: ViewId;

  constructor(report: Report) {
    this.report = report;
    this.view = report.leaks ? 'leaks' : report.diffs.length ? 'diff' : 'summary';
    this.body = h('div', { class: 'snap-view' });
    this.paths = h('section', { class: 'snap-paths', 'aria-live': 'polite', 'aria-label': 'Retainer paths' });
    this.switcher = h('div', { class: 'snap-switch', role: 'group', 'aria-label': 'View' });
    this.el = h('div', { class: 'snap-report' }, this.totals(), this.switcher, this.body, this.paths);
    this.show(this.view);
  }

  private totals(): HTMLElement {
    const snaps = this.report.snapshots;
    const first = snaps[0]!,
      last = snaps[snaps.length - 1]!;
    const delta = last.totals.totalSize - first.totals.totalSize;
    return h(
      'dl',
      { class: 'snap-totals' },
      ...snaps.flatMap((s) => [
        h('dt', {}, s.label),
        h('dd', {}, formatBytes(s.totals.totalSize), h('small', {}, ` · ${count(s.totals.objectCount)} objects`)),
      ]),
      snaps.length > 1 ? h('dt', {}, 'Change') : null,
      snaps.length > 1 ? h('dd', { class: delta > 0 ? 'snap-up' : 'snap-down' }, signedBytes(delta)) : null,
    );
  }

  private show(view: ViewId): void {
    this.view = view;
    const options: [ViewId, string][] = [];
    if (this.report.leaks) options.push(['leaks', 'Leaked objects']);
    if (this.report.diffs.length) options.push(['diff', 'Comparison']);
    options.push(['summary', 'Summary']);
    this.switcher.replaceChildren(
      ...options.map(([id, label]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'snap-switch-btn',
            'aria-pressed': id === view ? 'true' : 'false',
            onclick: () => this.show(id),
          },
          label,
        ),
      ),
    );
    this.paths.replaceChildren();
    const snaps = this.report.snapshots;
    if (view === 'diff') {
      const diff = this.report.diffs[this.report.diffs.length - 1]!;
      const top = diff.rows.find((r) => r.deltaCount > 0 && r.deltaSize > 0 && !ENGINE_CLASSES.has(r.name));
      this.mountTable(
        new DataTable<DiffRow>({
          rows: diff.rows,
          columns: DIFF_COLUMNS,
          sortKey: 'deltaSize',
          caption: `Classes compared between ${snaps[diff.from]!.label} and ${snaps[diff.to]!.label}`,
          highlight: top ? { name: top.name, badge: 'grew most' } : null,
          withPaths: new Set(diff.paths.map((p) => p.name)),
          engine: ENGINE_CLASSES,
        }),
        diff.paths,
        `${snaps[diff.from]!.label} → ${snaps[diff.to]!.label}: objects new in "${snaps[diff.to]!.label}"`,
      );
    } else if (view === 'leaks') {
      const leaks = this.report.leaks!;
      const top = leaks.rows.find((r) => !ENGINE_CLASSES.has(r.name));
      this.body.replaceChildren(
        h(
          'p',
          { class: 'snap-muted' },
          `Objects allocated between "${snaps[0]!.label}" and "${snaps[1]!.label}" that are still alive in "${snaps[2]!.label}". Temporary objects of the action are gone by then; what remains is what the action leaks.`,
        ),
      );
      this.mountTable(
        new DataTable<LeakRow>({
          rows: leaks.rows,
          columns: LEAK_COLUMNS,
          sortKey: 'shallowSize',
          caption: 'Leaked objects by class',
          highlight: top ? { name: top.name, badge: 'largest' } : null,
          withPaths: new Set(leaks.paths.map((p) => p.name)),
          engine: ENGINE_CLASSES,
        }),
        leaks.paths,
        'Leaked objects',
        true,
      );
    } else {
      const last = snaps[snaps.length - 1]!;
      this.mountTable(
        new DataTable<ClassRow>({
          rows: last.classes,
          columns: SUMMARY_COLUMNS,
          sortKey: 'retainedSize',
          caption: `Summary of ${last.label}`,
        }),
        [],
        '',
      );
    }
  }

  private mountTable<T extends { name: string }>(
    table: DataTable<T>,
    paths: ClassPaths[],
    context: string,
    keep = false,
  ): void {
    if (keep) this.body.append(table.el);
    else this.body.replaceChildren(table.el);
    table.onSelect = (name) => this.showPaths(name, paths, context);
    const first = paths[0];
    if (first) table.select(first.name);
    else this.paths.replaceChildren();
  }

  private showPaths(name: string, all: ClassPaths[], context: string): void {
    const found = all.find((p) => p.name === name);
    const heading = h('h4', { class: 'snap-paths-title' }, 'Retainer paths: ', h('code', {}, name));
    if (!found || found.paths.length === 0) {
      this.paths.replaceChildren(
        heading,
        h(
          'p',
          { class: 'snap-muted' },
          context
            ? 'No sample paths for this class: paths are traced for the classes that grew most.'
            : 'Paths are shown in the Comparison and Leaked objects views.',
        ),
      );
      return;
    }
    this.paths.replaceChildren(
      heading,
      h(
        'p',
        { class: 'snap-muted' },
        `${context}. Shortest chain of strong references from the GC roots to sample objects:`,
      ),
      h('ol', { class: 'snap-path-list' }, ...found.paths.map((p) => this.pathItem(p))),
    );
  }

  private pathItem(p: RetainerPath): HTMLElement {
    return h(
      'li',
      { class: 'snap-path' },
      h(
        'div',
        { class: 'snap-path-meta' },
        h('code', {}, `${p.className} @${p.nodeId}`),
        h('small', {}, ` · self ${formatBytes(p.selfSize)} · retains ${formatBytes(p.retainedSize)}`),
      ),
      h(
        'ol',
        { class: 'snap-steps', 'aria-label': p.text },
        ...p.steps.map((s, i) =>
          h('li', { class: i === p.steps.length - 1 ? 'snap-step snap-step-target' : 'snap-step' }, s),
        ),
      ),
    );
  }
}
