// Check results carry what was observed, never code: not the check's source, not stack traces, one line.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabCheck } from '../../engine/supervise.ts';
import { makeLabsRoot, manifestFor, SERVER } from '../engine/fixture-labs.ts';

const tasks = ['throws', 'bad-count', 'no-verdict', 'observes'].map((id) => ({
  id,
  title: `Task ${id}`,
  description: 'A task of the kit test lab.',
  hints: ['A hint.'],
}));

const CHECKS = `
import { defineChecks } from '#kit';
const secretThreshold = 12345; // a line of check code that must never reach the reader
export default defineChecks({
  throws: async (t) => {
    const r = await t.service.request('/');
    if (r.status === 200) throw new Error('expected the ledger to be empty\\n    at checkLedger (checks/index.ts:7:13)\\n' + String(secretThreshold));
    return { passed: true, message: 'fine' };
  },
  'bad-count': async (t) => {
    await t.service.measure({ gc: true, count: ['NoSuchClassAnywhere'] });
    return { passed: true, message: 'counted' };
  },
  'no-verdict': async () => undefined as never,
  observes: async (t) => {
    await t.runScenario('poke');
    const m = await t.service.measure({ gc: true });
    return { passed: m.gauges.requests === 3 && m.afterGc, message: 'after 3 requests the service counted ' + m.gauges.requests };
  },
});
`;

const root = makeLabsRoot({
  msgs: { manifest: manifestFor('msgs', { tasks }), starter: { 'server.ts': SERVER }, checks: CHECKS },
  broken: {
    starter: { 'server.ts': 'import http from "node:http";\nexport default (ctx => {\n  const x: number = ;\n});\n' },
  },
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const codeLines = CHECKS.split('\n')
  .map((l) => l.trim())
  .filter((l) => l.length > 12);

describe('check messages', () => {
  it('are single observed lines: thrown errors lose their stack, authoring errors are named, code never appears', async () => {
    const report = await runLabCheck({ labId: 'msgs', labsDir: root });
    const byId = Object.fromEntries(report.tasks.map((t) => [t.id, t]));
    expect(byId.throws).toMatchObject({ passed: false, message: 'expected the ledger to be empty' });
    expect(byId['bad-count'].passed).toBe(false);
    expect(byId['bad-count'].message).toContain('cannot count "NoSuchClassAnywhere"');
    expect(byId['no-verdict']).toMatchObject({
      passed: false,
      message: 'the check gave no verdict (an authoring error)',
    });
    expect(byId.observes).toMatchObject({ passed: true, message: 'after 3 requests the service counted 3' });
    for (const t of report.tasks) {
      expect(t.message).not.toMatch(/\n|\bat \S+ \(|12345|file:\/\//);
      for (const line of codeLines) expect(t.message).not.toContain(line);
    }
  });

  it('explain a service that does not load, without a stack dump', async () => {
    const report = await runLabCheck({ labId: 'broken', labsDir: root });
    expect(report.passed).toBe(false);
    const message = report.tasks[0].message;
    expect(message).toMatch(/^the service did not start: Could not load app\/server\.ts: SyntaxError/);
    expect(message).not.toMatch(/\n|\bat \S+ \(/);
  });
});
