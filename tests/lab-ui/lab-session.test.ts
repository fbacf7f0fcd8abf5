// The lab session (status, Check, pending snapshot, ready-waiters) against a fake LabRuntime: what the
// reader's commands send, how runtime events move the state, and what the view is told.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskResult } from '../../contracts/check-result.ts';
import { PROTOCOL_VERSION, type Capabilities, type LabCommand, type LabEvent } from '../../contracts/lab-protocol.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import { tasksKey } from '../../contracts/storage-keys.ts';
import type { LabFiles, LabRuntime, RuntimeKind } from '../../src/runtime/types.ts';
import { LabSession, type SessionUpdate } from '../../src/lab-ui/lab-session.ts';
import { MemoryStorage } from './memory-storage.ts';

const CAPS: Capabilities = {
  runtime: 'node',
  nodeVersion: 'v22.18.0',
  memoryUsage: true,
  heapSnapshot: true,
  queryObjects: true,
  gc: true,
  heapLimitMb: 64,
  asyncHooks: true,
  asyncLocalStorage: true,
};
const ready = (restarts = 0, protocol = PROTOCOL_VERSION): LabEvent => ({
  type: 'ready',
  protocol,
  port: 4000,
  caps: CAPS,
  restarts,
});
const metrics: LabEvent = {
  type: 'metrics',
  t: 1,
  rss: 1,
  heapUsed: 1,
  heapTotal: 1,
  external: 0,
  arrayBuffers: 0,
  gauges: {},
};
const exit = (reason: 'oom' | 'crash' | 'stopped', restartInMs: number | null): LabEvent => ({
  type: 'exit',
  code: 1,
  signal: null,
  reason,
  message: reason,
  restartInMs,
});
const RESULTS: TaskResult[] = [{ id: 'bounded', title: 'Bounded', passed: true, message: 'flat' }];

