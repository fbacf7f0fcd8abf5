// Reading labs from disk (Node side: CLI, local runner, build-time bundles, tests). Manifests are validated
// with the one schema in contracts/manifest.ts; every error names the file and the field path.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestSchema, type LabManifest } from '../contracts/manifest.ts';

export class LabError extends Error {
  override name = 'LabError';
}

/** A top-level folder of the repository, wherever this module was bundled to (Astro moves it at build). */
function repoFolder(name: string, envOverride: string | undefined, holds: (dir: string) => boolean): string {
  const candidates = [
    envOverride,
    fileURLToPath(new URL(`../${name}/`, import.meta.url)),
    path.resolve(process.cwd(), name),
  ].filter((p): p is string => !!p);
  for (const dir of candidates) if (holds(dir)) return path.resolve(dir);
  throw new LabError(`cannot find the ${name} folder (looked in ${candidates.join(', ')})`);
}

/** The labs/ folder: lab data only (LEAKBOOK_LABS_DIR points tests at a folder of fixture labs). */
export function labsRoot(): string {
  return repoFolder('labs', process.env.LEAKBOOK_LABS_DIR, (dir) => fs.existsSync(dir) && listLabIds(dir).length > 0);
}

/** The kit/ folder: what runs inside a lab workspace. */
export function kitRoot(): string {
  return repoFolder('kit', undefined, (dir) => fs.existsSync(path.join(dir, 'supervisor.ts')));
}

/** The contracts/ folder: every format that crosses a boundary (the kit imports some of them). */
export function contractsRoot(): string {
  return repoFolder('contracts', undefined, (dir) => fs.existsSync(path.join(dir, 'lab-protocol.ts')));
}

/** Lab ids: every folder under labs/ with a lab.json. */
export function listLabIds(root = labsRoot()): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'lab.json')))
    .map((d) => d.name)
    .sort();
}

function formatIssuePath(p: ReadonlyArray<PropertyKey>): string {
  return (
    p.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
      '',
    ) || '(root)'
  );
}

/** Validate manifest JSON text; errors read "labs/x/lab.json: tasks[1].hints: ...". */
export function parseManifest(text: string, file: string): LabManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LabError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const result = manifestSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${file}: ${formatIssuePath(i.path)}: ${i.message}`);
    throw new LabError(lines.join('\n'));
  }
  return result.data;
}

export interface LoadedLab {
  id: string;
  dir: string;
  manifest: LabManifest;
}

/**
 * Load and validate labs/<id>/lab.json: starter/ holds every listed file; solution/ is an overlay that holds
 * only the editable files the reference fix changes.
 */
export function loadLab(id: string, root = labsRoot()): LoadedLab {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id))
    throw new LabError(`"${id}" is not a lab id (lowercase letters, digits and dashes)`);
  const dir = path.join(root, id);
  const file = path.join('labs', id, 'lab.json');
  if (!fs.existsSync(path.join(dir, 'lab.json'))) {
    const known = fs.existsSync(root) ? listLabIds(root) : [];
    throw new LabError(`unknown lab "${id}"${known.length ? ` (labs: ${known.join(', ')})` : ''}`);
  }
  const manifest = parseManifest(fs.readFileSync(path.join(dir, 'lab.json'), 'utf8'), file);
  if (manifest.id !== id) throw new LabError(`${file}: id: "${manifest.id}" does not match the folder name "${id}"`);
  const missing: string[] = [];
  manifest.files.forEach((f, i) => {
    if (!fs.existsSync(path.join(dir, 'starter', f.path)))
      missing.push(`${file}: files[${i}].path: starter/${f.path} does not exist`);
  });
  missing.push(...overlayProblems(manifest, path.join(dir, 'solution'), `labs/${id}/solution`));
  if (!fs.existsSync(path.join(dir, 'scenarios.ts'))) missing.push(`labs/${id}/scenarios.ts does not exist`);
  if (missing.length) throw new LabError(missing.join('\n'));
  return { id, dir, manifest };
}

/**
 * An overlay (solution/ or a variant) may hold only editable files of the manifest: a reader cannot change
 * the read-only ones, so neither may the reference fix. `ignore` names files that are not lab files.
 */
export function overlayProblems(manifest: LabManifest, dir: string, shown: string, ignore: string[] = []): string[] {
  const editable = new Set(manifest.files.filter((f) => f.editable).map((f) => f.path));
  const listed = new Set(manifest.files.map((f) => f.path));
  return Object.keys(readTree(dir))
    .filter((p) => !ignore.includes(p) && !editable.has(p))
    .map((p) =>
      listed.has(p)
        ? `${shown}/${p}: read-only files cannot be changed; only the editable files may be in an overlay`
        : `${shown}/${p}: not a file of the lab (lab.json lists ${[...listed].join(', ')})`,
    );
}

export type LabVariant = 'starter' | 'solution';

/** The lab's files as path -> text, in manifest order: the starter, with the solution overlay on top. */
export function readLabFiles(lab: LoadedLab, variant: LabVariant): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of lab.manifest.files) {
    const over = path.join(lab.dir, 'solution', f.path);
    const from = variant === 'solution' && fs.existsSync(over) ? over : path.join(lab.dir, 'starter', f.path);
    files[f.path] = fs.readFileSync(from, 'utf8');
  }
  return files;
}

/** Every file under a folder, relative paths (posix) -> bytes. Missing folder -> empty. */
export function readTree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  if (!fs.existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else if (d.isFile()) out[r] = fs.readFileSync(path.join(dir, r));
    }
  };
  walk('');
  return out;
}
