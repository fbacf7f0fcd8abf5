// Groups nodes into the classes of DevTools' Summary view: objects and native nodes by their
// constructor/native name, everything else by node type ("(string)", "(array)", "(closure)", ...).
import { BufferPool } from './buffer-pool.ts';
import type { HeapGraph } from './heap-graph.ts';

export interface ClassIndex {
  /** Class id of each node, or -1 when the node is not counted (see countsInSummary). */
  classOf: Int32Array;
  names: string[];
}

/** Display names for non-object node types, as DevTools labels them. */
const TYPE_CLASS: Record<string, string> = {
  hidden: '(system)',
  array: '(array)',
  string: '(string)',
  'concatenated string': '(string)',
  'sliced string': '(string)',
  code: '(compiled code)',
  closure: '(closure)',
  regexp: '(regexp)',
  number: '(heap number)',
  symbol: '(symbol)',
  bigint: '(bigint)',
  'object shape': '(object shape)',
};

/**
 * Classes that are the engine's own bookkeeping (code, hidden classes, internal structures). They
 * grow whenever new code runs, so leak views put them aside unless the reader asks for them.
 */
export const ENGINE_CLASSES: ReadonlySet<string> = new Set(['(compiled code)', '(object shape)', '(system)']);

/**
 * Like DevTools: a zero-sized node is only listed when it is native (native nodes often report
 * size 0 but still name a category a reader wants to see, e.g. a zlib stream's memory). That
 * leaves out the synthetic bookkeeping nodes (the root, "(GC roots)" and its groups), which are
 * empty; the few sized synthetic nodes Node adds for its own native state are listed by name.
 */
export function countsInSummary(graph: HeapGraph, node: number): boolean {
  return graph.selfSize[node]! > 0 || graph.nodeType[node] === graph.types.native;
}

export function buildClassIndex(graph: HeapGraph, pool: BufferPool = new BufferPool()): ClassIndex {
  const { nodeCount, nodeType, nodeName, strings, types } = graph;
  const classOf = pool.i32(nodeCount);
  const names: string[] = [];
  const byName = new Map<string, number>();
  const idOf = (name: string): number => {
    let id = byName.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      byName.set(name, id);
    }
    return id;
  };
  // Per string index and per type, so each name is looked up once, not once per node.
  const byString = new Int32Array(strings.length).fill(-1);
  const byType = graph.nodeTypeNames.map((t) => idOf(TYPE_CLASS[t] ?? `(${t})`));
  const obj = types.object,
    native = types.native,
    synthetic = types.synthetic;
  for (let n = 0; n < nodeCount; n++) {
    if (!countsInSummary(graph, n)) {
      classOf[n] = -1;
      continue;
    }
    const t = nodeType[n]!;
    if (t === obj || t === native || t === synthetic) {
      const s = nodeName[n]!;
      let id = byString[s]!;
      if (id < 0) {
        id = idOf(strings[s] || '(anonymous)');
        byString[s] = id;
      }
      classOf[n] = id;
    } else {
      classOf[n] = byType[t] ?? idOf('(unknown)');
    }
  }
  return { classOf, names };
}
