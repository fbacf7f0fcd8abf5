import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshots, type Report } from '../../src/analysis/index.ts';
import { writeSnapshots, type SnapshotRun } from './fixtures.ts';

// N instances of each class are created per round; M of them stay reachable, each through a
// different kind of holder. The rest are garbage by the time the snapshot is written.
const N = 400;
const M = 37;

let run: SnapshotRun;
let report: Report;

beforeAll(async () => {
  run = await writeSnapshots(`
    class Invoice { constructor(i) { this.number = 'inv-' + i; this.lines = [i, i + 1]; } }
    class Session { constructor(i) { this.user = 'user-' + i; } }
    class Subscriber { constructor(i) { this.topic = 'topic-' + i; } }
    const invoiceCache = new Map();
    globalThis.invoiceCache = invoiceCache;
    globalThis.recentSessions = [];
    const bus = new EventEmitter();
    bus.setMaxListeners(0);
    globalThis.bus = bus;
    function round(start) {
      for (let i = start; i < start + ${N}; i++) {
        const invoice = new Invoice(i);
        const session = new Session(i);
        const subscriber = new Subscriber(i);
        if (i - start < ${M}) {
          invoiceCache.set('inv-' + i, invoice);
          globalThis.recentSessions.push(session);
          bus.on('tick', function onTick() { return subscriber.topic; });
        }
      }
    }
    round(0);
    snap('before');
    round(1000);
    snap('after');
  `);
  report = await analyzeSnapshots([createReadStream(run.files.before!), createReadStream(run.files.after!)], {
    labels: ['before', 'after'],
  });
}, 60_000);

afterAll(() => run?.cleanup());

const row = <T extends { name: string }>(rows: T[], name: string): T | undefined => rows.find((r) => r.name === name);

describe('summary of a real snapshot', () => {
  it('counts exactly the live instances of each class', () => {
    const before = report.snapshots[0]!.classes;
    const after = report.snapshots[1]!.classes;
    for (const name of ['Invoice', 'Session', 'Subscriber']) {
      expect(row(before, name)?.count, name).toBe(M);
      expect(row(after, name)?.count, name).toBe(2 * M);
    }
  });

  it('shallow sizes add up and retained size covers what an instance owns', () => {
    const invoice = row(report.snapshots[1]!.classes, 'Invoice')!;
    expect(invoice.shallowSize).toBeGreaterThan(0);
    // Each invoice alone keeps its `lines` array alive, so retained exceeds shallow.
    expect(invoice.retainedSize).toBeGreaterThan(invoice.shallowSize);
  });

  it('totals: the sum of self sizes, of which the weakly held part is a small remainder', async () => {
    const totals = report.snapshots[1]!.totals;
    const rows = report.snapshots[1]!.classes;
    const listed = rows.reduce((s, r) => s + r.shallowSize, 0);
    // Only synthetic nodes (size 0) are left out of the class rows.
    expect(listed).toBe(totals.totalSize);
    expect(totals.weaklyHeldSize).toBeLessThan(totals.totalSize / 10);
    const bytes = (await readFile(run.files.after!)).length;
    expect(report.snapshots[1]!.bytes).toBe(bytes);
  });
});

describe('two-snapshot diff', () => {
  it('reports exactly +M for each retained class, largest growth first', () => {
    const diff = report.diffs[0]!;
    for (const name of ['Invoice', 'Session', 'Subscriber']) {
      const r = row(diff.rows, name)!;
      expect(r, name).toBeDefined();
      expect(r.added, name).toBe(M);
      expect(r.deleted, name).toBe(0);
      expect(r.deltaCount, name).toBe(M);
    }
    const deltas = diff.rows.map((r) => r.deltaSize);
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
  });

  it('names the Map that holds the invoices, with the entry key', () => {
    const paths = diff().paths.find((p) => p.name === 'Invoice')!.paths;
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      expect(p.text).toMatch(/^\(GC roots\) → global → invoiceCache \(Map\) → \[entry 'inv-10\d\d'\] → Invoice$/);
    }
  });

  it('names the array that holds the sessions, with the index', () => {
    for (const p of diff().paths.find((c) => c.name === 'Session')!.paths) {
      expect(p.text).toMatch(
        /^\(GC roots\) → global → recentSessions \(Array\) → \[(3[7-9]|[4-6]\d|7[0-3])\] → Session$/,
      );
    }
  });

  it('names the listener array and the closure that holds the subscribers', () => {
    for (const p of diff().paths.find((c) => c.name === 'Subscriber')!.paths) {
      expect(p.text).toMatch(
        /bus \(EventEmitter\) → _events\.tick\[\d+\] \(onTick\(\)\) → captured (variable subscriber|value) → Subscriber$/,
      );
    }
  });
});

function diff() {
  return report.diffs[0]!;
}
