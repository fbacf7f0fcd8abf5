// Fetches a lab's page bundle (starter texts) and its solution. Both are static files produced at
// build, so they work the same under the local runner and on a static host.
import type { LabManifest } from '../labs/manifest.ts';
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

/** Texts by path from the shapes a bundle may use: {files:{path:text}}, {starter:{…}}, or [{path, text|content}]. */
export function textsFrom(value: unknown, keys: readonly string[]): Record<string, string> | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  for (const key of keys) {
    const slot = v[key];
    if (Array.isArray(slot)) {
      const out: Record<string, string> = {};
      for (const item of slot) {
        const it = item as Record<string, unknown>;
        const text = it?.text ?? it?.content ?? it?.starter;
        if (typeof it?.path === 'string' && typeof text === 'string') out[it.path] = text;
      }
      if (Object.keys(out).length) return out;
    } else if (slot && typeof slot === 'object') {
      const out: Record<string, string> = {};
      for (const [p, t] of Object.entries(slot as Record<string, unknown>)) if (typeof t === 'string') out[p] = t;
      if (Object.keys(out).length) return out;
    }
  }
  return null;
}

export async function loadStarterFiles(manifest: LabManifest): Promise<LabFile[]> {
  const url = `/labs/${manifest.id}/lab.json`;
  const json = await getJson(url, 'the lab');
  const texts = textsFrom(json, ['starter', 'files']);
  if (!texts) throw new Error(`the lab bundle ${url} has no starter files`);
  return manifest.files.map((f) => {
    const starter = texts[f.path];
    if (starter === undefined) throw new Error(`the lab bundle ${url} lacks the file "${f.path}"`);
    return { path: f.path, editable: f.editable, starter };
  });
}

export async function loadSolution(manifest: LabManifest): Promise<Record<string, string>> {
  const url = `/labs/${manifest.id}/solution.json`;
  const json = await getJson(url, 'the solution');
  const texts = textsFrom(json, ['files', 'solution']) ?? textsFrom({ files: json }, ['files']);
  if (!texts) throw new Error(`the solution ${url} has no files`);
  return texts;
}
