// Build-time lab bundles, served as static JSON next to the chapter pages (src/pages/labs/[id]/*.json.ts):
//   /labs/<id>/lab.json       LabPageBundle     manifest + starter files with editable flags (no solution, no checks)
//   /labs/<id>/solution.json  LabSolutionBundle solution files, fetched only on "Show solution"
//   /labs/<id>/checks.json    LabChecksBundle   hidden checks, fetched only on Check (WebContainer adapter)
//   /labs/<id>/runtime.json   LabRuntimeBundle  the workspace the WebContainer adapter mounts
import path from 'node:path';
import fs from 'node:fs';
import type { LabManifest } from './manifest.ts';
import { labsRoot, loadLab, listLabIds, readLabFiles, readTree } from './load-lab.ts';
import { kitFiles, WORKSPACE_PACKAGE_JSON } from './workspace.ts';
import { vendorFiles } from './vendor.ts';
import { ensureFixtures } from './fixtures.ts';

/** A file in a bundle: text as is, anything binary as base64. */
export type BundledFile = string | { base64: string };

export interface LabPageBundle {
  manifest: LabManifest;
  /** manifest order; text is the starter */
  files: Array<{ path: string; editable: boolean; text: string }>;
}

export interface LabSolutionBundle {
  labId: string;
  /** path (relative to app/) -> solution text, every manifest file */
  files: Record<string, string>;
}

export interface LabChecksBundle {
  labId: string;
  /** path relative to the workspace's checks/ folder (e.g. "index.ts") */
  files: Record<string, BundledFile>;
}

export interface LabRuntimeBundle {
  labId: string;
  /**
   * Workspace-relative path -> file: package.json, kit/*, app/* (starter), scenarios.ts, lab.json,
   * fixtures/*, vendor/*. The reader's editable files are laid over app/ before mounting.
   */
  files: Record<string, BundledFile>;
}

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
  return { manifest: lab.manifest, files: lab.manifest.files.map((f) => ({ path: f.path, editable: f.editable, text: starter[f.path] })) };
}

export function solutionBundle(id: string, root = labsRoot()): LabSolutionBundle {
  const lab = loadLab(id, root);
  return { labId: id, files: readLabFiles(lab, 'solution') };
}

export function checksBundle(id: string, root = labsRoot()): LabChecksBundle {
  const lab = loadLab(id, root);
  const tree = readTree(path.join(lab.dir, 'checks'));
  return { labId: id, files: Object.fromEntries(Object.entries(tree).map(([p, d]) => [p, bundled(p, d)])) };
}

export async function runtimeBundle(id: string, root = labsRoot()): Promise<LabRuntimeBundle> {
  const lab = loadLab(id, root);
  const files: Record<string, BundledFile> = { 'package.json': WORKSPACE_PACKAGE_JSON };
  for (const [p, d] of Object.entries(kitFiles())) files[`kit/${p}`] = bundled(p, d);
  const starter = readLabFiles(lab, 'starter');
  for (const f of lab.manifest.files) files[`app/${f.path}`] = starter[f.path];
  files['scenarios.ts'] = fs.readFileSync(path.join(lab.dir, 'scenarios.ts'), 'utf8');
  files['lab.json'] = JSON.stringify(lab.manifest, null, 2) + '\n';
  await ensureFixtures(lab);
  for (const [p, d] of Object.entries(readTree(path.join(lab.dir, 'fixtures')))) files[`fixtures/${p}`] = bundled(p, d);
  for (const [p, d] of Object.entries(await vendorFiles(lab))) files[`vendor/${p}`] = bundled(p, d);
  return { labId: id, files };
}
