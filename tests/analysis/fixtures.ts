// Real heap snapshots for the analysis tests: a child `node --expose-gc` runs a small script that
// builds objects and calls snap(name) to collect garbage and write a snapshot.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SnapshotRun {
  dir: string;
  /** Snapshot paths by the name given to snap(). */
  files: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function writeSnapshots(body: string): Promise<SnapshotRun> {
  const dir = await mkdtemp(join(tmpdir(), 'leakbook-snap-'));
  const script = `
import v8 from 'node:v8';
import { EventEmitter } from 'node:events';
const __files = {};
function snap(name) {
  globalThis.gc(); globalThis.gc();
  __files[name] = v8.writeHeapSnapshot(${JSON.stringify(dir)} + '/' + name + '.heapsnapshot');
}
${body}
process.stdout.write(JSON.stringify(__files));
`;
  const file = join(dir, 'scenario.mjs');
  await writeFile(file, script);
  const { stdout } = await run(process.execPath, ['--expose-gc', file], { cwd: dir, timeout: 60_000 });
  return { dir, files: JSON.parse(stdout), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface FakeNode {
  type: string;
  name: string;
  id: number;
  self: number;
  edges?: { type: string; name: string | number; to: number }[];
}

/** A minimal but well-formed snapshot file for hand-made graphs (node 0 is the root). */
export function fakeSnapshot(nodes: FakeNode[]): string {
  const nodeTypes = [
    'hidden',
    'array',
    'string',
    'object',
    'code',
    'closure',
    'regexp',
    'number',
    'native',
    'synthetic',
    'concatenated string',
    'sliced string',
    'symbol',
    'bigint',
    'object shape',
  ];
  const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
  const strings: string[] = [];
  const str = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) {
      i = strings.length;
      strings.push(s);
    }
    return i;
  };
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  for (const n of nodes) {
    flatNodes.push(nodeTypes.indexOf(n.type), str(n.name), n.id, n.self, n.edges?.length ?? 0, 0, 0);
    for (const e of n.edges ?? []) {
      const t = edgeTypes.indexOf(e.type);
      const name = t === 1 || t === 4 ? Number(e.name) : str(String(e.name));
      flatEdges.push(t, name, e.to * 7);
    }
  }
  return JSON.stringify({
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [nodeTypes, 'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [edgeTypes, 'string_or_number', 'node'],
        location_fields: ['object_index', 'script_id', 'line', 'column'],
      },
      node_count: nodes.length,
      edge_count: flatEdges.length / 3,
      trace_function_count: 0,
    },
    nodes: flatNodes,
    edges: flatEdges,
    trace_function_infos: [],
    trace_tree: [],
    samples: [],
    locations: [0, 1, 2, 3],
    strings,
  });
}
