// Generated fixtures. A lab whose data files are too big to commit generates them deterministically:
// labs/<id>/generator/generate.ts exports `generate(): Promise<void>`, which writes labs/<id>/fixtures/
// and returns at once when they are already up to date. Workspaces and browser bundles call
// ensureFixtures() before reading fixtures/, so a fresh clone needs no extra setup step.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
