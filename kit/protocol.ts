// Messages between a lab's processes and the page. One JSON object per line.
// Service host -> supervisor and supervisor -> page: lines on stdout starting with EVENT_PREFIX;
// every other output line is the lab's own output. Page -> supervisor: JSON commands on stdin.
// The same framing works over a child process pipe (local runner) and WebContainer's PTY stream.
import type { Capabilities, MemorySample, ProfileKind, ServiceExit, TaskResult } from './types.ts';

export const EVENT_PREFIX = '\u001eLB ';

export type LabEvent =
  /** pid: the service process (for runners that verify nothing is left behind); pprofPort: Go labs */
  | { type: 'ready'; port: number; caps: Capabilities; restarts: number; pid?: number; pprofPort?: number }
  | ({ type: 'metrics' } & MemorySample)
  /** path is relative to the workspace root, e.g. "snapshots/s1-after-storm.heapsnapshot" */
  | { type: 'snapshot'; id: string; path: string; bytes: number; label: string }
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
  | { cmd: 'check' }
  | { cmd: 'restart' }
  | { cmd: 'stop' };

// Kit-internal traffic between the supervisor and the service host it spawned (never reaches the page).
// Requests go to the host's stdin as JSON lines; replies come back on the host's stdout behind
// HOST_REPLY_PREFIX, which decodeEvent() does not match ("\u001eLBH " is not "\u001eLB ").
export const HOST_REPLY_PREFIX = '\u001eLBH ';

export type HostRequest =
  | { id: number; op: 'measure'; gc?: boolean; count?: string[] }
  | { id: number; op: 'snapshot'; file: string }
  /** Go hosts: write a pprof profile to file (under profiles/) */
  | { id: number; op: 'profile'; kind: ProfileKind; file: string }
  | { id: number; op: 'stop' };

export type HostReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

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
