// Messages between a lab's supervisor and the page. One JSON object per line.
// Supervisor -> page: lines on stdout starting with EVENT_PREFIX; every other output line is the lab's own
// output. Page -> supervisor: JSON commands on stdin. The same framing works over a child process pipe
// (local runner) and WebContainer's PTY stream.
import type { TaskResult } from './check-result.ts';

/** Raised whenever an event or command changes shape; the page compares it with the one in 'ready'. */
export const PROTOCOL_VERSION = 1;

export const EVENT_PREFIX = '\u001eLB ';

/** What the runtime the lab runs in can measure. Probed at start, never assumed. */
export interface Capabilities {
  runtime: 'node' | 'webcontainer' | 'go' | 'unknown';
  /** the language of the lab's service (absent: node) */
  language?: 'node' | 'go';
  nodeVersion: string;
  /** Go labs: runtime.Version() of the service */
  goVersion?: string;
  /** Go labs: the "goroutines" gauge counts the lab's goroutines (the kit's own and idle connections excluded) */
  goroutines?: boolean;
  /** Go labs: pprof profiles can be captured (ServiceControl.profile, loopback /debug/pprof/) */
  pprof?: boolean;
  /**
   * Node labs: V8's sampling heap profiler runs for the service's whole life (node:inspector,
   * HeapProfiler.startSampling), so a 'profile' of kind 'heap' returns the allocation sites of what is
   * still alive (.heapprofile). Absent or false: no allocation profiles (Go services have pprof instead).
   */
  allocationSampling?: boolean;
  /** Go labs: the container memory limit on RSS, in MB */
  memoryLimitMb?: number;
  /** process.memoryUsage() returns numbers that move with allocation. */
  memoryUsage: boolean;
  /** v8.getHeapSnapshot() / writeHeapSnapshot() produce a parseable file. */
  heapSnapshot: boolean;
  /** v8.queryObjects() exists. */
  queryObjects: boolean;
  /** globalThis.gc is callable (--expose-gc honoured). */
  gc: boolean;
  /** The V8 heap limit in MB actually in force (v8.getHeapStatistics().heap_size_limit), or null. */
  heapLimitMb: number | null;
  asyncHooks: boolean;
  /** AsyncLocalStorage keeps its store across await. */
  asyncLocalStorage: boolean;
}

/** The pprof profiles a Go service can write; a Node service writes 'heap' only (allocation sampling). */
export type ProfileKind = 'heap' | 'allocs' | 'goroutine';

export interface MemorySample {
  /** ms since the service started */
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  gauges: Record<string, number>;
}

export interface ServiceExit {
  code: number | null;
  signal: string | null;
  /** 'oom' when V8 reported the heap limit or RSS passed a Go lab's limit (OOMKilled), 'crash' otherwise */
  reason: 'oom' | 'crash' | 'stopped';
  message: string;
}

export type LabEvent =
  /** protocol: the kit's PROTOCOL_VERSION; pid: the service process (runners verify nothing is left behind) */
  | {
      type: 'ready';
      protocol: number;
      port: number;
      caps: Capabilities;
      restarts: number;
      pid?: number;
      pprofPort?: number;
    }
  | ({ type: 'metrics' } & MemorySample)
  /** path is relative to the workspace root, e.g. "snapshots/s1-after-storm.heapsnapshot" */
  | { type: 'snapshot'; id: string; path: string; bytes: number; label: string }
  /**
   * A profile written at path: Go labs a pprof profile (gzipped protobuf, "profiles/p1-heap-baseline.pb.gz"),
   * Node labs V8's sampling heap profile as JSON ("profiles/p1-heap-baseline.heapprofile", kind 'heap')
   */
  | { type: 'profile'; id: string; kind: ProfileKind; path: string; bytes: number; label: string }
  | { type: 'warning'; name: string; message: string }
  | ({ type: 'exit'; restartInMs: number | null } & ServiceExit)
  | { type: 'scenario'; id: string; phase: 'start' | 'progress' | 'end' | 'error'; message: string }
  | { type: 'check'; phase: 'start' }
  | { type: 'check'; phase: 'task'; task: TaskResult }
  | { type: 'check'; phase: 'end'; passed: boolean; tasks: TaskResult[] }
  | { type: 'error'; message: string };

export type LabCommand =
  | { cmd: 'scenario'; id: string }
  | { cmd: 'cancel-scenario' }
  | { cmd: 'snapshot'; label?: string }
  | { cmd: 'profile'; kind: ProfileKind; label?: string }
  /** nonce: chosen by whoever asked, it marks this Check's records on the verdict channel (contracts/verdict.ts) */
  | { cmd: 'check'; nonce?: string }
  | { cmd: 'restart' }
  | { cmd: 'stop' };

export function encodeEvent(ev: LabEvent): string {
  return EVENT_PREFIX + JSON.stringify(ev) + '\n';
}

/** Returns the event when the line is a protocol line, null when it is plain output. */
export function decodeEvent(line: string): LabEvent | null {
  const at = line.indexOf(EVENT_PREFIX);
  if (at === -1) return null;
  try {
    return JSON.parse(line.slice(at + EVENT_PREFIX.length)) as LabEvent;
  } catch {
    return null;
  }
}
