// A run whose supervisor has exited never signals its pid or process group again: the number may by
// then belong to an unrelated process (pids wrap within minutes on a busy machine). Every signal the
// run sends goes through an injected kill function, so the test sees each one.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { LabStore } from '../../server/lab-store.ts';
import { defaultLimits, Run } from '../../server/runs.ts';

const root = mkdtempSync(join(tmpdir(), 'leakbook-pid-reuse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function newRun() {
  const kills: Array<{ pid: number; signal: string }> = [];
  const kill = (pid: number, signal: NodeJS.Signals) => {
    kills.push({ pid, signal });
    process.kill(pid, signal);
  };
  const run = new Run('probe-lab', mkdtempSync(join(root, 'ws-')), {} as LabStore, defaultLimits, () => {}, { kill });
  const events: RuntimeEvent[] = [];
  run.subscribe((e) => events.push(e));
  return { run, kills, events };
}

const waitFor = async (test: () => boolean) => {
  for (let i = 0; i < 400 && !test(); i++) await new Promise((done) => setTimeout(done, 25));
  expect(test()).toBe(true);
};

describe('an ended run', () => {
  it('forgets its pid once the exit is seen, and Stop, delete and the keep timer signal nothing', async () => {
    const { run, kills, events } = newRun();
    run.start(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { PATH: process.env.PATH });
    const pid = run.pid!;
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => events.some((e) => e.type === 'stopped') && run.pid === null);
    // the one signal allowed: the group's last members, at the moment the exit is seen
    expect(kills.filter((k) => k.pid !== -pid)).toEqual([]);
    const atExit = kills.length;
    await run.stop('Stopped.');
    await run.stop('Stopped again.');
    await run.dispose(); // what DELETE and the keep-stopped timer do
    expect(kills).toHaveLength(atExit);
    expect(kills.every((k) => k.pid !== pid)).toBe(true);
  });

  it('stops a live run through its supervisor, then signals nothing more after its exit', async () => {
    const { run, kills } = newRun();
    run.start(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { PATH: process.env.PATH });
    const pid = run.pid!;
    await new Promise((done) => setTimeout(done, 300));
    await run.stop('Stopped.');
    expect(run.pid).toBeNull();
    expect(kills[0]).toEqual({ pid, signal: 'SIGTERM' });
    const afterStop = kills.length;
    await run.dispose();
    await run.stop('Stopped again.');
    expect(kills).toHaveLength(afterStop);
  });
});
