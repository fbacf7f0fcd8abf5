// A compact, id-sorted view of one snapshot's counted objects: all a later snapshot needs to be
// compared with it. Keeping digests instead of whole graphs lets a three-snapshot comparison hold
// only one full graph at a time.
import { BufferPool } from './buffer-pool.ts';
import type { ClassIndex } from './classes.ts';
import type { HeapGraph } from './heap-graph.ts';

export interface SnapshotDigest {
  /** V8 object ids, ascending. */
  ids: Uint32Array;
  /** Class of each id (index into names). */
  cls: Int32Array;
  /** Self size (clamped to 4 GB; no single V8 object comes near). */
  size: Uint32Array;
  /** Node index in the snapshot the digest was made from (emptied once that snapshot is done). */
  node: Uint32Array;
  names: string[];
}

/** Node indices of the counted nodes, ordered by V8 id (two-pass 16-bit radix sort, linear time). */
function nodesById(ids: Uint32Array, keep: Int32Array, pool: BufferPool): Uint32Array {
  let m = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]! >= 0) m++;
  let a: Uint32Array = new Uint32Array(m); // kept by the digest, so not from the pool
  let b: Uint32Array = pool.u32(m);
  let k = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]! >= 0) a[k++] = i;
  const counts = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[((ids[a[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) counts[d + 1]! += counts[d]!;
    for (let i = 0; i < m; i++) {
      const v = a[i]!;
      b[counts[(ids[v]! >>> shift) & 0xffff]!++] = v;
    }
    const t = a;
    a = b;
    b = t;
  }
  // After an even number of passes the result is back in the array allocated first.
  pool.give(b);
  return a;
}

export function makeDigest(graph: HeapGraph, classes: ClassIndex, pool: BufferPool = new BufferPool()): SnapshotDigest {
  const order = nodesById(graph.nodeId, classes.classOf, pool);
  const m = order.length;
  const ids = new Uint32Array(m);
  const cls = new Int32Array(m);
  const size = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    const v = order[i]!;
    ids[i] = graph.nodeId[v]!;
    cls[i] = classes.classOf[v]!;
    size[i] = Math.min(graph.selfSize[v]!, 0xffffffff);
  }
  return { ids, cls, size, node: order, names: classes.names };
}

/** Maps each class id of `from` to the class id with the same name in `to` (adding names to `to`). */
export function alignClasses(from: string[], to: string[], toIndex: Map<string, number>): Int32Array {
  const map = new Int32Array(from.length);
  for (let c = 0; c < from.length; c++) {
    const name = from[c]!;
    let id = toIndex.get(name);
    if (id === undefined) {
      id = to.length;
      to.push(name);
      toIndex.set(name, id);
    }
    map[c] = id;
  }
  return map;
}
