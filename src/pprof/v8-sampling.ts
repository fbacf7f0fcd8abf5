// V8's sampling heap profile (.heapprofile: what Chrome DevTools › Memory › "Allocation sampling" saves,
// and what a Node lab's service host writes from HeapProfiler.getSamplingProfile) as the ParsedProfile
// the pprof views read, so a Node lab gets the same top table, -base diff and flame graph as a Go lab.
//
// The profile is a call tree: each node is a JavaScript function (callFrame) with the bytes sampled while
// it was the innermost frame (selfSize), and samples name the node each sampled allocation came from.
// The kit samples without includeObjectsCollectedBy…GC, so V8 has already dropped the samples of objects
// that were collected: what is left is the heap in use, by allocation site.
import { frameKey, type Frame, type ParsedProfile, type Sample, type SampleType } from './decode.ts';

export interface V8CallFrame {
  functionName: string;
  /** file:///…/app/cache.ts, node:internal/…, or '' for V8's built-ins */
  url: string;
  /** 0-based line of the function's start (V8 samples by function, not by line) */
  lineNumber: number;
  columnNumber: number;
  scriptId: string | number;
}

export interface V8SamplingNode {
  callFrame: V8CallFrame;
  selfSize: number;
  id: number;
  children: V8SamplingNode[];
}

export interface V8SamplingProfile {
  head: V8SamplingNode;
  /** one per sampled allocation still alive; size is what V8 attributes to it (already scaled by the interval) */
  samples?: Array<{ size: number; nodeId: number; ordinal: number }>;
}

/**
 * inuse_space: bytes of live objects by allocation site, as DevTools shows them. inuse_objects: the
 * number of samples, one sampled object each. V8 does not say how many objects a sample stands for (one
 * per ~16 KB allocated on average), so this is an estimate of where objects are, not a count of them.
 */
export const V8_SAMPLE_TYPES: readonly SampleType[] = [
  { type: 'inuse_space', unit: 'bytes' },
  { type: 'inuse_objects', unit: 'count' },
];

/** Folders at the top of a lab workspace (engine/workspace.ts), used to find its root in the URLs. */
const WORKSPACE_TOP = new Set(['app', 'kit', 'contracts', 'vendor', 'generator', 'fixtures', 'scenarios.ts']);

/**
 * The workspace's root URL (ending in "/") from the file URLs of a profile: their common folder, moved
 * up to above the workspace's top folder when every file is in one of them (a profile with app/ files
 * only). null when there are no file URLs.
 */
export function workspaceRoot(urls: Iterable<string>): string | null {
  let common: string[] | null = null;
  const files: string[][] = [];
  for (const url of urls) {
    if (!url.startsWith('file://')) continue;
    const parts = url.split('/');
    files.push(parts);
    const dir = parts.slice(0, -1);
    if (!common) common = dir;
    else {
      let i = 0;
      while (i < common.length && i < dir.length && common[i] === dir[i]) i++;
      common = common.slice(0, i);
    }
  }
  if (!common) return null;
  const base = common;
  // the common folder is the root when the files below it start with the workspace's top folders
  if (files.every((parts) => WORKSPACE_TOP.has(parts[base.length] ?? ''))) return base.join('/') + '/';
  // otherwise it is inside one of them: the root is above the innermost top folder in it
  for (let i = base.length - 1; i > 2; i--) if (WORKSPACE_TOP.has(base[i]!)) return base.slice(0, i).join('/') + '/';
  return base.join('/') + '/';
}

/** A callFrame URL as the reader knows it: workspace-relative (app/cache.ts) where it is in the workspace. */
export function frameFile(url: string, root: string | null): string {
  if (!url) return '';
  if (root && url.startsWith(root)) {
    const rel = url.slice(root.length);
    try {
      return decodeURIComponent(rel);
    } catch {
      return rel;
    }
  }
  return url;
}

/** Converts a sampling heap profile; root: the workspace's URL (inferred from the profile when absent). */
export function fromV8SamplingProfile(profile: V8SamplingProfile, opts: { root?: string } = {}): ParsedProfile {
  const urls = new Set<string>();
  const collect = (n: V8SamplingNode) => {
    urls.add(n.callFrame.url);
    n.children.forEach(collect);
  };
  collect(profile.head);
  const root = opts.root ?? workspaceRoot(urls);

  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const intern = (f: Frame): number => {
    const key = frameKey(f);
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(f);
      frameIds.set(key, id);
    }
    return id;
  };
  // every node's stack, leaf first; the head is V8's "(root)", which is no frame of its own
  const stacks = new Map<number, number[]>();
  const selfSizes: Array<[number, number]> = [];
  const walk = (n: V8SamplingNode, callers: number[]) => {
    const cf = n.callFrame;
    const stack =
      n === profile.head
        ? callers
        : [
            intern({
              name: cf.functionName || '(anonymous)',
              file: frameFile(cf.url, root),
              line: cf.lineNumber >= 0 ? cf.lineNumber + 1 : 0,
            }),
            ...callers,
          ];
    stacks.set(n.id, stack);
    if (n.selfSize) selfSizes.push([n.id, n.selfSize]);
    for (const c of n.children) walk(c, stack);
  };
  walk(profile.head, []);

  // one Sample per node that has samples: bytes and the number of samples
  const byNode = new Map<number, Sample>();
  if (Array.isArray(profile.samples)) {
    for (const s of profile.samples) {
      const stack = stacks.get(s?.nodeId);
      if (!stack || typeof s.size !== 'number') continue;
      const into = byNode.get(s.nodeId);
      if (into) {
        into.values[0]! += s.size;
        into.values[1]! += 1;
      } else byNode.set(s.nodeId, { stack, values: [s.size, 1], labels: '' });
    }
  } else {
    // an older profile without samples: the bytes per node, and no object estimate
    for (const [id, size] of selfSizes) byNode.set(id, { stack: stacks.get(id)!, values: [size, 0], labels: '' });
  }
  return {
    sampleTypes: V8_SAMPLE_TYPES.map((t) => ({ ...t })),
    defaultIndex: 0,
    frames,
    samples: [...byNode.values()],
    timeMs: 0,
  };
}

function isNode(n: unknown): n is V8SamplingNode {
  const node = n as V8SamplingNode;
  return (
    typeof node === 'object' &&
    node !== null &&
    typeof node.callFrame === 'object' &&
    node.callFrame !== null &&
    typeof node.id === 'number' &&
    Array.isArray(node.children)
  );
}

/** Bytes of a .heapprofile to a profile. Rejects with a reader-facing message. */
export function parseHeapProfile(data: ArrayBuffer | Uint8Array, opts: { root?: string } = {}): ParsedProfile {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`This is not a sampling heap profile (not JSON: ${(err as Error).message}).`, { cause: err });
  }
  const head = (json as { head?: unknown } | null)?.head;
  // every node is checked before the conversion walks it
  const check = (n: unknown): boolean => isNode(n) && n.children.every(check);
  if (!check(head))
    throw new Error('This is not a sampling heap profile (it has no call tree of { callFrame, id, children }).');
  return fromV8SamplingProfile(json as V8SamplingProfile, opts);
}
