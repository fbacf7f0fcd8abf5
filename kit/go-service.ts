// Go labs in the Node supervisor: build the workspace's Go service once (app/ + kit/go, offline, with the
// shared build cache) and watch its RSS the way a container runtime enforces a memory limit.
// Node built-ins only, like the rest of the kit.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { walkFiles } from './file-walk.ts';

export function labLanguage(ws: string): 'node' | 'go' {
  try {
    const lab = JSON.parse(fs.readFileSync(path.join(ws, 'lab.json'), 'utf8')) as { language?: string };
    return lab.language === 'go' ? 'go' : 'node';
  } catch {
    return 'node';
  }
}

/** The environment every go command of a lab runs with: no network, no toolchain switch, no go.work. */
export function goEnv(): Record<string, string> {
  // CGO_ENABLED=0: no C compiler runs on lab code, and the service is one static Go binary
  const env: Record<string, string> = {
    CGO_ENABLED: '0',
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
  };
  if (process.env.LEAKBOOK_GOCACHE) env.GOCACHE = process.env.LEAKBOOK_GOCACHE;
  return env;
}

let cacheEnv: Record<string, string> | undefined;

/**
 * Where this process's go command keeps its build and module caches, as GOCACHE and GOMODCACHE, for a
 * child started with a cleaned environment: go finds both through HOME, which the local runner does not
 * pass on, and without them a lab's build fails ("module cache not found"). {} when go is not on PATH.
 */
export function goCacheEnv(): Record<string, string> {
  if (cacheEnv) return cacheEnv;
  try {
    const out = execFileSync('go', ['env', '-json', 'GOCACHE', 'GOMODCACHE'], {
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    const vars = JSON.parse(out) as Record<string, string>;
    cacheEnv = Object.fromEntries(Object.entries(vars).filter(([, v]) => v && v !== 'off'));
  } catch {
    cacheEnv = {};
  }
  return cacheEnv;
}

function sourceHash(ws: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    for (const d of fs
      .readdirSync(path.join(ws, rel), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const r = path.join(rel, d.name);
      if (d.isDirectory()) walk(r);
      else if (d.name.endsWith('.go') && !d.name.endsWith('_test.go'))
        hash.update(r).update(fs.readFileSync(path.join(ws, r)));
    }
  };
  for (const f of ['go.mod', 'go.sum'])
    if (fs.existsSync(path.join(ws, f))) hash.update(f).update(fs.readFileSync(path.join(ws, f)));
  walk('app');
  walk(path.join('kit', 'go'));
  return hash.digest('hex').slice(0, 16);
}

export class GoBuildError extends Error {
  override name = 'GoBuildError';
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.output = output;
  }
}

const builds = new Map<string, Promise<string>>();

/**
 * Where a Go file imports `pkg` (offset), or -1. Imports come between the package clause and the first
 * declaration; comments there are blanked (keeping offsets), so only real import specs count.
 */
function importOffset(src: string, pkg: string): number {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  const text = src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, blank);
  const firstDecl = text.search(/^(func|var|const|type)\b/m);
  const header = firstDecl >= 0 ? text.slice(0, firstDecl) : text;
  const quoted = `"${pkg}"`;
  const spec = new RegExp(`(?:^|[\\s(;])import\\s+(?:[\\w.]+\\s+)?${quoted}|(?:^|[\\s(;])import\\s*\\(([^)]*)\\)`, 'g');
  const inGroup = new RegExp(`(?:^|[\\s;])(?:[\\w.]+\\s+)?${quoted}`);
  for (let m = spec.exec(header); m; m = spec.exec(header)) {
    if (m[1] === undefined) return m.index + m[0].indexOf(quoted);
    const inner = m[1].search(inGroup);
    if (inner >= 0) return m.index + m[0].indexOf('(') + 1 + inner + m[1].slice(inner).indexOf(quoted);
  }
  return -1;
}

/** Files go build would assemble or link into the service besides Go source. */
const LINKED_FILES = /\.(s|S|sx|syso|c|cc|cpp|cxx|h|hh|hpp|hxx|m|f|F|for|f90|swig|swigcxx)$/;

/**
 * The lab's code shares the service's process with the kit that measures it. Go keeps a package's
 * unexported state out of other packages' reach, except through unsafe (raw memory), //go:linkname
 * (binding another package's symbols), cgo (C code in the process) and assembly or prebuilt objects
 * linked in; no lab needs any of them, so a service that uses one is not built (and goEnv turns cgo off).
 */
