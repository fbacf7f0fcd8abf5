import { createReadStream } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeSnapshots, type Report } from '../../src/analysis/index.ts';
import { writeSnapshots, type SnapshotRun } from './fixtures.ts';

// Each "request" builds 150 RequestScratch temporaries that live until the next request replaces
// them, and leaks 12 AuditEntry objects into a module-level array. Baseline → one request →
// a second request: only the first request's AuditEntry objects are both new in snapshot 2 and
// still alive in snapshot 3; its scratch objects were replaced by the second request's.
let run: SnapshotRun;
let report: Report;

beforeAll(async () => {
  run = await writeSnapshots(`
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
    snap('action');
    handleRequest(2000);
    snap('repeat');
  `);
  report = await analyzeSnapshots(['baseline', 'action', 'repeat'].map((n) => createReadStream(run.files[n]!)));
}, 60_000);

afterAll(() => run?.cleanup());

it('the plain diff sees both the leak and the temporaries grow', () => {
  const rows = report.diffs[0]!.rows;
  expect(rows.find((r) => r.name === 'AuditEntry')?.deltaCount).toBe(12);
  // The temporaries are replaced, not accumulated: 150 new, 150 deleted.
  const scratch = rows.find((r) => r.name === 'RequestScratch')!;
  expect(scratch.added).toBe(150);
  expect(scratch.deleted).toBe(150);
});

it('three snapshots report only what the action leaked, not its temporaries', () => {
  const leaks = report.leaks!;
  expect(leaks.rows.find((r) => r.name === 'AuditEntry')?.count).toBe(12);
  expect(leaks.rows.find((r) => r.name === 'RequestScratch')).toBeUndefined();
});

it('gives the leaked objects a retainer path through the holding array', () => {
  const audit = report.leaks!.paths.find((p) => p.name === 'AuditEntry')!;
  expect(audit.paths.length).toBe(3);
  for (const p of audit.paths) {
    expect(p.text).toMatch(/variable auditLog \(Array\) → \[(1[2-9]|2[0-3])\] → AuditEntry$/);
    expect(p.retainedSize).toBeGreaterThanOrEqual(p.selfSize);
  }
});
