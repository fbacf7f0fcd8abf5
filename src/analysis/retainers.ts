// Retainer paths: the shortest chain of strong references from the GC roots to an object, told in
// the words a reader knows (variables, properties, Map entries, listener arrays, closures).
import { BufferPool } from './buffer-pool.ts';
import type { ClassIndex } from './classes.ts';
import { isStrongEdge } from './dominators.ts';
import { edgeLabel, type HeapGraph } from './heap-graph.ts';

export interface RetainerTree {
  /** BFS parent of each node (-1 when unreachable; the root is its own parent). */
  parentNode: Int32Array;
  /** Edge from the parent (-1 for the root / unreachable). */
  parentEdge: Int32Array;
}

export interface RetainerPath {
  nodeId: number;
  className: string;
  selfSize: number;
  retainedSize: number;
  /** Readable steps from the GC roots to the object. */
  steps: string[];
  /** steps joined with " → ". */
  text: string;
}

const MAX_STEPS = 40;

/**
 * Breadth-first from the synthetic root over strong edges. Each level is expanded twice: first
 * through the edges a reader would name (properties, elements, variables), then through V8's
 * internal ones, so that among equally short paths the readable one wins.
 */
export function buildRetainerTree(graph: HeapGraph, pool: BufferPool = new BufferPool()): RetainerTree {
  const n = graph.nodeCount;
  const { firstEdge, edgeTo, edgeType } = graph;
  const internal = graph.edgeTypes.internal,
    hidden = graph.edgeTypes.hidden;
  const parentNode = pool.i32(n).fill(-1);
  const parentEdge = pool.i32(n).fill(-1);
  let frontier = pool.u32(n);
  let next = pool.u32(n);
  let size = 1;
  frontier[0] = 0;
  parentNode[0] = 0;
  while (size > 0) {
    let nextSize = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let f = 0; f < size; f++) {
        const u = frontier[f]!;
        for (let e = firstEdge[u]!, end = firstEdge[u + 1]!; e < end; e++) {
          const t = edgeType[e]!;
          const plain = t !== internal && t !== hidden;
          if (plain !== (pass === 0)) continue;
          if (!isStrongEdge(graph, u, e)) continue;
          const v = edgeTo[e]!;
          if (parentNode[v] !== -1) continue;
          parentNode[v] = u;
          parentEdge[v] = e;
          next[nextSize++] = v;
        }
      }
    }
    const t = frontier;
    frontier = next;
    next = t;
    size = nextSize;
  }
  pool.give(frontier, next);
  return { parentNode, parentEdge };
}

function quote(s: string): string {
  const short = s.length > 40 ? `${s.slice(0, 37)}…` : s;
  return `'${short.replace(/\s+/g, ' ')}'`;
}

/** Finds the edge of `from` with the given name (numeric internal names are stored as strings). */
function edgeNamed(graph: HeapGraph, from: number, name: string): number {
  for (let e = graph.firstEdge[from]!, end = graph.firstEdge[from + 1]!; e < end; e++) {
    if (edgeLabel(graph, e) === name) return e;
  }
  return -1;
}

export class PathNamer {
  private graph: HeapGraph;
  private classes: ClassIndex;
  constructor(graph: HeapGraph, classes: ClassIndex) {
    this.graph = graph;
    this.classes = classes;
  }

  /** Name of a node as a reader sees it: class name, or function name for closures. */
  nodeLabel(node: number): string {
    const g = this.graph;
    const t = g.nodeType[node]!;
    const name = g.strings[g.nodeName[node]!] ?? '';
    if (t === g.types.closure) return name ? `${name}()` : '(anonymous function)';
    if (t === g.types.string || t === g.types.consString || t === g.types.slicedString) return `string ${quote(name)}`;
    if (t === g.types.synthetic) return name;
    const c = this.classes.classOf[node]!;
    if (c >= 0) return this.classes.names[c]!;
    return name || `(${g.nodeTypeNames[t]})`;
  }

  private keyLabel(node: number): string {
    const g = this.graph;
    const t = g.nodeType[node]!;
    const name = g.strings[g.nodeName[node]!] ?? '';
    if (t === g.types.string || t === g.types.consString || t === g.types.slicedString) return quote(name);
    if (t === g.types.number) return name;
    return `${this.nodeLabel(node)} @${g.nodeId[node]}`;
  }

  isMap(node: number): boolean {
    return this.isNamed(node, 'Map');
  }

  /** How a Map's or Set's hash table slot reads: "[entry 'k']", "[Map key]", "[Set member]". */
  collectionSlot(collection: number, table: number, slot: number): string {
    return this.isMap(collection) ? this.mapSlot(table, slot) : '[Set member]';
  }

  private isNamed(node: number, ...names: string[]): boolean {
    const c = this.classes.classOf[node]!;
    return c >= 0 && names.includes(this.classes.names[c]!);
  }

