// Builds the lab bundles the site serves as static JSON (src/pages/labs/[id]/*.json.ts); their shapes and
// URLs are in contracts/bundle.ts.
import path from 'node:path';
import fs from 'node:fs';
import type {
  BundledFile,
  LabChecksBundle,
  LabPageBundle,
  LabRuntimeBundle,
  LabSolutionBundle,
} from '../contracts/bundle.ts';
import { labsRoot, loadLab, listLabIds, readLabFiles, readTree } from './load-lab.ts';
import { kitContractFiles, kitFiles, WORKSPACE_PACKAGE_JSON } from './workspace.ts';
import { vendorFiles } from './vendor.ts';
import { ensureFixtures, portableGenerator } from './fixtures.ts';
import { compiledPackageJson, compileFiles } from '../contracts/javascript-workspace.ts';

const TEXT_EXT = /\.(ts|mts|js|mjs|cjs|json|md|txt|csv|html|css)$/i;

function bundled(rel: string, data: Buffer): BundledFile {
  return TEXT_EXT.test(rel) && !data.includes(0) ? data.toString('utf8') : { base64: data.toString('base64') };
}

export function bundleLabIds(root = labsRoot()): string[] {
  return listLabIds(root);
}

export function pageBundle(id: string, root = labsRoot()): LabPageBundle {
  const lab = loadLab(id, root);
  const starter = readLabFiles(lab, 'starter');
  return {
    manifest: lab.manifest,
    files: lab.manifest.files.map((f) => ({ path: f.path, editable: f.editable, text: starter[f.path] })),
  };
}

export function solutionBundle(id: string, root = labsRoot()): LabSolutionBundle {
  const lab = loadLab(id, root);
  return { labId: id, files: readLabFiles(lab, 'solution') };
}

/** The hidden checks, compiled to JavaScript like the rest of the in-page workspace. */
export async function checksBundle(id: string, root = labsRoot()): Promise<LabChecksBundle> {
  const lab = loadLab(id, root);
  const tree = readTree(path.join(lab.dir, 'checks'));
  const files = Object.fromEntries(Object.entries(tree).map(([p, d]) => [p, bundled(p, d)]));
  return { labId: id, files: await compileFiles(files) };
}

/**
 * The workspace the WebContainer path mounts, compiled to JavaScript at build time so the container's Node
 * never strips types (contracts/javascript-workspace.ts); the page compiles the reader's files the same way.
 */
export async function runtimeBundle(id: string, root = labsRoot()): Promise<LabRuntimeBundle> {
  const lab = loadLab(id, root);
  const files: Record<string, BundledFile> = { 'package.json': compiledPackageJson(WORKSPACE_PACKAGE_JSON) };
  for (const [p, d] of Object.entries(kitFiles())) files[`kit/${p}`] = bundled(p, d);
  for (const [p, d] of Object.entries(kitContractFiles())) files[`contracts/${p}`] = bundled(p, d);
  const starter = readLabFiles(lab, 'starter');
  for (const f of lab.manifest.files) files[`app/${f.path}`] = starter[f.path];
  files['scenarios.ts'] = fs.readFileSync(path.join(lab.dir, 'scenarios.ts'), 'utf8');
  files['lab.json'] = JSON.stringify(lab.manifest, null, 2) + '\n';
  // a lab whose fixtures the container can generate ships its generator, not megabytes of its output
  const generator = await portableGenerator(lab);
  if (generator) for (const [p, d] of Object.entries(generator)) files[`generator/${p}`] = bundled(p, d);
  else {
    await ensureFixtures(lab);
    for (const [p, d] of Object.entries(readTree(path.join(lab.dir, 'fixtures'))))
      files[`fixtures/${p}`] = bundled(p, d);
  }
  for (const [p, d] of Object.entries(await vendorFiles(lab))) files[`vendor/${p}`] = bundled(p, d);
  return { labId: id, files: await compileFiles(files) };
}
