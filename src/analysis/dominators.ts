// Dominator tree and retained sizes (Lengauer–Tarjan with path compression) on typed arrays.
// Rooted at the synthetic root (node 0). Weak edges do not retain; shortcut edges only count from
// the root, where V8 uses them to mark the global objects — the same rules DevTools applies.
// Nodes the root cannot reach (kept alive only weakly) are hung under the root, as DevTools does,
// so the root's retained size is the sum of every node's self size.
import { BufferPool } from './buffer-pool.ts';
import type { HeapGraph } from './heap-graph.ts';

export interface Dominators {
  /** Immediate dominator of each node (the root dominates itself). */
  idom: Uint32Array;
  /** Retained size of each node: its self size plus everything only it keeps alive. */
  retained: Float64Array;
  /** How many nodes are reachable from the root through strong edges. */
  reachableCount: number;
  /** Self sizes of the nodes only weak references reach, added up. */
  weaklyHeldSize: number;
}

export function isStrongEdge(graph: HeapGraph, from: number, edge: number): boolean {
  const t = graph.edgeType[edge]!;
  return t !== graph.edgeTypes.weak && (t !== graph.edgeTypes.shortcut || from === 0);
}

export function computeDominators(graph: HeapGraph, pool: BufferPool = new BufferPool()): Dominators {
  const n = graph.nodeCount;
  const { firstEdge, edgeTo, edgeType, selfSize } = graph;
  const weak = graph.edgeTypes.weak,
    shortcut = graph.edgeTypes.shortcut;

  // 1. Depth-first numbering. dfn: node -> number; vertex: number -> node; parent in number space.
  const dfn = pool.i32(n).fill(-1);
  const vertex = pool.u32(n);
  const parent = pool.i32(n);
  const orphanTop = pool.u8(n); // 1 = start of a DFS over weakly held nodes (virtual edge from the root)
  const stackNode = pool.u32(n);
  const stackEdge = pool.u32(n);
  let count = 0;
  const dfs = (start: number, parentNumber: number): void => {
    dfn[start] = count;
    vertex[count] = start;
    parent[count] = parentNumber;
    count++;
    let sp = 0;
    stackNode[0] = start;
    stackEdge[0] = firstEdge[start]!;
    while (sp >= 0) {
      const u = stackNode[sp]!;
      const end = firstEdge[u + 1]!;
      let e = stackEdge[sp]!;
      let pushed = false;
      for (; e < end; e++) {
        const t = edgeType[e]!;
        if (t === weak || (t === shortcut && u !== 0)) continue;
        const v = edgeTo[e]!;
        if (dfn[v] !== -1) continue;
        stackEdge[sp] = e + 1;
        dfn[v] = count;
        vertex[count] = v;
        parent[count] = dfn[u]!;
        count++;
        sp++;
        stackNode[sp] = v;
        stackEdge[sp] = firstEdge[v]!;
        pushed = true;
        break;
      }
      if (!pushed) sp--;
    }
  };
  dfs(0, 0);
  const reachableCount = count;
  for (let v = 1; v < n; v++) {
    if (dfn[v] === -1) {
      orphanTop[count] = 1;
      dfs(v, 0);
    }
  }

  // 2. Predecessors in number space (strong edges only), as a compressed row array. Edges from
  // weakly held nodes into the reachable part are left out: garbage-to-be must not change who
  // retains live objects.
  const predFirst = pool.u32(n + 1);
  for (let u = 0; u < n; u++) {
    const fromWeak = dfn[u]! >= reachableCount;
    for (let e = firstEdge[u]!, end = firstEdge[u + 1]!; e < end; e++) {
      const t = edgeType[e]!;
      if (t === weak || (t === shortcut && u !== 0)) continue;
      const dv = dfn[edgeTo[e]!]!;
      if (fromWeak && dv < reachableCount) continue;
      predFirst[dv + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) predFirst[i + 1]! += predFirst[i]!;
  const predSrc = pool.u32(predFirst[n]!);
  // Scratch arrays are reused from here on, to keep the peak memory of a large snapshot low.
  const fill = stackEdge;
  fill.set(predFirst.subarray(0, n));
  for (let u = 0; u < n; u++) {
    const du = dfn[u]!;
    const fromWeak = du >= reachableCount;
    for (let e = firstEdge[u]!, end = firstEdge[u + 1]!; e < end; e++) {
      const t = edgeType[e]!;
      if (t === weak || (t === shortcut && u !== 0)) continue;
      const dv = dfn[edgeTo[e]!]!;
      if (fromWeak && dv < reachableCount) continue;
      predSrc[fill[dv]!++] = du;
    }
  }

  // 3. Semi-dominators and immediate dominators.
  const semi = pool.i32(n);
  const label = new Int32Array(stackEdge.buffer, stackEdge.byteOffset, n);
  const ancestor = dfn.fill(-1); // node numbers are no longer needed
  const idom = pool.i32(n);
  const bucketHead = pool.i32(n).fill(-1);
  const bucketNext = pool.i32(n);
  const path = stackNode; // reused as the compression stack
  for (let i = 0; i < n; i++) {
    semi[i] = i;
    label[i] = i;
  }
  const evalLabel = (v: number): number => {
    if (ancestor[v] === -1) return v;
    let sp = 0;
    let x = v;
    while (ancestor[ancestor[x]!] !== -1) {
      path[sp++] = x;
      x = ancestor[x]!;
    }
    while (sp > 0) {
      x = path[--sp]!;
      const a = ancestor[x]!;
      if (semi[label[a]!]! < semi[label[x]!]!) label[x] = label[a]!;
      ancestor[x] = ancestor[a]!;
    }
    return label[v]!;
  };
  for (let w = n - 1; w >= 1; w--) {
    let s = semi[w]!;
    for (let k = predFirst[w]!, end = predFirst[w + 1]!; k < end; k++) {
      const u = evalLabel(predSrc[k]!);
      if (semi[u]! < s) s = semi[u]!;
    }
    if (orphanTop[w]) s = 0;
    semi[w] = s;
    bucketNext[w] = bucketHead[s]!;
    bucketHead[s] = w;
    const p = parent[w]!;
    ancestor[w] = p;
    for (let v = bucketHead[p]!; v !== -1; v = bucketNext[v]!) {
      const u = evalLabel(v);
      idom[v] = semi[u]! < semi[v]! ? u : p;
    }
    bucketHead[p] = -1;
  }
  for (let w = 1; w < n; w++) {
    if (idom[w] !== semi[w]) idom[w] = idom[idom[w]!]!;
  }
  idom[0] = 0;

  // 4. Retained sizes: a dominator always has a smaller number, so one backwards pass suffices.
  pool.give(dfn, parent, orphanTop, stackNode, stackEdge, predFirst, predSrc, bucketHead, bucketNext);
  const retained = pool.f64(n);
  retained.set(selfSize);
  for (let w = n - 1; w >= 1; w--) retained[vertex[idom[w]!]!]! += retained[vertex[w]!]!;
  const idomNode = new Uint32Array(semi.buffer, semi.byteOffset, n);
  for (let w = 0; w < n; w++) idomNode[vertex[w]!] = vertex[idom[w]!]!;
  let weaklyHeldSize = 0;
  for (let w = reachableCount; w < n; w++) weaklyHeldSize += selfSize[vertex[w]!]!;
  pool.give(idom, vertex);
  return { idom: idomNode, retained, reachableCount, weaklyHeldSize };
}
