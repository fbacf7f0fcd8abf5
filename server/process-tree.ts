// Lab processes run in their own process group (spawned detached), so one kill(-pid) reaches the
// supervisor, the service host it spawned and whatever stayed in the group. What lab code starts in
// its own session escapes the group; it still carries the run's mark in its environment
// (kit/lab-processes.ts), so the runner ends it by the mark. A group is signalled only until its leader's
// exit has been seen: after that its number may belong to someone else.
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import {
  findMarked,
  identityAlive,
  killIfSame,
  killMarked,
  MARK_VAR,
  processIdentity,
  type KillFn,
  type ProcInfo,
} from '../kit/lab-processes.ts';

export const systemKill: KillFn = (pid, signal) => process.kill(pid, signal);

/** This runner, as marks name it: "<pid>.<start time>". */
export const runnerIdentity = processIdentity() ?? String(process.pid);

/** The mark every process of a run carries: "<runner identity>/<run id>". */
export function runMark(runId: string): string {
  return `${runnerIdentity}/${runId}`;
}

const live = new Map<number, KillFn>();

export function spawnGroup(
  command: string,
  args: string[],
  options: SpawnOptionsWithoutStdio & { mark: string; kill?: KillFn },
  /** pipes beyond stdin/stdout/stderr (child.stdio[3]…): the supervisor's verdict channel */
  extraPipes = 0,
): ChildProcessWithoutNullStreams {
  const { mark, kill = systemKill, ...rest } = options;
  const stdio = extraPipes > 0 ? (['pipe', 'pipe', 'pipe', ...Array(extraPipes).fill('pipe')] as const) : 'pipe';
  const child = spawn(command, args, {
    ...rest,
    env: { ...rest.env, [MARK_VAR]: mark },
    detached: true,
    stdio: stdio as 'pipe',
  });
  if (child.pid !== undefined) live.set(child.pid, kill);
  return child;
}

/** The group's leader has exited: end what is left of the group and every process with the run's
 * mark now, then never signal the group again. Returns what was ended, to wait for. */
export function reapGroup(pid: number, mark: string): ProcInfo[] {
  const kill = live.get(pid) ?? systemKill;
  live.delete(pid);
  const ours = (m: string) => m === mark || m.startsWith(mark + '/');
  const members = findMarked(ours, pid);
  signal(kill, -pid, 'SIGKILL');
  for (const info of members) killIfSame(info, kill);
  killMarked(ours, kill);
  return members;
}

/** Signal a group whose leader is still running; false when it is not ours (any more). */
export function signalGroup(pid: number, sig: NodeJS.Signals): boolean {
  const kill = live.get(pid);
  return kill ? signal(kill, -pid, sig) : false;
}

/** Signal only the group's leader (the supervisor), which ends its lab in order: it looks at what
 * the services started while they still run, then ends them and all they started. */
export function signalLeader(pid: number, sig: NodeJS.Signals): boolean {
  const kill = live.get(pid);
  return kill ? signal(kill, pid, sig) : false;
}

function signal(kill: KillFn, pid: number, sig: NodeJS.Signals): boolean {
  try {
    kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Synchronous last resort for process exit: every group still led by a live supervisor, and
 * every process carrying one of this runner's marks. */
export function killAllGroupsNow(): void {
  for (const [pid, kill] of live) signal(kill, -pid, 'SIGKILL');
  live.clear();
  killMarked((m) => m.startsWith(runnerIdentity + '/'));
}

/** End what runners that died without cleaning up (SIGKILL, power loss) left running. */
export function killOrphansOfDeadRunners(): number {
  return killMarked((m) => {
    const owner = m.split('/')[0];
    return /^\d+\.\d+$/.test(owner) && owner !== runnerIdentity && !identityAlive(owner);
  });
}

export function liveGroups(): number[] {
  return [...live.keys()];
}