  /** The path from the root to `node` as readable steps. */
  describe(tree: RetainerTree, node: number, retained: Float64Array): RetainerPath {
    const g = this.graph;
    const chain: number[] = []; // edges, root first
    for (let v = node; v !== 0 && tree.parentEdge[v]! >= 0; v = tree.parentNode[v]!) chain.push(tree.parentEdge[v]!);
    chain.reverse();
    const nodes = [0];
    for (const e of chain) nodes.push(g.edgeTo[e]!);
    const steps: string[] = [];
    if (tree.parentNode[node] === -1) steps.push('(held only by weak references)');
    const E = g.edgeTypes;
    let i = 0;
    while (i < chain.length) {
      const e = chain[i]!;
      const from = nodes[i]!;
      const to = nodes[i + 1]!;
      const last = i === chain.length - 1;
      const t = g.edgeType[e]!;
      const label = edgeLabel(g, e);
      // Root → global object: V8 marks user roots with a shortcut edge from the root.
      if (from === 0) {
        if (t === E.shortcut) steps.push('(GC roots)', this.nodeLabel(to));
        else steps.push(this.nodeLabel(to));
        i++;
        continue;
      }
      // A synthetic root group ("(Global handles)", "(Stack roots)" …): its name says it all.
      if (g.nodeType[from] === g.types.synthetic && g.nodeType[to] === g.types.synthetic) {
        steps.push(this.nodeLabel(to));
        i++;
        continue;
      }
      // Map / Set storage: object -[table]-> hash table -[n]-> value.
      if (t === E.internal && label === 'table' && i + 1 < chain.length && this.isNamed(from, 'Map', 'Set')) {
        const e2 = chain[i + 1]!;
        const value = nodes[i + 2]!;
        let step = '[Set member]';
        if (this.isNamed(from, 'Map')) step = this.mapSlot(to, Number(edgeLabel(g, e2)));
        i += 2;
        steps.push(...this.hop(step, value, i === chain.length));
        continue;
      }
      // EventEmitter listeners: emitter -[_events]-> {} -[name]-> listener or [listeners] -[i]-> listener.
      if (t === E.property && label === '_events' && i + 1 < chain.length && g.edgeType[chain[i + 1]!] === E.property) {
        let step = `_events.${edgeLabel(g, chain[i + 1]!)}`;
        let k = i + 2;
        if (k < chain.length && g.edgeType[chain[k]!] === E.element && this.isNamed(nodes[k]!, 'Array', '(array)')) {
          step += `[${edgeLabel(g, chain[k]!)}]`;
          k++;
        }
        i = k;
        steps.push(...this.hop(step, nodes[i]!, i === chain.length));
        continue;
      }
      // Closure → its context → a captured variable.
      if (t === E.internal && label === 'context' && g.nodeType[from] === g.types.closure && i + 1 < chain.length) {
        const e2 = chain[i + 1]!;
        const t2 = g.edgeType[e2]!;
        const step =
          t2 === E.context
            ? `captured variable ${edgeLabel(g, e2)}`
            : t2 === E.hidden
              ? 'captured value'
              : `context ‹${edgeLabel(g, e2)}›`;
        i += 2;
        steps.push(...this.hop(step, nodes[i]!, i === chain.length));
        continue;
      }
      let step: string;
      if (t === E.property) step = label;
      else if (t === E.element) step = `[${label}]`;
      else if (t === E.context) step = `variable ${label}`;
      else if (t === E.internal && label.startsWith('part of key')) step = '[WeakMap entry]';
      else if (t === E.internal) step = `‹${label}›`;
      else if (t === E.hidden) step = `‹hidden ${label}›`;
      else step = `‹${g.edgeTypeNames[t] ?? 'edge'} ${label}›`;
      i++;
      steps.push(...this.hop(step, to, last));
    }
    const capped =
      steps.length > MAX_STEPS
        ? [...steps.slice(0, 3), `… ${steps.length - MAX_STEPS + 1} more steps …`, ...steps.slice(-(MAX_STEPS - 4))]
        : steps;
    return {
      nodeId: g.nodeId[node]!,
      className: this.nodeLabel(node),
      selfSize: g.selfSize[node]!,
      retainedSize: retained[node]!,
      steps: capped,
      text: capped.join(' → '),
    };
  }

  /**
   * A Map's hash table stores entries as (key, value, chain) triples after a header whose length
   * the snapshot does not tell; the chain slot is a small integer and never has an edge, so the
   * residue (mod 3) without edges reveals which slots hold keys and which hold values.
   */
  mapSlot(table: number, slot: number): string {
    const g = this.graph;
    if (!Number.isInteger(slot)) return '[Map entry]';
    const seen = [0, 0, 0];
    for (let e = g.firstEdge[table]!, end = g.firstEdge[table + 1]!; e < end; e++) {
      const k = Number(edgeLabel(g, e));
      if (Number.isInteger(k)) seen[k % 3]!++;
    }
    const empty = [0, 1, 2].filter((r) => seen[r] === 0);
    if (empty.length !== 1) return '[Map entry]';
    const keyResidue = (empty[0]! + 1) % 3;
    if (slot % 3 === keyResidue) return '[Map key]';
    const keyEdge = edgeNamed(g, table, String(slot - 1));
    return keyEdge >= 0 ? `[entry ${this.keyLabel(g.edgeTo[keyEdge]!)}]` : '[Map entry]';
  }

  /** An intermediate hop reads "edge (Class)"; the final one "edge → Class". */
  private hop(edge: string, to: number, last: boolean): string[] {
    return last ? [edge, this.nodeLabel(to)] : [`${edge} (${this.nodeLabel(to)})`];
  }
}
