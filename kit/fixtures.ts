// The lab's fixtures (data files its scenarios and checks upload: s.fixture, t.fixture), as the supervisor
// serves them. Read into memory at boot, before any service runs: the service shares the workspace, so a
// fixture it rewrote later would change what a Check uploads. A workspace without fixtures/ (the page's
// container, where shipping megabytes of generated files would bloat the lab's bundle) gets them from the
// lab's generator instead: generator/generate.ts exporting buildFixtures(), started at boot in the
// background, awaited by the first fixture() call.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspaceModule } from './modules.ts';
import { walkFiles } from './file-walk.ts';

export type Fixtures = (name: string) => Promise<Buffer>;

function readDir(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  walkFiles(dir, (rel) => files.set(rel, fs.readFileSync(path.join(dir, rel))));
  return files;
}

async function generated(ws: string): Promise<Map<string, Buffer>> {
  const mod = (await import(pathToFileURL(workspaceModule(ws, 'generator/generate.ts')).href)) as {
    buildFixtures?: () => Promise<Map<string, Buffer>>;
  };
  if (typeof mod.buildFixtures !== 'function') throw new Error('generator/generate.ts does not export buildFixtures()');
  return mod.buildFixtures();
}

export function openFixtures(ws: string): Fixtures {
  const dir = path.join(ws, 'fixtures');
  let ready: Promise<Map<string, Buffer>>;
  if (fs.existsSync(dir)) ready = Promise.resolve(readDir(dir));
  else if (fs.existsSync(workspaceModule(ws, 'generator/generate.ts'))) ready = generated(ws);
  else ready = Promise.resolve(new Map());
  ready.catch(() => {}); // reported to whoever asks for a fixture
  return async (name) => {
    let files: Map<string, Buffer>;
    try {
      files = await ready;
    } catch (err) {
      throw new Error(`the lab's fixtures could not be generated: ${(err as Error).message}`, { cause: err });
    }
    const data = files.get(name.replaceAll('\\', '/').replace(/^\.\//, ''));
    if (!data) throw new Error(`fixture "${name}" is not one of the lab's fixtures`);
    return data;
  };
}
