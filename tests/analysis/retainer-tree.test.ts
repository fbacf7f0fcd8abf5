// The retainers tree, bookkeeping folding and the "grew most" choice, on real snapshots of small
// Node scripts shaped like the labs: a response cache behind a Map (with a kit-like gauge Map
// holding a closure over it), trace lines kept per trace id, and gzip streams never ended.
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAndHold, type Report } from '../../src/analysis/analyze.ts';
import { diffGrowth, grewMost, leakGrowth } from '../../src/analysis/bookkeeping.ts';
import { RetainerExplorer, type RetainerRoot } from '../../src/analysis/retainer-explorer.ts';
import { writeSnapshots, type SnapshotRun } from './fixtures.ts';

interface Opened {
  run: SnapshotRun;
  report: Report;
  explorer: RetainerExplorer;
}

async function open(body: string, names: string[]): Promise<Opened> {
  const run = await writeSnapshots(body);
  const { report, held } = await analyzeAndHold(names.map((n) => createReadStream(run.files[n]!)));
  const explorer = new RetainerExplorer(held.graph, held.classes, held.digest, held.marked, held.dom.retained);
  return { run, report, explorer };
}

/** Lines "edge in holder" of the tree, expanding every branch breadth-first up to `depth` levels. */
function walk(x: RetainerExplorer, root: RetainerRoot, fold: boolean, depth: number): string[][] {
  const lines: string[][] = [];
  const queue: number[][] = [[]];
  while (queue.length) {
    const path = queue.shift()!;
    const level = x.expand({ root, path, fold });
    level.children.forEach((c, i) => {
      const chain = [...path, i];
      lines.push([`${c.edge} in ${c.holder}`]);
      if (!c.leaf && chain.length < depth && queue.length < 400) queue.push(chain);
    });
  }
  return lines;
}

/** The first branch at every level, as DevTools opens the shortest route. */
function firstRoute(x: RetainerExplorer, root: RetainerRoot, fold = true, max = 12) {
  const route: { edge: string; holder: string; distance: number; root: boolean }[] = [];
  const path: number[] = [];
  for (let k = 0; k < max; k++) {
    const level = x.expand({ root, path, fold });
    const first = level.children[0];
    if (!first) break;
    route.push(first);
    if (first.leaf) break;
    path.push(0);
  }
  return route;
}

describe('a cache held by a Map, with a kit-like gauge over it', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(
      `
      class CachedResponse { constructor(body) { this.body = body; this.at = Date.now(); } }
      class ResponseCache { constructor() { this.entries = new Map(); } }
      const cache = new ResponseCache();
      // What kit/host.ts does with ctx.gauge(): keeps the reader's function in a module-level Map.
      const gauges = new Map();
      function gauge(name, read) { gauges.set(name, read); }
      gauge('cache entries', () => cache.entries.size);
      globalThis.handler = (q) => cache.entries.get(q);
      snap('before');
      for (let i = 0; i < 200; i++) cache.entries.set('/search?q=' + i, new CachedResponse('result '.repeat(40) + i));
      snap('after');
    `,
      ['before', 'after'],
    );
  }, 60_000);
  afterAll(() => o?.run.cleanup());

  it('grew most is the lab class, not the strings its objects hold', () => {
    const rows = o.report.diffs[0]!.rows;
    const strings = rows.find((r) => r.name === '(string)')!;
    const cached = rows.find((r) => r.name === 'CachedResponse')!;
    // The bodies are strings: by shallow size alone (string) grows far more …
    expect(strings.deltaSize).toBeGreaterThan(5 * cached.deltaSize);
    // … but the new CachedResponse objects hold them.
    expect(cached.addedRetained).toBeGreaterThanOrEqual(strings.deltaSize * 0.9);
    expect(grewMost(rows, diffGrowth)?.name).toBe('CachedResponse');
  });

  it('expands level by level from the instances to the GC roots, naming the Map and its owner', () => {
    const root = { className: 'CachedResponse' };
    const top = o.explorer.expand({ root, path: [] });
    expect(top.objects).toBe(200);
    const first = top.children[0]!;
    expect(first).toMatchObject({ edge: '[Map entries]', holder: 'Map', retainers: 1, holds: 200, weak: false });
    const route = firstRoute(o.explorer, root);
    const text = route.map((r) => `${r.edge} in ${r.holder}`);
    expect(text.slice(0, 3)).toEqual([
      '[Map entries] in Map',
      'entries in ResponseCache',
      'variable cache in system / Context',
    ]);
    // Distances fall toward the roots and the route ends at one.
    for (let i = 1; i < route.length; i++) expect(route[i]!.distance).toBeLessThan(route[i - 1]!.distance);
    expect(route.at(-1)!.root || route.at(-1)!.distance <= 1).toBe(true);
  });

  it('one object has its own tree, with its Map key', () => {
    const { items, total } = o.explorer.instances('CachedResponse', 5);
    expect(total).toBe(200);
    expect(items).toHaveLength(5);
    const level = o.explorer.expand({ root: { nodeId: items[0]!.nodeId }, path: [] });
    expect(level.objects).toBe(1);
    expect(level.children[0]!.edge).toMatch(/^\[entry '\/search\?q=\d+'\]$/);
  });

  it('folds the kit-like gauge Map away by default, and shows it when asked', () => {
    const root = { className: 'CachedResponse' };
    const folded = walk(o.explorer, root, true, 7).flat();
    const open = walk(o.explorer, root, false, 7).flat();
    expect(open).toContain("[entry 'cache entries'] in Map");
    expect(folded).not.toContain("[entry 'cache entries'] in Map");
    // Folding hides that route, not the route through the reader's own handler.
    expect(folded.some((l) => /handler/.test(l))).toBe(true);
  });
});

