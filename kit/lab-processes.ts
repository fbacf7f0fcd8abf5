// Finding every process a lab started, so none outlives it. Lab code may start children in their own
// session (`detached: true`, setsid), which a process-group kill does not reach and which survive their
// parent. Two nets catch them, both read from /proc (Linux; elsewhere they find nothing and the
// process-group kill is all there is):
// - a mark in the environment (LEAKBOOK_LAB_MARK), inherited by everything the lab starts unless lab
//   code clears its environment on purpose;
// - a watch that walks the process table every so often and remembers every descendant it has seen,
//   even after it has been handed to init.
// A process is known by its pid AND its start time, so a pid the system has since reused is never hit.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

export const MARK_VAR = 'LEAKBOOK_LAB_MARK';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** process group */
  pgrp: number;
  /** start time in clock ticks since boot: with the pid, the identity of a process */
  start: string;
}

/** The process as /proc/<pid>/stat shows it, or null when it is gone (or there is no /proc). A zombie
 * (dead, not yet reaped) counts as gone unless `zombies` is set. */
export function procInfo(pid: number, zombies = false): ProcInfo | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // the command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, pgrp field 5, starttime field 22
  if (!zombies && (fields[0] === 'Z' || fields[0] === 'X')) return null;
  return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), start: fields[19] };
}

/** "<pid>.<start time>": names this process for as long as it lives, never a later one. */
export function processIdentity(pid = process.pid): string | null {
  const info = procInfo(pid);
  return info ? `${pid}.${info.start}` : null;
}

/** True while the process named by processIdentity() is still the same process. */
export function identityAlive(identity: string): boolean {
  const [pid, start] = identity.split('.');
  return procInfo(Number(pid))?.start === start;
}

function allPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

function markOf(pid: number): string | null {
  try {
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
    const at = env.indexOf(`${MARK_VAR}=`);
    if (at === -1 || (at > 0 && env[at - 1] !== '\0')) return null;
    const end = env.indexOf('\0', at);
    return env.slice(at + MARK_VAR.length + 1, end === -1 ? undefined : end);
  } catch {
    return null; // gone, or not ours to read
  }
}

/** Living processes whose mark passes the test, or that are in process group `pgrp` (this process
 * excluded). */
export function findMarked(test: (mark: string) => boolean, pgrp?: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const info = procInfo(pid, pgrp !== undefined);
    if (!info) continue;
    const mark = info.pgrp === pgrp ? null : markOf(pid);
    if (info.pgrp === pgrp || (mark !== null && test(mark))) out.push(info);
  }
  return out;
}

/** True once none of these processes exists any more, zombies included (reaped by init). */
export function allGone(list: ProcInfo[]): boolean {
  return list.every((p) => procInfo(p.pid, true)?.start !== p.start);
}

export type KillFn = (pid: number, signal: NodeJS.Signals) => void;
const systemKill: KillFn = (pid, signal) => process.kill(pid, signal);

