// One lab service, as Kubernetes would run it: a child process (kit/host.ts) with the lab's heap
// limit, restarted with backoff when it crashes, each exit classified (oom / crash / stopped).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LabEvent } from '../contracts/lab-protocol.ts';
import type { HostReply, HostRequest } from '../contracts/host-protocol.ts';
import { onLines } from './lines.ts';
import { walkFiles } from './file-walk.ts';
import {
  endHostProcesses,
  hostMarkEnv,
  limitHostProcesses,
  PROCESS_BUDGET,
  scanLabProcesses,
} from './lab-processes.ts';
import { newSecret, unseal } from './seal.ts';
import { workspaceBudgetBytes, type WorkspaceBudget } from './workspace-budget.ts';
import { formatBytes } from '../contracts/format.ts';
import { workspaceModule } from './modules.ts';
import { buildGoService, GoBuildError, labLanguage, watchRss } from './go-service.ts';
import type { Capabilities, Measurement, ProfileKind, ServiceExit } from './types.ts';

export interface ServiceOptions {
  ws: string;
  heapLimitMb: number;
  timeScale: number;
  /** restart after a crash (true for the reader's service and for check services alike) */
  autoRestart: boolean;
  /** every protocol event from the host, with restarts filled in; exits as the supervisor saw them */
  onEvent(ev: LabEvent): void;
  /** the service's own output lines, unchanged */
  onOutput(line: string, stream: 'stdout' | 'stderr'): void;
  startTimeoutMs?: number;
  /** take a real heap snapshot in the capability probe (LEAKBOOK_PROBE=full for the supervisor) */
  fullSnapshotProbe?: boolean;
  /** called right before every spawn (the supervisor puts back workspace files the last service changed) */
  beforeSpawn?: () => void;
  /** what the workspace held when the supervisor started, to bound what services write into it */
  budget?: WorkspaceBudget;
}

// The service's environment is the same whoever starts it (the reader's Run or a Check): what Node and
// Go need, and the kit's own settings, never a variable that says what the service is being used for.
const PASSED_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'SYSTEMROOT',
  'NODE_OPTIONS',
  'LEAKBOOK_METRICS_MS',
];

function serviceEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return env;
}

/**
 * A Go service's temp folder: its TMPDIR (os.TempDir(), where excelize and os.CreateTemp write), inside
 * its workspace so that it goes with the workspace, and the same for the reader's Run and every Check
 * service of that workspace. The supervisor reads it (tempFiles) to see what a service leaves on disk.
 */
export function serviceTempDir(ws: string): string {
  return path.join(path.resolve(ws), '.tmp');
}

const OOM_PATTERNS = [
  /JavaScript heap out of memory/i,
  /Reached heap limit/i,
  /Fatal JavaScript out of memory/i,
  /Fatal process out of memory/i,
  /Allocation failed - process out of memory/i,
];
const GIVE_UP_AFTER_FAILED_STARTS = 3;
const HOST_EVENTS = new Set<LabEvent['type']>(['ready', 'metrics', 'warning', 'error']);

/** Every host process alive right now, so the supervisor can kill them all on its way out. */
export const liveHosts = new Set<ChildProcess>();

type HostRequestBody = HostRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Pending = { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> };

export class ServiceProcess {
  readonly opts: ServiceOptions;
  port = 0;
  caps: Capabilities | null = null;
  restarts = 0;
  readonly exits: ServiceExit[] = [];
  readonly warnings: Array<{ name: string; message: string }> = [];
  private child: ChildProcess | null = null;
  private ready = false;
  private stopping = false;
  private disposed = false;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private readyWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private lastError = '';
  private stderrTail: string[] = [];
  private failedStarts = 0;
  private startedAt = 0;
  private crashStreak = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private onLabLoading: () => void = () => {};

  constructor(opts: ServiceOptions) {
    this.opts = opts;
  }

  alive(): boolean {
    return this.ready && this.child !== null;
  }

  /** Spawn the host and resolve once it listens; rejects with the reason when it dies first. */
  start(): Promise<void> {
    this.disposed = false;
    if (labLanguage(this.opts.ws) === 'go') return this.startGo();
    this.spawnHost();
    return this.whenReady();
  }