describe('trace lines kept per trace id', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(
      `
      const traceLogs = new Map();
      snap('before');
      for (let t = 0; t < 60; t++) {
        const lines = [];
        for (let j = 0; j < 40; j++) lines.push(JSON.stringify({ trace: 't' + t, line: j, msg: 'step '.repeat(20) }));
        traceLogs.set('trace-' + t, lines);
      }
      globalThis.logs = () => traceLogs;
      snap('after');
    `,
      ['before', 'after'],
    );
  }, 60_000);
  afterAll(() => o?.run.cleanup());

  it('grew most is the per-trace Array, and its tree names the trace map', () => {
    const rows = o.report.diffs[0]!.rows;
    expect(rows[0]!.name).toBe('(string)');
    const top = grewMost(rows, diffGrowth)!;
    expect(top.name).toBe('Array');
    const route = firstRoute(o.explorer, { className: 'Array' });
    const text = route.map((r) => `${r.edge} in ${r.holder}`);
    expect(text[0]).toBe('[Map entries] in Map');
    expect(text[1]).toBe('variable traceLogs in system / Context');
  });
});

describe('gzip streams written to and never ended', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(
      `
      const zlib = await import('node:zlib');
      const lent = new Set();
      globalThis.lent = lent;
      class Spare {}
      snap('before');
      const spare = new Spare();
      globalThis.spare = spare;
      globalThis.weakly = new WeakRef(spare);
      for (let i = 0; i < 8; i++) {
        const gzip = zlib.createGzip();
        gzip.write('preflight body '.repeat(64));
        lent.add(gzip);
      }
      await new Promise((r) => setTimeout(r, 100));
      snap('after');
    `,
      ['before', 'after'],
    );
  }, 60_000);
  afterAll(() => o?.run.cleanup());

  it('folds BaseObjectList bookkeeping and keeps the reader\u2019s Set', () => {
    const root = { className: 'Gzip' };
    const all = o.explorer.expand({ root, path: [], fold: false });
    const folded = o.explorer.expand({ root, path: [], fold: true });
    const holders = (l: typeof all) => l.children.map((c) => c.holder);
    expect(holders(all).some((h) => /BaseObjectList|CleanupQueue|\(system\)/.test(h))).toBe(true);
    expect(holders(folded).some((h) => /BaseObjectList|CleanupQueue|\(system\)/.test(h))).toBe(false);
    expect(folded.folded.length).toBeGreaterThan(0);
    expect(folded.children.map((c) => `${c.edge} in ${c.holder}`)).toContain('[Set members] in Set');
  });

  it('grew most is a native handle or the stream, never a primitive', () => {
    expect(grewMost(o.report.diffs[0]!.rows, diffGrowth)?.name).toMatch(/^(Node \/ |Gzip$)/);
  });

  it('marks weak edges and lists them after the strong ones', () => {
    const level = o.explorer.expand({ root: { className: 'Spare' }, path: [], fold: false });
    expect(level.objects).toBe(1);
    const weak = level.children.filter((c) => c.weak);
    expect(weak.map((c) => c.holder)).toContain('WeakRef');
    expect(level.children[0]!.weak).toBe(false);
    expect(level.children.findIndex((c) => c.weak)).toBeGreaterThan(level.children.findLastIndex((c) => !c.weak));
  });
});

