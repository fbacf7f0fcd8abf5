import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeSnapshots, type Report } from '../../src/analysis/index.ts';
import { writeSnapshots, type SnapshotRun } from './fixtures.ts';

// Gzip streams that were written to and never ended keep zlib's native state alive; Node reports
// it as native nodes named "Node / zlib_memory". The summary must list that category, and the
// diff must count each stream's share.
let run: SnapshotRun;
let report: Report;

beforeAll(async () => {
  run = await writeSnapshots(`
    const zlib = await import('node:zlib');
    const open = [];
    globalThis.openStreams = open;
    snap('before');
    for (let i = 0; i < 12; i++) {
      const gzip = zlib.createGzip();
      gzip.write('preflight body '.repeat(64));
      open.push(gzip);
    }
    await new Promise((r) => setTimeout(r, 100));
    snap('after');
  `);
  report = await analyzeSnapshots([createReadStream(run.files.before!), createReadStream(run.files.after!)]);
}, 60_000);

afterAll(() => run?.cleanup());

it('lists native zlib memory as its own category, one node per open stream', () => {
  const zlib = report.snapshots[1]!.classes.find((c) => c.name === 'Node / zlib_memory');
  expect(zlib?.count).toBe(12);
  // zlib's deflate state is a few hundred KB per stream; far larger than the JS wrapper objects.
  expect(zlib!.shallowSize).toBeGreaterThan(12 * 64 * 1024);
  const gzip = report.snapshots[1]!.classes.find((c) => c.name === 'Gzip');
  expect(gzip?.count).toBe(12);
});

it('the diff counts the new native memory per stream', () => {
  const row = report.diffs[0]!.rows.find((r) => r.name === 'Node / zlib_memory');
  expect(row?.added).toBe(12);
  expect(row?.deltaCount).toBe(12);
  // Largest growth first: native zlib memory dwarfs everything else in this run.
  expect(report.diffs[0]!.rows[0]!.name).toBe('Node / zlib_memory');
});
