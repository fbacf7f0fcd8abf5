// Real pprof profiles for the tests: tests/pprof/testdata/profgen (a small Go program with known
// allocations and parked goroutines) built and run in a temporary folder, and `go tool pprof` as the
// reference the page's numbers are compared with.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const version = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
/** e.g. "go1.26.8", or null when there is no go on PATH */
export const goVersion = version.status === 0 ? version.stdout.trim() : null;

const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod', GOWORK: 'off' };

export interface GoProfiles {
  dir: string;
  read(name: string): Uint8Array;
  /** `go tool pprof <args> <files>` run in dir, stdout */
  pprof(args: string[]): string;
  dispose(): void;
}

export function makeGoProfiles(): GoProfiles {
  const dir = mkdtempSync(join(tmpdir(), 'leakbook-profgen-'));
  const src = join(dir, 'src');
  mkdirSync(src);
  copyFileSync(join(here, 'testdata', 'profgen', 'main.go'), join(src, 'main.go'));
  writeFileSync(join(src, 'go.mod'), 'module profgen\n\ngo 1.25\n');
  execFileSync('go', ['run', '.', dir], { cwd: src, env: goEnv, stdio: 'pipe', timeout: 240_000 });
  return {
    dir,
    read: (name) => new Uint8Array(readFileSync(join(dir, name))),
    pprof: (args) =>
      execFileSync('go', ['tool', 'pprof', ...args], { cwd: dir, env: goEnv, encoding: 'utf8', stdio: 'pipe' }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PprofTopLine {
  flat: number;
  cum: number;
  name: string;
}

/** Rows and total of `go tool pprof -top -unit=B` (or counts), keyed by function name. */
export function parsePprofTop(text: string): { total: number; rows: Map<string, PprofTopLine> } {
  const total = Number(/of (-?[\d.]+)B? total/.exec(text)?.[1] ?? NaN);
  const rows = new Map<string, PprofTopLine>();
  for (const line of text.split('\n')) {
    const m = /^\s*(-?\d+)B?\s+\S+\s+\S+\s+(-?\d+)B?\s+\S+\s+(.+?)(?: \(inline\))?\s*$/.exec(line);
    if (m) rows.set(m[3]!, { flat: Number(m[1]), cum: Number(m[2]), name: m[3]! });
  }
  return { total, rows };
}
