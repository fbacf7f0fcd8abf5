// A stand-in for @webcontainer/api 1.6 that behaves like it where the adapter can tell: one booted
// instance at a time, a file system scoped to a work directory, mount() of FileSystemTrees, and
// spawn() returning {output, input, exit, kill} where output is a terminal stream (stdout and stderr
// merged, "\r\n" line ends, typed input echoed). Processes are real Node child processes in a temp
// directory, so the adapter drives the real lab supervisor end to end.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WcApi, WcContainer, WcFileSystemTree, WcProcess } from '../../src/runtime/webcontainer-api.ts';

export interface FakeOptions {
  /** boot() rejects with this message (as when StackBlitz's iframe cannot load). */
  bootError?: string;
  /** boot() never settles (StackBlitz's iframe blocked by a filter or a cookie setting). */
  bootHangs?: boolean;
  /** The container's Node lacks v8.getHeapSnapshot / writeHeapSnapshot (in every process it runs). */
  withoutHeapSnapshots?: boolean;
  /**
   * The container's Node cannot run TypeScript at all: every process runs with
   * --no-experimental-strip-types, so any .ts module anywhere in it fails as it would there.
   */
  noTypeStripping?: boolean;
}

export interface FakeProcessRecord {
  command: string;
  args: string[];
  cwd: string;
  pid: number | undefined;
  child: ChildProcess;
  killed: boolean;
  exitCode: number | null;
}

export interface FakeState {
  boots: number;
  teardowns: number;
  workdir: string | null;
  processes: FakeProcessRecord[];
  /** every path written through fs.writeFile or mount(), relative to the workdir, in order */
  writes: string[];
}

