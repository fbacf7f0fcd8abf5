// Generated fixtures. A lab whose data files are too big to commit generates them deterministically:
// labs/<id>/generator/generate.ts exports `generate(): Promise<void>`, which writes labs/<id>/fixtures/
// and returns at once when they are already up to date. Workspaces and browser bundles call
// ensureFixtures() before reading fixtures/, so a fresh clone needs no extra setup step.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { init, parse } from 'es-module-lexer';
import { transform } from 'sucrase';
import { LabError, type LoadedLab } from './load-lab.ts';

const done = new Map<string, Promise<void>>();

export function ensureFixtures(lab: LoadedLab): Promise<void> {
  const generator = path.join(lab.dir, 'generator', 'generate.ts');
  if (!fs.existsSync(generator)) return Promise.resolve();
  // once per process and lab: the generator itself checks whether its output is current
  let pending = done.get(generator);
  if (!pending) {
    pending = (async () => {
      const mod = (await import(pathToFileURL(generator).href)) as { generate?: () => Promise<void> };
      if (typeof mod.generate !== 'function')
        throw new LabError(`labs/${lab.id}/generator/generate.ts must export generate()`);
      await mod.generate();
    })();
    done.set(generator, pending);
    pending.catch(() => done.delete(generator));
  }
  return pending;
}

/**
 * The generator's modules when it can run inside a workspace: generator/generate.ts exports
 * buildFixtures() and imports only node: built-ins, '#kit' and files of its own folder (followed transitively).
 * Such a generator goes into every workspace (the checks may share its workbook writer) and lets the
 * page's container build the fixtures instead of downloading them (kit/fixtures.ts). null otherwise.
 */
export async function portableGenerator(lab: LoadedLab): Promise<Record<string, Buffer> | null> {
  const dir = path.join(lab.dir, 'generator');
  const entry = path.join(dir, 'generate.ts');
  if (!fs.existsSync(entry) || !/export\s+async\s+function\s+buildFixtures\b/.test(fs.readFileSync(entry, 'utf8')))
    return null;
  await init;
  const files: Record<string, Buffer> = {};
  const pending = ['generate.ts'];
  while (pending.length) {
    const rel = pending.pop()!;
    if (rel in files) continue;
    const data = fs.readFileSync(path.join(dir, rel));
    files[rel] = data;
    // the imports Node would follow: types erased first (a type-only import is not one)
    const js = transform(data.toString('utf8'), {
      transforms: ['typescript'],
      disableESTransforms: true,
      keepUnusedImports: true,
    }).code;
    for (const { specifier: spec } of parse(js)[0]) {
      if (typeof spec !== 'string' || spec.startsWith('node:') || spec === '#kit') continue;
      if (!spec.startsWith('./') || spec.slice(2).includes('/') || !fs.existsSync(path.join(dir, spec))) return null;
      pending.push(spec.slice(2));
    }
  }
  return files;
}
