// What a reader should look past: routes through Node's and V8's own bookkeeping and through the
// lab kit, and classes that grow with any activity. Used to fold retainers and to pick the class
// a comparison points at first.
import type { HeapGraph } from './heap-graph.ts';
import type { ClassIndex } from './classes.ts';
import type { DiffRow, LeakRow } from './diff.ts';

/**
 * Retainer classes that are bookkeeping, not ownership: Node lists every native-backed object in
 * its realm's BaseObjectList and cleanup queue (so every Gzip, Socket, Timer… has those
 * retainers), and "(system)"
 * nodes are V8's internal structures (feedback, descriptors, weak cells).
 */
export const BOOKKEEPING_CLASSES: ReadonlySet<string> = new Set([
  'Node / BaseObjectList',
  'Node / CleanupQueue',
  '(system)',
]);

/**
 * The lab kit's own holders (kit/host.ts): `gauges` maps each chart gauge to the reader's
 * function, `countables` the constructors checks count. Both reach the lab's objects through the
 * lab's own closures, a route the kit adds, not the lab.
 */
export const KIT_HOLDERS: readonly string[] = ['gauges', 'countables'];

/**
 * Marks the kit's holder Maps and their hash tables, found as the values of context variables
 * named like the kit's module-level holders.
 */
export function markKitHolders(graph: HeapGraph, classes: ClassIndex): Uint8Array {
  const marks = new Uint8Array(graph.nodeCount);
  const ctx = graph.edgeTypes.context;
  const wanted = new Set(KIT_HOLDERS.map((n) => graph.strings.indexOf(n)).filter((i) => i >= 0));
  if (wanted.size === 0) return marks;
  const mapClass = classes.names.indexOf('Map');
  for (let u = 0; u < graph.nodeCount; u++) {
    for (let e = graph.firstEdge[u]!, end = graph.firstEdge[u + 1]!; e < end; e++) {
      if (graph.edgeType[e] !== ctx || !wanted.has(graph.edgeName[e]!)) continue;
      const map = graph.edgeTo[e]!;
      if (classes.classOf[map] !== mapClass) continue;
      marks[map] = 1;
      // The Map's backing store, which is what actually points at the entries.
      for (let f = graph.firstEdge[map]!, fend = graph.firstEdge[map + 1]!; f < fend; f++) {
        if (graph.strings[graph.edgeName[f]!] === 'table') marks[graph.edgeTo[f]!] = 1;
      }
    }
  }
  return marks;
}

/** Classes of primitives and engine internals: they grow with any activity. */
export function isPrimitiveClass(name: string): boolean {
  return name.startsWith('(') && name.endsWith(')');
}

/**
 * How many times larger a primitive class's growth must be than the largest growing lab or
 * native class before the primitive one is the headline.
 */
const DOMINATES = 20;

/**
 * The row to point at first. Prefers the reader's own classes and native handles over
 * (string), (array), (system)… unless one of those grew more than twenty times as much.
 */
export function grewMost<T extends { name: string }>(rows: T[], size: (row: T) => number): T | undefined {
  let best: T | undefined;
  let bestPrimitive: T | undefined;
  for (const r of rows) {
    if (size(r) <= 0) continue;
    if (isPrimitiveClass(r.name)) {
      if (r.name === '(system)' || r.name === '(compiled code)' || r.name === '(object shape)') continue;
      if (!bestPrimitive || size(r) > size(bestPrimitive)) bestPrimitive = r;
    } else if (!best || size(r) > size(best)) best = r;
  }
  if (!best) return bestPrimitive;
  if (bestPrimitive && size(bestPrimitive) > DOMINATES * size(best)) return bestPrimitive;
  return best;
}

/** A comparison row's growth for grewMost: shallow growth, or what the new objects hold, for lab classes. */
export function diffGrowth(row: DiffRow): number {
  if (row.deltaSize <= 0 || row.deltaCount <= 0) return 0;
  return isPrimitiveClass(row.name) ? row.deltaSize : Math.max(row.deltaSize, row.addedRetained);
}

export function leakGrowth(row: LeakRow): number {
  return isPrimitiveClass(row.name) ? row.shallowSize : Math.max(row.shallowSize, row.retainedSize);
}
