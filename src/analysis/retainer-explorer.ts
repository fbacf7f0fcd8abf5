// The retainers of a class or an object as a tree, expanded one level at a time toward the GC
// roots, like the Retainers pane of DevTools' Memory panel. A tree node stands for a set of heap
// objects; its children group the objects that reference any of them by edge and by the
// referencing object's class ("entries in ResponseCache", "[…] in Array"), so a thousand
// instances held by one Map read as one branch. Runs where the snapshot's graph is held (the
// analysis worker); the page asks for one level at a time.
import { BOOKKEEPING_CLASSES, markKitHolders } from './bookkeeping.ts';
import type { ClassIndex } from './classes.ts';
import type { SnapshotDigest } from './digest.ts';
import { isStrongEdge } from './dominators.ts';
import { edgeLabel, edgeNameIsIndex, type HeapGraph } from './heap-graph.ts';
import { PathNamer } from './retainers.ts';

/** What a tree starts from: the (marked) instances of a class, or one object by V8 id. */
export type RetainerRoot = { className: string } | { nodeId: number };

export interface RetainerQuery {
  root: RetainerRoot;
  /** Child indexes from the root to the node to expand ([] = the root itself). */
  path: number[];
  /** Hide routes through Node/V8 bookkeeping and the lab kit (default true). */
  fold?: boolean;
}

export interface RetainerGroup {
  /** How the retainers hold the objects: ".entries", "[…]", "variable cache", "[entry 'k1']". */
  edge: string;
  /** The retainers' class or name ("ResponseCache", "Map", "system / Context", "(GC roots)"). */
  holder: string;
  /** Distinct retaining objects in this group. */
  retainers: number;
  /** How many of the parent's objects this group references. */
  holds: number;
  /** Shortest distance of a retainer from the GC roots (edges), -1 when only weakly reachable. */
  distance: number;
  /** Every edge of the group is weak (does not keep the objects alive). */
  weak: boolean;
  /** A GC root or root group: nothing further to expand. */
  root: boolean;
  /** Sum of the retainers' retained sizes. */
  retainedSize: number;
  /** V8 id when the group is one object. */
  nodeId?: number;
  /** No new retainers to expand (all are already on the path: a cycle). */
  leaf: boolean;
}

export interface RetainerLevel {
  /** Objects the expanded node stands for. */
  objects: number;
  distance: number;
  children: RetainerGroup[];
  /** Groups hidden because they are bookkeeping (when folding). */
  folded: { holder: string; edge: string; retainers: number }[];
}

export interface InstanceInfo {
  nodeId: number;
  selfSize: number;
  retainedSize: number;
  distance: number;
}

const MAX_CHILDREN = 100;

interface Group {
  key: string;
  /** What the group reads as when its edges differ ("[…]", "[Map entries]"). */
  generic: string;
  labels: Set<string>;
  holder: string;
  members: Set<number>;
  targets: Set<number>;
  weak: boolean;
  bookkeeping: boolean;
  /** Held by V8's "(system)" objects: bookkeeping beside a JavaScript route, but sometimes the route. */
  system: boolean;
}

export class RetainerExplorer {
  private readonly graph: HeapGraph;
  private readonly classes: ClassIndex;
  private readonly digest: SnapshotDigest;
  private readonly marked: Uint8Array | null;
  private readonly retained: Float64Array;
  private readonly namer: PathNamer;
  /** Incoming edges of node v: retEdge[retFirst[v] .. retFirst[v+1]-1]; retFrom gives each edge's source. */
  private readonly retFirst: Uint32Array;
  private readonly retEdge: Uint32Array;
  private readonly retFrom: Uint32Array;
  private readonly depth: Int32Array;
  private readonly kit: Uint8Array;
  private readonly cache = new Map<string, { sets: number[][]; level: RetainerLevel }>();

  constructor(
    graph: HeapGraph,
    classes: ClassIndex,
    digest: SnapshotDigest,
    marked: Uint8Array | null,
    retained: Float64Array,
  ) {
    this.graph = graph;
    this.classes = classes;
    this.digest = digest;
    this.marked = marked;
    this.retained = retained;
    this.namer = new PathNamer(graph, classes);
    const n = graph.nodeCount,
      m = graph.edgeCount;
    const { firstEdge, edgeTo } = graph;
    this.retFirst = new Uint32Array(n + 1);
    for (let e = 0; e < m; e++) this.retFirst[edgeTo[e]! + 1]!++;
    for (let v = 0; v < n; v++) this.retFirst[v + 1]! += this.retFirst[v]!;
    const fill = this.retFirst.slice(0, n);
    this.retEdge = new Uint32Array(m);
    this.retFrom = new Uint32Array(m);
    for (let u = 0; u < n; u++) {
      for (let e = firstEdge[u]!, end = firstEdge[u + 1]!; e < end; e++) {
        const at = fill[edgeTo[e]!]!++;
        this.retEdge[at] = e;
        this.retFrom[at] = u;
      }
    }
    this.depth = this.distances();
    this.kit = markKitHolders(graph, classes);
  }

