// The parsed heap graph, column by column in typed arrays. A V8 snapshot stores nodes and edges as
// flat interleaved number arrays; we keep only the fields the analysis reads, one array per field,
// which is both smaller and faster to scan than the interleaved form.

/** V8 node type names, in the order of snapshot.meta.node_types[0] on current V8. */
export interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  [key: string]: unknown;
}

export interface HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node type, index into nodeTypeNames. */
  readonly nodeType: Uint8Array;
  /** Node name, index into strings. */
  readonly nodeName: Uint32Array;
  /** V8 object id: stable across snapshots of the same process. */
  readonly nodeId: Uint32Array;
  readonly selfSize: Float64Array;
  /** Edges of node i are firstEdge[i] .. firstEdge[i + 1] - 1. */
  readonly firstEdge: Uint32Array;
  /** Edge type, index into edgeTypeNames. */
  readonly edgeType: Uint8Array;
  /** Property name (index into strings) or element index, depending on the edge type. */
  readonly edgeName: Uint32Array;
  /** Target node index (not the flat array offset V8 writes). */
  readonly edgeTo: Uint32Array;
  readonly strings: string[];
  readonly nodeTypeNames: string[];
  readonly edgeTypeNames: string[];
  /** Type codes resolved from the meta block (-1 when the snapshot does not define that type). */
  readonly types: NodeTypeCodes;
  readonly edgeTypes: EdgeTypeCodes;
  /** Bytes of snapshot text read. */
  readonly bytes: number;
}

export interface NodeTypeCodes {
  hidden: number;
  array: number;
  string: number;
  object: number;
  code: number;
  closure: number;
  regexp: number;
  number: number;
  native: number;
  synthetic: number;
  consString: number;
  slicedString: number;
  symbol: number;
  bigint: number;
  objectShape: number;
}

export interface EdgeTypeCodes {
  context: number;
  element: number;
  property: number;
  internal: number;
  hidden: number;
  shortcut: number;
  weak: number;
}

export function nodeTypeCodes(names: string[]): NodeTypeCodes {
  const at = (n: string) => names.indexOf(n);
  return {
    hidden: at('hidden'),
    array: at('array'),
    string: at('string'),
    object: at('object'),
    code: at('code'),
    closure: at('closure'),
    regexp: at('regexp'),
    number: at('number'),
    native: at('native'),
    synthetic: at('synthetic'),
    consString: at('concatenated string'),
    slicedString: at('sliced string'),
    symbol: at('symbol'),
    bigint: at('bigint'),
    objectShape: at('object shape'),
  };
}

export function edgeTypeCodes(names: string[]): EdgeTypeCodes {
  const at = (n: string) => names.indexOf(n);
  return {
    context: at('context'),
    element: at('element'),
    property: at('property'),
    internal: at('internal'),
    hidden: at('hidden'),
    shortcut: at('shortcut'),
    weak: at('weak'),
  };
}

/** Edge types whose name_or_index field is a number rather than a string index. */
export function edgeNameIsIndex(graph: HeapGraph, type: number): boolean {
  return type === graph.edgeTypes.element || type === graph.edgeTypes.hidden;
}

export function edgeLabel(graph: HeapGraph, edge: number): string {
  const type = graph.edgeType[edge]!;
  const name = graph.edgeName[edge]!;
  return edgeNameIsIndex(graph, type) ? String(name) : (graph.strings[name] ?? String(name));
}
