// Runs of a runner that died without cleaning up (killed with SIGKILL, the machine lost power) leave
// their workspaces in the temp folder and maybe lab processes. Every runner marks its runs folder with
// its identity (pid and start time); the next runner to start removes the folders, and ends the
// processes, of every runner that is no longer alive.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityAlive } from '../kit/lab-processes.ts';
import { killOrphansOfDeadRunners, runnerIdentity } from './process-tree.ts';

export const RUNS_PREFIX = 'leakbook-runs-';
const OWNER_FILE = '.owner';

/** Mark a runs folder as this runner's. */
export function claimRunsFolder(root: string): void {
  writeFileSync(join(root, OWNER_FILE), runnerIdentity + '\n');
}

/** Remove the runs folders (and end the processes) of runners that have died. */
export function sweepStaleRuns(parent = tmpdir()): { removed: string[]; killed: number } {
  const killed = killOrphansOfDeadRunners();
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(RUNS_PREFIX));
  } catch {
    return { removed, killed };
  }
  for (const name of names) {
    const dir = join(parent, name);
    let owner: string;
    try {
      owner = readFileSync(join(dir, OWNER_FILE), 'utf8').trim();
    } catch {
      continue; // not marked: an older runner's, or one still being made; not ours to judge
    }
    if (!/^\d+\.\d+$/.test(owner) || identityAlive(owner)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return { removed, killed };
}
