// Fetches a lab's page bundle (starter texts) and its solution: static files built from labs/<id>/ by
// src/pages/labs/[id]/*.json.ts (shapes in contracts/bundle.ts), so they work the same under the local
// runner and on a static host.
import type { LabPageBundle, LabSolutionBundle } from '../../contracts/bundle.ts';
import type { LabManifest } from '../../contracts/manifest.ts';
import type { LabFile } from './files.ts';

async function getJson(url: string, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch {
    throw new Error(`could not download ${what} (${url}); check your connection`);
  }
  if (!res.ok) throw new Error(`could not download ${what} (${url} answered ${res.status})`);
  try {
    return await res.json();
  } catch {
    throw new Error(`${what} (${url}) is not valid JSON`);
  }
}

/** The starter files in manifest order, with their editable flags taken from the manifest the page was built with. */
export function starterFiles(manifest: LabManifest, bundle: unknown, url: string): LabFile[] {
  const files = (bundle as Partial<LabPageBundle> | null)?.files;
  if (!Array.isArray(files)) throw new Error(`the lab bundle ${url} has no files`);
  return manifest.files.map((f) => {
    const text = files.find((b) => b?.path === f.path)?.text;
    if (typeof text !== 'string') throw new Error(`the lab bundle ${url} lacks the file "${f.path}"`);
    return { path: f.path, editable: f.editable, starter: text };
  });
}

export function solutionFiles(bundle: unknown, url: string): Record<string, string> {
  const files = (bundle as Partial<LabSolutionBundle> | null)?.files;
  if (!files || typeof files !== 'object') throw new Error(`the solution ${url} has no files`);
  return Object.fromEntries(Object.entries(files).filter(([, t]) => typeof t === 'string'));
}

export async function loadStarterFiles(manifest: LabManifest): Promise<LabFile[]> {
  const url = `/labs/${manifest.id}/lab.json`;
  return starterFiles(manifest, await getJson(url, 'the lab'), url);
}

export async function loadSolution(manifest: LabManifest): Promise<Record<string, string>> {
  const url = `/labs/${manifest.id}/solution.json`;
  return solutionFiles(await getJson(url, 'the solution'), url);
}