  /** Breadth-first distance from the root over strong edges (DevTools' "Distance"). */
  private distances(): Int32Array {
    const g = this.graph;
    const depth = new Int32Array(g.nodeCount).fill(-1);
    const queue = new Uint32Array(g.nodeCount);
    let head = 0,
      tail = 0;
    depth[0] = 0;
    queue[tail++] = 0;
    while (head < tail) {
      const u = queue[head++]!;
      for (let e = g.firstEdge[u]!, end = g.firstEdge[u + 1]!; e < end; e++) {
        if (!isStrongEdge(g, u, e)) continue;
        const v = g.edgeTo[e]!;
        if (depth[v] !== -1) continue;
        depth[v] = depth[u]! + 1;
        queue[tail++] = v;
      }
    }
    return depth;
  }

  /** Node indices the root stands for. */
  private rootSet(root: RetainerRoot): number[] {
    const d = this.digest;
    if ('nodeId' in root) {
      const i = lowerBound(d.ids, root.nodeId);
      return i < d.ids.length && d.ids[i] === root.nodeId ? [d.node[i]!] : [];
    }
    const c = d.names.indexOf(root.className);
    if (c < 0) return [];
    const out: number[] = [];
    for (let i = 0; i < d.ids.length; i++) if (d.cls[i] === c && (!this.marked || this.marked[i])) out.push(d.node[i]!);
    return out;
  }

  /** The instances of a class the view is about, largest retained size first. */
  instances(className: string, limit = 50): { total: number; items: InstanceInfo[] } {
    const set = this.rootSet({ className });
    const items = set
      .map((v) => ({
        nodeId: this.graph.nodeId[v]!,
        selfSize: this.graph.selfSize[v]!,
        retainedSize: this.retained[v]!,
        distance: this.depth[v]!,
      }))
      .sort((a, b) => b.retainedSize - a.retainedSize || a.nodeId - b.nodeId);
    return { total: set.length, items: items.slice(0, limit) };
  }

  /** One level of the tree: the retainers of the node at `path`, grouped. */
  expand(query: RetainerQuery): RetainerLevel {
    const fold = query.fold ?? true;
    const rootKey = JSON.stringify(query.root);
    // Walk down from the root, reusing levels already computed (the page expands top-down).
    let sets: number[][] = [this.rootSet(query.root)];
    let key = `${rootKey}|${fold}|`;
    for (let k = 0; k <= query.path.length; k++) {
      const cached = this.cache.get(key);
      const entry = cached ?? this.level(sets, fold);
      if (!cached) this.cache.set(key, entry);
      if (k === query.path.length) return entry.level;
      const child = query.path[k]!;
      const next = entry.sets[child];
      if (!next) throw new Error(`no retainer group ${child} at depth ${k}`);
      sets = [...sets, next];
      key += `${child}/`;
    }
    throw new Error('unreachable');
  }

