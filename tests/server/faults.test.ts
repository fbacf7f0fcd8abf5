// Lab code written by a reader can do anything. Whatever it does, the page hears about it with a clear
// message, no process outlives the run, and the reader's files are still there, untouched.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import {
  alive,
  api,
  childPids,
  followEvents,
  labProcessesOf,
  groupPids,
  startRunner,
  waitUntil,
  workspaces,
  type Runner,
} from './harness.ts';

let r: Runner;

beforeAll(async () => {
  r = await startRunner({ limits: { maxRuns: 2, orphanMs: 1500, maxOutputBytes: 256 * 1024 } });
}, 30_000);

afterAll(async () => {
  await r?.stop();
  // `ps` after these tests: nothing any of their labs started is still running
  if (r) expect(labProcessesOf(r)).toEqual([]);
});

// A failed test must not leave its run behind for the next one (the runner caps concurrent runs).
const openRuns = new Set<string>();
afterEach(async () => {
  for (const id of openRuns) await api(r, 'DELETE', `/api/runs/${id}`);
  openRuns.clear();
});

// Generous on purpose: the point is that a report arrives, not how fast a loaded machine delivers it.
const REPORT_MS = 30_000;

const service = (body: string) => `import http from 'node:http';\nimport { defineService } from '#kit';\n${body}\n`;

const FAULTS: Record<string, { code: string; expect: RegExp }> = {
  'throws at start': {
    code: service(`export default defineService(() => { throw new Error('the config file is missing'); });`),
    expect: /the config file is missing/,
  },
  'spins the CPU': {
    code: service(`export default defineService(() => { for (;;) {} });`),
    expect: /did not start listening within \d+ s/,
  },
  'allocates without bound': {
    code: service(
      `export default defineService(() => { const hoard: number[][] = []; for (;;) hoard.push(new Array(100_000).fill(7)); });`,
    ),
    expect: /ran out of memory/,
  },
  'never opens its port': {
    code: service(`export default defineService(() => new Promise<never>(() => {}));`),
    expect: /did not start listening within \d+ s/,
  },
};

/** A clear report of the fault: an exit with its reason, or an error event. */
function faultMessage(e: RuntimeEvent): string | null {
  if (e.type === 'exit' && e.reason !== 'stopped') return e.message;
  if (e.type === 'error') return e.message;
  return null;
}

async function startRun(code: string): Promise<{ runId: string; events: ReturnType<typeof followEvents> }> {
  const created = await api(r, 'POST', '/api/runs', { labId: 'probe-lab', files: { 'service.ts': code } });
  expect(created.status, created.body).toBe(201);
  const { runId } = JSON.parse(created.body) as { runId: string };
  openRuns.add(runId);
  const events = followEvents(r, runId);
  expect(await events.opened).toBe(200);
  return { runId, events };
}

async function stopRun(runId: string, events: { close(): void }): Promise<void> {
  const reply = await api(r, 'DELETE', `/api/runs/${runId}`);
  openRuns.delete(runId);
  expect(reply.status).toBe(200);
  events.close();
}

function supervisorPid(): number {
  const pids = childPids(r.pid);
  expect(pids).toHaveLength(1);
  return pids[0];
}

describe("faults in the reader's code", () => {
  for (const [name, fault] of Object.entries(FAULTS)) {
    it(`reports lab code that ${name}, leaves no process behind, keeps the reader's file`, async () => {
      const { runId, events } = await startRun(fault.code);
      const pgid = supervisorPid();
      // The service host runs in the supervisor's process group, so the group is the whole tree.
      const report = await events.waitFor(
        (e) => !!faultMessage(e) && fault.expect.test(faultMessage(e)!),
        REPORT_MS,
        `a report matching ${fault.expect}`,
      );
      expect(faultMessage(report)).toMatch(fault.expect);
      if (name === 'allocates without bound') expect(report).toMatchObject({ type: 'exit', reason: 'oom' });

      const files = await api(r, 'GET', `/api/runs/${runId}/files`);
      expect(files.status).toBe(200);
      expect(JSON.parse(files.body).files['service.ts']).toBe(fault.code);

      const members = groupPids(pgid);
      await stopRun(runId, events);
      await waitUntil(() => groupPids(pgid).length === 0, 5000, "the run's process group to end");
      for (const pid of members) expect(alive(pid), `pid ${pid}`).toBe(false);
      expect(childPids(r.pid)).toEqual([]);
      expect(workspaces(r)).toEqual([]);
    }, 60_000);
  }

  it('reports a service that dies after starting, restarts it and says so', async () => {
    const code = service(
      `export default defineService(() => ({ server: http.createServer((req, res) => { if (req.url === '/crash') setImmediate(() => { throw new Error('payload was undefined'); }); res.end('ok'); }) }));`,
    );
    const { runId, events } = await startRun(code);
    const ready = await events.waitFor((e) => e.type === 'ready', REPORT_MS, 'ready');
    const port = (ready as { port: number }).port;
    await fetch(`http://127.0.0.1:${port}/crash`).catch(() => undefined);
    const exit = await events.waitFor((e) => e.type === 'exit', REPORT_MS, 'exit');
    expect(exit).toMatchObject({ reason: 'crash' });
    expect((exit as { message: string }).message).toMatch(/payload was undefined/);
    const again = await events.waitFor((e) => e.type === 'ready' && e.restarts === 1, REPORT_MS, 'ready after restart');
    expect(again).toMatchObject({ restarts: 1 });
    await stopRun(runId, events);
  }, 60_000);
});

