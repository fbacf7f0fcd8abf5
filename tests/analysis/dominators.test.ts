import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClassIndex,
  computeDominators,
  parseSnapshot,
  summarize,
  type HeapGraph,
} from '../../src/analysis/index.ts';
import { isStrongEdge } from '../../src/analysis/dominators.ts';
import { fakeSnapshot, writeSnapshots, type SnapshotRun } from './fixtures.ts';

/** Cooper, Harvey & Kennedy's iterative algorithm: slow but simple, used as the reference. */
function referenceDominators(graph: HeapGraph): Int32Array {
  const n = graph.nodeCount;
  const order: number[] = [];
  const seen = new Uint8Array(n);
  const stack: [number, number][] = [[0, graph.firstEdge[0]!]];
  seen[0] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [u, e] = top;
    if (e < graph.firstEdge[u + 1]!) {
      top[1]++;
      const v = graph.edgeTo[e]!;
      if (isStrongEdge(graph, u, e) && !seen[v]) {
        seen[v] = 1;
        stack.push([v, graph.firstEdge[v]!]);
      }
    } else {
      order.push(u);
      stack.pop();
    }
  }
  const post = new Int32Array(n).fill(-1);
  order.forEach((v, i) => {
    post[v] = i;
  });
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (let u = 0; u < n; u++) {
    if (post[u] === -1) continue;
    for (let e = graph.firstEdge[u]!; e < graph.firstEdge[u + 1]!; e++) {
      if (isStrongEdge(graph, u, e)) preds[graph.edgeTo[e]!]!.push(u);
    }
  }
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!;
      while (post[b]! < post[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = order.length - 2; i >= 0; i--) {
      const v = order[i]!;
      let d = -1;
      for (const p of preds[v]!) if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d);
      if (d !== idom[v]) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  return idom;
}

let run: SnapshotRun;
let graph: HeapGraph;

beforeAll(async () => {
  run = await writeSnapshots(`
    class Node2 { constructor(next) { this.next = next; this.data = new Array(8).fill(0); } }
    let head = null;
    for (let i = 0; i < 200; i++) head = new Node2(head);
    globalThis.chain = head;
    globalThis.shared = { a: head, b: head.next };
    snap('graph');
  `);
  graph = await parseSnapshot(createReadStream(run.files.graph!));
}, 60_000);

afterAll(() => run?.cleanup());

describe('dominator tree', () => {
  it('agrees with the reference algorithm on every reachable node of a real snapshot', () => {
    const dom = computeDominators(graph);
    const ref = referenceDominators(graph);
    let compared = 0;
    for (let v = 1; v < graph.nodeCount; v++) {
      if (ref[v] === -1) continue;
      expect(dom.idom[v], `node ${v}`).toBe(ref[v]);
      compared++;
    }
    expect(compared).toBe(dom.reachableCount - 1);
  });

  it('the root retains the sum of all self sizes', () => {
    const dom = computeDominators(graph);
    const total = graph.selfSize.reduce((a, b) => a + b, 0);
    expect(dom.retained[0]).toBe(total);
  });

  it('weak edges do not retain, and weakly held nodes hang under the root', async () => {
    // root → A → B, A ⇢(weak) C, root → D → C: C is retained by D only; E is held only weakly.
    const text = fakeSnapshot([
      {
        type: 'synthetic',
        name: '',
        id: 1,
        self: 0,
        edges: [
          { type: 'element', name: 1, to: 1 },
          { type: 'element', name: 2, to: 4 },
        ],
      },
      {
        type: 'object',
        name: 'A',
        id: 3,
        self: 10,
        edges: [
          { type: 'property', name: 'b', to: 2 },
          { type: 'weak', name: 'c', to: 3 },
          { type: 'weak', name: 'e', to: 5 },
        ],
      },
      { type: 'object', name: 'B', id: 5, self: 20 },
      { type: 'object', name: 'C', id: 7, self: 40 },
      { type: 'object', name: 'D', id: 9, self: 80, edges: [{ type: 'property', name: 'c', to: 3 }] },
      { type: 'object', name: 'E', id: 11, self: 160 },
    ]);
    const g = await parseSnapshot(new TextEncoder().encode(text));
    const dom = computeDominators(g);
    expect(Array.from(dom.idom)).toEqual([0, 0, 1, 4, 0, 0]);
    expect(Array.from(dom.retained)).toEqual([310, 30, 20, 40, 120, 160]);
    const summary = summarize(g, buildClassIndex(g), dom);
    expect(summary.totals.totalSize).toBe(310);
    expect(summary.totals.weaklyHeldSize).toBe(160);
    expect(summary.totals.weaklyHeldCount).toBe(1);
  });

  it('class retained size counts nested instances once', async () => {
    // root → L1 → L2 → L3 (a linked list of one class): class retained = L1's retained.
    const text = fakeSnapshot([
      { type: 'synthetic', name: '', id: 1, self: 0, edges: [{ type: 'element', name: 1, to: 1 }] },
      { type: 'object', name: 'Link', id: 3, self: 10, edges: [{ type: 'property', name: 'next', to: 2 }] },
      { type: 'object', name: 'Link', id: 5, self: 10, edges: [{ type: 'property', name: 'next', to: 3 }] },
      { type: 'object', name: 'Link', id: 7, self: 10, edges: [{ type: 'property', name: 'payload', to: 4 }] },
      { type: 'string', name: 'payload text', id: 9, self: 32 },
    ]);
    const g = await parseSnapshot(new TextEncoder().encode(text));
    const rows = summarize(g, buildClassIndex(g), computeDominators(g)).rows;
    expect(rows.find((r) => r.name === 'Link')).toEqual({ name: 'Link', count: 3, shallowSize: 30, retainedSize: 62 });
    expect(rows.find((r) => r.name === '(string)')).toEqual({
      name: '(string)',
      count: 1,
      shallowSize: 32,
      retainedSize: 32,
    });
  });
});
