// Turns the lab bundles the site ships (/labs/<id>/runtime.json, /labs/<id>/checks.json) into
// WebContainer FileSystemTrees, and lays the reader's files, compiled to JavaScript like the rest of the
// bundle, over the workspace's app/ folder.
import type { BundledFile, LabChecksBundle, LabRuntimeBundle } from '../../contracts/bundle.ts';
import { compileModule, jsPath } from '../../contracts/javascript-workspace.ts';
import type { WcFileSystemTree } from './webcontainer-api.ts';

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function contents(file: BundledFile): string | Uint8Array {
  return typeof file === 'string' ? file : decodeBase64(file.base64);
}

function checkPath(path: string): string[] {
  const parts = path.split('/');
  if (!path || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new Error(`The lab bundle holds an unsafe path: ${JSON.stringify(path)}`);
  return parts;
}

export function treeFromFiles(files: Record<string, BundledFile>): WcFileSystemTree {
  const root: WcFileSystemTree = {};
  for (const [path, file] of Object.entries(files)) {
    const parts = checkPath(path);
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const next = dir[part];
      if (next && 'file' in next) throw new Error(`The lab bundle uses ${part} as both a file and a folder.`);
      if (!next) dir[part] = { directory: {} };
      dir = (dir[part] as { directory: WcFileSystemTree }).directory;
    }
    dir[parts[parts.length - 1]] = { file: { contents: contents(file) } };
  }
  return root;
}

async function fetchJson<T>(doFetch: typeof fetch, url: string, what: string): Promise<T | null> {
  let res: Response;
  try {
    res = await doFetch(url);
  } catch {
    throw new Error(`Could not download ${what} (${url}); check the connection and reload.`);
  }
  if (!res.ok) throw new Error(`Could not download ${what} (${url}): the site answered ${res.status}.`);
  return res.json();
}

function bundleFiles(
  data: Partial<LabRuntimeBundle | LabChecksBundle> | null,
  what: string,
): Record<string, BundledFile> {
  const files = data?.files;
  if (!files || typeof files !== 'object') throw new Error(`${what} is not a lab bundle (no "files").`);
  return files;
}

/** The workspace (kit, app starter files, scenarios, lab.json, fixtures, vendor) as a tree. */
export async function loadWorkspaceTree(
  doFetch: typeof fetch,
  base: string,
  labId: string,
): Promise<Record<string, BundledFile>> {
  const url = `${base}/labs/${encodeURIComponent(labId)}/runtime.json`;
  return bundleFiles(await fetchJson<LabRuntimeBundle>(doFetch, url, `the lab "${labId}"`), url);
}

/** The hidden checks, relative to the workspace's checks/ folder. */
export async function loadChecksTree(doFetch: typeof fetch, base: string, labId: string): Promise<WcFileSystemTree> {
  const url = `${base}/labs/${encodeURIComponent(labId)}/checks.json`;
  return treeFromFiles(bundleFiles(await fetchJson<LabChecksBundle>(doFetch, url, `the checks of "${labId}"`), url));
}

/**
 * The workspace with the reader's files compiled into app/ (only editable paths the bundle already has
 * there). A file that does not compile rejects with a CompileError naming file, line and column; the
 * reader's text itself is never touched.
 */
export async function withReaderFiles(
  files: Record<string, BundledFile>,
  reader: Record<string, string>,
): Promise<WcFileSystemTree> {
  const merged = { ...files };
  const editable = editablePaths(files);
  for (const [path, text] of Object.entries(reader)) {
    checkPath(path);
    const target = `app/${jsPath(path)}`;
    if (!(target in files) || (editable && !editable.has(path)))
      throw new Error(`"${path}" is not an editable file of this lab.`);
    merged[target] = jsPath(path) === path ? text : await compileModule(path, text);
  }
  return treeFromFiles(merged);
}

/** Editable paths from the bundled lab.json (null when the bundle has none to go by). */
function editablePaths(files: Record<string, BundledFile>): Set<string> | null {
  const manifest = files['lab.json'];
  if (manifest === undefined) return null;
  try {
    const text = typeof manifest === 'string' ? manifest : new TextDecoder().decode(decodeBase64(manifest.base64));
    const parsed = JSON.parse(text) as { files?: Array<{ path: string; editable: boolean }> };
    return new Set((parsed.files ?? []).filter((f) => f.editable).map((f) => f.path));
  } catch {
    return null;
  }
}
