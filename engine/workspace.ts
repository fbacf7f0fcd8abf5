// Builds the workspace a lab's supervisor runs in (the same layout in the local runner, the CLI and
// WebContainer):
//   <ws>/package.json   {"type":"module","imports":{"#kit":"./kit/index.ts"}}
//   <ws>/kit/           copy of kit/
//   <ws>/contracts/     the contract files the kit imports (dependency-free, so the kit can use them)
//   <ws>/app/           the lab's files: the reader's editable files + read-only files from starter/
//   <ws>/scenarios.ts   <ws>/lab.json   <ws>/fixtures/   <ws>/vendor/   <ws>/snapshots/
//   <ws>/generator/     the lab's fixture generator, when it can run there (engine/fixtures.ts)
//   <ws>/checks/        only when checking
//   Go labs also: <ws>/go.mod, go.sum (the repository's), kit/go/ (the kit's Go package), profiles/
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  contractsRoot,
  kitRoot,
  LabError,
  labsRoot,
  loadLab,
  readLabFiles,
  readTree,
  type LabVariant,
  type LoadedLab,
} from './load-lab.ts';
import { readVariant, variantFiles } from './variants.ts';
import { vendorFiles } from './vendor.ts';
import { ensureFixtures, portableGenerator } from './fixtures.ts';
import { identityAlive, processIdentity } from '../kit/lab-processes.ts';

export const WORKSPACE_PACKAGE_JSON =
  JSON.stringify({ type: 'module', private: true, imports: { '#kit': './kit/index.ts' } }, null, 2) + '\n';

/** A safe relative posix path or a LabError: no absolute paths, no "..", no backslashes or NULs. */
export function safeRelativePath(p: string): string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 200)
    throw new LabError(`invalid file path ${JSON.stringify(p)}`);
  if (p.includes('\0') || p.includes('\\')) throw new LabError(`invalid file path ${JSON.stringify(p)}`);
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) throw new LabError(`file path ${JSON.stringify(p)} must be relative`);
  const parts = p.split('/');
  if (parts.some((s) => s === '..' || s === '' || s === '.'))
    throw new LabError(`file path ${JSON.stringify(p)} must stay inside the lab (no "..", "." or empty parts)`);
  return parts.join('/');
}

export interface WorkspaceOptions {
  labId: string;
  /**
   * The reader's files (path relative to app/ -> text). Only files the manifest marks editable are
   * accepted; anything else is rejected. Editable files not given come from `base`.
   */
  files?: Record<string, string>;
  /** where the files not supplied come from: starter (default) or solution (authors, CLI --solution) */
  base?: LabVariant;
  /** a variant under labs/<id>/variants/ (tests, CLI --variant): its base with its overlay; `files` still win */
  variant?: string;
  /** copy the hidden checks in (Check); otherwise the workspace has none */
  withChecks?: boolean;
  /** parent folder for the temporary workspace (default: the OS temp dir) */
  root?: string;
  /** labs/ folder (tests) */
  labsDir?: string;
}

export interface Workspace {
  dir: string;
  lab: LoadedLab;
  /** Remove the workspace folder (safe to call twice). */
  dispose(): void;
}

/** Validate reader-supplied files against the manifest without touching the disk. */
export function validateReaderFiles(lab: LoadedLab, files: Record<string, string>): Record<string, string> {
  const editable = new Set(lab.manifest.files.filter((f) => f.editable).map((f) => f.path));
  const out: Record<string, string> = {};
  for (const [raw, text] of Object.entries(files)) {
    const rel = safeRelativePath(raw);
    if (!editable.has(rel))
      throw new LabError(`"${rel}" is not an editable file of lab ${lab.id} (editable: ${[...editable].join(', ')})`);
    if (typeof text !== 'string') throw new LabError(`"${rel}": file content must be text`);
    out[rel] = text;
  }
  return out;
}

function writeFile(dir: string, rel: string, data: string | Buffer): void {
  const target = path.resolve(dir, safeRelativePath(rel));
  if (!target.startsWith(path.resolve(dir) + path.sep)) throw new LabError(`file path "${rel}" leaves the workspace`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, data);
}

function writeTree(dir: string, sub: string, tree: Record<string, Buffer | string>): void {
  for (const [rel, data] of Object.entries(tree)) writeFile(dir, `${sub}/${rel}`, data);
}

/** The kit's own files (no tests or docs), as the workspace gets them. */
export function kitFiles(): Record<string, Buffer> {
  const tree = readTree(kitRoot());
  return Object.fromEntries(
    Object.entries(tree).filter(([p]) => p.endsWith('.ts') && !p.includes('/') && !p.endsWith('.test.ts')),
  );
}

// `import …from '…'` and `export …from '…'`; group 1 is "type " for a type-only import, group 2 the specifier
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s+'([^']+)'/gm;

