// Every variant of every lab typechecks as the reader's workspace would hold it: the starter, the solution
// overlay and each wrong or right variant are built into real workspaces (kit, app/, scenarios, checks),
// then one `tsc --noEmit` covers them all. Overlays cannot be typechecked in place: they hold only the
// files they change.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { listLabIds, loadLab } from '../../engine/load-lab.ts';
import { listVariants } from '../../engine/variants.ts';
import { createWorkspace, type Workspace } from '../../engine/workspace.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-variants-tsc-'));
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

function vendored(): string[] {
  return listLabIds().flatMap((id) => {
    const file = path.join(repo, 'labs', id, 'vendor.json');
    return fs.existsSync(file)
      ? Object.values(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)
      : [];
  });
}

/** The declaration file an npm package names (NodeNext does not resolve a bare folder through `paths`). */
function typesOf(name: string): string {
  const dir = path.join(repo, 'node_modules', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    types?: string;
    typings?: string;
  };
  return path.join(dir, pkg.types ?? pkg.typings ?? 'index.d.ts');
}

it('starter, solution and every variant of every lab typecheck in their workspaces', async () => {
  const built: Array<{ name: string; ws: Workspace }> = [];
  for (const id of listLabIds()) {
    const lab = loadLab(id);
    built.push({ name: `${id} starter`, ws: await createWorkspace({ labId: id, root: parent, withChecks: true }) });
    built.push({
      name: `${id} solution`,
      ws: await createWorkspace({ labId: id, root: parent, base: 'solution', withChecks: true }),
    });
    for (const v of listVariants(lab))
      built.push({
        name: `${id} ${v.name}`,
        ws: await createWorkspace({ labId: id, root: parent, variant: v.name, withChecks: true }),
      });
  }
  // The kit imports contracts/manifest.ts for its types only, so workspaces leave that zod-based file out;
  // the typechecker needs it (with zod resolved from the repository).
  for (const b of built)
    fs.copyFileSync(path.join(repo, 'contracts', 'manifest.ts'), path.join(b.ws.dir, 'contracts', 'manifest.ts'));
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      erasableSyntaxOnly: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(repo, 'node_modules', '@types')],
      // vendored packages' type declarations (labs/<id>/vendor/*.d.ts) import the npm package itself
      paths: Object.fromEntries([...vendored(), 'zod'].map((name) => [name, [typesOf(name)]])),
    },
    include: built.map((b) => `${path.basename(b.ws.dir)}/**/*.ts`),
  };
  fs.writeFileSync(path.join(parent, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  let out = '';
  try {
    execFileSync(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', parent], {
      encoding: 'utf8',
    });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? err);
  }
  // name the lab variant, not the temporary folder, in every error
  for (const b of built) out = out.split(path.basename(b.ws.dir)).join(`[${b.name}]`);
  expect(out, 'tsc errors').toBe('');
  expect(built.length).toBeGreaterThan(10);
}, 900_000); // one tsc over every workspace: about a minute on an idle 2-core machine, far more under load
