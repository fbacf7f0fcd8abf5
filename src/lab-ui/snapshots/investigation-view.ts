// One analysed view of heap snapshots, laid out like DevTools' Memory panel: totals on top, the
// class table on the left, the retainers of the selected class (or one of its objects) on the
// right as a tree the reader opens level by level toward the GC roots. Stacked when narrow.
import type { ClassPaths } from '../../analysis/analyze.ts';
import { diffGrowth, grewMost, leakGrowth } from '../../analysis/bookkeeping.ts';
import { ENGINE_CLASSES } from '../../analysis/classes.ts';
import type { Investigation, RetainerGroup, RetainerLevel, RetainerQuery } from '../../analysis/client.ts';
import type { DiffRow, LeakRow } from '../../analysis/diff.ts';
import type { RetainerRoot } from '../../analysis/retainer-explorer.ts';
import type { RetainerPath } from '../../analysis/retainers.ts';
import type { ClassRow } from '../../analysis/summary.ts';
import { formatBytes } from '../../../contracts/format.ts';
import { h } from '../dom.ts';
import { DataTable, type Column } from '../views/data-table.ts';
import { SplitPane } from '../views/split-pane.ts';
import { TreeView, type TreeNode } from '../views/tree-view.ts';
import { count, signedBytes, signedCount } from './numbers.ts';

export type ViewKind = 'diff' | 'summary' | 'leaks';

const NAME = { key: 'name', label: 'Constructor', title: 'Class or constructor name' };

const DIFF_COLUMNS: Column<DiffRow>[] = [
  { ...NAME, format: (r) => r.name },
  {
    key: 'added',
    label: '# New',
    title: 'Objects in the later snapshot that the earlier one did not have',
    format: (r) => count(r.added),
    value: (r) => r.added,
  },
  {
    key: 'deleted',
    label: '# Deleted',
    title: 'Objects of the earlier snapshot that are gone',
    format: (r) => count(r.deleted),
    value: (r) => r.deleted,
  },
  {
    key: 'deltaCount',
    label: '# Delta',
    title: 'Change in the number of live objects',
    format: (r) => signedCount(r.deltaCount),
    value: (r) => r.deltaCount,
  },
  {
    key: 'addedSize',
    label: 'Alloc. size',
    title: 'Shallow size of the new objects',
    format: (r) => formatBytes(r.addedSize),
    value: (r) => r.addedSize,
  },
  {
    key: 'freedSize',
    label: 'Freed size',
    title: 'Shallow size of the deleted objects',
    format: (r) => formatBytes(r.freedSize),
    value: (r) => r.freedSize,
  },
  {
    key: 'deltaSize',
    label: 'Size delta',
    title: 'Change in shallow size',
    format: (r) => signedBytes(r.deltaSize),
    value: (r) => r.deltaSize,
  },
  {
    key: 'addedRetained',
    label: 'New retain',
    title: 'Memory the new objects hold (their retained size in the later snapshot)',
    format: (r) => formatBytes(r.addedRetained),
    value: (r) => r.addedRetained,
  },
];

const LEAK_COLUMNS: Column<LeakRow>[] = [
  { ...NAME, format: (r) => r.name },
  {
    key: 'count',
    label: 'Still alive',
    title: 'Objects allocated between baseline and target that are still alive in the final snapshot',
    format: (r) => count(r.count),
    value: (r) => r.count,
  },
  {
    key: 'shallowSize',
    label: 'Shallow size',
    title: 'Their own size',
    format: (r) => formatBytes(r.shallowSize),
    value: (r) => r.shallowSize,
  },
  {
    key: 'retainedSize',
    label: 'Retained size',
    title: 'Memory they hold in the final snapshot',
    format: (r) => formatBytes(r.retainedSize),
    value: (r) => r.retainedSize,
  },
];

const SUMMARY_COLUMNS: Column<ClassRow>[] = [
  { ...NAME, format: (r) => r.name },
  {
    key: 'count',
    label: 'Objects',
    title: 'Live objects of this class',
    format: (r) => count(r.count),
    value: (r) => r.count,
  },
  {
    key: 'shallowSize',
    label: 'Shallow size',
    title: 'Their own size',
    format: (r) => formatBytes(r.shallowSize),
    value: (r) => r.shallowSize,
  },
  {
    key: 'retainedSize',
    label: 'Retained size',
    title: 'Memory freed if they were all gone',
    format: (r) => formatBytes(r.retainedSize),
    value: (r) => r.retainedSize,
  },
];

