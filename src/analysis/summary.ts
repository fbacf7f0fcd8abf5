// Per-class totals: the Summary view of DevTools' Memory panel.
import { BufferPool } from './buffer-pool.ts';
import type { ClassIndex } from './classes.ts';
import type { Dominators } from './dominators.ts';
import type { HeapGraph } from './heap-graph.ts';

export interface ClassRow {
  name: string;
  count: number;
  /** Sum of the instances' own sizes. */
  shallowSize: number;
  /** Memory freed if every instance were gone: instances dominated by another instance of the same class count once. */
  retainedSize: number;
}

export interface SnapshotTotals {
  nodeCount: number;
  edgeCount: number;
  /** Objects counted in the summary (non-synthetic, non-empty or native). */
  objectCount: number;
  /** Sum of self sizes of every node: what DevTools shows as the snapshot's size. Equals the root's retained size. */
  totalSize: number;
  /** Part of totalSize held only through weak references (not reachable from the GC roots). */
  weaklyHeldSize: number;
  weaklyHeldCount: number;
}

export function summarize(
  graph: HeapGraph,
  classes: ClassIndex,
  dom: Dominators,
  pool: BufferPool = new BufferPool(),
): { rows: ClassRow[]; totals: SnapshotTotals } {
  const { classOf, names } = classes;
  const k = names.length;
  const count = new Float64Array(k);
  const shallow = new Float64Array(k);
  const retained = new Float64Array(k);
  const n = graph.nodeCount;
  const self = graph.selfSize;
  let objectCount = 0;
  let totalSize = 0;
  for (let v = 0; v < n; v++) {
    totalSize += self[v]!;
    const c = classOf[v]!;
    if (c < 0) continue;
    count[c]!++;
    shallow[c]! += self[v]!;
    objectCount++;
  }
  classRetained(graph, classes, dom, retained, null, pool);
  const rows: ClassRow[] = [];
  for (let c = 0; c < k; c++) {
    if (count[c] === 0) continue;
    rows.push({ name: names[c]!, count: count[c]!, shallowSize: shallow[c]!, retainedSize: retained[c]! });
  }
  rows.sort((a, b) => b.retainedSize - a.retainedSize || b.shallowSize - a.shallowSize);
  return {
    rows,
    totals: {
      nodeCount: n,
      edgeCount: graph.edgeCount,
      objectCount,
      totalSize,
      weaklyHeldSize: dom.weaklyHeldSize,
      weaklyHeldCount: n - dom.reachableCount,
    },
  };
}

/**
 * Walks the dominator tree keeping, per class, how many ancestors on the current path belong to
 * it; an instance adds its retained size only when no dominating ancestor has its class. With
 * `include`, only the nodes marked 1 there count (the new objects of a comparison, say).
 */
export function classRetained(
  graph: HeapGraph,
  classes: ClassIndex,
  dom: Dominators,
  out: Float64Array,
  include: Uint8Array | null,
  pool: BufferPool,
): void {
  const n = graph.nodeCount;
  const { idom, retained } = dom;
  const { classOf } = classes;
  // Children of each node in the dominator tree, as a compressed row array.
  const childFirst = pool.u32(n + 1);
  for (let v = 1; v < n; v++) childFirst[idom[v]! + 1]!++;
  for (let i = 0; i < n; i++) childFirst[i + 1]! += childFirst[i]!;
  const child = pool.u32(Math.max(n - 1, 0));
  const fill = pool.u32(n);
  fill.set(childFirst.subarray(0, n));
  for (let v = 1; v < n; v++) child[fill[idom[v]!]!++] = v;
  const onPath = new Int32Array(classes.names.length);
  const stack = fill; // the fill cursors are spent once the child lists are built
  const cursor = pool.u32(n);
  let sp = 0;
  stack[0] = 0;
  cursor[0] = childFirst[0]!;
  while (sp >= 0) {
    const u = stack[sp]!;
    if (cursor[sp]! < childFirst[u + 1]!) {
      const v = child[cursor[sp]!++]!;
      const c = include && !include[v] ? -1 : classOf[v]!;
      if (c >= 0) {
        if (onPath[c] === 0) out[c]! += retained[v]!;
        onPath[c]!++;
      }
      stack[++sp] = v;
      cursor[sp] = childFirst[v]!;
    } else {
      const c = include && !include[u] ? -1 : classOf[u]!;
      if (u !== 0 && c >= 0) onPath[c]!--;
      sp--;
    }
  }
  pool.give(childFirst, child, fill, cursor);
}
