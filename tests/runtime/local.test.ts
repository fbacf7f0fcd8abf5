// The local runtime (what the Lab UI holds) against the real runner: one lab from start to check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, RunnerError } from '../../src/runtime/local.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { LabRuntime } from '../../src/runtime/types.ts';
import { alive, childPids, groupPids, startRunner, waitUntil, type Runner } from '../server/harness.ts';

let r: Runner;
beforeAll(async () => {
  r = await startRunner();
}, 30_000);
afterAll(async () => {
  await r?.stop();
});

function collect(rt: LabRuntime) {
  const events: RuntimeEvent[] = [];
  rt.subscribe((e) => events.push(e));
  const waitFor = async (test: (e: RuntimeEvent) => boolean, what: string, timeoutMs = 45_000) => {
    await waitUntil(() => events.some(test), timeoutMs, what).catch(() => {
      throw new Error(`no ${what}: ${JSON.stringify(events.filter((e) => e.type !== 'metrics')).slice(0, 1500)}`);
    });
    return events.find(test)!;
  };
  return { events, waitFor };
}

describe('local runtime', () => {
  it('starts a lab, runs a scenario, snapshots, checks, and stops it', async () => {
    const rt = createLocalRuntime({ token: r.token, baseUrl: r.origin });
    const { events, waitFor } = collect(rt);
    await rt.start('probe-lab', {});
    await waitFor((e) => e.type === 'ready', 'ready');
    expect(rt.capabilities()).toMatchObject({ runtime: 'node', heapSnapshot: true, gc: true });

    await rt.send({ cmd: 'scenario', id: 'ping' });
    await waitFor((e) => e.type === 'scenario' && e.phase === 'end', 'scenario end');
    await waitFor((e) => e.type === 'metrics' && e.gauges['requests served'] === 10, 'metrics with 10 requests served');

    await rt.send({ cmd: 'snapshot', label: 'after ping' });
    const snap = (await waitFor((e) => e.type === 'snapshot', 'snapshot', 60_000)) as { path: string; bytes: number };
    const bytes = await rt.readSnapshot(snap.path);
    expect(bytes.byteLength).toBe(snap.bytes);
    expect(new TextDecoder().decode(bytes.slice(0, 12))).toBe('{"snapshot":');

    await rt.send({ cmd: 'check' });
    const end = await waitFor((e) => e.type === 'check' && e.phase === 'end', 'check end', 60_000);
    expect(end).toMatchObject({ passed: true, tasks: [{ id: 'answers', passed: true }] });

    // Stop from the page: the supervisor ends its service and exits; the page hears why.
    const [supervisor] = childPids(r.pid);
    const members = groupPids(supervisor);
    await rt.send({ cmd: 'stop' });
    const stopped = await waitFor((e) => e.type === 'stopped', 'stopped');
    expect(stopped).toMatchObject({ reason: 'The lab stopped.' });
    await waitUntil(() => members.every((pid) => !alive(pid)), 5000, 'the lab processes to end');
    // A stopped lab's snapshots can still be opened (the reader may be comparing them).
    expect((await rt.readSnapshot(snap.path)).byteLength).toBe(snap.bytes);
    await rt.dispose();
    expect(events.some((e) => e.type === 'output' && e.text.includes('\u001eLB'))).toBe(false);
  }, 120_000);

  it('turns runner refusals into errors that say what is wrong', async () => {
    const wrong = createLocalRuntime({ token: 'not-the-token', baseUrl: r.origin });
    await expect(wrong.start('probe-lab', {})).rejects.toThrow(/wrong runner token/);
    const rt = createLocalRuntime({ token: r.token, baseUrl: r.origin });
    const err = await rt.start('probe-lab', { 'greeting.ts': 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunnerError);
    expect(err).toMatchObject({ status: 403, message: expect.stringMatching(/not one of this lab's editable files/) });
    await expect(rt.send({ cmd: 'check' })).rejects.toThrow(/not running/);
    await rt.dispose();
  });

  const endings: Array<[NodeJS.Signals, RegExp]> = [
    ['SIGTERM', /The runner is shutting down/],
    ['SIGKILL', /Lost contact with the local runner/],
  ];
  for (const [signal, reason] of endings) {
    it(`tells the page when the runner goes away (${signal})`, async () => {
      const own = await startRunner();
      const rt = createLocalRuntime({ token: own.token, baseUrl: own.origin });
      const { waitFor } = collect(rt);
      await rt.start('probe-lab', {});
      await waitFor((e) => e.type === 'ready', 'ready');
      await own.stop(signal);
      const stopped = await waitFor((e) => e.type === 'stopped', 'stopped');
      expect((stopped as { reason: string }).reason).toMatch(reason);
      await rt.dispose();
    }, 90_000);
  }
});
