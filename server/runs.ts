// One run = one lab supervisor process (its own process group) in its own temporary workspace.
// The run turns the supervisor's stdout into RuntimeEvents, keeps a bounded replay buffer for the
// page's event stream, forwards commands to stdin, and makes sure nothing outlives it. Whatever the lab
// prints, the run holds a bounded amount of it: lines are cut at LINE_CAP, plain output and warnings
// share one budget, protocol events another that refills with time, and the replay is capped in bytes.
import { randomUUID } from 'node:crypto';
import { realpath, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { FORGED_VERDICT_MESSAGE, VERDICT_FD } from '../contracts/verdict.ts';
import { VerdictIn } from '../engine/verdict-in.ts';
import { formatBytes } from '../contracts/format.ts';
import { decodeEvent, EVENT_PREFIX, type LabCommand } from '../contracts/lab-protocol.ts';
import { LINE_CAP, LineSplitter } from '../contracts/lines.ts';
import type { RuntimeEvent } from '../contracts/runtime-events.ts';
import { HttpError } from './http-guard.ts';
import { allGone, type KillFn, type ProcInfo } from '../kit/lab-processes.ts';
import { ByteBucket, ReplayBuffer } from './event-budget.ts';
import { reapGroup, runMark, signalGroup, signalLeader, spawnGroup, systemKill } from './process-tree.ts';
import type { LabStore } from './lab-store.ts';

export interface RunLimits {
  /** processes of runs that may be alive at once */
  maxRuns: number;
  /** plain output and warnings kept per run; beyond it they are dropped with one notice */
  maxOutputBytes: number;
  /** protocol events: a burst of maxOutputBytes, then this many bytes a second (a lab sends about
   * 1.5 KB/s of metrics); beyond it events are dropped with one notice */
  maxEventBytesPerSec: number;
  /** events kept for replay to a page that (re)connects, and their total size */
  maxReplayEvents: number;
  maxReplayBytes: number;
  /** stop a run nobody has been listening to for this long (page closed, tab crashed) */
  orphanMs: number;
  /** stop a run after this long without a command from the page */
  idleMs: number;
  /** stop any run after this long, whatever happens */
  maxLifetimeMs: number;
  /** report a lab whose supervisor has said nothing for this long after start (the supervisor
   * itself reports a service that does not start within its own, shorter, timeout) */
  silentStartMs: number;
  /** keep a stopped run's workspace (snapshots, files) readable for this long */
  keepStoppedMs: number;
}

export const defaultLimits: RunLimits = {
  maxRuns: 2,
  maxOutputBytes: 2 * 1024 * 1024,
  maxEventBytesPerSec: 64 * 1024,
  maxReplayEvents: 4000,
  maxReplayBytes: 4 * 1024 * 1024,
  orphanMs: 5_000,
  idleMs: 30 * 60_000,
  maxLifetimeMs: 3 * 60 * 60_000,
  silentStartMs: 30_000,
  keepStoppedMs: 10 * 60_000,
};

type Subscriber = (event: RuntimeEvent) => void;

/** How long a supervisor gets to end its lab after SIGTERM before the group is killed. */
const STOP_GRACE_MS = 1000;

const COMMANDS = new Set(['scenario', 'cancel-scenario', 'snapshot', 'profile', 'check', 'restart', 'stop']);
const PROFILE_KINDS = new Set(['heap', 'allocs', 'goroutine']);

export function parseCommand(body: unknown): LabCommand {
  const c = body as { cmd?: unknown; id?: unknown; label?: unknown; kind?: unknown } | null;
  if (!c || typeof c !== 'object' || typeof c.cmd !== 'string' || !COMMANDS.has(c.cmd))
    throw new HttpError(400, `Unknown command; expected {cmd} with one of: ${[...COMMANDS].join(', ')}.`);
  if (c.cmd === 'scenario') {
    if (typeof c.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(c.id))
      throw new HttpError(400, 'A scenario command needs the scenario id.');
    return { cmd: 'scenario', id: c.id };
  }
  if (c.cmd === 'snapshot') {
    if (c.label !== undefined && (typeof c.label !== 'string' || c.label.length > 80))
      throw new HttpError(400, 'A snapshot label is text of at most 80 characters.');
    return c.label === undefined ? { cmd: 'snapshot' } : { cmd: 'snapshot', label: c.label };
  }
  if (c.cmd === 'profile') {
    if (typeof c.kind !== 'string' || !PROFILE_KINDS.has(c.kind))
      throw new HttpError(400, 'A profile command needs its kind: heap, allocs or goroutine.');
    if (c.label !== undefined && (typeof c.label !== 'string' || c.label.length > 80))
      throw new HttpError(400, 'A profile label is text of at most 80 characters.');
    const kind = c.kind as 'heap' | 'allocs' | 'goroutine';
    return c.label === undefined ? { cmd: 'profile', kind } : { cmd: 'profile', kind, label: c.label };
  }
  return { cmd: c.cmd } as LabCommand;
}

export class Run {
  readonly id = randomUUID();
  readonly labId: string;
  readonly dir: string;
  readonly createdAt = Date.now();
  /** the supervisor's pid (and process group) while it runs; null once its exit has been seen */
  pid: number | null = null;
  readonly mark: string;
  stoppedReason: string | null = null;

  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly events: ReplayBuffer;
  private readonly eventBudget: ByteBucket;
  private eventsDropped = 0;
  private readonly subscribers = new Set<Subscriber>();
  private outputBytes = 0;
  private outputTruncated = false;
  private checking = false;
  private verdicts: VerdictIn | null = null;
  private heardFromLab = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private exited: Promise<void> = Promise.resolve();
  private readonly limits: RunLimits;
  private readonly store: LabStore;
  private readonly onEnd: (run: Run) => void;
  private readonly kill: KillFn;
  private leftovers: ProcInfo[] = [];

  constructor(
    labId: string,
    dir: string,
    store: LabStore,
    limits: RunLimits,
    onEnd: (run: Run) => void,
    opts: { kill?: KillFn } = {},
  ) {
    this.labId = labId;
    this.dir = dir;
    this.store = store;
    this.limits = limits;
    this.onEnd = onEnd;
    this.kill = opts.kill ?? systemKill;
    this.mark = runMark(this.id);
    this.events = new ReplayBuffer(limits.maxReplayEvents, limits.maxReplayBytes);
    this.eventBudget = new ByteBucket(limits.maxOutputBytes, limits.maxEventBytesPerSec);
  }

  get running(): boolean {
    return this.stoppedReason === null;
  }

  start(command: string, args: string[], env: NodeJS.ProcessEnv): void {
    const child = spawnGroup(command, args, { cwd: this.dir, env, mark: this.mark, kill: this.kill }, 1);
    this.child = child;
    // Check results are believed only from the supervisor's verdict channel (engine/verdict-in.ts).
    this.verdicts = new VerdictIn(child.stdio[VERDICT_FD] as unknown as Duplex, (event) => {
      this.emit(event);
      if (event.phase === 'end') this.endCheck();
    });
    this.pid = child.pid ?? null;
    this.exited = new Promise((done) => child.once('close', () => done()));
    child.once('exit', () => {
      // Whatever the supervisor left behind (a host that ignored its exit, children in their own
      // session) goes with it; then the pid is forgotten: its number may soon be someone else's.
      if (this.pid !== null) this.leftovers = reapGroup(this.pid, this.mark);
      this.pid = null;
    });
    this.readLines(child.stdout, true);
    this.readLines(child.stderr, false);
    child.once('error', (err) => this.finish(`The lab could not be started: ${err.message}`));
    // 'close' comes after the last output line was read, so the page sees the supervisor's final
    // words before 'stopped'; 'exit' is the fallback should something else hold the pipes open.
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!this.running) return;
      this.finish(
        code === 0
          ? 'The lab stopped.'
          : `The lab's supervisor ended unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
      );
    };
    child.once('close', ended);
    child.once('exit', (code, signal) => setTimeout(() => ended(code, signal), 1000).unref());
    this.arm('lifetime', this.limits.maxLifetimeMs, () =>
      this.stop(
        `Stopped after ${Math.round(this.limits.maxLifetimeMs / 60_000)} minutes, the longest a lab may run. Press Run to start again.`,
      ),
    );
    this.touch();
    this.arm('orphan', this.limits.orphanMs, () => this.stop('Stopped: the page that started this lab went away.'));
    this.arm('silent', this.limits.silentStartMs, () => {
      if (!this.heardFromLab)
        this.emit({
          type: 'error',
          message: `The lab has not reported anything in the ${Math.round(this.limits.silentStartMs / 1000)} s since it started: this computer may be very busy, or the lab is stuck. Stop it and Run again.`,
        });
    });
  }

  private readLines(stream: NodeJS.ReadableStream, isStdout: boolean): void {
    // a line longer than the cap is cut (and says so) rather than buffered without end
    const lines = new LineSplitter(LINE_CAP, EVENT_PREFIX);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) this.line(line, isStdout);
    });
    stream.on('end', () => {
      for (const line of lines.flush()) this.line(line, isStdout);
    });
  }

  private line(text: string, isStdout: boolean): void {
    // any line is a sign of life: a Go lab's first build prints progress for a minute or more
    this.heardFromLab = true;
    const protocol = isStdout && text.startsWith(EVENT_PREFIX);
    // counted before it is parsed: a flood of forged events costs the runner no JSON parsing
    if (protocol && !this.eventBudget.take(text.length)) return this.dropEvent();
    const event = protocol ? decodeEvent(text) : null;
    if (event?.type === 'check') {
      // the supervisor sends results on its verdict channel only: this one was printed by someone else
      this.emit({ type: 'error', message: FORGED_VERDICT_MESSAGE });
      return;
    }
    if (event?.type === 'warning') {
      if (this.spend(text.length)) this.emit(event);
      return;
    }
    if (event) {
      this.heardFromLab = true;
      // A check that could not run ends with the reader's service coming back; the service also comes
      // back after a check that ran, and its result travels on another pipe: give that a moment.
      if (this.checking && event.type === 'ready') this.arm('check-end', 2000, () => this.endCheck());
      this.emit(event);
      return;
    }
    this.output(text + '\n');
  }

  private output(text: string): void {
    if (this.spend(text.length)) this.emit({ type: 'output', text });
  }

  /** Plain output and warnings share one budget; false once it is spent (said once). */
  private spend(chars: number): boolean {
    if (this.outputTruncated) return false;
    this.outputBytes += chars;
    if (this.outputBytes <= this.limits.maxOutputBytes) return true;
    this.outputTruncated = true;
    this.emit({
      type: 'output',
      text: `[runner] The lab printed more than ${formatBytes(this.limits.maxOutputBytes, { limit: true })} of output and warnings; further output is not shown (the lab keeps running).\n`,
    });
    return false;
  }

  private dropEvent(): void {
    if (this.eventsDropped++ % 10_000 !== 0) return;
    this.emit({
      type: 'error',
      message: `The lab sends more events than the runner passes on (over ${formatBytes(this.limits.maxEventBytesPerSec, { limit: true })} a second); some are not shown. Is lab code printing protocol lines?`,
    });
  }

  private emit(event: RuntimeEvent): void {
    // the replay holds events in their wire form's size; text length is close enough and cheap
    this.events.push(event, eventSize(event));
    for (const s of this.subscribers) s(event);
  }

  subscribe(listener: Subscriber): () => void {
    for (const e of this.events) listener(e);
    this.subscribers.add(listener);
    this.clear('orphan');
    return () => {
      this.subscribers.delete(listener);
      if (this.subscribers.size === 0 && this.running)
        this.arm('orphan', this.limits.orphanMs, () => this.stop('Stopped: the page that started this lab went away.'));
    };
  }

  async command(cmd: LabCommand): Promise<void> {
    if (!this.running || !this.child)
      throw new HttpError(409, `The lab is not running (${this.stoppedReason ?? 'not started'}).`);
    this.touch();
    if (cmd.cmd === 'check') {
      if (this.checking) throw new HttpError(409, 'A check is already running.');
      this.checking = true;
      // the nonce marks this Check's records on the verdict channel; the page never needs it
      const nonce = randomUUID();
      this.verdicts?.expect(nonce);
      this.child.stdin.write(JSON.stringify({ cmd: 'check', nonce }) + '\n');
      return;
    }
    this.child.stdin.write(JSON.stringify(cmd) + '\n');
  }

  private endCheck(): void {
    this.clear('check-end');
    this.checking = false;
    this.verdicts?.cancel();
  }

  /** Resolve a snapshot path from a 'snapshot' event, refusing anything outside <ws>/snapshots. */
  snapshotFile(path: string): Promise<string> {
    return this.workspaceFile('snapshots', path, 'snapshot');
  }

  /** Resolve a profile path from a 'profile' event, refusing anything outside <ws>/profiles. */
  profileFile(path: string): Promise<string> {
    return this.workspaceFile('profiles', path, 'profile');
  }

  private async workspaceFile(folder: 'snapshots' | 'profiles', path: string, what: string): Promise<string> {
    if (!path || path.includes('\0')) throw new HttpError(400, `Name a ${what} with ?path=`);
    const outside = `${what[0]!.toUpperCase()}${what.slice(1)}s are read only from the run's ${folder} folder.`;
    const root = join(this.dir, folder);
    const target = isAbsolute(path) ? resolve(path) : resolve(this.dir, path);
    const rel = relative(root, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new HttpError(400, outside);
    const real = await realpath(target).catch(() => null);
    const realRoot = await realpath(root).catch(() => null);
    if (!real || !realRoot) throw new HttpError(404, `No such ${what} in this run.`);
    if (!real.startsWith(realRoot + sep)) throw new HttpError(400, outside);
    if (!(await stat(real)).isFile()) throw new HttpError(404, `No such ${what} in this run.`);
    return real;
  }

  private touch(): void {
    this.arm('idle', this.limits.idleMs, () =>
      this.stop(
        `Stopped after ${Math.round(this.limits.idleMs / 60_000)} minutes without activity. Press Run to start again.`,
      ),
    );
  }

  private arm(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    const t = setTimeout(fn, ms);
    t.unref();
    this.timers.set(name, t);
  }

  private clear(name: string): void {
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
  }

  /** End the whole process tree: SIGTERM to the supervisor, the group killed after its exit (or after
   * a grace period). The workspace stays readable until dispose(). A run whose supervisor has exited
   * signals nothing: its exit already took the rest with it. */
  async stop(reason: string): Promise<void> {
    if (this.running) this.finish(reason);
    const pid = this.pid;
    if (pid !== null && signalLeader(pid, 'SIGTERM')) {
      const grace = new Promise<void>((done) => setTimeout(done, STOP_GRACE_MS).unref());
      await Promise.race([this.exited, grace]);
      if (this.pid === pid) signalGroup(pid, 'SIGKILL');
    }
    // 'close' waits for the pipes; a process outside the group that still holds them (and was ended
    // by its mark) must not keep the stop waiting
    await Promise.race([this.exited, new Promise((done) => setTimeout(done, 3000).unref())]);
    // and the processes ended with it are really gone (watched in /proc, never signalled again)
    for (let i = 0; i < 80 && !allGone(this.leftovers); i++) await new Promise((done) => setTimeout(done, 25));
  }

  private finish(reason: string): void {
    if (!this.running) return;
    this.stoppedReason = reason;
    for (const name of [...this.timers.keys()]) this.clear(name);
    this.emit({ type: 'stopped', reason });
    this.onEnd(this);
  }

  /** Remove the workspace; called when the run is deleted or its keep time ran out. */
  async dispose(): Promise<void> {
    await this.stop('Stopped.');
    this.subscribers.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** At runner exit the processes are already killed; just tell any page still listening. */
  markStopped(reason: string): void {
    this.finish(reason);
  }
}

function eventSize(event: RuntimeEvent): number {
  if (event.type === 'output') return event.text.length + 32;
  if (event.type === 'metrics') return 256 + Object.keys(event.gauges).length * 48;
  return JSON.stringify(event).length;
}