export function forbiddenGoConstructs(ws: string): string | null {
  let found: string | null = null;
  walkFiles(path.join(ws, 'app'), (rel) => {
    if (found) return;
    if (LINKED_FILES.test(rel)) {
      found = `app/${rel} is not Go source`;
      return;
    }
    if (!rel.endsWith('.go') || rel.endsWith('_test.go')) return;
    const src = fs.readFileSync(path.join(ws, 'app', rel), 'utf8');
    const line = (at: number) => src.slice(0, at).split('\n').length;
    const linkname = src.search(/^[ \t]*\/\/go:linkname\b/m);
    if (linkname >= 0) {
      found = `app/${rel}:${line(linkname)} uses //go:linkname`;
      return;
    }
    for (const pkg of ['unsafe', 'C']) {
      const at = importOffset(src, pkg);
      if (at >= 0) {
        found = `app/${rel}:${line(at)} imports ${pkg === 'C' ? '"C" (cgo)' : 'unsafe'}`;
        return;
      }
    }
  });
  return found
    ? `${found}: lab code may be Go only, without unsafe, cgo or //go:linkname (with them a service could rewrite the kit's own measurements)`
    : null;
}

/** What this process built: binary path -> SHA-256 of the file go build wrote. */
const built = new Map<string, string>();

function fileDigest(file: string): string | null {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/**
 * One binary per version of the sources would add ~20 MB to the workspace at every edit a reader runs:
 * only the newest is kept (a service still running from an older one keeps its file open until it ends).
 */
function removeOlderBinaries(current: string): void {
  const dir = path.dirname(current);
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (file === current || !name.startsWith('service-')) continue;
    fs.rmSync(file, { force: true });
    built.delete(file);
  }
}

/**
 * Build <ws>/app into <ws>/.bin/service-<hash of the sources>; every service process of the workspace
 * (check tasks, restarts) reuses it until the sources change. Rejects with the compiler's messages.
 * A binary is reused only while it is byte for byte the one this process built: the service runs in
 * the workspace and could otherwise leave a program of its own there for the next start.
 */
export function buildGoService(ws: string): Promise<string> {
  const forbidden = forbiddenGoConstructs(ws);
  if (forbidden) return Promise.reject(new GoBuildError(`the Go service is not built: ${forbidden}`, forbidden));
  const binary = path.join(ws, '.bin', `service-${sourceHash(ws)}`);
  const digest = built.get(binary);
  if (digest && fileDigest(binary) === digest) return Promise.resolve(binary);
  let build = builds.get(binary);
  if (build) return build;
  build = new Promise<string>((resolve, reject) => {
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.rmSync(binary, { force: true });
    execFile(
      'go',
      // -w: no DWARF tables, which nothing here reads (stack traces and profiles name functions from the
      // symbol table, which stays): the link at every start and edit takes a third less
      ['build', '-ldflags=-w', '-o', binary, './app'],
      { cwd: ws, env: { ...process.env, ...goEnv() }, maxBuffer: 4 * 1024 * 1024, timeout: 300_000 },
      (err, _stdout, stderr) => {
        builds.delete(binary);
        const digest = err ? null : fileDigest(binary);
        if (digest) {
          built.set(binary, digest);
          removeOlderBinaries(binary);
          return resolve(binary);
        }
        const missing = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        const text = stderr.replaceAll(ws + path.sep, '').trim();
        const first = text.split('\n').find((l) => l && !l.startsWith('#')) ?? err?.message ?? 'no binary was written';
        reject(
          new GoBuildError(
            missing
              ? 'this lab needs Go 1.26 (the go command is not on PATH)'
              : `the Go service does not compile: ${first}`,
            text,
          ),
        );
      },
    );
  });
  builds.set(binary, build);
  return build;
}

/** Resident set size of a process in bytes (Linux /proc), or null when it cannot be read. */
export function readRss(pid: number): number | null {
  try {
    const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : null;
  } catch {
    return null;
  }
}

/**
 * Poll a process's RSS every few ms; call onOver once when it passes limitMb (the container limit).
 * Returns a function that stops watching.
 */
export function watchRss(pid: number, limitMb: number, onOver: (rssBytes: number) => void, everyMs = 20): () => void {
  const limit = limitMb * 1024 * 1024;
  const timer = setInterval(() => {
    const rss = readRss(pid);
    if (rss !== null && rss > limit) {
      clearInterval(timer);
      onOver(rss);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