/** SIGKILL a process if it is still the one we saw (same start time); false when it was not. */
export function killIfSame(info: ProcInfo, kill: KillFn = systemKill): boolean {
  if (procInfo(info.pid)?.start !== info.start) return false;
  try {
    kill(info.pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL every marked process whose mark passes the test; a few rounds, as they may be forking. */
export function killMarked(test: (mark: string) => boolean, kill: KillFn = systemKill): number {
  let killed = 0;
  for (let round = 0; round < 4; round++) {
    const found = findMarked(test);
    if (found.length === 0) break;
    for (const info of found) if (killIfSame(info, kill)) killed++;
  }
  return killed;
}

/**
 * Remembers every descendant of this process it has seen, with the child of ours it descends from,
 * so that a service's teardown can end what that service started and an exit can end everything.
 * The process table is walked every `everyMs`, up to four times less often on a machine so busy that
 * a walk costs more than a twentieth of that.
 */
export class DescendantWatch {
  private readonly seen = new Map<number, ProcInfo & { via: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly everyMs: number;
  private readonly overBudget = new Map<number, (count: number) => void>();
  private readonly budget: number;

  constructor(everyMs = 500, budget = PROCESS_BUDGET) {
    this.everyMs = everyMs;
    this.budget = budget;
  }

  /**
   * Call `onOver` once, at a walk that finds more than the budget of living processes below our child
   * `pid` (the child itself not counted): a lab that forks in a loop is stopped before it fills the
   * process table. Returns a function that stops watching.
   */
  limit(pid: number, onOver: (count: number) => void): () => void {
    this.overBudget.set(pid, onOver);
    return () => this.overBudget.delete(pid);
  }

  start(): this {
    const tick = () => {
      const t = performance.now();
      this.scan();
      const cost = performance.now() - t;
      this.timer = setTimeout(tick, Math.min(4 * this.everyMs, Math.max(this.everyMs, cost * 20)));
      this.timer.unref();
    };
    tick();
    return this;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Walk the process table once and remember every descendant. */
  scan(): void {
    const children = new Map<number, ProcInfo[]>();
    const living = new Map<number, ProcInfo>();
    for (const pid of allPids()) {
      const info = procInfo(pid);
      if (!info) continue;
      living.set(pid, info);
      const list = children.get(info.ppid);
      if (list) list.push(info);
      else children.set(info.ppid, [info]);
    }
    for (const [pid, known] of this.seen) if (living.get(pid)?.start !== known.start) this.seen.delete(pid);
    const walk = (pid: number, via: number) => {
      for (const child of children.get(pid) ?? []) {
        const top = via === 0 ? child.pid : via;
        if (!this.seen.has(child.pid)) this.seen.set(child.pid, { ...child, via: top });
        walk(child.pid, top);
      }
    };
    walk(process.pid, 0);
    if (this.overBudget.size === 0) return;
    const counts = new Map<number, number>();
    for (const [pid, info] of this.seen) if (pid !== info.via) counts.set(info.via, (counts.get(info.via) ?? 0) + 1);
    for (const [via, count] of counts) {
      const onOver = this.overBudget.get(via);
      if (!onOver || count <= this.budget) continue;
      this.overBudget.delete(via);
      onOver(count);
    }
  }

  /** End every process seen below our child `pid` (the child itself included). */
  killBelow(pid: number, kill?: KillFn): void {
    this.scan();
    for (const [p, info] of this.seen)
      if (info.via === pid) {
        killIfSame(info, kill);
        this.seen.delete(p);
      }
  }

  /** End every descendant seen. */
  killAll(kill?: KillFn): void {
    this.scan();
    for (const info of this.seen.values()) killIfSame(info, kill);
    this.seen.clear();
  }
}

/** Living processes a service may have started at once. A lab needs a handful at most. */
export const PROCESS_BUDGET = 64;

// ---- the supervisor's side: one watch, and a mark per service host ----

let watch: DescendantWatch | null = null;

/** Start watching this supervisor's descendants; give it a mark if whoever started it gave none. */
export function watchLabProcesses(): void {
  process.env[MARK_VAR] ||= `${processIdentity() ?? 'unknown'}/lab`;
  watch ??= new DescendantWatch().start();
}

/** Call `onOver` when the service host `pid` has more than PROCESS_BUDGET processes below it. */
export function limitHostProcesses(pid: number, onOver: (count: number) => void): () => void {
  return watch?.limit(pid, onOver) ?? (() => {});
}

/** Look at the process table now (before a service is stopped, so nothing it just started is missed). */
export function scanLabProcesses(): void {
  watch?.scan();
}

/** The environment for a new service host: its own mark below the run's, so its teardown finds
 * exactly what it started. */
export function hostMarkEnv(): Record<string, string> {
  // random, not counted: a service must not be able to tell from its mark how many hosts came before it
  // (a Check starts one per task), only the processes it starts inherit it
  return { [MARK_VAR]: `${process.env[MARK_VAR] ?? 'lab'}/h${randomBytes(6).toString('hex')}` };
}

/** A service host has ended: end everything it started (its detached children included). */
export function endHostProcesses(pid: number | undefined, env: Record<string, string>): void {
  const mark = env[MARK_VAR];
  if (pid !== undefined) watch?.killBelow(pid);
  if (mark) killMarked((m) => m === mark || m.startsWith(mark + '/'));
}

/** The supervisor is leaving: end every descendant it has seen and every process with its mark. */
export function endAllLabProcesses(): void {
  watch?.stop();
  watch?.killAll();
  const mark = process.env[MARK_VAR];
  if (mark) killMarked((m) => m === mark || m.startsWith(mark + '/'));
}