/**
 * The contract files the kit imports, directly or through each other, as the workspace's contracts/ gets
 * them. Node erases type-only imports, so a type-only import of a file that needs a package (the zod
 * manifest schema) is left out; a runtime import of one is an error, since the kit has Node built-ins only.
 */
export function kitContractFiles(): Record<string, Buffer> {
  const dir = contractsRoot();
  const out: Record<string, Buffer> = {};
  const visit = (name: string, typeOnly: boolean, from: string) => {
    if (out[name]) return;
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new LabError(`${from} imports contracts/${name}, which does not exist`);
    const data = fs.readFileSync(file);
    const imports = [...data.toString('utf8').matchAll(IMPORT)].map((m) => ({ typeOnly: !!m[1], spec: m[2] }));
    const packages = imports.filter((i) => !i.spec.startsWith('./') && !i.spec.startsWith('node:'));
    if (packages.length > 0) {
      if (typeOnly) return;
      const needs = packages[0].spec;
      throw new LabError(
        `${from} imports contracts/${name}, which needs ${needs}; the kit may use Node built-ins only`,
      );
    }
    out[name] = data;
    for (const i of imports) {
      if (i.spec.startsWith('./')) visit(i.spec.slice(2), typeOnly || i.typeOnly, `contracts/${name}`);
    }
  };
  for (const [name, data] of Object.entries(kitFiles())) {
    for (const m of data.toString('utf8').matchAll(IMPORT)) {
      if (m[2].startsWith('../contracts/')) visit(m[2].slice('../contracts/'.length), !!m[1], `kit/${name}`);
    }
  }
  return out;
}

/** A Go lab's workspace is also a Go module: the repository's go.mod/go.sum and the kit's Go package. */
function writeGoModule(dir: string): void {
  const root = path.dirname(kitRoot());
  for (const f of ['go.mod', 'go.sum']) {
    const file = path.join(root, f);
    if (!fs.existsSync(file)) throw new LabError(`a Go lab needs the repository's ${f} (not found at ${file})`);
    writeFile(dir, f, fs.readFileSync(file));
  }
  const goKit = readTree(path.join(kitRoot(), 'go'));
  writeTree(
    dir,
    'kit/go',
    Object.fromEntries(Object.entries(goKit).filter(([p]) => p.endsWith('.go') && !p.includes('/'))),
  );
}

const OWNED_PREFIX = 'leakbook-ws-';

/** Remove workspaces in `parent` whose owning process (named in the folder's name) has ended. */
export function sweepOrphanWorkspaces(parent = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    const owner = name.startsWith(OWNED_PREFIX) ? /^(\d+\.\d+)-/.exec(name.slice(OWNED_PREFIX.length))?.[1] : null;
    if (!owner || identityAlive(owner)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export async function createWorkspace(opts: WorkspaceOptions): Promise<Workspace> {
  const labsDir = opts.labsDir ?? labsRoot();
  const lab = loadLab(opts.labId, labsDir);
  const variant = opts.variant ? variantFiles(lab, readVariant(lab, opts.variant)) : null;
  const reader = { ...variant?.files, ...(opts.files ? validateReaderFiles(lab, opts.files) : {}) };
  // read-only files are the starter's in every variant (overlays hold editable files only)
  const base = readLabFiles(lab, variant?.base ?? opts.base ?? 'starter');
  const parent = opts.root ?? os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  // In the shared temp folder (CLI, tests) the name says whose workspace it is, so one left behind by a
  // process killed with SIGKILL is removed by the next one; the runner keeps its own runs folder.
  const owner = opts.root ? null : processIdentity();
  if (owner) sweepOrphanWorkspaces(parent);
  const dir = fs.mkdtempSync(path.join(parent, owner ? `${OWNED_PREFIX}${owner}-${lab.id}-` : `leakbook-${lab.id}-`));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    writeFile(dir, 'package.json', WORKSPACE_PACKAGE_JSON);
    writeTree(dir, 'kit', kitFiles());
    writeTree(dir, 'contracts', kitContractFiles());
    if (lab.manifest.language === 'go') writeGoModule(dir);
    for (const f of lab.manifest.files)
      writeFile(dir, `app/${f.path}`, f.editable && f.path in reader ? reader[f.path]! : base[f.path]!);
    writeFile(dir, 'scenarios.ts', fs.readFileSync(path.join(lab.dir, 'scenarios.ts')));
    writeFile(dir, 'lab.json', JSON.stringify(lab.manifest, null, 2) + '\n');
    await ensureFixtures(lab);
    writeTree(dir, 'fixtures', readTree(path.join(lab.dir, 'fixtures')));
    const generator = await portableGenerator(lab);
    if (generator) writeTree(dir, 'generator', generator);
    writeTree(dir, 'vendor', await vendorFiles(lab));
    if (opts.withChecks) writeTree(dir, 'checks', readTree(path.join(lab.dir, 'checks')));
    fs.mkdirSync(path.join(dir, 'snapshots'), { recursive: true });
  } catch (err) {
    dispose();
    throw err;
  }
  return { dir, lab, dispose };
}