  // ---- Go labs: the host is the lab's own binary (app/ built with kit/go), its RSS held to the limit ----
  private goBinary: string | null = null;
  private oomKilledAt: number | null = null;
  private stopRssWatch: () => void = () => {};

  private async startGo(): Promise<void> {
    // A first build compiles the lab's modules (Gin, excelize): a minute or more on a slow machine.
    // Saying so, every 10 s, keeps the reader (and the runner's silence watch) informed.
    const started = performance.now();
    const say = (text: string) => this.opts.onOutput(`[lab] ${text}`, 'stdout');
    const progress = setInterval(
      () =>
        say(
          `still building the Go service (${Math.round((performance.now() - started) / 1000)} s; a first build compiles the lab's modules, later ones reuse Go's build cache)`,
        ),
      10_000,
    );
    progress.unref();
    try {
      this.goBinary = await buildGoService(this.opts.ws);
    } catch (err) {
      if (err instanceof GoBuildError) for (const line of err.output.split('\n')) this.opts.onOutput(line, 'stderr');
      this.lastError = (err as Error).message;
      this.opts.onEvent({ type: 'error', message: this.lastError });
      throw err;
    } finally {
      clearInterval(progress);
    }
    if (this.disposed) throw new Error('the service was stopped');
    this.spawnHost();
    return this.whenReady();
  }

  /** The command that runs the host: the Go binary, or Node with kit/host.ts under the heap limit. */
  private hostCommand(node: string): { file: string; args: string[]; env: Record<string, string> } {
    if (this.goBinary) {
      const env: Record<string, string> = {
        GIN_MODE: 'release',
        LEAKBOOK_MEMORY_LIMIT_MB: String(this.opts.heapLimitMb),
        LEAKBOOK_HOST_CHANNEL: '3', // kit/go/channel.go: the key line is on stdin, the channel is fd 3
        TMPDIR: serviceTempDir(this.opts.ws), // overrides the supervisor's TMPDIR from serviceEnv()
      };
      return { file: this.goBinary, args: [], env };
    }
    const flags = [
      '--expose-gc',
      `--max-old-space-size=${this.opts.heapLimitMb}`,
      '--disable-warning=ExperimentalWarning',
    ];
    const host = path.relative(this.opts.ws, workspaceModule(this.opts.ws, 'kit/host.ts'));
    return { file: node, args: [...flags, host], env: {} };
  }

  /** Kubernetes-style memory limit: RSS past the limit is killed at once and reported as OOMKilled. */
  private watchMemoryLimit(child: ChildProcess): void {
    this.oomKilledAt = null;
    if (!this.goBinary || child.pid === undefined) return;
    this.stopRssWatch = watchRss(child.pid, this.opts.heapLimitMb, (rss) => {
      if (this.child !== child) return;
      this.oomKilledAt = rss;
      child.kill('SIGKILL');
    });
  }