describe('gzip streams nothing in JavaScript holds', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(
      `
      const zlib = await import('node:zlib');
      snap('before');
      // piped into a destination that never reads: the data waits in the native stream, which
      // keeps its JavaScript object alive although no JavaScript object refers to it
      const { PassThrough } = await import('node:stream');
      for (let i = 0; i < 8; i++) {
        const gzip = zlib.createGzip();
        const sink = new PassThrough({ highWaterMark: 1 });
        gzip.pipe(sink);
        gzip.write('preflight body '.repeat(4096));
      }
      await new Promise((r) => setTimeout(r, 200));
      snap('after');
    `,
      ['before', 'after'],
    );
  }, 60_000);
  afterAll(() => o?.run.cleanup());

  it('are held by their native handle, and the handle only by bookkeeping', () => {
    const root = { className: 'Gzip' };
    const names = (l: { children: { edge: string; holder: string }[] }) =>
      JSON.stringify(l.children.map((c) => `${c.edge} in ${c.holder}`));
    // Gzip ← owner_symbol in Zlib (the handle's JavaScript side) ← Node / ZlibStream (its native side)
    const top = o.explorer.expand({ root, path: [], fold: true });
    const zlib = top.children.findIndex((c) => c.holder === 'Zlib' && /owner_symbol/.test(c.edge));
    expect(zlib, names(top)).toBeGreaterThanOrEqual(0);
    const handle = o.explorer.expand({ root, path: [zlib], fold: true });
    const native = handle.children.findIndex((c) => /ZlibStream/.test(c.holder));
    expect(native, names(handle)).toBeGreaterThanOrEqual(0);
    // nothing but folded bookkeeping above the native side: the page says no JavaScript holds it
    const above = o.explorer.expand({ root, path: [zlib, native], fold: true });
    expect(above.folded.map((f) => f.holder)).toContain('Node / BaseObjectList');
    expect(names(above)).toBe('[]');
  });
});

describe('three snapshots', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open(
      `
      class RequestScratch { constructor(i) { this.row = [i, i * 2, i * 3]; } }
      class AuditEntry { constructor(i) { this.at = i; this.note = 'entry ' + i; } }
      const auditLog = [];
      let lastRequest = null;
      function handleRequest(base) {
        lastRequest = [];
        for (let i = 0; i < 150; i++) lastRequest.push(new RequestScratch(base + i));
        for (let i = 0; i < 12; i++) auditLog.push(new AuditEntry(base + i));
        globalThis.keep = () => [auditLog, lastRequest];
      }
      handleRequest(0);
      snap('baseline');
      handleRequest(1000);
      snap('target');
      handleRequest(2000);
      snap('final');
    `,
      ['baseline', 'target', 'final'],
    );
  }, 60_000);
  afterAll(() => o?.run.cleanup());

  it('the tree of leaked objects covers only those allocated between baseline and target', () => {
    const leaks = o.report.leaks!;
    expect(grewMost(leaks.rows, leakGrowth)?.name).toBe('AuditEntry');
    const level = o.explorer.expand({ root: { className: 'AuditEntry' }, path: [] });
    expect(level.objects).toBe(12);
    expect(o.explorer.expand({ root: { className: 'RequestScratch' }, path: [] }).objects).toBe(0);
    expect(`${level.children[0]!.edge} in ${level.children[0]!.holder}`).toBe('[…] in Array');
    expect(firstRoute(o.explorer, { className: 'AuditEntry' })[1]).toMatchObject({
      edge: 'variable auditLog',
      holder: 'system / Context',
    });
  });
});
