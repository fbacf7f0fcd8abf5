// V8's sampling heap profile (.heapprofile) read as the pprof views read a Go profile: a small profile
// made by hand, so every total, frame and stack is known.
import { describe, expect, it } from 'vitest';
import {
  callTree,
  diffProfiles,
  parseHeapProfile,
  topTable,
  workspaceRoot,
  type V8SamplingNode,
  type V8SamplingProfile,
} from '../../src/pprof/index.ts';

const WS = 'file:///tmp/leakbook-cache-warmup-Ab12/';

let nextId = 1;
function node(
  functionName: string,
  url: string,
  lineNumber: number,
  selfSize: number,
  children: V8SamplingNode[] = [],
): V8SamplingNode {
  return {
    callFrame: { functionName, url, lineNumber, columnNumber: 0, scriptId: '1' },
    selfSize,
    id: nextId++,
    children,
  };
}

/** (root) → (anonymous) server.ts → set cache.ts (leaf) and → JSON built-in; plus one kit frame. */
function makeProfile(setBytes: number[]): V8SamplingProfile {
  nextId = 1;
  const set = node('set', `${WS}app/cache.ts`, 23, 0);
  const builtin = node('stringify', '', -1, 0);
  const handler = node('', `${WS}app/server.ts`, 12, 0, [set, builtin]);
  const kit = node('sample', `${WS}kit/host.ts`, 150, 0);
  const internal = node('emit', 'node:events', 464, 0, [handler]);
  const head = node('(root)', '', -1, 0, [internal, kit]);
  const samples = [
    ...setBytes.map((size, i) => ({ size, nodeId: set.id, ordinal: i + 1 })),
    { size: 1000, nodeId: builtin.id, ordinal: 100 },
    { size: 500, nodeId: handler.id, ordinal: 101 },
    { size: 200, nodeId: kit.id, ordinal: 102 },
  ];
  // selfSize as V8 fills it in: the bytes of each node's samples
  const fill = (n: V8SamplingNode) => {
    n.selfSize = samples.filter((s) => s.nodeId === n.id).reduce((a, s) => a + s.size, 0);
    n.children.forEach(fill);
  };
  fill(head);
  return { head, samples };
}

const bytes = (p: unknown) => new TextEncoder().encode(JSON.stringify(p));

