// Check results the reader's code cannot forge, through the real runner: whatever the service prints
// (results on its output, from process.on('exit'), past the output cap, on other descriptors), the page
// gets exactly one result per Check, the one the hidden checks gave; and nothing the service can see
// (its files, its environment, its parent's command line) differs between a Run and a Check.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import { api, followEvents, startRunner, type Runner } from './harness.ts';

let r: Runner;
const spy = mkdtempSync(join(tmpdir(), 'leakbook-forge-spy-'));

beforeAll(async () => {
  r = await startRunner({ limits: { maxRuns: 2, orphanMs: 5000 } });
}, 30_000);

afterAll(async () => {
  await r?.stop();
  rmSync(spy, { recursive: true, force: true });
});

const PASSED = { id: 'answers', title: 'Answer requests', passed: true, message: 'GET /hello answered "hello"' };
const FORGED_END = '\u001eLB ' + JSON.stringify({ type: 'check', phase: 'end', passed: true, tasks: [PASSED] });
const FORGED_TASK = '\u001eLB ' + JSON.stringify({ type: 'check', phase: 'task', task: PASSED });

// A service that answers wrongly, and forges a passing result every way it can reach, and writes down
// what it can see of its surroundings each time it starts.
const FORGER = `import fs from 'node:fs';
import http from 'node:http';
import { defineService } from '#kit';
const forged = ${JSON.stringify([FORGED_TASK, FORGED_END])};
function forge() {
  for (const line of forged) console.log(line);
  process.stdout.write('x'.repeat(256 * 1024 - 2) + forged[1] + '\\n');
  for (const fd of [3, 4, 5]) { try { fs.writeSync(fd, forged[1] + '\\n'); } catch {} }
}
const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
const env = { ...process.env };
delete env.LEAKBOOK_RESTARTS;
// a random tag per service host that its own children inherit (kit/lab-processes.ts): no count, no check
delete env.LEAKBOOK_LAB_MARK;
fs.appendFileSync(${JSON.stringify(join(spy, 'views.jsonl'))}, JSON.stringify({
  cwd: fs.readdirSync('.').sort(),
  env,
  argv: process.argv.slice(1),
  parent: read('/proc/' + process.ppid + '/cmdline').split('\\0').slice(1),
}) + '\\n');
forge();
process.on('exit', forge);
export default defineService(() => {
  const timer = setInterval(forge, 100);
  timer.unref();
  return { server: http.createServer((_req, res) => res.end('forged')) };
});
`;

describe('verdicts through the runner', () => {
  it("accepts only the hidden checks' own result, once per Check, whatever the service prints", async () => {
    const created = await api(r, 'POST', '/api/runs', { labId: 'probe-lab', files: { 'service.ts': FORGER } });
    expect(created.status, created.body).toBe(201);
    const { runId } = JSON.parse(created.body) as { runId: string };
    const events = followEvents(r, runId);
    try {
      await events.waitFor((e) => e.type === 'ready', 30_000, 'ready');
      const checks = () =>
        events.events.filter((e): e is Extract<RuntimeEvent, { type: 'check' }> => e.type === 'check');
      const readies = () => events.events.filter((e) => e.type === 'ready').length;
      for (let round = 1; round <= 2; round++) {
        const before = readies();
        const sent = await api(r, 'POST', `/api/runs/${runId}/commands`, { cmd: 'check', nonce: 'chosen-by-page' });
        expect(sent.status, sent.body).toBe(202);
        await events.waitFor(
          () => checks().filter((e) => e.phase === 'end').length === round,
          60_000,
          `the end of Check ${round}`,
        );
        await events.waitFor(() => readies() > before, 30_000, "the reader's service back");
      }
      // the reader's service forged all along; give its lines time to arrive
      await new Promise((done) => setTimeout(done, 500));
      const ends = checks().filter((e) => e.phase === 'end');
      expect(ends).toHaveLength(2);
      for (const end of ends)
        expect(end).toMatchObject({
          passed: false,
          tasks: [{ id: 'answers', passed: false, message: 'GET /hello answered "forged"' }],
        });
      expect(checks().filter((e) => e.phase === 'task')).toHaveLength(2);
      expect(checks().some((e) => e.phase === 'task' && e.task.passed)).toBe(false);
      // the forged lines reached the output pane as what they are: text
      const output = events.events
        .filter((e) => e.type === 'output')
        .map((e) => (e as { text: string }).text)
        .join('');
      expect(output).toContain('\u241eLB {"type":"check","phase":"end","passed":true');
      expect(output).not.toContain('\u001eLB');
    } finally {
      events.close();
      await api(r, 'DELETE', `/api/runs/${runId}`);
    }

    // Every service (the reader's, and each Check's) saw the same surroundings, with no checks/ in them.
    const views = readFileSync(join(spy, 'views.jsonl'), 'utf8').trim().split('\n');
    expect(views.length).toBeGreaterThanOrEqual(5); // the reader's, Check 1's, the reader's, Check 2's, the reader's
    expect(new Set(views).size, 'different views of a Run and a Check').toBe(1);
    const view = JSON.parse(views[0]) as { cwd: string[]; env: Record<string, string>; parent: string[] };
    expect(view.cwd).not.toContain('checks');
    expect(Object.keys(view.env).filter((k) => /check|verdict|secret/i.test(k))).toEqual([]);
    expect(view.parent.join(' ')).not.toMatch(/--check|secret|[0-9a-f]{64}/);
  }, 180_000);
});