/** Which objects of a class the view is about, in words. */
const OBJECT_WORD: Record<ViewKind, string> = { diff: 'new', leaks: 'leaked', summary: 'live' };
const TOTAL_ROLES: Record<ViewKind, string[]> = {
  diff: ['Before', 'After'],
  summary: ['Snapshot'],
  leaks: ['Baseline', 'Target', 'Final'],
};

interface Named {
  name: string;
}

export interface InvestigationViewOptions {
  kind: ViewKind;
  /** Shown above the table (e.g. the snapshots come from different processes). */
  warning?: string | null;
}

export class InvestigationView {
  readonly el: HTMLElement;
  private readonly inv: Investigation;
  private readonly kind: ViewKind;
  private table!: DataTable<Named>;
  private allRows: Named[] = [];
  private filter = '';
  private showEngine = false;
  /** The snapshots come from different service processes (the view shows a warning). */
  private readonly crossProcess: boolean;
  private readonly retainers: HTMLElement;
  private readonly tree: TreeView<RetainerGroup>;
  private readonly heading: HTMLElement;
  private readonly objectPick: HTMLSelectElement;
  private readonly foldBox: HTMLInputElement;
  private readonly samples: HTMLElement;
  private root: RetainerRoot | null = null;
  private selectedClass: string | null = null;
  private paths: ClassPaths[] = [];
  readonly split: SplitPane;

  constructor(inv: Investigation, options: InvestigationViewOptions) {
    this.inv = inv;
    this.kind = options.kind;
    this.crossProcess = !!options.warning;
    this.heading = h('p', { class: 'inv-ret-title' });
    this.objectPick = h('select', { class: 'inv-select', 'aria-label': 'Objects whose retainers are shown' });
    this.objectPick.addEventListener('change', () => this.pickObject());
    this.foldBox = h('input', { type: 'checkbox', checked: true });
    this.foldBox.addEventListener('change', () => void this.tree.reload().then(() => this.tree.expandFirst(8)));
    this.tree = new TreeView<RetainerGroup>({
      label: 'Retainers',
      load: async (_parent, path) => this.loadLevel(path),
      emptyText: 'No retainers: nothing references these objects here.',
    });
    this.samples = h('div', { class: 'inv-samples' });
    this.retainers = h(
      'section',
      { class: 'inv-retainers', 'aria-label': 'Retainers' },
      h('h4', { class: 'inv-pane-title' }, 'Retainers'),
      this.heading,
      h(
        'div',
        { class: 'inv-ret-tools' },
        this.objectPick,
        h(
          'label',
          {
            class: 'inv-toggle',
            title:
              'Routes through Node’s BaseObjectList and cleanup queue, V8’s (system) objects and the lab kit’s gauges',
          },
          this.foldBox,
          ' Fold V8, Node and kit bookkeeping',
        ),
      ),
      h('div', { class: 'inv-tree-scroll' }, this.tree.el),
      this.samples,
    );
    const left = h('section', { class: 'inv-classes', 'aria-label': 'Classes' });
    this.split = new SplitPane({
      first: left,
      second: this.retainers,
      label: 'Resize the class table and the retainers',
      initial: 0.56,
      min: 0.3,
    });
    this.el = h(
      'div',
      { class: 'inv-view', 'data-view': this.kind },
      this.totals(),
      options.warning ? h('p', { class: 'inv-warning', role: 'alert' }, options.warning) : null,
      this.intro(),
      this.split.el,
    );
    this.buildTable(left);
  }

  /** Call once the view is in the document (sizes are known then). */
  shown(): void {
    this.table.refresh();
  }

  private totals(): HTMLElement {
    const snaps = this.inv.report.snapshots;
    const roles = TOTAL_ROLES[this.kind];
    const first = snaps[0]!,
      last = snaps[snaps.length - 1]!;
    const delta = last.totals.totalSize - first.totals.totalSize;
    return h(
      'dl',
      { class: 'inv-totals' },
      ...snaps.map((s, i) =>
        h(
          'div',
          { class: 'inv-total' },
          h('dt', {}, h('span', { class: 'inv-role' }, roles[i] ?? `Snapshot ${i + 1}`), ` ${s.label}`),
          h('dd', {}, formatBytes(s.totals.totalSize), h('small', {}, ` · ${count(s.totals.objectCount)} objects`)),
        ),
      ),
      snaps.length > 1
        ? h(
            'div',
            { class: 'inv-total' },
            h('dt', {}, h('span', { class: 'inv-role' }, 'Change'), ` ${roles[0]} → ${roles[snaps.length - 1]}`),
            h('dd', { class: delta > 0 ? 'inv-up' : 'inv-down' }, signedBytes(delta)),
          )
        : null,
    );
  }