describe('sampling heap profiles (.heapprofile)', () => {
  it('has the sample types inuse_space (bytes) and inuse_objects (one per sample), inuse_space first', () => {
    const p = parseHeapProfile(bytes(makeProfile([16384, 16384, 8192])));
    expect(p.sampleTypes).toEqual([
      { type: 'inuse_space', unit: 'bytes' },
      { type: 'inuse_objects', unit: 'count' },
    ]);
    expect(p.defaultIndex).toBe(0);
    const total = (i: number) => p.samples.reduce((n, s) => n + s.values[i]!, 0);
    expect(total(0)).toBe(16384 * 2 + 8192 + 1000 + 500 + 200);
    expect(total(1)).toBe(6);
    expect(topTable(p, 0).total).toBe(total(0));
  });

  it('names frames as the reader knows them: workspace-relative files, 1-based lines, (anonymous)', () => {
    const p = parseHeapProfile(bytes(makeProfile([100])));
    expect(p.frames).toEqual(
      expect.arrayContaining([
        { name: 'set', file: 'app/cache.ts', line: 24 },
        { name: '(anonymous)', file: 'app/server.ts', line: 13 },
        { name: 'stringify', file: '', line: 0 },
        { name: 'emit', file: 'node:events', line: 465 },
        { name: 'sample', file: 'kit/host.ts', line: 151 },
      ]),
    );
    // V8's (root) is not a frame
    expect(p.frames.some((f) => f.name === '(root)')).toBe(false);
  });

  it('keeps stacks leaf first, one sample per allocating node', () => {
    const p = parseHeapProfile(bytes(makeProfile([100, 200])));
    const stacks = p.samples.map((s) => ({ names: s.stack.map((id) => p.frames[id]!.name), values: s.values }));
    expect(stacks).toContainEqual({ names: ['set', '(anonymous)', 'emit'], values: [300, 2] });
    expect(stacks).toContainEqual({ names: ['stringify', '(anonymous)', 'emit'], values: [1000, 1] });
    expect(stacks).toContainEqual({ names: ['(anonymous)', 'emit'], values: [500, 1] });
    expect(stacks).toContainEqual({ names: ['sample'], values: [200, 1] });
    const top = topTable(p, 0);
    expect(top.rows[0]).toMatchObject({ name: 'stringify', flat: 1000, cum: 1000 });
    expect(top.rows.find((r) => r.name === '(anonymous)')).toMatchObject({
      file: 'app/server.ts',
      flat: 500,
      cum: 1800,
    });
    const tree = callTree(p, 0);
    expect(tree.width).toBe(2000);
    expect(tree.children.map((c) => c.name)).toEqual(['emit', 'sample']);
  });

  it('diffs two captures of one service: what grew is positive, the rest cancels out', () => {
    const before = parseHeapProfile(bytes(makeProfile([16384])));
    const after = parseHeapProfile(bytes(makeProfile([16384, 16384, 16384])));
    const diff = diffProfiles(before, after);
    const top = topTable(diff, 0);
    expect(top.rows[0]).toMatchObject({ name: 'set', file: 'app/cache.ts', flat: 32768 });
    expect(top.rows.filter((r) => r.flat !== 0)).toHaveLength(1);
    expect(topTable(diff, 1).rows[0]).toMatchObject({ name: 'set', flat: 2 });
  });

  it('tells functions of one name in different files apart', () => {
    nextId = 1;
    const a = node('', `${WS}app/a.ts`, 0, 10);
    const b = node('', `${WS}app/b.ts`, 0, 20);
    const p = parseHeapProfile(bytes({ head: node('(root)', '', -1, 0, [a, b]) }));
    // no samples array (older profiles): the bytes come from selfSize
    expect(
      topTable(p, 0)
        .rows.map((r) => `${r.name} ${r.file} ${r.flat}`)
        .sort(),
    ).toEqual(['(anonymous) app/a.ts 10', '(anonymous) app/b.ts 20']);
  });

  it('finds the workspace root from the file URLs, also when every file is under app/', () => {
    expect(workspaceRoot([`${WS}app/cache.ts`, `${WS}kit/host.ts`, 'node:events', ''])).toBe(WS);
    expect(workspaceRoot([`${WS}app/cache.ts`, `${WS}app/server.ts`])).toBe(WS);
    expect(workspaceRoot([`${WS}app/lib/x.ts`, `${WS}app/lib/y.ts`])).toBe(WS);
    // a home folder called "app" above the workspace is not mistaken for it
    expect(workspaceRoot(['file:///home/app/ws/app/a.ts', 'file:///home/app/ws/kit/host.ts'])).toBe(
      'file:///home/app/ws/',
    );
    expect(workspaceRoot(['node:events'])).toBeNull();
    const p = parseHeapProfile(bytes(makeProfile([1])), { root: `${WS}app/` });
    expect(p.frames.find((f) => f.name === 'set')?.file).toBe('cache.ts');
  });

  it('refuses what is not a sampling heap profile, in words', () => {
    expect(() => parseHeapProfile(new TextEncoder().encode('not json'))).toThrow(/not a sampling heap profile/);
    expect(() => parseHeapProfile(bytes({ nodes: [] }))).toThrow(/no call tree/);
  });
});

describe('frames in the lab\u2019s own files', () => {
  it('map a workspace-relative or absolute app/ path to the lab file, and nothing else', async () => {
    const { labFileOf } = await import('../../src/lab-ui/pprof/top-table.ts');
    const files = ['cache.ts', 'server.ts', 'queue.go'];
    expect(labFileOf('app/cache.ts', files)).toBe('cache.ts');
    expect(labFileOf('/tmp/leakbook-ws-1.2-report-queue-go-x/app/queue.go', files)).toBe('queue.go');
    expect(labFileOf('kit/host.ts', files)).toBeNull();
    expect(labFileOf('app/other.ts', files)).toBeNull();
    expect(labFileOf('node:internal/streams/readable', files)).toBeNull();
  });
});