export function createFakeWebContainer(opts: FakeOptions = {}) {
  const state: FakeState = { boots: 0, teardowns: 0, workdir: null, processes: [], writes: [] };
  let current: FakeContainer | null = null;

  class FakeContainer implements WcContainer {
    readonly workdir: string;
    private readonly preload: string | null;
    private tornDown = false;
    private readonly listeners = new Map<string, Set<(...args: never[]) => void>>();

    constructor() {
      this.workdir = mkdtempSync(join(tmpdir(), 'fake-wc-'));
      state.workdir = this.workdir;
      // The "container's Node" part of the fake lives with the container and goes with its teardown.
      this.preload = opts.withoutHeapSnapshots ? writeNoSnapshotPreload(join(this.workdir, '.fake-node')) : null;
    }

    private path(p: string): string {
      this.alive();
      const target = resolve(this.workdir, p);
      const rel = relative(this.workdir, target);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`EACCES: ${p} is outside the work directory`);
      return target;
    }

    private alive(): void {
      if (this.tornDown) throw new Error('Proxy has been released and is not usable');
    }

    fs = {
      readFile: (async (p: string, encoding?: string | null) => {
        const data = await readFile(this.path(p));
        return encoding ? data.toString(encoding as BufferEncoding) : new Uint8Array(data);
      }) as WcContainer['fs']['readFile'],
      writeFile: async (p: string, data: string | Uint8Array) => {
        const target = this.path(p);
        state.writes.push(relative(this.workdir, target));
        await writeFile(target, data);
      },
      mkdir: async (p: string, options: { recursive: true }) => {
        await mkdir(this.path(p), options);
        return p;
      },
      rm: async (p: string, options?: { force?: boolean; recursive?: boolean }) => {
        await rm(this.path(p), options);
      },
    };

    async mount(tree: WcFileSystemTree, options: { mountPoint?: string } = {}): Promise<void> {
      const root = this.path(options.mountPoint ?? '.');
      const info = await stat(root).catch(() => null);
      if (!info?.isDirectory()) throw new Error(`ENOENT: mount point ${options.mountPoint} does not exist`);
      const write = async (dir: string, node: WcFileSystemTree) => {
        for (const [name, entry] of Object.entries(node)) {
          if (name.includes('/') || name === '..') throw new Error(`invalid file name ${name}`);
          const target = join(dir, name);
          if ('directory' in entry) {
            await mkdir(target, { recursive: true });
            await write(target, entry.directory);
          } else {
            await mkdir(dirname(target), { recursive: true });
            state.writes.push(relative(this.workdir, target));
            await writeFile(target, entry.file.contents);
          }
        }
      };
      await write(root, tree);
    }

    async spawn(
      command: string,
      args: string[],
      options: { cwd?: string; env?: Record<string, string | number | boolean> } = {},
    ): Promise<WcProcess> {
      const cwd = this.path(options.cwd ?? '.');
      if (command !== 'node') throw new Error(`jsh: command not found: ${command}`);
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: this.workdir };
      for (const [k, v] of Object.entries(options.env ?? {})) env[k] = String(v);
      if (this.preload)
        env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(this.preload).href}`.trim();

      // NODE_OPTIONS reaches the processes the lab's own processes start (the service host) too
      if (opts.noTypeStripping) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --no-experimental-strip-types`.trim();
      const child: ChildProcess = spawnChild(process.execPath, args, { cwd, env, detached: true, stdio: 'pipe' });
      const record: FakeProcessRecord = { command, args, cwd, pid: child.pid, child, killed: false, exitCode: null };
      state.processes.push(record);

      let push: (text: string) => void = () => {};
      let closeOutput: () => void = () => {};
      let open = 2;
      const output = new ReadableStream<string>({
        start(controller) {
          push = (text) => controller.enqueue(text.replace(/\r?\n/g, '\r\n'));
          closeOutput = () => {
            if (--open === 0) controller.close();
          };
        },
      });
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          push(chunk);
          if (chunk.includes(EVENT_READY)) this.serverReady(chunk);
        });
        stream?.on('end', () => closeOutput());
      }
      const input = new WritableStream<string>({
        write(chunk) {
          push(chunk); // a terminal echoes what is typed
          child.stdin?.write(chunk);
        },
      });
      child.stdin?.on('error', () => undefined);
      const exit = new Promise<number>((done) =>
        child.once('exit', (code, signal) => {
          record.exitCode = code ?? (signal ? 128 + 9 : 1);
          done(record.exitCode);
        }),
      );
      return {
        output,
        input,
        exit,
        kill() {
          record.killed = true;
          killTree(child.pid);
        },
      };
    }

    /** The kit's "ready" event carries the port: that is when WebContainer would announce a server. */
    private serverReady(chunk: string): void {
      const m = /"type":"ready","port":(\d+)/.exec(chunk);
      if (m) this.emit('server-ready', Number(m[1]), `http://localhost:${m[1]}/`);
    }

    on(event: string, listener: (...args: never[]) => void): () => void {
      this.alive();
      const set = this.listeners.get(event) ?? new Set();
      set.add(listener);
      this.listeners.set(event, set);
      return () => set.delete(listener);
    }

    emit(event: string, ...args: unknown[]): void {
      for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
    }

    teardown(): void {
      if (this.tornDown) return;
      this.tornDown = true;
      state.teardowns++;
      for (const p of state.processes) killTree(p.pid);
      if (current === this) current = null;
      rmSync(this.workdir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  const api: WcApi = {
    WebContainer: {
      async boot() {
        if (current) throw new Error('Only a single WebContainer instance can be booted');
        if (opts.bootError) throw new Error(opts.bootError);
        if (opts.bootHangs) return new Promise<never>(() => {});
        state.boots++;
        current = new FakeContainer();
        return current;
      },
    },
  } as WcApi;

  return {
    api,
    state,
    /** The booted container (for emitting 'error' as StackBlitz's iframe would). */
    container: () => current,
  };
}

const EVENT_READY = '"type":"ready"';

function killTree(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function writeNoSnapshotPreload(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'no-heap-snapshots.mjs');
  // Remove the snapshot API from node:v8 for both require() and import users, as a runtime without it would.
  writeFileSync(
    file,
    [
      "import v8 from 'node:v8';",
      "import { syncBuiltinESMExports } from 'node:module';",
      'delete v8.getHeapSnapshot;',
      'delete v8.writeHeapSnapshot;',
      'syncBuiltinESMExports();',
    ].join('\n'),
  );
  return file;
}
