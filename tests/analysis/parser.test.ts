import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, SnapshotParseError, type HeapGraph } from '../../src/analysis/index.ts';
import { fakeSnapshot, writeSnapshots, type SnapshotRun } from './fixtures.ts';

let run: SnapshotRun;
let bytes: Uint8Array;
let whole: HeapGraph;

beforeAll(async () => {
  // Strings with escapes and non-ASCII characters (V8 writes those as \u escapes).
  run = await writeSnapshots(`
    globalThis.texts = ['quote " and backslash \\\\ and tab \\t', 'Grüße, 東京', 'line\\nbreak'];
    snap('one');
  `);
  bytes = new Uint8Array(await readFile(run.files.one!));
  whole = await parseSnapshot(bytes);
}, 60_000);

afterAll(() => run?.cleanup());

function expectSameGraph(a: HeapGraph, b: HeapGraph): void {
  expect(a.nodeCount).toBe(b.nodeCount);
  expect(a.edgeCount).toBe(b.edgeCount);
  for (const key of [
    'nodeType',
    'nodeName',
    'nodeId',
    'selfSize',
    'firstEdge',
    'edgeType',
    'edgeName',
    'edgeTo',
  ] as const) {
    expect(
      Buffer.from(a[key].buffer, a[key].byteOffset, a[key].byteLength).equals(
        Buffer.from(b[key].buffer, b[key].byteOffset, b[key].byteLength),
      ),
      key,
    ).toBe(true);
  }
  expect(a.strings).toEqual(b.strings);
}

/** Cuts the bytes into chunks of varying small sizes (deterministic). */
function* chunks(data: Uint8Array, seed: number): Generator<Uint8Array> {
  let x = seed;
  for (let o = 0; o < data.length;) {
    x = (x * 1103515245 + 12345) >>> 0;
    const size = 1 + (x % 5000);
    yield data.subarray(o, Math.min(o + size, data.length));
    o += size;
  }
}

describe('streaming parse', () => {
  it('reads the snapshot the test wrote, strings decoded exactly', () => {
    expect(whole.nodeCount).toBeGreaterThan(1000);
    for (const s of ['quote " and backslash \\ and tab \t', 'Grüße, 東京', 'line\nbreak']) {
      expect(whole.strings).toContain(s);
    }
  });

  it('a Node stream of odd-sized chunks gives the same graph as the whole buffer', async () => {
    expectSameGraph(await parseSnapshot(Readable.from(chunks(bytes, 7))), whole);
  });

  it('a web ReadableStream gives the same graph', async () => {
    const it = chunks(bytes, 99);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = it.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value.slice());
      },
    });
    expectSameGraph(await parseSnapshot(stream), whole);
  });

  it('one byte at a time through the strings section still decodes every string', async () => {
    const cut = bytes.length - 100_000;
    expect(new TextDecoder().decode(bytes.subarray(0, cut)).lastIndexOf('"strings":[')).toBeGreaterThan(0);
    async function* bytewise() {
      yield bytes.subarray(0, cut);
      for (let o = cut; o < bytes.length; o++) yield bytes.subarray(o, o + 1);
    }
    expectSameGraph(await parseSnapshot(bytewise()), whole);
  });

  it('reports progress as bytes arrive', async () => {
    const seen: number[] = [];
    await parseSnapshot(Readable.from(chunks(bytes, 3)), { onBytes: (b) => seen.push(b) });
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});

async function parseError(data: Uint8Array | string): Promise<SnapshotParseError> {
  const input = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const started = performance.now();
  const error = await parseSnapshot(Readable.from(chunks(input, 5))).then(
    () => {
      throw new Error('expected the parse to fail');
    },
    (e: unknown) => e,
  );
  // A bad file must fail in about the time it takes to read it, never hang.
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(error).toBeInstanceOf(SnapshotParseError);
  return error as SnapshotParseError;
}

describe('truncated and corrupt files', () => {
  const text = () => new TextDecoder().decode(bytes);

  it('says which section a truncated file ends in and how far it got', async () => {
    const sections: [string, string][] = [
      ['"nodes":[', 'nodes array'],
      ['"edges":[', 'edges array'],
      ['"strings":[', 'strings array'],
    ];
    for (const [marker, where] of sections) {
      const at = text().indexOf(marker) + marker.length + 1000;
      const cut = new TextEncoder().encode(text()).subarray(0, at);
      const error = await parseError(cut);
      expect(error.message).toMatch(
        new RegExp(`^snapshot ended after [\\d.]+ (KB|MB) inside the ${where} — the file is truncated$`),
      );
    }
  });

  it('a file cut inside the header or after the last string is truncated too', async () => {
    expect((await parseError(bytes.subarray(0, 200))).message).toMatch(
      /inside the snapshot header — the file is truncated/,
    );
    expect((await parseError(bytes.subarray(0, bytes.length - 2))).message).toMatch(/the file is truncated/);
  });

  it('a corrupt byte in the edges array is pinpointed', async () => {
    const copy = bytes.slice();
    const at = text().indexOf('"edges":[') + 5000;
    copy[at] = 'x'.charCodeAt(0);
    const error = await parseError(copy);
    expect(error.message).toMatch(
      /^unexpected 'x' at byte \d+ \([\d.]+ (KB|MB)\) in the edges array — the file is corrupt$/,
    );
    expect(error.bytes).toBe(at);
  });

  it('edges pointing past the last node are caught', async () => {
    const bad = fakeSnapshot([
      { type: 'synthetic', name: '', id: 1, self: 0, edges: [{ type: 'element', name: 1, to: 1 }] },
      { type: 'object', name: 'A', id: 3, self: 8 },
    ]).replace('"edges":[1,1,7]', '"edges":[1,1,70]');
    expect((await parseError(bad)).message).toMatch(
      /edge #0 points to node #10 but there are only 2 nodes — the file is corrupt/,
    );
  });

  it('other files are told apart from snapshots', async () => {
    expect((await parseError('<!doctype html><html></html>')).message).toMatch(/not a V8 heap snapshot/);
    expect((await parseError('{"hello":"world"}')).message).toMatch(/not a V8 heap snapshot/);
    expect((await parseError('')).message).toBe('the snapshot is empty (0 bytes)');
  });
});
