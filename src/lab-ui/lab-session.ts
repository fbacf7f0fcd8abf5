// One lab run as the reader sees it, without any DOM: the lab's status, a Check in progress, a pending
// heap snapshot and whoever waits for the service to be ready. The state is one value changed only by
// transition(), fed with the runtime's events and the reader's commands; LabSession performs the
// commands on the LabRuntime and tells its listener (the view, app.ts) what to show.
import type { TaskResult } from '../../contracts/check-result.ts';
import type { Capabilities, ProfileKind } from '../../contracts/lab-protocol.ts';
import { PROTOCOL_VERSION } from '../../contracts/lab-protocol.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { LabFiles, LabRuntime, RuntimeKind } from '../runtime/types.ts';
import { recordTaskResults } from '../lib/progress-store.ts';

export type LabStatus = 'idle' | 'starting' | 'running' | 'restarting' | 'checking' | 'stopped' | 'crashed';

/**
 * none: no Check; preparing: the reader pressed Check and the lab (re)starts with the latest edits first;
 * running: the supervisor runs the checks, so services that start and stop now are the checks' own.
 */
export type CheckPhase = 'none' | 'preparing' | 'running';

export interface SessionState {
  status: LabStatus;
  check: CheckPhase;
  snapshotPending: boolean;
  /** what the runtime's Node can measure, once a service was ready */
  caps: Capabilities | null;
  /** the runtime attached, null before one is chosen and after dispose */
  runtime: RuntimeKind | null;
}

/** The reader's commands and the runtime's events: everything that moves the state. */
export type SessionInput =
  | { type: 'attach'; runtime: RuntimeKind | null }
  | { type: 'start' }
  | { type: 'start-failed' }
  | { type: 'check-requested' }
  | { type: 'check-sent' }
  | { type: 'check-ended' }
  | { type: 'snapshot-requested' }
  | { type: 'snapshot-failed' }
  | RuntimeEvent;

export const INITIAL_STATE: SessionState = {
  status: 'idle',
  check: 'none',
  snapshotPending: false,
  caps: null,
  runtime: null,
};

export function transition(s: SessionState, input: SessionInput): SessionState {
  switch (input.type) {
    case 'attach':
      return { ...INITIAL_STATE, runtime: input.runtime };
    case 'start':
      return { ...s, status: s.status === 'running' ? 'restarting' : 'starting' };
    case 'start-failed':
      return { ...s, status: 'stopped' };
    case 'check-requested':
      return { ...s, check: 'preparing' };
    case 'check-sent':
      return { ...s, status: 'checking', check: 'running' };
    case 'check-ended':
      // The supervisor brings the reader's service back after a check; 'ready' will say so.
      return { ...s, check: 'none', status: s.status === 'checking' ? 'restarting' : s.status };
    case 'snapshot-requested':
      return { ...s, snapshotPending: true };
    case 'snapshot-failed':
    case 'snapshot':
      return { ...s, snapshotPending: false };
    case 'ready':
      // During a Check every task runs in a fresh service of its own; those are not the reader's.
      return s.check === 'running' ? { ...s, caps: input.caps } : { ...s, caps: input.caps, status: 'running' };
    case 'exit':
      if (s.check === 'running') return s;
      return {
        ...s,
        status: input.restartInMs !== null ? 'restarting' : input.reason === 'stopped' ? 'stopped' : 'crashed',
      };
    case 'stopped':
      return { ...s, status: 'stopped', snapshotPending: false };
    case 'error':
      return s.snapshotPending && /snapshot/i.test(input.message) ? { ...s, snapshotPending: false } : s;
    default:
      return s;
  }
}

export interface Controls {
  run: boolean;
  /** the Run button restarts a running lab */
  runLabel: 'Run' | 'Restart';
  stop: boolean;
  snapshot: boolean;
  check: boolean;
  scenarios: boolean;
}

/** Which of the reader's controls are enabled in a state. */
export function controlsFor(s: SessionState): Controls {
  const running = s.status === 'running';
  const busy = s.status === 'starting' || s.status === 'restarting';
  const checking = s.check !== 'none';
  const attached = s.runtime !== null;
  return {
    run: attached && !busy && !checking,
    runLabel: running ? 'Restart' : 'Run',
    stop: attached && s.status !== 'idle' && s.status !== 'stopped' && !checking,
    snapshot: running && !checking && !s.snapshotPending && s.caps?.heapSnapshot !== false,
    check: attached && !checking && !s.snapshotPending,
    scenarios: running,
  };
}