  private intro(): HTMLElement | null {
    const snaps = this.inv.report.snapshots.map((s) => `“${s.label}”`);
    if (this.kind === 'leaks')
      return h(
        'p',
        { class: 'inv-muted' },
        `Objects allocated between ${snaps[0]} and ${snaps[1]} that are still alive in ${snaps[2]}. The action’s temporary objects are gone by then; what remains is what it leaks.`,
      );
    if (this.kind === 'diff')
      return h('p', { class: 'inv-muted' }, `Objects new in ${snaps[1]} or gone since ${snaps[0]}, by class.`);
    return null;
  }

  private buildTable(host: HTMLElement): void {
    const report = this.inv.report;
    let table: DataTable<Named>;
    let top: Named | undefined;
    if (this.kind === 'diff') {
      const diff = report.diffs[report.diffs.length - 1]!;
      this.paths = diff.paths;
      this.allRows = diff.rows;
      top = grewMost(diff.rows, diffGrowth);
      table = this.makeTable(DIFF_COLUMNS as Column<Named>[], 'deltaSize', top, 'grew most');
    } else if (this.kind === 'leaks') {
      const leaks = report.leaks!;
      this.paths = leaks.paths;
      this.allRows = leaks.rows;
      top = grewMost(leaks.rows, leakGrowth);
      table = this.makeTable(LEAK_COLUMNS as Column<Named>[], 'retainedSize', top, 'largest');
    } else {
      const last = report.snapshots[report.snapshots.length - 1]!;
      this.allRows = last.classes;
      top = undefined;
      table = this.makeTable(SUMMARY_COLUMNS as Column<Named>[], 'retainedSize', undefined, '');
    }
    this.table = table;
    const search = h('input', {
      type: 'search',
      class: 'inv-filter',
      placeholder: 'Filter classes',
      'aria-label': 'Filter classes by name',
    });
    search.addEventListener('input', () => {
      this.filter = search.value.trim().toLowerCase();
      this.applyFilter();
    });
    const engine = h('input', { type: 'checkbox' });
    engine.addEventListener('change', () => {
      this.showEngine = engine.checked;
      this.applyFilter();
    });
    host.append(
      h('h4', { class: 'inv-pane-title vw-sr' }, 'Classes'),
      h(
        'div',
        { class: 'inv-tools' },
        search,
        h('label', { class: 'inv-toggle', title: [...ENGINE_CLASSES].join(', ') }, engine, ' Show V8 internals'),
      ),
      table.el,
    );
    table.onSelect = (row) => this.selectClass(row.name);
    this.applyFilter();
    const first = top ?? this.visibleRows()[0];
    if (first) table.select(first.name);
    // Across a restart, ids of a fresh process match the old one's by chance: an empty diff means nothing.
    else
      this.tree.clear(
        this.crossProcess
          ? 'No object differs by id, which says nothing here: the snapshots come from different processes (see above).'
          : 'Nothing changed between these snapshots.',
      );
  }

  private makeTable(columns: Column<Named>[], sortKey: string, top: Named | undefined, badge: string) {
    return new DataTable<Named>({
      columns,
      rows: [],
      rowKey: (r) => r.name,
      sortKey,
      caption: `Classes (${this.kind === 'diff' ? 'comparison' : this.kind === 'leaks' ? 'leaked objects' : 'summary'})`,
      className: 'inv-table',
      decorate: (r) => (r === top ? { className: 'snap-top', badge } : null),
    });
  }

  private visibleRows(): Named[] {
    return this.allRows.filter(
      (r) =>
        (this.showEngine || !ENGINE_CLASSES.has(r.name)) &&
        (!this.filter || r.name.toLowerCase().includes(this.filter)),
    );
  }

  private applyFilter(): void {
    this.table.setRows(this.visibleRows());
  }