  private level(sets: number[][], fold: boolean): { sets: number[][]; level: RetainerLevel } {
    const g = this.graph;
    const objects = sets[sets.length - 1]!;
    const onPath = new Set<number>();
    for (const s of sets) for (const v of s) onPath.add(v);
    const groups = new Map<string, Group>();
    for (const v of objects) {
      for (let r = this.retFirst[v]!, end = this.retFirst[v + 1]!; r < end; r++) {
        const e = this.retEdge[r]!;
        let u = this.retFrom[r]!;
        if (u === v) continue;
        // Shortcut edges repeat a route that exists anyway (V8 adds them for bound functions and
        // the global objects); only the root's own ones say something.
        if (g.edgeType[e] === g.edgeTypes.shortcut && u !== 0) continue;
        let label = this.edgeText(e, u);
        let generic = edgeNameIsIndex(g, g.edgeType[e]!) ? '[…]' : label;
        // Map and Set storage: show the entry on the Map itself, not on its hash table.
        const owner = this.collectionOf(u);
        if (owner >= 0) {
          label = this.namer.collectionSlot(owner, u, Number(edgeLabel(g, e)));
          generic = label === '[Map key]' ? label : this.namer.isMap(owner) ? '[Map entries]' : '[Set members]';
          u = owner;
        }
        if (onPath.has(u)) continue;
        const weak = owner < 0 && !isStrongEdge(g, u, e);
        const holder = this.namer.nodeLabel(u);
        // Each Map or Set is its own branch: two collections of one class are two different holders.
        const k = `${weak ? 'w' : 's'}|${generic}|${holder}${owner >= 0 ? `|${owner}` : ''}`;
        let group = groups.get(k);
        if (!group) {
          group = {
            key: k,
            generic,
            labels: new Set(),
            holder,
            members: new Set(),
            targets: new Set(),
            weak,
            bookkeeping: this.isBookkeeping(u),
            system: this.classes.names[this.classes.classOf[u]!] === '(system)',
          };
          groups.set(k, group);
        }
        if (group.labels.size < 2) group.labels.add(label);
        group.members.add(u);
        group.targets.add(v);
      }
    }
    const list = [...groups.values()];
    let shown = fold ? list.filter((x) => !x.bookkeeping) : list;
    // An awaiting async function is held through its promise's reactions, which V8 keeps in
    // "(system)" objects: when nothing else holds the objects strongly, those are the route, not
    // bookkeeping, and folding them would end the route as if nothing held it.
    if (fold && !shown.some((x) => !x.weak)) shown = list.filter((x) => !x.bookkeeping || x.system);
    const folded = fold
      ? list
          .filter((x) => !shown.includes(x))
          .map((x) => ({ holder: x.holder, edge: groupEdge(x), retainers: x.members.size }))
      : [];
    const info = shown.map((x) => {
      const members = [...x.members];
      let distance = -1;
      let retainedSize = 0;
      for (const u of members) {
        const d = this.depth[u]!;
        if (d >= 0 && (distance < 0 || d < distance)) distance = d;
        retainedSize += this.retained[u]!;
      }
      const root = members.every((u) => u === 0 || g.nodeType[u] === g.types.synthetic);
      const fresh = members.filter((u) => !onPath.has(u));
      return { x, members, distance, retainedSize, root, leaf: root || fresh.length === 0 };
    });
    // Strong before weak, the group holding most of the objects first, then the closest to the roots.
    info.sort(
      (a, b) =>
        Number(a.x.weak) - Number(b.x.weak) ||
        b.x.targets.size - a.x.targets.size ||
        rank(a.distance) - rank(b.distance) ||
        a.x.holder.localeCompare(b.x.holder),
    );
    const top = info.slice(0, MAX_CHILDREN);
    let distance = -1;
    for (const v of objects) {
      const d = this.depth[v]!;
      if (d >= 0 && (distance < 0 || d < distance)) distance = d;
    }
    return {
      sets: top.map((i) => i.members),
      level: {
        objects: objects.length,
        distance,
        folded,
        children: top.map((i) => ({
          edge: groupEdge(i.x),
          holder: i.x.holder,
          retainers: i.members.length,
          holds: i.x.targets.size,
          distance: i.distance,
          weak: i.x.weak,
          root: i.root,
          retainedSize: i.retainedSize,
          leaf: i.leaf,
          ...(i.members.length === 1 ? { nodeId: g.nodeId[i.members[0]!]! } : {}),
        })),
      },
    };
  }

  private isBookkeeping(u: number): boolean {
    if (this.kit[u]) return true;
    const c = this.classes.classOf[u]!;
    return c >= 0 && BOOKKEEPING_CLASSES.has(this.classes.names[c]!);
  }

  /** When u is the hash table of a Map or Set (held through the collection's "table"), that collection. */
  private collectionOf(u: number): number {
    const g = this.graph;
    const mapClass = this.classes.names.indexOf('Map');
    const setClass = this.classes.names.indexOf('Set');
    for (let r = this.retFirst[u]!, end = this.retFirst[u + 1]!; r < end; r++) {
      const owner = this.retFrom[r]!;
      const c = this.classes.classOf[owner]!;
      if ((c === mapClass || c === setClass) && c >= 0 && edgeLabel(g, this.retEdge[r]!) === 'table') return owner;
    }
    return -1;
  }

  private edgeText(e: number, from: number): string {
    const g = this.graph;
    const E = g.edgeTypes;
    const t = g.edgeType[e]!;
    const label = edgeLabel(g, e);
    if (from === 0 && t === E.shortcut) return '(GC roots)';
    if (t === E.property) return label;
    if (t === E.element) return `[${label}]`;
    if (t === E.context) return `variable ${label}`;
    if (t === E.internal && label.startsWith('part of key')) return '[WeakMap entry]';
    if (t === E.internal) return `‹${label}›`;
    if (t === E.hidden) return `‹hidden ${label}›`;
    if (t === E.weak) return `‹weak ${label}›`;
    if (t === E.shortcut) return `‹shortcut ${label}›`;
    return label;
  }
}

function rank(distance: number): number {
  return distance < 0 ? Number.MAX_SAFE_INTEGER : distance;
}

/** One held object: its own edge ("[entry 'k1']", "[3]"); several: what they share ("[Map entries]", "[…]"). */
function groupEdge(group: Group): string {
  return group.labels.size === 1 && group.targets.size === 1 ? [...group.labels][0]! : group.generic;
}

function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
