// Writing into, reading from and removing from a run's workspace while the lab's own code runs in it.
// Lab code can plant symbolic links there (a `checks` link to somewhere else, `app/service.ts` to a
// private file); the runner never follows one. Paths are confined by the workspace's real path, files
// are opened with O_NOFOLLOW, and the hidden checks are written into a fresh private folder that is
// then renamed into place (rename never follows a link at its target).
import { constants } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, realpath, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

export class WorkspaceLinkError extends Error {}

const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const READ_NO_LINK = constants.O_RDONLY | constants.O_NOFOLLOW;

function refuse(rel: string, what: string): never {
  throw new WorkspaceLinkError(
    `${rel} in the lab's workspace is ${what}; the runner does not follow links out of a workspace. Stop the lab and Run it again.`,
  );
}

/** The real path of ws/rel's parent folder, refused unless it lies inside the workspace. */
async function confinedParent(ws: string, rel: string): Promise<string> {
  const root = await realpath(ws);
  const parent = await realpath(dirname(join(ws, rel))).catch(() => null);
  if (parent === null) refuse(rel, 'in a folder that does not exist');
  if (parent !== root && !parent.startsWith(root + sep)) refuse(rel, 'below a symbolic link');
  return join(parent, rel.split('/').pop()!);
}

async function linkAt(path: string): Promise<boolean | null> {
  const info = await lstat(path).catch(() => null);
  return info === null ? null : info.isSymbolicLink();
}

/** Put a tree of files at ws/rel (replacing what a previous write left there). */
export async function writeTreeInWorkspace(ws: string, rel: string, files: Record<string, Buffer>): Promise<void> {
  const target = await confinedParent(ws, rel);
  const link = await linkAt(target);
  if (link) refuse(rel, 'a symbolic link');
  if (link === false) await rm(target, { recursive: true, force: true }); // rm never follows links
  const staging = await mkdtemp(join(dirname(target), '.staging-'));
  try {
    for (const [path, data] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = join(staging, ...parts.slice(0, i));
        await mkdir(dir).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST' || (await lstat(dir)).isSymbolicLink() || !(await lstat(dir)).isDirectory())
            refuse(`${rel}/${parts.slice(0, i).join('/')}`, 'not a folder the runner made');
        });
      }
      const file = await open(join(staging, path), WRITE_NEW, 0o644).catch((err: NodeJS.ErrnoException) =>
        err.code === 'EEXIST' || err.code === 'ELOOP' ? refuse(`${rel}/${path}`, 'already there') : Promise.reject(err),
      );
      try {
        await file.writeFile(data);
      } finally {
        await file.close();
      }
    }
    await rename(staging, target).catch((err: NodeJS.ErrnoException) =>
      err.code === 'ENOTDIR' || err.code === 'ENOTEMPTY' || err.code === 'EEXIST' || err.code === 'EISDIR'
        ? refuse(rel, 'something lab code put there while the runner was writing')
        : Promise.reject(err),
    );
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Remove ws/rel: a link is removed as a link, never the folder it points to. */
export async function removeInWorkspace(ws: string, rel: string): Promise<void> {
  const target = await confinedParent(ws, rel).catch(() => null);
  if (target === null) return;
  await rm(target, { recursive: true, force: true });
}

/** Read ws/rel as text, refusing a symbolic link (at the file or on its way). */
export async function readInWorkspace(ws: string, rel: string): Promise<string> {
  const target = await confinedParent(ws, rel);
  const file = await open(target, READ_NO_LINK).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ELOOP' ? refuse(rel, 'a symbolic link') : Promise.reject(err),
  );
  try {
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}