class FakeRuntime implements LabRuntime {
  readonly kind: RuntimeKind;
  readonly starts: Array<{ labId: string; files: LabFiles }> = [];
  readonly sent: LabCommand[] = [];
  disposed = false;
  failStart: Error | null = null;
  failSend: Error | null = null;
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  constructor(kind: RuntimeKind = 'local') {
    this.kind = kind;
  }
  async start(labId: string, files: LabFiles) {
    this.starts.push({ labId, files });
    if (this.failStart) throw this.failStart;
  }
  async send(command: LabCommand) {
    if (this.failSend) throw this.failSend;
    this.sent.push(command);
  }
  subscribe(listener: (e: RuntimeEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async readSnapshot() {
    return new ArrayBuffer(8);
  }
  async readProfile() {
    return new ArrayBuffer(4);
  }
  capabilities() {
    return null;
  }
  async dispose() {
    this.disposed = true;
  }
  emit(event: RuntimeEvent) {
    for (const l of this.listeners) l(event);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

async function setup(opts: { readyTimeoutMs?: number } = {}) {
  const storage = new MemoryStorage();
  const session = new LabSession({ labId: 'cache-warmup', storage, now: () => 1234, ...opts });
  const updates: SessionUpdate[] = [];
  session.subscribe((u) => updates.push(u));
  const rt = new FakeRuntime();
  await session.attach(rt);
  const of = <T extends SessionUpdate['type']>(type: T) =>
    updates.filter((u): u is Extract<SessionUpdate, { type: T }> => u.type === type);
  const events = () => of('event').map((u) => u.event.type);
  return { session, rt, storage, updates, of, events };
}

async function running(files: LabFiles = { 'cache.ts': 'v1' }) {
  const t = await setup();
  const started = t.session.run(files);
  await flush();
  t.rt.emit(ready());
  expect(await started).toBe(true);
  return t;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LabSession: starting', () => {
  it('starts with the reader files, is "starting" until the service is ready, then "running"', async () => {
    const { session, rt, of } = await setup();
    expect(session.state).toMatchObject({ status: 'idle', runtime: 'local' });
    expect(session.controls()).toMatchObject({
      run: true,
      stop: false,
      snapshot: false,
      check: true,
      scenarios: false,
    });
    const started = session.run({ 'cache.ts': 'mine' });
    expect(session.state.status).toBe('starting');
    await flush();
    expect(rt.starts).toEqual([{ labId: 'cache-warmup', files: { 'cache.ts': 'mine' } }]);
    expect(of('start-sent')).toHaveLength(1);
    rt.emit(ready());
    expect(await started).toBe(true);
    expect(session.state).toMatchObject({ status: 'running', caps: CAPS });
    expect(session.controls()).toMatchObject({ runLabel: 'Restart', stop: true, snapshot: true, scenarios: true });
    expect(of('starting')).toEqual([{ type: 'starting', runtime: 'local' }]);
  });

  it('restarting a running lab says "restarting", and knows when edits are not running yet', async () => {
    const { session } = await running({ 'cache.ts': 'v1' });
    expect(session.isStale({ 'cache.ts': 'v1' })).toBe(false);
    expect(session.isStale({ 'cache.ts': 'v2' })).toBe(true);
    void session.run({ 'cache.ts': 'v2' });
    expect(session.state.status).toBe('restarting');
    expect(session.controls().run).toBe(false);
    expect(session.isStale({ 'cache.ts': 'v2' })).toBe(false);
  });

  it('a start that fails leaves the lab stopped and says why', async () => {
    const { session, rt, of } = await setup();
    rt.failStart = new Error('There is no lab "x".');
    expect(await session.run({})).toBe(false);
    expect(session.state.status).toBe('stopped');
    expect(of('failed')).toEqual([{ type: 'failed', message: 'The lab could not start: There is no lab "x".' }]);
  });

  it('gives up waiting for a silent service after the ready timeout, in lab time of the fake clock', async () => {
    vi.useFakeTimers();
    const { session, of } = await setup({ readyTimeoutMs: 5_000 });
    const started = session.run({});
    await vi.advanceTimersByTimeAsync(4_999);
    expect(of('ready-timeout')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await started).toBe(false);
    expect(of('ready-timeout')).toEqual([{ type: 'ready-timeout', seconds: 5 }]);
  });

  it('a stopped lab releases whoever waits for ready', async () => {
    const { session, rt } = await setup();
    const started = session.run({});
    await flush();
    rt.emit({ type: 'stopped', reason: 'Stopped: idle.' });
    expect(await started).toBe(false);
    expect(session.state.status).toBe('stopped');
  });

  it('says so when the lab kit speaks another protocol version', async () => {
    const { session, rt, of } = await setup();
    void session.run({});
    await flush();
    rt.emit(ready(0, PROTOCOL_VERSION + 1));
    expect(of('failed')[0]?.message).toMatch(/different versions of the lab protocol.*reload the page/);
  });
});

describe('LabSession: the service', () => {
  it('follows exits: restarting when the container restarts it, crashed or stopped otherwise', async () => {
    const { session, rt } = await running();
    rt.emit(exit('oom', 500));
    expect(session.state.status).toBe('restarting');
    rt.emit(ready(1));
    expect(session.state.status).toBe('running');
    rt.emit(exit('crash', null));
    expect(session.state.status).toBe('crashed');
    rt.emit(exit('stopped', null));
    expect(session.state.status).toBe('stopped');
  });

  it('passes scenario commands on, and reports a command the runtime refused', async () => {
    const { session, rt, of } = await running();
    expect(await session.runScenario('storm')).toBe(true);
    expect(await session.cancelScenario()).toBe(true);
    rt.failSend = new Error('The lab is not running; press Run first.');
    expect(await session.runScenario('storm')).toBe(false);
    expect(rt.sent).toEqual([{ cmd: 'scenario', id: 'storm' }, { cmd: 'cancel-scenario' }]);
    expect(of('failed').map((u) => u.message)).toEqual(['The lab is not running; press Run first.']);
  });
});

describe('LabSession: snapshots', () => {
  it('one snapshot at a time: pending until its event arrives, and no Check meanwhile', async () => {
    const { session, rt } = await running();
    await session.snapshot('baseline');
    expect(rt.sent).toEqual([{ cmd: 'snapshot', label: 'baseline' }]);
    expect(session.state.snapshotPending).toBe(true);
    expect(session.controls()).toMatchObject({ snapshot: false, check: false });
    expect(session.check({ 'cache.ts': 'v1' })).toBe(false);
    await session.snapshot('again');
    expect(rt.sent).toHaveLength(1);
    rt.emit({ type: 'snapshot', id: 's1', path: 'snapshots/s1.heapsnapshot', bytes: 10, label: 'baseline' });
    expect(session.state.snapshotPending).toBe(false);
    expect((await session.readSnapshot('snapshots/s1.heapsnapshot')).byteLength).toBe(8);
  });

  it('an error about the snapshot, or a refused command, ends the wait', async () => {
    const { session, rt } = await running();
    await session.snapshot('a');
    rt.emit({ type: 'error', message: 'The heap snapshot could not be written: disk full' });
    expect(session.state.snapshotPending).toBe(false);
    rt.failSend = new Error('gone');
    await session.snapshot('b');
    expect(session.state.snapshotPending).toBe(false);
  });

  it('is not offered when the runtime cannot take heap snapshots', async () => {
    const { session, rt } = await setup();
    void session.run({});
    await flush();
    rt.emit({ ...ready(), caps: { ...CAPS, heapSnapshot: false } } as LabEvent);
    expect(session.controls().snapshot).toBe(false);
  });
});

describe('LabSession: Check', () => {
  it('checks the running files at once; the checks’ own services are not shown; results are kept', async () => {
    const { session, rt, storage, of, events } = await running({ 'cache.ts': 'v1' });
    expect(session.check({ 'cache.ts': 'v1' })).toBe(true);
    expect(session.controls()).toMatchObject({ run: false, stop: false, check: false });
    await flush();
    expect(rt.starts).toHaveLength(1);
    expect(rt.sent).toEqual([{ cmd: 'check' }]);
    expect(session.state).toMatchObject({ status: 'checking', check: 'running' });
    const before = events().length;
    rt.emit({ type: 'check', phase: 'start' });
    rt.emit(ready());
    rt.emit(metrics);
    rt.emit(exit('stopped', null));
    rt.emit({ type: 'check', phase: 'task', task: RESULTS[0] });
    expect(events().slice(before)).toEqual(['check', 'check']);
    expect(session.state.status).toBe('checking');
    rt.emit({ type: 'check', phase: 'end', passed: true, tasks: RESULTS });
    expect(of('check-ended')).toEqual([{ type: 'check-ended', results: RESULTS }]);
    expect(JSON.parse(storage.getItem(tasksKey('cache-warmup'))!)).toEqual({
      bounded: { passed: true, at: 1234, message: 'flat' },
    });
    expect(session.state).toMatchObject({ status: 'restarting', check: 'none' });
    rt.emit(ready());
    expect(session.state.status).toBe('running');
    expect(events().at(-1)).toBe('ready');
  });

  it('records a result only for the Check it is waiting for: none before, none while preparing, one per Check', async () => {
    const { session, rt, storage, of } = await running({ 'cache.ts': 'v1' });
    const passed = { type: 'check', phase: 'end', passed: true, tasks: RESULTS } as const;
    rt.emit(passed); // no Check asked for
    expect(of('check-ended')).toEqual([]);
    expect(storage.getItem(tasksKey('cache-warmup'))).toBeNull();
    session.check({ 'cache.ts': 'v2' }); // restarts first: the Check is only being prepared
    await flush();
    rt.emit(passed);
    expect(of('check-ended')).toEqual([]);
    expect(storage.getItem(tasksKey('cache-warmup'))).toBeNull();
    rt.emit(ready());
    await flush();
    const failed: TaskResult[] = [{ ...RESULTS[0], passed: false, message: 'grew' }];
    rt.emit({ type: 'check', phase: 'end', passed: false, tasks: failed });
    rt.emit(passed); // a second end for the same Check
    expect(of('check-ended')).toEqual([{ type: 'check-ended', results: failed }]);
    expect(JSON.parse(storage.getItem(tasksKey('cache-warmup'))!)).toMatchObject({ bounded: { passed: false } });
  });

  it('restarts with the latest edits first, and checks once the service is ready', async () => {
    const { session, rt } = await running({ 'cache.ts': 'v1' });
    session.check({ 'cache.ts': 'v2' });
    await flush();
    expect(rt.starts.at(-1)).toEqual({ labId: 'cache-warmup', files: { 'cache.ts': 'v2' } });
    expect(rt.sent).toEqual([]);
    expect(session.state).toMatchObject({ status: 'restarting', check: 'preparing' });
    rt.emit(ready());
    await flush();
    expect(rt.sent).toEqual([{ cmd: 'check' }]);
    expect(session.state.status).toBe('checking');
  });

  it('ends with the reason when the lab cannot start, stops, or reports an error', async () => {
    const a = await setup();
    a.rt.failStart = new Error('busy');
    a.session.check({});
    await flush();
    expect(a.of('check-ended')).toEqual([
      {
        type: 'check-ended',
        results: null,
        problem: 'The check could not start because the lab is not running. See the Output tab.',
      },
    ]);
    expect(a.session.state.check).toBe('none');

    const b = await running();
    b.session.check({ 'cache.ts': 'v1' });
    await flush();
    b.rt.emit({ type: 'stopped', reason: 'Stopped: the runner exited.' });
    expect(b.of('check-ended').map((u) => u.problem)).toEqual([
      'The check did not finish: Stopped: the runner exited.',
    ]);
    expect(b.session.state).toMatchObject({ status: 'stopped', check: 'none' });

    const c = await running();
    c.session.check({ 'cache.ts': 'v1' });
    await flush();
    c.rt.emit({ type: 'error', message: 'checks/index.ts must export default defineChecks({ ... })' });
    expect(c.of('check-ended').map((u) => u.problem)).toEqual([
      'checks/index.ts must export default defineChecks({ ... })',
    ]);
    expect(c.session.state.status).toBe('restarting');
    expect(c.storage.getItem(tasksKey('cache-warmup'))).toBeNull();
  });

  it('a refused check command ends the Check and frees the controls', async () => {
    const { session, rt, of } = await running();
    rt.failSend = new Error('The lab is not running; press Run first.');
    session.check({ 'cache.ts': 'v1' });
    await flush();
    expect(of('check-ended').map((u) => u.problem)).toEqual([
      'The check could not start: The lab is not running; press Run first.',
    ]);
    expect(session.controls().check).toBe(true);
  });

  it('switching runtime mid-Check ends it, stops the old runtime and starts clean on the new one', async () => {
    const { session, rt, of } = await running();
    session.check({ 'cache.ts': 'v1' });
    await flush();
    const next = new FakeRuntime('webcontainer');
    await session.attach(next);
    expect(rt.disposed).toBe(true);
    expect(of('check-ended').map((u) => u.problem)).toEqual(['The check did not finish: the lab was stopped.']);
    expect(session.state).toEqual({
      status: 'idle',
      check: 'none',
      snapshotPending: false,
      caps: null,
      runtime: 'webcontainer',
    });
    rt.emit(ready());
    expect(session.state.status).toBe('idle');
  });
});
