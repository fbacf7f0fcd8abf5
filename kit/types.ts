// The lab kit's public contract. Lab code (starter, solution, scenarios, checks) imports it as '#kit'.
// Everything here runs inside a lab's processes, in real Node >= 22.18 and in WebContainer, so only
// Node built-ins (and the dependency-free contracts/ files, copied beside it) may be used by the kit.
import type { Server } from 'node:http';
import type { TaskResult } from '../contracts/check-result.ts';
import type { Capabilities, MemorySample, ProfileKind, ServiceExit } from '../contracts/lab-protocol.ts';

// What the kit reports to the page (lab-protocol.ts) and how checks' verdicts look (check-result.ts).
export type { Capabilities, MemorySample, ProfileKind, ServiceExit, TaskResult };

/** Given to a lab's service factory (the entry module's default export). */
export interface ServiceContext {
  /** Register a lab gauge shown on the memory chart and readable by checks (e.g. "live gzip streams"). */
  gauge(name: string, read: () => number): void;
  /** Lab time -> real milliseconds: ctx.ms(10_000) is "10 s" scaled by the manifest's timeScale. */
  ms(labMs: number): number;
  timeScale: number;
  /**
   * Lab ms since the service started, on a clock the kit took before any lab code loaded: a module that
   * replaces performance.now or Date.now later does not move it.
   */
  labNow(): number;
  /** Absolute path of the lab's fixtures folder. */
  fixturesDir: string;
  /**
   * Make classes countable by name for checks (measure({ count: ['CacheEntry'] })). Classes exported by
   * the lab's modules, globals (Map, Buffer…) and Node built-ins (Gzip, Socket…) are found without this.
   */
  countable(...ctors: Array<abstract new (...args: never[]) => unknown>): void;
}

export interface ServiceHandle {
  server: Server;
  /** Graceful shutdown: flush what must not be lost. */
  close?(): Promise<void> | void;
}

export type ServiceFactory = (ctx: ServiceContext) => ServiceHandle | Promise<ServiceHandle>;

export interface Measurement extends MemorySample {
  /** true when a full GC ran right before the measurement */
  afterGc: boolean;
  /**
   * Names of the gauges registered by the lab's read-only files themselves (the kit reads who called
   * ctx.gauge from the stack): what checks may judge. Any other gauge is the reader's own number.
   */
  readOnlyGauges?: string[];
  /**
   * Of heapUsed, the bytes that hold compiled code and bytecode (V8's code and trusted spaces). The JIT
   * adds to them for the first few thousand requests of a hot path, so growth in data is heapUsed minus
   * this. Absent where the runtime does not say.
   */
  codeHeap?: number;
  /** V8's heap limit in force (heap_size_limit), in bytes, read with the kit's own copy of v8 */
  heapSizeLimit?: number;
  /**
   * The most resident memory the process has had since it started (Linux: VmHWM from /proc, which the
   * kernel keeps, so a spike between two samples counts); absent elsewhere.
   */
  peakRss?: number;
  /** live instance counts by constructor name, when asked for and queryObjects exists */
  counts?: Record<string, number>;
  /**
   * With `resources: true`: the service's active handles and requests by kind, from
   * process.getActiveResourcesInfo() (e.g. { Timeout: 3, TCPServerWrap: 1 }). Counts include the kit's own
   * (one metrics interval, its stdin pipe), so compare rounds with each other, not with zero.
   */
  resources?: Record<string, number>;
}

/** The service as seen from scenarios and checks, which run in the supervisor, not in the service. */
export interface ServiceControl {
  readonly baseUrl: string;
  readonly caps: Capabilities;
  /** HTTP to the service on 127.0.0.1 with a timeout; never throws on status codes. */
  request(path: string, init?: RequestOptions): Promise<HttpResult>;
  /**
   * Memory + gauges, optionally after gc(), with queryObjects counts for the named constructors and the
   * active resources by kind. Gauges are computed by lab code: show them, never judge by them.
   */
  measure(opts?: { gc?: boolean; count?: string[]; resources?: boolean }): Promise<Measurement>;
  /** Write a heap snapshot inside the workspace; resolves with its path (null when unsupported). */
  snapshot(): Promise<string | null>;
  /**
   * Write a profile inside the workspace: Go labs pprof (.pb.gz), Node labs the sampling heap profile
   * (.heapprofile, kind 'heap' only); resolves with its path (null when unsupported).
   */
  profile?(kind: ProfileKind): Promise<string | null>;
  /**
   * Go labs: the files in the service's temp folder (its TMPDIR, <workspace>/.tmp: what os.CreateTemp and
   * excelize write), name and size, largest first, read by the supervisor from disk, never asked of the
   * service. The folder outlives service restarts, so compare with a listing taken earlier. null for
   * Node labs.
   */
  tempFiles(): ReadonlyArray<{ name: string; bytes: number }> | null;
  /** Process warnings seen so far (e.g. MaxListenersExceededWarning). */
  warnings(): ReadonlyArray<{ name: string; message: string }>;
  /** Exits seen so far (crashes, OOM kills) since this control was created. */
  exits(): ReadonlyArray<ServiceExit>;
  /** Whether the service process is currently up. */
  alive(): boolean;
  /** Stop and start the service (fresh process). */
  restart(): Promise<void>;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** abort the request after this many bytes of response body were read (a client that disconnects) */
  abortAfterBytes?: number;
  timeoutMs?: number;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** true when the request was deliberately aborted (abortAfterBytes) or failed */
  aborted: boolean;
  error?: string;
  /** timed by the kit's client: ms from sending the request to the first byte of the body (absent
   * when none came) and to the end of the response (or the abort) */
  firstByteMs?: number;
  ms?: number;
}

export interface ScenarioContext {
  service: ServiceControl;
  /** Read a fixture file of this lab. */
  fixture(name: string): Promise<Buffer>;
  /** Tell the reader what is happening ("upload 3 of 8"). */
  progress(message: string): void;
  /** Aborted when the reader stops the scenario or the lab. */
  signal: AbortSignal;
  timeScale: number;
  ms(labMs: number): number;
}

export type Scenario = (s: ScenarioContext) => Promise<void | string>;

export interface CheckContext extends ScenarioContext {
  /** Run one of the lab's scenarios to completion against the service. */
  runScenario(id: string): Promise<void>;
}

/** A check returns a verdict; throwing counts as a failure whose message is shown. */
export type Check = (t: CheckContext) => Promise<{ passed: boolean; message: string }>;
