// The report-queue checks accept a right fix that looks nothing like the reference solution: one
// long-lived flusher loop instead of an AbortSignal per batch (labs/report-queue/alternative-fixes/).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runLabCheck } from '../../engine/supervise.ts';

const dir = path.resolve(import.meta.dirname, '../../labs/report-queue/alternative-fixes');

it.each(fs.readdirSync(dir))('alternative fix %s passes every task', async (name) => {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(dir, name))) files[f] = fs.readFileSync(path.join(dir, name, f), 'utf8');
  const report = await runLabCheck({ labId: 'report-queue', base: 'starter', files });
  expect(report.tasks.filter((t) => !t.passed), 'failed tasks').toEqual([]);
  expect(report.passed).toBe(true);
});