/** What the view is told. */
export type SessionUpdate =
  | { type: 'state'; state: SessionState }
  /** the lab is about to start with the reader's files (Run, Restart, or Check with new edits) */
  | { type: 'starting'; runtime: RuntimeKind }
  /** the start request was answered (or failed); the service is not ready yet */
  | { type: 'start-sent' }
  /** an event of the reader's lab; the services a Check starts and stops are left out */
  | { type: 'event'; event: RuntimeEvent }
  /** a Check the reader asked for ended: with every task's result, or with why it could not finish */
  | { type: 'check-ended'; results: TaskResult[] | null; problem?: string }
  | { type: 'ready-timeout'; seconds: number }
  /** something the reader asked for did not happen */
  | { type: 'failed'; message: string };

export interface SessionOptions {
  labId: string;
  /** where Check results are kept (progress-store.ts) */
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** how long run() waits for 'ready'; the runner reports start failures itself, this only guards against silence */
  readyTimeoutMs?: number;
  now?: () => number;
}

const READY_TIMEOUT_MS = 60_000;

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class LabSession {
  private s: SessionState = INITIAL_STATE;
  private runtime: LabRuntime | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<(u: SessionUpdate) => void>();
  private readyWaiters: Array<(ok: boolean) => void> = [];
  /** the reader's files the lab was last started with (JSON), to tell when edits are not running yet */
  private runningFiles = '';
  private readonly opts: Required<SessionOptions>;

  constructor(opts: SessionOptions) {
    this.opts = { readyTimeoutMs: READY_TIMEOUT_MS, now: Date.now, ...opts };
  }

  get state(): SessionState {
    return this.s;
  }

  controls(): Controls {
    return controlsFor(this.s);
  }

  subscribe(listener: (u: SessionUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The reader's files differ from the ones the lab runs. */
  isStale(files: LabFiles): boolean {
    return JSON.stringify(files) !== this.runningFiles;
  }

  /** Uses this runtime from now on (null: none); the previous one is disposed, its lab stopped. */
  async attach(runtime: LabRuntime | null): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const previous = this.runtime;
    this.runtime = runtime;
    if (this.s.check !== 'none') this.endCheck(null, 'The check did not finish: the lab was stopped.');
    this.settleReady(false);
    this.apply({ type: 'attach', runtime: runtime?.kind ?? null });
    if (runtime) this.unsubscribe = runtime.subscribe((ev) => this.onEvent(ev));
    if (previous && previous !== runtime) await previous.dispose().catch(() => undefined);
  }

  dispose(): Promise<void> {
    return this.attach(null);
  }

  /** Starts (or restarts) the lab with the reader's files; resolves true once its service is ready. */
  async run(files: LabFiles): Promise<boolean> {
    const rt = this.runtime;
    if (!rt) return false;
    this.apply({ type: 'start' });
    this.runningFiles = JSON.stringify(files);
    this.emit({ type: 'starting', runtime: rt.kind });
    try {
      await rt.start(this.opts.labId, files);
    } catch (err) {
      this.apply({ type: 'start-failed' });
      this.emit({ type: 'failed', message: `The lab could not start: ${messageOf(err)}` });
      return false;
    } finally {
      this.emit({ type: 'start-sent' });
    }
    return this.waitReady();
  }

  async stop(): Promise<void> {
    await this.send({ cmd: 'stop' });
  }

  runScenario(id: string): Promise<boolean> {
    return this.send({ cmd: 'scenario', id });
  }

  cancelScenario(): Promise<boolean> {
    return this.send({ cmd: 'cancel-scenario' });
  }

  /** Asks for a heap snapshot; its 'snapshot' event (or an error about it) ends the wait. */
  async snapshot(label: string): Promise<void> {
    if (!this.runtime || !controlsFor(this.s).snapshot) return;
    this.apply({ type: 'snapshot-requested' });
    if (!(await this.send({ cmd: 'snapshot', label }))) this.apply({ type: 'snapshot-failed' });
  }

  /** Bytes of a snapshot named by a 'snapshot' event, from the runtime that took it. */
  readSnapshot(path: string): Promise<ArrayBuffer> {
    if (!this.runtime) return Promise.reject(new Error('The lab is not running.'));
    return this.runtime.readSnapshot(path);
  }

  /** Asks for a profile (Go: pprof; Node: allocation sites, kind 'heap'); its 'profile' event (or an error) follows. */
  profile(kind: ProfileKind, label: string): Promise<boolean> {
    if (!this.runtime || !controlsFor(this.s).scenarios) return Promise.resolve(false);
    return this.send({ cmd: 'profile', kind, label });
  }

  /** Bytes (.pb.gz or .heapprofile) of a profile named by a 'profile' event, from the runtime that wrote it. */
  readProfile(path: string): Promise<ArrayBuffer> {
    if (!this.runtime) return Promise.reject(new Error('The lab is not running.'));
    return this.runtime.readProfile(path);
  }

  /**
   * Runs the hidden checks against the reader's files: restarts the lab first when they changed or it is
   * not running. Returns false when a Check cannot begin now (no runtime, one already going, a snapshot pending).
   */
  check(files: LabFiles): boolean {
    const rt = this.runtime;
    if (!rt || !controlsFor(this.s).check) return false;
    this.apply({ type: 'check-requested' });
    void this.startCheck(rt, files);
    return true;
  }

  private async startCheck(rt: LabRuntime, files: LabFiles): Promise<void> {
    const ready = this.isStale(files) || this.s.status !== 'running' ? await this.run(files) : true;
    if (this.runtime !== rt || this.s.check !== 'preparing') return;
    if (!ready) {
      this.endCheck(null, 'The check could not start because the lab is not running. See the Output tab.');
      return;
    }
    this.apply({ type: 'check-sent' });
    try {
      await rt.send({ cmd: 'check' });
    } catch (err) {
      this.endCheck(null, `The check could not start: ${messageOf(err)}`);
    }
  }

  private endCheck(results: TaskResult[] | null, problem?: string): void {
    if (this.s.check === 'none') return;
    this.apply({ type: 'check-ended' });
    if (results) recordTaskResults(this.opts.storage, this.opts.labId, results, this.opts.now());
    this.emit(
      results
        ? { type: 'check-ended', results }
        : { type: 'check-ended', results: null, problem: problem ?? 'The check did not finish.' },
    );
  }

  private async send(command: Parameters<LabRuntime['send']>[0]): Promise<boolean> {
    if (!this.runtime) return false;
    try {
      await this.runtime.send(command);
      return true;
    } catch (err) {
      this.emit({ type: 'failed', message: messageOf(err) });
      return false;
    }
  }

  private waitReady(): Promise<boolean> {
    if (this.s.status === 'running') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        this.emit({ type: 'ready-timeout', seconds: this.opts.readyTimeoutMs / 1000 });
        resolve(false);
      }, this.opts.readyTimeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.readyWaiters.push(done);
    });
  }

  private settleReady(ok: boolean): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w(ok);
  }

  private onEvent(ev: RuntimeEvent): void {
    const checkServices = this.s.check === 'running';
    this.apply(ev);
    // The services of a running Check are not the reader's: their start, memory and exit are not shown.
    const mine = !(checkServices && (ev.type === 'ready' || ev.type === 'metrics' || ev.type === 'exit'));
    if (mine) this.emit({ type: 'event', event: ev });
    switch (ev.type) {
      case 'ready':
        if (!mine) return;
        if (ev.protocol !== PROTOCOL_VERSION)
          this.emit({
            type: 'failed',
            message: `This page and the lab kit speak different versions of the lab protocol (${PROTOCOL_VERSION} and ${ev.protocol ?? 'none'}); reload the page.`,
          });
        this.settleReady(true);
        return;
      case 'stopped':
        this.settleReady(false);
        this.endCheck(null, `The check did not finish: ${ev.reason}`);
        return;
      case 'check':
        // a result counts only for the Check this page started and is waiting for (the runtimes
        // already take results from the supervisor's verdict channel only)
        if (ev.phase === 'end' && checkServices) this.endCheck(ev.tasks);
        return;
      case 'error':
        this.endCheck(null, ev.message);
        return;
    }
  }

  private apply(input: SessionInput): void {
    const next = transition(this.s, input);
    if (next === this.s) return;
    this.s = next;
    this.emit({ type: 'state', state: next });
  }

  private emit(update: SessionUpdate): void {
    for (const l of this.listeners) l(update);
  }
}
