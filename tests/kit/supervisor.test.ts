// The supervisor as the runtimes use it: spawn it in a workspace, send commands on stdin, read events.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type LabEvent } from '../../contracts/lab-protocol.ts';
import { spawnSupervisor } from '../../engine/supervise.ts';
import { createWorkspace } from '../../engine/workspace.ts';
import { makeLabsRoot, manifestFor, SERVER } from '../engine/fixture-labs.ts';

// Starts 100 sleeping processes (each in its own session, as a careless or hostile lab might), half a
// second after it is up: more than the kit lets one service have at once.
const FORK_TAG = `${3000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
const FORKER = `
import http from 'node:http';
import { spawn } from 'node:child_process';
import { defineService } from '#kit';
export default defineService(() => {
  setTimeout(() => {
    for (let i = 0; i < 100; i++) spawn('sleep', ['${FORK_TAG}'], { detached: true, stdio: 'ignore' }).unref();
  }, 500);
  return { server: http.createServer((req, res) => res.end('ok')) };
});
`;

// Writes a megabyte into its workspace every 20 ms, in a file of its own and in one beside the kit.
const WRITER = `
import fs from 'node:fs';
import http from 'node:http';
import { defineService } from '#kit';
export default defineService(() => {
  const mb = Buffer.alloc(1024 * 1024, 120);
  setInterval(() => { fs.appendFileSync('app-log.txt', mb); fs.appendFileSync('kit/notes.txt', mb); }, 20);
  return { server: http.createServer((req, res) => res.end('ok')) };
});
`;

// Prints what it serves, so the test can see whose output is reported where.
const ECHO = `
import http from 'node:http';
import { defineService } from '#kit';
export default defineService(() => ({
  server: http.createServer((req, res) => { console.log('served ' + req.url); res.end('ok'); }),
}));
`;

// Three tasks that can only pass together: each waits until all three are running (module state is
// shared, the checks run in one supervisor), the last to start first.
const LANE_CHECKS = `
import { setTimeout as sleep } from 'node:timers/promises';
import { defineChecks } from '#kit';
let running = 0;
const task = (name, ms) => async (t) => {
  running++;
  const deadline = Date.now() + 20_000;
  while (running < 3 && Date.now() < deadline) await sleep(20);
  const together = running >= 3;
  await sleep(ms);
  await t.service.request('/' + name);
  return { passed: together, message: together ? name + ' ran beside the others' : name + ' ran alone' };
};
export default defineChecks({ slow: task('slow', 900), quick: task('quick', 0), middle: task('middle', 300) });
`;

const laneTask = (id: string) => ({
  id,
  title: `Task ${id}`,
  description: 'Runs beside the others.',
  hints: ['Run them together.'],
});

function sleepers(): number {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1') === `sleep\0${FORK_TAG}\0`) n++;
    } catch {
      // gone
    }
  }
  return n;
}

const root = makeLabsRoot({
  svc: { starter: { 'server.ts': SERVER } },
  tiny: { manifest: manifestFor('tiny', { heapLimitMb: 16 }), starter: { 'server.ts': SERVER } },
  forker: { starter: { 'server.ts': FORKER } },
  writer: { starter: { 'server.ts': WRITER } },
  lanes: {
    manifest: manifestFor('lanes', { checkLanes: 3, tasks: ['slow', 'quick', 'middle'].map(laneTask) }),
    starter: { 'server.ts': ECHO },
    checks: LANE_CHECKS,
  },
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Run a supervisor; `until` sees every event and returns true when the test has what it needs. */
async function session(
  labId: string,
  onEvent: (ev: LabEvent, send: (cmd: object) => void) => boolean | void,
  timeoutMs = 60_000,
  inspect?: (ws: string) => void,
) {
  const ws = await createWorkspace({ labId, labsDir: root, withChecks: true });
  const events: LabEvent[] = [];
  const output: string[] = [];
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  // a check command is what a runner sends: with a nonce the verdict channel then expects
  const withNonce = (cmd: object) => {
    if ((cmd as { cmd?: string }).cmd !== 'check') return cmd;
    sup.verdicts.expect('check-1');
    return { ...cmd, nonce: 'check-1' };
  };
  const sup = spawnSupervisor(ws.dir, {
    onOutput: (line) => output.push(line),
    onEvent: (ev) => {
      events.push(ev);
      if (onEvent(ev, (cmd) => sup.child.stdin!.write(JSON.stringify(withNonce(cmd)) + '\n'))) finish();
    },
  });
  const timer = setTimeout(finish, timeoutMs);
  await done;
  clearTimeout(timer);
  inspect?.(ws.dir);
  sup.child.stdin!.end(); // closing stdin must take the service down too
  const code = await sup.exited;
  ws.dispose();
  return { events, output, code };
}

describe('supervisor', () => {
  it('reports ready with probed capabilities and streams metrics with lab gauges', async () => {
    let metrics = 0;
    const { events } = await session('svc', (ev, send) => {
      if (ev.type === 'ready') send({ cmd: 'scenario', id: 'poke' });
      if (ev.type === 'metrics' && ev.gauges.requests === 3) metrics++;
      return metrics >= 2;
    });
    const ready = events.find((e) => e.type === 'ready');
    expect(ready).toMatchObject({
      type: 'ready',
      protocol: PROTOCOL_VERSION,
      restarts: 0,
      caps: {
        runtime: 'node',
        memoryUsage: true,
        gc: true,
        queryObjects: true,
        heapSnapshot: true,
        asyncLocalStorage: true,
        asyncHooks: true,
      },
    });
    // --max-old-space-size=32 is in force (V8 adds the young generation on top)
    expect((ready as { caps: { heapLimitMb: number } }).caps.heapLimitMb).toBeGreaterThanOrEqual(32);
    expect((ready as { caps: { heapLimitMb: number } }).caps.heapLimitMb).toBeLessThan(128);
    expect(events.filter((e) => e.type === 'scenario').map((e) => (e as { phase: string }).phase)).toEqual([
      'start',
      'end',
    ]);
  });

  it('restarts a crashed service: exit (crash, with the error) then ready with restarts = 1', async () => {
    const { events, output } = await session('svc', (ev, send) => {
      if (ev.type === 'ready' && ev.restarts === 0) send({ cmd: 'scenario', id: 'crash' });
      return ev.type === 'ready' && ev.restarts === 1;
    });
    const exit = events.find((e) => e.type === 'exit');
    expect(exit).toMatchObject({ type: 'exit', reason: 'crash', code: 1 });
    expect((exit as { restartInMs: number }).restartInMs).toBeGreaterThan(0);
    expect((exit as { message: string }).message).toContain('TypeError: the ledger is undefined (app/server.ts:');
    const readies = events.filter((e) => e.type === 'ready');
    expect(readies.map((e) => (e as { restarts: number }).restarts)).toEqual([0, 1]);
    expect(events.indexOf(exit!)).toBeLessThan(events.indexOf(readies[1]));
    // the reader sees one clear line, not a stack dump
    expect(output.join('\n')).toContain(
      '[lab] The service crashed with an uncaught exception: TypeError: the ledger is undefined',
    );
    expect(output.join('\n')).not.toMatch(/^\s+at /m);
  });

  it('detects running out of heap under a tiny limit as reason "oom"', async () => {
    const { events } = await session('tiny', (ev, send) => {
      if (ev.type === 'ready' && ev.restarts === 0) send({ cmd: 'scenario', id: 'grow' });
      return ev.type === 'exit';
    });
    const exit = events.find((e) => e.type === 'exit');
    expect(exit).toMatchObject({ type: 'exit', reason: 'oom' });
    expect((exit as { message: string }).message).toContain('ran out of memory');
  });

  it('reports a service whose event loop is blocked after it started', async () => {
    const { events } = await session('svc', (ev, send) => {
      if (ev.type === 'ready') send({ cmd: 'scenario', id: 'block' });
      return ev.type === 'error';
    });
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      message: expect.stringContaining('its event loop is blocked'),
    });
  });

  it("runs Check on request: start, one task, end, then the reader's service comes back", async () => {
    let readies = 0;
    const { events } = await session(
      'svc',
      (ev, send) => {
        if (ev.type === 'ready' && ++readies === 1) send({ cmd: 'check' });
        return readies === 2;
      },
      170_000,
    );
    const checks = events.filter((e) => e.type === 'check');
    expect(checks.map((e) => (e as { phase: string }).phase)).toEqual(['start', 'task', 'end']);
    expect(checks[2]).toMatchObject({
      passed: true,
      tasks: [
        { id: 'answers', title: 'Answers requests', passed: true, message: 'the service answered with status 200' },
      ],
    });
    // the check services stay off the chart: only the reader's two services said ready
    expect(events.filter((e) => e.type === 'ready')).toHaveLength(2);
  }, 200_000);

  it('writes heap snapshots inside the workspace and reports them', async () => {
    const { events } = await session('svc', (ev, send) => {
      if (ev.type === 'ready') send({ cmd: 'snapshot', label: 'Before storm!' });
      return ev.type === 'snapshot' || (ev.type === 'error' && ev.message.startsWith('Snapshot'));
    });
    const snap = events.find((e) => e.type === 'snapshot');
    expect(snap).toMatchObject({
      type: 'snapshot',
      id: 's1',
      path: 'snapshots/s1-before-storm.heapsnapshot',
      label: 'Before storm!',
    });
    expect((snap as { bytes: number }).bytes).toBeGreaterThan(100_000);
    // writing a snapshot blocks the service on purpose; that is not reported as a blocked event loop
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('leaves no service process behind when its stdin closes, and none after a crash-restart', async () => {
    const pids: number[] = [];
    await session('svc', (ev, send) => {
      if (ev.type === 'ready' && typeof ev.pid === 'number') pids.push(ev.pid);
      if (ev.type === 'ready' && ev.restarts === 0) send({ cmd: 'scenario', id: 'crash' });
      return ev.type === 'ready' && ev.restarts === 1;
    });
    expect(pids.length).toBe(2);
    for (let i = 0; i < 30 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))(
    'stops a service that starts processes in a loop, and ends every one of them',
    async () => {
      const { events } = await session('forker', (ev) => ev.type === 'exit');
      const exit = events.find((e) => e.type === 'exit');
      expect(exit, JSON.stringify(events.filter((e) => e.type !== 'metrics'))).toMatchObject({
        type: 'exit',
        reason: 'crash',
      });
      expect((exit as { message: string }).message).toMatch(
        /had \d+ processes running at once \(at most 64: is it starting them in a loop\?\), so it was stopped/,
      );
      for (let i = 0; i < 50 && sleepers() > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(sleepers()).toBe(0);
    },
    60_000,
  );

  it('runs a Check in lanes and still reports tasks and their output in the manifest order', async () => {
    let readies = 0;
    const { events, output } = await session(
      'lanes',
      (ev, send) => {
        if (ev.type === 'ready' && ++readies === 1) send({ cmd: 'check' });
        return ev.type === 'check' && ev.phase === 'end';
      },
      120_000,
    );
    const checks = events.filter((e) => e.type === 'check');
    expect(checks.map((e) => (e.phase === 'task' ? e.task.id : e.phase))).toEqual([
      'start',
      'slow',
      'quick',
      'middle',
      'end',
    ]);
    expect(checks.at(-1)).toMatchObject({ passed: true });
    // each task's service output comes out in its task's turn, though "quick" finished first
    const served = output.filter((l) => l.includes('served /')).map((l) => l.slice(l.indexOf('served /')));
    expect(served).toEqual(['served /slow', 'served /quick', 'served /middle']);
  }, 150_000);

  it('stops a service that writes past its workspace budget, and removes what it wrote', async () => {
    process.env.LEAKBOOK_WORKSPACE_BUDGET_MB = '16';
    let left: string[] = [];
    try {
      const { events } = await session(
        'writer',
        (ev) => ev.type === 'exit',
        60_000,
        (ws) => (left = ['app-log.txt', 'kit/notes.txt'].filter((f) => fs.existsSync(`${ws}/${f}`))),
      );
      const exit = events.find((e) => e.type === 'exit') as { message: string } | undefined;
      expect(exit?.message).toMatch(
        /wrote \d+(\.\d+)? MB of files into its workspace \(at most 16(\.0)? MB\), so it was stopped and the files it added were removed \((app-log\.txt|kit\/notes\.txt), (app-log\.txt|kit\/notes\.txt)\)/,
      );
      expect(left).toEqual([]);
    } finally {
      delete process.env.LEAKBOOK_WORKSPACE_BUDGET_MB;
    }
  });
});