  private async selectClass(name: string): Promise<void> {
    if (name === this.selectedClass) return;
    this.selectedClass = name;
    this.root = { className: name };
    this.heading.replaceChildren(h('code', { class: 'inv-class-name' }, name));
    this.objectPick.replaceChildren(h('option', { value: '' }, `All ${OBJECT_WORD[this.kind]} objects`));
    this.renderSamples(name);
    void this.inv.instances(name, 20).then(
      ({ total, items }) => {
        if (this.selectedClass !== name) return;
        this.heading.replaceChildren(
          h('code', { class: 'inv-class-name' }, name),
          h('small', {}, ` · ${count(total)} ${OBJECT_WORD[this.kind]} object${total === 1 ? '' : 's'}`),
        );
        this.objectPick.replaceChildren(
          h('option', { value: '' }, `All ${count(total)} ${OBJECT_WORD[this.kind]} objects`),
          ...items.map((o) =>
            h(
              'option',
              { value: String(o.nodeId) },
              `@${o.nodeId} · retains ${formatBytes(o.retainedSize)} · distance ${o.distance < 0 ? '—' : o.distance}`,
            ),
          ),
        );
      },
      () => {},
    );
    await this.tree.reload();
    if (this.selectedClass === name) await this.tree.expandFirst(8);
  }

  private pickObject(): void {
    if (!this.selectedClass) return;
    const id = Number(this.objectPick.value);
    this.root = this.objectPick.value ? { nodeId: id } : { className: this.selectedClass };
    void this.tree.reload().then(() => this.tree.expandFirst(8));
  }

  private async loadLevel(path: number[]) {
    if (!this.root) return { nodes: [] };
    const query: RetainerQuery = { root: this.root, path: path, fold: this.foldBox.checked };
    let level: RetainerLevel;
    try {
      level = await this.inv.retainers(query);
    } catch (error) {
      // a newer comparison closed this one while the level loaded: this view is being replaced
      if ((error as Error).name === 'AbortError') return { nodes: [] };
      throw error;
    }
    const nodes: TreeNode<RetainerGroup>[] = level.children.map((g) => retainerNode(g));
    const folded = level.folded.reduce((n, f) => n + f.retainers, 0);
    const holders = [...new Set(level.folded.map((f) => f.holder))].join(', ');
    const note =
      level.folded.length > 0 && level.children.length === 0
        ? // nothing in JavaScript holds this level: only Node's lists of native-backed objects do
          `Only bookkeeping holds this (${count(folded)} retainer${folded === 1 ? '' : 's'} folded: ${holders}); no JavaScript object does. A native handle (a stream's, socket's or timer's) stays alive while its native side is open: look for where it is created and never ended, closed or destroyed.`
        : level.folded.length > 0
          ? `${count(folded)} bookkeeping retainer${folded === 1 ? '' : 's'} folded: ${holders}`
          : level.children.length === 0 && level.objects === 0
            ? `No ${OBJECT_WORD[this.kind]} objects of this class.`
            : null;
    return { nodes, note };
  }

  private renderSamples(name: string): void {
    const found = this.paths.find((p) => p.name === name);
    if (!found || found.paths.length === 0) {
      this.samples.replaceChildren();
      return;
    }
    this.samples.replaceChildren(
      h(
        'details',
        { class: 'inv-sample-paths' },
        h('summary', {}, `Shortest paths of ${found.paths.length} sample objects`),
        h('ol', { class: 'snap-path-list' }, ...found.paths.map((p) => pathItem(p))),
      ),
    );
  }
}

function retainerNode(g: RetainerGroup): TreeNode<RetainerGroup> {
  const many = g.retainers > 1 ? ` ×${count(g.retainers)}` : '';
  const distance = g.distance < 0 ? 'unreachable' : `distance ${g.distance}`;
  const label = h(
    'span',
    { class: `inv-ret${g.weak ? ' inv-ret-weak' : ''}` },
    h('span', { class: 'inv-ret-edge' }, g.edge),
    h('span', { class: 'inv-ret-in' }, ' in '),
    h('span', { class: 'inv-ret-holder' }, g.holder),
    g.nodeId !== undefined ? h('span', { class: 'inv-ret-id' }, ` @${g.nodeId}`) : null,
    many ? h('span', { class: 'inv-ret-many' }, many) : null,
    g.weak ? h('span', { class: 'inv-tag inv-tag-weak' }, 'weak') : null,
    g.root ? h('span', { class: 'inv-tag' }, 'GC root') : null,
    h('span', { class: 'inv-ret-dist' }, g.distance < 0 ? '—' : String(g.distance)),
  );
  const text = `${g.edge} in ${g.holder}${g.nodeId !== undefined ? ` @${g.nodeId}` : ''}${many ? ` (${count(g.retainers)} objects)` : ''}, holds ${count(g.holds)}, ${distance}${g.weak ? ', weak reference' : ''}${g.root ? ', GC root' : ''}`;
  return { data: g, label, text, expandable: !g.leaf };
}

function pathItem(p: RetainerPath): HTMLElement {
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
