// One run = one lab supervisor process (its own process group) in its own temporary workspace.
// The run turns the supervisor's stdout into RuntimeEvents, keeps a bounded replay buffer for the
// page's event stream, forwards commands to stdin, and makes sure nothing outlives it.
import { randomUUID } from 'node:crypto';
import { realpath, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { formatBytes } from '../contracts/format.ts';
import { decodeEvent, type LabCommand } from '../contracts/lab-protocol.ts';
import { LineSplitter } from '../contracts/lines.ts';
import type { RuntimeEvent } from '../contracts/runtime-events.ts';
import { HttpError } from './http-guard.ts';
import { killGroup, spawnGroup } from './process-tree.ts';
import type { LabStore } from './lab-store.ts';

export interface RunLimits {
  /** processes of runs that may be alive at once */
  maxRuns: number;
  /** plain output (not protocol events) kept per run; beyond it output is dropped with one notice */
  maxOutputBytes: number;
  /** events kept for replay to a page that (re)connects */
  maxReplayEvents: number;
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
  maxReplayEvents: 4000,
  orphanMs: 5_000,
  idleMs: 30 * 60_000,
  maxLifetimeMs: 3 * 60 * 60_000,
  silentStartMs: 30_000,
  keepStoppedMs: 10 * 60_000,
};

type Subscriber = (event: RuntimeEvent) => void;

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
  pid: number | null = null;
  stoppedReason: string | null = null;

  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly events: RuntimeEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private outputBytes = 0;
  private outputTruncated = false;
  private checking = false;
  private heardFromLab = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private exited: Promise<void> = Promise.resolve();
  private readonly limits: RunLimits;
  private readonly store: LabStore;
  private readonly onEnd: (run: Run) => void;

  constructor(labId: string, dir: string, store: LabStore, limits: RunLimits, onEnd: (run: Run) => void) {
    this.labId = labId;
    this.dir = dir;
    this.store = store;
    this.limits = limits;
    this.onEnd = onEnd;
  }

  get running(): boolean {
    return this.stoppedReason === null;
  }

  start(command: string, args: string[], env: NodeJS.ProcessEnv): void {
    const child = spawnGroup(command, args, { cwd: this.dir, env });
    this.child = child;
    this.pid = child.pid ?? null;
    this.exited = new Promise((done) => child.once('close', () => done()));
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
      // Whatever the supervisor left behind (a host that ignored its exit) goes with it.
      if (this.pid !== null) void killGroup(this.pid, 200);
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
    // a lab printing without newlines is shown in 256 KB pieces rather than buffered without end
    const lines = new LineSplitter(256 * 1024);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) this.line(line, isStdout);
    });
    stream.on('end', () => {
      for (const line of lines.flush()) this.line(line, isStdout);
    });
  }

  private line(text: string, isStdout: boolean): void {
    const event = isStdout ? decodeEvent(text) : null;
    if (event) {
      this.heardFromLab = true;
      // A check ends with its 'end' event, or (when it could not run) with the reader's service
      // coming back: either way the hidden checks leave the workspace.
      if (this.checking && ((event.type === 'check' && event.phase === 'end') || event.type === 'ready'))
        void this.endCheck();
      this.emit(event);
      return;
    }
    this.output(text + '\n');
  }

  private output(text: string): void {
    if (this.outputTruncated) return;
    this.outputBytes += Buffer.byteLength(text);
    if (this.outputBytes > this.limits.maxOutputBytes) {
      this.outputTruncated = true;
      this.emit({
        type: 'output',
        text: `[runner] The lab printed more than ${formatBytes(this.limits.maxOutputBytes, { limit: true })}; further output is not shown (the lab keeps running).\n`,
      });
      return;
    }
    this.emit({ type: 'output', text });
  }

  private emit(event: RuntimeEvent): void {
    this.events.push(event);
    if (this.events.length > this.limits.maxReplayEvents) {
      // Keep ready/snapshot/check/exit history; metrics and output are the ones that pile up.
      const at = this.events.findIndex((e) => e.type === 'metrics' || e.type === 'output');
      this.events.splice(at === -1 ? 0 : at, 1);
    }
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
      try {
        // Hidden checks enter the workspace only now, straight from the repository.
        await this.store.addChecks(this.labId, this.dir);
      } catch (err) {
        this.checking = false;
        throw new HttpError(500, `Could not prepare the checks: ${(err as Error).message}`);
      }
    }
    this.child.stdin.write(JSON.stringify(cmd) + '\n');
  }

  private async endCheck(): Promise<void> {
    this.checking = false;
    await rm(join(this.dir, 'checks'), { recursive: true, force: true }).catch(() => undefined);
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

  /** Kill the whole process tree; the workspace stays readable until dispose(). */
  async stop(reason: string): Promise<void> {
    if (this.running) this.finish(reason);
    if (this.pid !== null) await killGroup(this.pid);
    await this.exited;
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
