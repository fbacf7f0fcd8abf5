// Lab processes run in their own process group (spawned detached), so one kill(-pid) reaches the
// supervisor, the service host it spawned and anything the reader's code spawned in turn.
// Every group is registered here so the runner can kill them all when it exits, even abruptly.
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';

const live = new Set<number>();

export function spawnGroup(
  command: string,
  args: string[],
  options: SpawnOptionsWithoutStdio,
  /** pipes beyond stdin/stdout/stderr (child.stdio[3]…): the supervisor's verdict channel */
  extraPipes = 0,
): ChildProcessWithoutNullStreams {
  const stdio = extraPipes > 0 ? (['pipe', 'pipe', 'pipe', ...Array(extraPipes).fill('pipe')] as const) : 'pipe';
  const child = spawn(command, args, { ...options, detached: true, stdio: stdio as 'pipe' });
  const pid = child.pid;
  if (pid !== undefined) {
    live.add(pid);
    // The group may outlive its leader (a grandchild that ignored the leader's exit), so the group
    // stays registered until we have killed it explicitly.
  }
  return child;
}

/** Signal a whole process group; false when it no longer exists. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ask the group to end with SIGTERM, then SIGKILL whatever is left after graceMs.
 * Resolves once no process of the group remains (or after the SIGKILL when we cannot tell).
 */
export async function killGroup(pid: number, graceMs = 1000): Promise<void> {
  if (signalGroup(pid, 'SIGTERM')) {
    const until = Date.now() + graceMs;
    while (Date.now() < until && groupAlive(pid)) await sleep(25);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 40 && groupAlive(pid); i++) await sleep(25);
  live.delete(pid);
}

/** Synchronous last resort for process exit: no time for grace periods. */
export function killAllGroupsNow(): void {
  for (const pid of live) signalGroup(pid, 'SIGKILL');
  live.clear();
}

export function liveGroups(): number[] {
  return [...live];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
