// Where the runner gets labs from: the repository's labs/ folder, read through the engine's loader
// and workspace builder (engine/load-lab.ts, engine/workspace.ts), so a run's workspace is laid out
// as the CLI's and the WebContainer bundle's are.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabError, loadLab, readTree, type LoadedLab } from '../engine/load-lab.ts';
import { createWorkspace, safeRelativePath } from '../engine/workspace.ts';
import { HttpError } from './http-guard.ts';

export interface LabStore {
  /** The lab's editable file paths, or null when there is no such lab. */
  editableFiles(labId: string): Promise<Set<string> | null>;
  /** Build a fresh workspace below parentDir with the reader's files; returns its path. */
  createWorkspace(labId: string, files: Record<string, string>, parentDir: string): Promise<string>;
  /** Copy the hidden checks into the workspace (only when the reader asks for a check). */
  addChecks(labId: string, dir: string): Promise<void>;
  /** The reader's editable files as they are in the workspace. */
  readFiles(labId: string, dir: string): Promise<Record<string, string>>;
  /** How to start the supervisor inside a workspace. */
  supervisorCommand(dir: string): { args: string[]; env: NodeJS.ProcessEnv };
}

let goCaches: Record<string, string> | null = null;
/**
 * Where go keeps modules and builds (GOMODCACHE, GOCACHE, GOPATH), read once from `go env`: the clean
 * environment has no HOME for go to find them by, and a Go lab builds offline from that module cache.
 * Empty when go is not installed (the lab then says it needs Go).
 */
function goCacheEnv(): Record<string, string> {
  if (goCaches) return goCaches;
  goCaches = {};
  const r = spawnSync('go', ['env', '-json', 'GOMODCACHE', 'GOCACHE', 'GOPATH'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return goCaches;
  try {
    for (const [k, v] of Object.entries(JSON.parse(r.stdout) as Record<string, string>)) if (v) goCaches[k] = v;
  } catch {
    // no usable answer: the lab's build reports what is missing
  }
  return goCaches;
}

export function createLabStore(labsDir: string): LabStore {
  const load = (labId: string): LoadedLab | null => {
    try {
      return loadLab(labId, labsDir);
    } catch (err) {
      if (err instanceof LabError && /unknown lab|is not a lab id/.test(err.message)) return null;
      throw new HttpError(500, `Lab "${labId}" is broken: ${(err as Error).message}`);
    }
  };
  const mustLoad = (labId: string): LoadedLab => {
    const lab = load(labId);
    if (!lab) throw new HttpError(404, `There is no lab "${labId}".`);
    return lab;
  };
  return {
    async editableFiles(labId) {
      const lab = load(labId);
      return lab ? new Set(lab.manifest.files.filter((f) => f.editable).map((f) => f.path)) : null;
    },
    async createWorkspace(labId, files, parentDir) {
      const ws = await createWorkspace({ labId, files, root: parentDir, labsDir });
      return ws.dir;
    },
    async addChecks(labId, dir) {
      const lab = mustLoad(labId);
      for (const [rel, data] of Object.entries(readTree(join(lab.dir, 'checks')))) {
        const target = join(dir, 'checks', safeRelativePath(rel));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, data);
      }
    },
    async readFiles(labId, dir) {
      const lab = mustLoad(labId);
      const out: Record<string, string> = {};
      for (const f of lab.manifest.files.filter((file) => file.editable))
        out[f.path] = await readFile(join(dir, 'app', f.path), 'utf8');
      return out;
    },
    supervisorCommand() {
      // A clean environment: the lab gets what Node needs, not the runner's own variables.
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LEAKBOOK_RUNTIME: 'local' };
      for (const key of ['LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'] as const)
        if (process.env[key]) env[key] = process.env[key];
      Object.assign(env, goCacheEnv());
      return { args: ['--disable-warning=ExperimentalWarning', 'kit/supervisor.ts'], env };
    },
  };
}
