// Where the runner gets labs from: the repository's labs/ folder, read through the engine's loader
// and workspace builder (engine/load-lab.ts, engine/workspace.ts), so a run's workspace is laid out
// as the CLI's and the WebContainer bundle's are.
import { LabError, loadLab, type LoadedLab } from '../engine/load-lab.ts';
import { createWorkspace } from '../engine/workspace.ts';
import { VERDICT_FD, VERDICT_FD_ARG } from '../contracts/verdict.ts';
import { goCacheEnv, labLanguage } from '../kit/go-service.ts';
import { HttpError } from './http-guard.ts';
import { readInWorkspace, WorkspaceLinkError } from './workspace-fs.ts';

export interface LabStore {
  /** The lab's editable file paths, or null when there is no such lab. */
  editableFiles(labId: string): Promise<Set<string> | null>;
  /**
   * Build a fresh workspace below parentDir with the reader's files and the hidden checks; returns its
   * path. The supervisor imports the checks and removes them before the reader's service starts.
   */
  createWorkspace(labId: string, files: Record<string, string>, parentDir: string): Promise<string>;
  /** The reader's editable files as they are in the workspace. */
  readFiles(labId: string, dir: string): Promise<Record<string, string>>;
  /** How to start the supervisor inside a workspace. */
  supervisorCommand(dir: string): { args: string[]; env: NodeJS.ProcessEnv };
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
      const ws = await createWorkspace({ labId, files, root: parentDir, labsDir, withChecks: true });
      return ws.dir;
    },
    async readFiles(labId, dir) {
      const lab = mustLoad(labId);
      const out: Record<string, string> = {};
      for (const f of lab.manifest.files.filter((file) => file.editable))
        out[f.path] = await readInWorkspace(dir, `app/${f.path}`).catch((err: Error) => {
          throw err instanceof WorkspaceLinkError ? new HttpError(409, err.message) : err;
        });
      return out;
    },
    supervisorCommand(dir) {
      // A clean environment: the lab gets what Node needs, not the runner's own variables; a Go lab also
      // where go keeps its caches (the modules fetched at install time, the build cache).
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LEAKBOOK_RUNTIME: 'local' };
      for (const key of ['LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'] as const)
        if (process.env[key]) env[key] = process.env[key];
      if (labLanguage(dir) === 'go') Object.assign(env, goCacheEnv());
      return {
        args: ['--disable-warning=ExperimentalWarning', 'kit/supervisor.ts', `${VERDICT_FD_ARG}=${VERDICT_FD}`],
        env,
      };
    },
  };
}
