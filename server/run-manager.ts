// Owns every run of this runner: enforces the concurrency cap, makes each run's workspace under
// one private temp folder, and stops everything when the runner exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError } from './http-guard.ts';
import type { LabStore } from './lab-store.ts';
import { killAllGroupsNow } from './process-tree.ts';
import type { StartRunRequest } from '../contracts/runner-api.ts';
import { Run, type RunLimits } from './runs.ts';
import { claimRunsFolder, RUNS_PREFIX, sweepStaleRuns } from './stale-runs.ts';

export interface RunManagerOptions {
  store: LabStore;
  limits: RunLimits;
  /** the Node binary used for the supervisor (this runner's own by default) */
  nodePath?: string;
}

export class RunManager {
  readonly limits: RunLimits;
  /** every run's workspace lives below this folder, created per runner start */
  readonly root: string;
  private readonly store: LabStore;
  private readonly nodePath: string;
  private readonly runs = new Map<string, Run>();
  private starting = 0;

  constructor(opts: RunManagerOptions) {
    this.store = opts.store;
    this.limits = opts.limits;
    this.nodePath = opts.nodePath ?? process.execPath;
    sweepStaleRuns();
    this.root = mkdtempSync(join(tmpdir(), RUNS_PREFIX));
    claimRunsFolder(this.root);
  }

  liveCount(): number {
    let n = 0;
    for (const r of this.runs.values()) if (r.running) n++;
    return n;
  }

  get(id: string): Run | undefined {
    return this.runs.get(id);
  }

  editableFiles(labId: string): Promise<Set<string> | null> {
    return this.store.editableFiles(labId);
  }

  async create(request: StartRunRequest): Promise<Run> {
    // Counted before the first await so two simultaneous requests cannot both squeeze in.
    if (this.liveCount() + this.starting >= this.limits.maxRuns)
      throw new HttpError(
        429,
        `${this.limits.maxRuns} labs are already running in this runner. Stop one (or close its tab) and try again.`,
      );
    this.starting++;
    try {
      const dir = await this.store.createWorkspace(request.labId, request.files, this.root);
      const run = new Run(request.labId, dir, this.store, this.limits, (ended) => this.ended(ended));
      this.runs.set(run.id, run);
      const { args, env } = this.store.supervisorCommand(dir);
      run.start(this.nodePath, args, env);
      return run;
    } finally {
      this.starting--;
    }
  }

  readFiles(run: Run): Promise<Record<string, string>> {
    return this.store.readFiles(run.labId, run.dir);
  }

  async remove(id: string): Promise<void> {
    const run = this.runs.get(id);
    if (!run) return;
    this.runs.delete(id);
    await run.dispose();
  }

  /** A stopped run stays readable (snapshots, files) for a while, then its workspace goes. */
  private ended(run: Run): void {
    const t = setTimeout(() => {
      if (this.runs.get(run.id) === run) void this.remove(run.id);
    }, this.limits.keepStoppedMs);
    t.unref();
  }

  async stopAll(reason: string): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop(reason)));
  }

  /** For process exit: no awaiting possible, so kill every group and delete every workspace now. */
  shutdownNow(): void {
    killAllGroupsNow();
    for (const run of this.runs.values()) run.markStopped('The runner shut down.');
    rmSync(this.root, { recursive: true, force: true });
  }
}