  /**
   * Every second: a service whose files in the workspace pass the budget (lab code writing in a loop)
   * is stopped and what was added since the supervisor started is removed, before it fills the disk.
   */
  private watchWorkspaceBudget(child: ChildProcess): () => void {
    const budget = this.opts.budget;
    if (!budget) return () => {};
    const timer = setInterval(() => {
      if (this.child !== child) return clearInterval(timer);
      const used = budget.used();
      const limit = workspaceBudgetBytes();
      if (used <= limit) return;
      clearInterval(timer);
      child.kill('SIGKILL');
      const removed = budget.removeAdded();
      const named = removed.slice(0, 3).join(', ') + (removed.length > 3 ? ` and ${removed.length - 3} more` : '');
      this.lastError = `the service wrote ${formatBytes(used)} of files into its workspace (at most ${formatBytes(limit)}), so it was stopped and the files it added were removed${named ? ` (${named})` : ''}`;
    }, 1000);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Go services: the files in the service's temp folder now (name and size, largest first), read by the
   * supervisor itself; null for Node services, which have no temp folder of their own.
   */
  tempFiles(): Array<{ name: string; bytes: number }> | null {
    if (labLanguage(this.opts.ws) !== 'go') return null;
    const files: Array<{ name: string; bytes: number }> = [];
    walkFiles(serviceTempDir(this.opts.ws), (name, bytes) => files.push({ name, bytes }));
    return files.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  }

  /** Write a profile under profiles/ (Go: pprof; Node: the sampling heap profile); resolves with its path and size. */
  profile(kind: ProfileKind, file: string): Promise<{ path: string; bytes: number; kind: ProfileKind }> {
    return this.request({ op: 'profile', kind, file }, 120_000);
  }

  /** Resolves when the service is (again) ready; rejects when it gives up or is stopped. */
  whenReady(timeoutMs = 30_000): Promise<void> {
    if (this.alive()) return Promise.resolve();
    if (this.disposed || (!this.child && !this.restartTimer))
      return Promise.reject(new Error(this.lastError || 'the service is not running'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w.resolve !== ok);
        reject(new Error(`the service did not come back within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const ok = () => {
        clearTimeout(timer);
        resolve();
      };
      this.readyWaiters.push({ resolve: ok, reject: (e) => (clearTimeout(timer), reject(e)) });
    });
  }

  private spawnHost(): void {
    const { ws, timeScale } = this.opts;
    // WebContainer's execPath is not guaranteed to be spawnable; its shell always knows `node`.
    const inWebContainer = !!(process.versions as Record<string, string | undefined>).webcontainer;
    const node = !inWebContainer && process.execPath && path.isAbsolute(process.execPath) ? process.execPath : 'node';
    this.ready = false;
    this.stopping = false;
    this.stderrTail = [];
    this.lastError = '';
    this.startedAt = Date.now();
    const cmd = this.hostCommand(node);
    const mark = hostMarkEnv();
    this.opts.beforeSpawn?.();
    if (cmd.env.TMPDIR) fs.mkdirSync(cmd.env.TMPDIR, { recursive: true });
    // stdio[3] is the host's private channel (kit/seal.ts); it also takes the place of the supervisor's
    // own descriptor 3 (the verdict channel), which a child would otherwise inherit.
    const child = spawn(cmd.file, cmd.args, {
      cwd: ws,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: {
        ...serviceEnv(),
        ...cmd.env,
        LEAKBOOK_TIME_SCALE: String(timeScale),
        LEAKBOOK_RESTARTS: String(this.restarts),
        ...mark,
      },
    });
    this.child = child;
    liveHosts.add(child);
    this.watchMemoryLimit(child);
    const stopDiskWatch = this.watchWorkspaceBudget(child);
    // a lab that forks in a loop is stopped (and all it started ended) before it fills the process table
    const unlimit =
      child.pid === undefined
        ? () => {}
        : limitHostProcesses(child.pid, (count) => {
            if (this.child !== child) return;
            this.lastError = `the service had ${count} processes running at once (at most ${PROCESS_BUDGET}: is it starting them in a loop?), so it was stopped with everything it started`;
            child.kill('SIGKILL');
          });
    child.stdin!.on('error', () => {}); // writing to a dying child must not crash the supervisor
    const channel = child.stdio[3] as import('node:stream').Duplex;
    channel.on('error', () => {});
    // The key goes to the host before it loads any lab code (a Go host reads it in its kit package's
    // init); only lines sealed with it are the host's.
    const key = newSecret();
    child.stdin!.write(JSON.stringify({ key, fullSnapshotProbe: !!this.opts.fullSnapshotProbe }) + '\n');
    onLines(channel, (line) => {
      const body = unseal(key, line);
      if (body === null) return;
      this.onHostMessage(JSON.parse(body) as { e?: LabEvent; r?: HostReply });
    });
    // Two start budgets: booting Node and the kit (generous: machines under load are slow at this),
    // then the lab's own code from import to listening (startTimeoutMs: a stuck factory is reported).
    const labBudget = this.opts.startTimeoutMs ?? (Number(process.env.LEAKBOOK_START_TIMEOUT_MS) || 8000);
    const expire = (what: string) => () => {
      if (this.child === child && !this.ready) {
        this.lastError = what;
        child.kill('SIGKILL');
      }
    };
    this.startTimer = setTimeout(expire('the lab kit did not boot within 30 s (is the machine overloaded?)'), 30_000);
    this.onLabLoading = () => {
      clearTimeout(this.startTimer);
      this.startTimer = setTimeout(
        expire(
          `the service did not start listening within ${Math.round(labBudget / 1000)} s (is the factory stuck, or the event loop blocked?)`,
        ),
        labBudget,
      );
    };
    const startTimer = { clear: () => clearTimeout(this.startTimer) };
    // stdout is the lab's own output and nothing else, in Node and Go alike: a line there that looks
    // like the protocol is shown, never obeyed.
    onLines(child.stdout!, (line) => this.opts.onOutput(line, 'stdout'));
    onLines(child.stderr!, (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 40) this.stderrTail.shift();
      this.opts.onOutput(line, 'stderr');
    });
    holdBackWhileCongested(child);
    child.on('error', (err) => {
      this.lastError = `could not start node: ${err.message}`;
      // a failed spawn may never emit 'exit': treat it as one (onExit ignores a second call)
      if (child.pid === undefined) setTimeout(() => this.onExit(child, null, null), 0);
    });
    child.on('exit', (code, signal) => {
      liveHosts.delete(child);
      unlimit();
      stopDiskWatch();
      // nothing the service started outlives it (children in their own session included)
      endHostProcesses(child.pid, mark);
      this.stopRssWatch();
      startTimer.clear();
      // let stderr drain so the OOM banner is seen before classifying
      setTimeout(() => this.onExit(child, code, signal), 20);
    });
  }

  // Liveness: the host reports metrics 4 times a second, so silence means its event loop is blocked.
  private lastHeard = 0;
  private silentReported = false;
  private liveness: ReturnType<typeof setInterval> | null = null;

  private watchLiveness(): void {
    if (this.liveness) return;
    this.liveness = setInterval(() => {
      // a snapshot or a forced GC we asked for blocks the host on purpose: not a fault
      if (this.pending.size > 0) this.lastHeard = Date.now();
      if (!this.ready || this.silentReported || Date.now() - this.lastHeard < 5000) return;
      this.silentReported = true;
      this.opts.onEvent({
        type: 'error',
        message:
          'The service has not responded for 5 s: its event loop is blocked (a long synchronous loop, or garbage collection struggling near the heap limit).',
      });
    }, 1000);
    this.liveness.unref();
  }

  private onHostMessage(msg: { e?: LabEvent; r?: HostReply }): void {
    this.lastHeard = Date.now();
    this.silentReported = false;
    if (msg.r) {
      const r = msg.r;
      if (r.id === 0) return this.onLabLoading(); // the host's "kit booted" marker
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      clearTimeout(p.timer);
      if (r.ok) p.resolve(r.result);
      else p.reject(new Error(r.error));
      return;
    }
    const ev = msg.e;
    // a host reports its own state only; check results never come from a service
    if (!ev || !HOST_EVENTS.has(ev.type)) return;
    if (ev.type === 'ready') {
      clearTimeout(this.startTimer);
      this.ready = true;
      this.watchLiveness();
      this.port = ev.port;
      this.caps = ev.caps;
      this.failedStarts = 0;
      this.opts.onEvent({ ...ev, restarts: this.restarts });
      for (const w of this.readyWaiters.splice(0)) w.resolve();
      return;
    }
    if (ev.type === 'error') {
      this.lastError = ev.message;
      return; // reported with the exit that follows
    }
    if (ev.type === 'warning') this.warnings.push({ name: ev.name, message: ev.message });
    this.opts.onEvent(ev);
  }

  private classify(code: number | null, signal: NodeJS.Signals | null): ServiceExit {
    const stderr = this.stderrTail.join('\n');
    if (this.stopping) return { code, signal, reason: 'stopped', message: 'the service was stopped' };
    if (this.oomKilledAt !== null) {
      const mb = Math.round(this.oomKilledAt / 1024 / 1024);
      const limit = this.opts.heapLimitMb;
      return {
        code,
        signal,
        reason: 'oom',
        message: `OOMKilled: the service's memory (RSS ${mb} MB) passed the container's ${limit} MB limit and it was killed`,
      };
    }
    if (OOM_PATTERNS.some((re) => re.test(stderr)) || code === 134 || signal === 'SIGABRT') {
      const limit = this.opts.heapLimitMb;
      return {
        code,
        signal,
        reason: 'oom',
        message: `the service ran out of memory: its JavaScript heap reached the container's ${limit} MB limit and V8 ended the process`,
      };
    }
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    return {
      code,
      signal,
      reason: 'crash',
      message: this.lastError ? `${this.lastError} (${how})` : `the service ${how}`,
    };
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.child = null;
    this.ready = false;
    const exit = this.classify(code, signal);
    this.exits.push(exit);
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`the service exited before answering: ${exit.message}`));
    }
    this.pending.clear();
    if (exit.reason === 'stopped' || this.disposed || !this.opts.autoRestart) {
      this.opts.onEvent({ type: 'exit', restartInMs: null, ...exit });
      this.failWaiters(exit.message);
      return;
    }
    if (!wasReady) this.failedStarts++;
    if (this.failedStarts >= GIVE_UP_AFTER_FAILED_STARTS) {
      this.opts.onEvent({ type: 'exit', restartInMs: null, ...exit });
      this.opts.onEvent({
        type: 'error',
        message: `The service failed to start ${this.failedStarts} times in a row, so it is not restarted again: ${exit.message}`,
      });
      this.failWaiters(exit.message);
      return;
    }
    // Kubernetes-style backoff: quick first retry, doubling while it keeps crashing, reset after a calm run.
    this.crashStreak = Date.now() - this.startedAt > 10_000 ? 1 : this.crashStreak + 1;
    const delay = Math.min(200 * 2 ** (this.crashStreak - 1), 5000);
    this.opts.onEvent({ type: 'exit', restartInMs: delay, ...exit });
    if (!wasReady) {
      // a start failure is reported to whoever waits for this start, while the retry goes on
      this.failWaiters(exit.message);
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.disposed) return;
      this.restarts++;
      this.spawnHost();
    }, delay);
  }

  private failWaiters(message: string): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(new Error(message));
  }

  request<T>(req: HostRequestBody, timeoutMs = 30_000): Promise<T> {
    const child = this.child;
    if (!child || !this.ready) return Promise.reject(new Error('the service is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the service did not answer within ${Math.round(timeoutMs / 1000)} s (event loop blocked?)`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      child.stdin!.write(JSON.stringify({ ...req, id }) + '\n');
    });
  }

  measure(opts: { gc?: boolean; count?: string[]; resources?: boolean } = {}): Promise<Measurement> {
    return this.request<Measurement>({ op: 'measure', gc: opts.gc, count: opts.count, resources: opts.resources });
  }

  snapshot(file: string): Promise<{ path: string; bytes: number }> {
    return this.request({ op: 'snapshot', file }, 120_000);
  }

  /** Graceful stop (the lab's close()), then SIGKILL after graceMs. */
  async stop(graceMs = 2000): Promise<void> {
    this.disposed = true;
    if (this.liveness) clearInterval(this.liveness);
    this.liveness = null;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    scanLabProcesses(); // see what the service started just now, before its end hands it to init
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      if (this.ready) child.stdin!.write(JSON.stringify({ id: this.nextId++, op: 'stop' }) + '\n');
      else child.kill('SIGKILL');
      child.stdin!.end();
    });
    await new Promise((r) => setTimeout(r, 25)); // the exit handler runs after its drain delay
  }

  /** Immediate kill, for the supervisor's own exit paths. */
  kill(): void {
    this.disposed = true;
    if (this.liveness) clearInterval(this.liveness);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    scanLabProcesses();
    this.child?.kill('SIGKILL');
  }
}

/** Bytes the supervisor may have queued for its reader before it stops reading a service's output. */
const CONGESTED_BYTES = 4 * 1024 * 1024;

/**
 * Backpressure: a service printing faster than whoever reads the supervisor (the runner, the CLI) would
 * otherwise grow the supervisor's write queue without limit. While that queue is over 4 MB the service's
 * pipes are not read, so its own writes wait.
 */
function holdBackWhileCongested(child: ChildProcess): void {
  const out = process.stdout;
  const streams = [child.stdout, child.stderr].filter((s): s is NonNullable<typeof s> => !!s);
  const check = () => {
    if (out.writableLength <= CONGESTED_BYTES) return;
    for (const s of streams) s.pause();
    out.once('drain', () => {
      for (const s of streams) s.resume();
    });
  };
  for (const s of streams) s.on('data', check);
}