describe('output', () => {
  it('caps what a chatty lab prints, says so once, and keeps the lab running', async () => {
    const code = service(
      `export default defineService(() => { setInterval(() => console.log('log line '.repeat(1000)), 2); return { server: http.createServer((q, s) => s.end('hi')) }; });`,
    );
    const { runId, events } = await startRun(code);
    await events.waitFor(
      (e) => e.type === 'output' && e.text.includes('[runner] The lab printed more than 256 KB'),
      REPORT_MS,
      'the output cap notice',
    );
    const printed = () =>
      events.events.filter((e) => e.type === 'output').reduce((n, e) => n + (e as { text: string }).text.length, 0);
    const atCap = printed();
    await events.waitFor((e) => e.type === 'metrics', 10_000, 'metrics after the cap');
    await new Promise((done) => setTimeout(done, 500));
    expect(printed()).toBe(atCap);
    expect(atCap).toBeLessThanOrEqual(256 * 1024 + 200);
    expect(events.events.filter((e) => e.type === 'output' && e.text.includes('[runner]'))).toHaveLength(1);
    expect(events.events.some((e) => e.type === 'stopped')).toBe(false);
    await stopRun(runId, events);
  }, 60_000);
});

describe('process trees', () => {
  it('a stopped run takes its whole process tree with it', async () => {
    const { runId, events } = await startRun(
      service(`export default defineService(() => ({ server: http.createServer((q, s) => s.end('hi')) }));`),
    );
    await events.waitFor((e) => e.type === 'ready', REPORT_MS, 'ready');
    const pgid = supervisorPid();
    const members = groupPids(pgid);
    expect(members.length).toBeGreaterThanOrEqual(2); // supervisor + service host
    await stopRun(runId, events);
    for (const pid of members) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(events.events.at(-1)).toMatchObject({ type: 'stopped' });
  }, 60_000);

  it('a page that goes away (its event stream closes) stops its run', async () => {
    const { runId, events } = await startRun(
      service(`export default defineService(() => ({ server: http.createServer((q, s) => s.end('hi')) }));`),
    );
    await events.waitFor((e) => e.type === 'ready', REPORT_MS, 'ready');
    const members = groupPids(supervisorPid());
    events.close();
    await waitUntil(() => members.every((pid) => !alive(pid)), 10_000, 'the abandoned run to be stopped');
    const health = await api(r, 'GET', '/api/health');
    expect(JSON.parse(health.body)).toMatchObject({ runs: 0 });
    // The stopped run's files stay readable for a while, then go with the run.
    const files = await api(r, 'GET', `/api/runs/${runId}/files`);
    expect(files.status).toBe(200);
    await api(r, 'DELETE', `/api/runs/${runId}`);
  }, 60_000);

  // SIGINT shares SIGTERM's handler; SIGKILL leaves the runner no handler at all.
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`the runner ending by ${signal} ends every lab process`, async () => {
      const own = await startRunner();
      try {
        const members: number[] = [];
        for (let i = 0; i < 2; i++) {
          const created = await api(own, 'POST', '/api/runs', { labId: 'probe-lab', files: {} });
          expect(created.status, created.body).toBe(201);
          const events = followEvents(own, (JSON.parse(created.body) as { runId: string }).runId);
          await events.waitFor((e) => e.type === 'ready', REPORT_MS, 'ready');
        }
        for (const pgid of childPids(own.pid)) members.push(...groupPids(pgid));
        expect(members.length).toBeGreaterThanOrEqual(4);
        own.child.kill(signal);
        await new Promise((done) => own.child.once('exit', done));
        // SIGKILL gives the runner no chance to clean up: the supervisors notice their stdin closing.
        await waitUntil(() => members.every((pid) => !alive(pid)), 10_000, 'every lab process to end');
        if (signal !== 'SIGKILL') expect(workspaces(own)).toEqual([]);
      } finally {
        await own.stop();
      }
    }, 60_000);
  }
});
