// A lazily loaded tree (WAI-ARIA tree view): children are asked for when a node is first
// expanded, so a tree as deep as a heap's retainers costs only what the reader opens. Keyboard:
// Up/Down move, Right opens (or goes to the first child), Left closes (or goes to the parent),
// Home/End, Enter/Space toggles. One item is in the tab order at a time.
import { h } from '../dom.ts';

export interface TreeNode<T> {
  data: T;
  /** The item's content (one line). */
  label: HTMLElement;
  /** Full text for the tooltip and screen readers. */
  text: string;
  /** Whether expanding can show anything (false for leaves). */
  expandable: boolean;
}

export interface TreeLevel<T> {
  nodes: TreeNode<T>[];
  /** A line after the children (e.g. what was left out). */
  note?: string | null;
}

export interface TreeViewOptions<T> {
  label: string;
  /** Children of a node (null = the top level). */
  load: (parent: T | null, path: number[]) => Promise<TreeLevel<T>>;
  /** Shown when a node has no children after all. */
  emptyText?: string;
}

interface Item<T> {
  node: TreeNode<T>;
  path: number[];
  li: HTMLLIElement;
  row: HTMLElement;
  group: HTMLUListElement | null;
  loaded: boolean;
  parent: Item<T> | null;
}

export class TreeView<T> {
  readonly el: HTMLUListElement;
  private readonly options: TreeViewOptions<T>;
  private readonly items = new Map<HTMLElement, Item<T>>();
  private generation = 0;

  constructor(options: TreeViewOptions<T>) {
    this.options = options;
    this.el = h('ul', { class: 'vw-tree', role: 'tree', 'aria-label': options.label });
    this.el.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Loads the top level again (e.g. after an option changed). Resolves when it is shown. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.items.clear();
    this.el.replaceChildren(h('li', { class: 'vw-tree-note', role: 'none' }, 'Loading…'));
    const { nodes, note } = await this.options.load(null, []);
    if (generation !== this.generation) return;
    this.el.replaceChildren(...nodes.map((n, i) => this.item(n, [i], null)));
    if (nodes.length === 0) this.el.append(this.note(this.options.emptyText ?? 'Nothing to show.'));
    if (note) this.el.append(this.note(note));
    const first = this.visibleRows()[0];
    if (first) first.tabIndex = 0;
  }

  clear(text: string): void {
    this.generation++;
    this.items.clear();
    this.el.replaceChildren(this.note(text));
  }

  /** Expands the first child at each level, `depth` levels deep (the route DevTools opens). */
  async expandFirst(depth: number): Promise<void> {
    const generation = this.generation;
    let item = this.firstItem(this.el);
    for (let d = 0; d < depth && item && generation === this.generation; d++) {
      if (!item.node.expandable) break;
      await this.expand(item);
      item = item.group ? this.firstItem(item.group) : undefined;
    }
  }

  private firstItem(list: HTMLElement): Item<T> | undefined {
    const li = list.querySelector<HTMLLIElement>(':scope > li[role="treeitem"]');
    return li ? this.items.get(li) : undefined;
  }

  private note(text: string): HTMLLIElement {
    return h('li', { class: 'vw-tree-note', role: 'none' }, text);
  }

  private item(node: TreeNode<T>, path: number[], parent: Item<T> | null): HTMLLIElement {
    const twisty = h('span', { class: 'vw-twisty', 'aria-hidden': 'true' });
    const row = h('div', { class: 'vw-tree-row', title: node.text }, twisty, node.label);
    const li = h('li', {
      role: 'treeitem',
      class: 'vw-tree-item',
      'aria-level': path.length,
      'aria-label': node.text,
      tabindex: '-1',
    });
    li.style.setProperty('--vw-level', String(path.length - 1));
    if (node.expandable) li.setAttribute('aria-expanded', 'false');
    li.append(row);
    const item: Item<T> = { node, path, li, row, group: null, loaded: false, parent };
    this.items.set(li, item);
    row.addEventListener('click', () => {
      this.focus(item);
      if (node.expandable) void this.toggle(item);
    });
    return li;
  }

  private async toggle(item: Item<T>): Promise<void> {
    if (item.li.getAttribute('aria-expanded') === 'true') this.collapse(item);
    else await this.expand(item);
  }

  private collapse(item: Item<T>): void {
    item.li.setAttribute('aria-expanded', 'false');
    if (item.group) item.group.hidden = true;
  }

  async expand(item: Item<T>): Promise<void> {
    if (!item.node.expandable) return;
    item.li.setAttribute('aria-expanded', 'true');
    if (item.loaded) {
      if (item.group) item.group.hidden = false;
      return;
    }
    item.loaded = true;
    const group = h('ul', { role: 'group', class: 'vw-tree-group' }, this.note('Loading…'));
    item.group = group;
    item.li.append(group);
    item.li.setAttribute('aria-busy', 'true');
    try {
      const { nodes, note } = await this.options.load(item.node.data, item.path);
      group.replaceChildren(...nodes.map((n, i) => this.item(n, [...item.path, i], item)));
      if (nodes.length === 0) group.append(this.note(this.options.emptyText ?? 'Nothing to show.'));
      if (note) group.append(this.note(note));
    } catch (error) {
      item.loaded = false;
      group.replaceChildren(this.note(`Could not load: ${(error as Error).message}`));
    } finally {
      item.li.removeAttribute('aria-busy');
    }
  }

  private visibleRows(): HTMLLIElement[] {
    return [...this.el.querySelectorAll<HTMLLIElement>('li[role="treeitem"]')].filter(
      (li) => !li.parentElement?.closest('[hidden]'),
    );
  }

  private focus(item: Item<T>): void {
    for (const li of this.items.keys()) li.tabIndex = -1;
    item.li.tabIndex = 0;
    item.li.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const li = (e.target as HTMLElement).closest<HTMLLIElement>('li[role="treeitem"]');
    const item = li ? this.items.get(li) : undefined;
    if (!item) return;
    const rows = this.visibleRows();
    const i = rows.indexOf(item.li);
    const go = (target: HTMLLIElement | undefined) => {
      const t = target ? this.items.get(target) : undefined;
      if (t) this.focus(t);
    };
    const expanded = item.li.getAttribute('aria-expanded') === 'true';
    switch (e.key) {
      case 'ArrowDown':
        go(rows[i + 1]);
        break;
      case 'ArrowUp':
        go(rows[i - 1]);
        break;
      case 'Home':
        go(rows[0]);
        break;
      case 'End':
        go(rows[rows.length - 1]);
        break;
      case 'ArrowRight':
        if (!item.node.expandable) break;
        if (!expanded) void this.expand(item);
        else go(item.group?.querySelector<HTMLLIElement>(':scope > li[role="treeitem"]') ?? undefined);
        break;
      case 'ArrowLeft':
        if (expanded) this.collapse(item);
        else if (item.parent) this.focus(item.parent);
        break;
      case 'Enter':
      case ' ':
        if (item.node.expandable) void this.toggle(item);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
