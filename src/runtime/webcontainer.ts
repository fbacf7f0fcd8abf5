// LabRuntime inside the browser, on StackBlitz's WebContainer (@webcontainer/api 1.6). One container
// per page (the API allows only one at a time), shared by every lab on the page and torn down when the
// last one is disposed; each lab gets its own workspace folder (lab-1, lab-2, …), mounted fresh on every
// start, where the kit's supervisor runs exactly as the local runner runs it on a real machine.
import { decodeEvent, type Capabilities, type LabCommand } from '../../contracts/lab-protocol.ts';
import { LineSplitter } from '../../contracts/lines.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { LabFiles, LabRuntime } from './types.ts';
import type { WcApi, WcContainer, WcProcess } from './webcontainer-api.ts';
import { CompileError } from '../../contracts/javascript-workspace.ts';
import { loadChecksTree, loadWorkspaceTree, withReaderFiles } from './webcontainer-files.ts';
import { probeHasHeapSnapshots, probeNode, type NodeProbe } from './webcontainer-probe.ts';
import { webContainerSupport } from './webcontainer-support.ts';
import { WcVerdicts } from './webcontainer-verdicts.ts';
import { FORGED_VERDICT_MESSAGE } from '../../contracts/verdict.ts';

/** Workspace folders are named lab-<n>, one per runtime instance on the page. */
export const WORKSPACE_PREFIX = 'lab-';
let instances = 0;

export interface WebContainerRuntimeOptions {
  /** The API module; defaults to a lazy import of @webcontainer/api. Tests pass a fake. */
  api?: WcApi;
  /** Fetch for /labs/<id>/runtime.json and checks.json. */
  fetch?: typeof fetch;
  /** Base URL of the built site (default: the page's origin). */
  baseUrl?: string;
  /** Check the browser and cross-origin isolation before booting (default: when api is not injected). */
  checkSupport?: boolean;
  bootTimeoutMs?: number;
}

const NO_SNAPSHOTS =
  'Heap snapshots are not available in the in-browser runtime: its Node has no working v8.getHeapSnapshot(). ' +
  'The memory chart, scenarios and checks still work here. To take and compare snapshots, run the workbook locally with `npm start` ' +
  'and switch to the local runner.';

const BLOCKED_HINT =
  'The in-browser runtime loads from StackBlitz (stackblitz.com, *.staticblitz.com, *.webcontainer.io). Blocked third-party cookies, ' +
  'Brave Shields, strict tracking protection or a network filter commonly stop it: allow those sites, or run the workbook locally with `npm start`.';

// ---- one container per page ----

interface Shared {
  api: WcApi;
  container: Promise<WcContainer>;
  probe: Promise<NodeProbe> | null;
  errors: Set<(message: string) => void>;
  /** runtimes using the container; the last one to leave tears it down */
  users: number;
  /** the container once boot has finished */
  booted: WcContainer | null;
}

let shared: Shared | null = null;

async function defaultApi(): Promise<WcApi> {
  return (await import('@webcontainer/api')) as unknown as WcApi;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

function bootShared(api: WcApi, timeoutMs: number): Shared {
  if (shared && shared.api === api) return shared;
  const errors = new Set<(message: string) => void>();
  const booting = api.WebContainer.boot({ coep: 'require-corp', workdirName: 'leakbook' });
  const container = withTimeout(
    booting,
    timeoutMs,
    `no answer from StackBlitz's servers within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.`,
  ).then(
    (wc) => {
      wc.on('error', (e) => errors.forEach((l) => l(e.message)));
      return wc;
    },
    (err: unknown) => {
      shared = null; // allow a later attempt
      // Only one container may exist: if the boot we gave up on finishes after all, release it.
      booting.then((late) => late.teardown()).catch(() => undefined);
      throw new Error(
        `Could not start the in-browser runtime: ${(err as Error)?.message ?? String(err)} ${BLOCKED_HINT}`,
      );
    },
  );
  const entry: Shared = { api, container, probe: null, errors, users: 0, booted: null };
  void container.then((wc) => (entry.booted = wc)).catch(() => undefined);
  shared = entry;
  return entry;
}

function releaseShared(s: Shared): void {
  if (--s.users > 0) return;
  if (shared === s) shared = null;
  // Booted: tear down now. Still booting: tear down whenever the boot finishes, without waiting.
  if (s.booted) s.booted.teardown();
  else void s.container.then((wc) => wc.teardown()).catch(() => undefined);
}

// ---- the runtime ----

export function createWebContainerRuntime(opts: WebContainerRuntimeOptions = {}): LabRuntime {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.baseUrl ?? '';
  const listeners = new Set<(event: RuntimeEvent) => void>();
  const workspaceDir = `${WORKSPACE_PREFIX}${++instances}`;
  let session: Shared | null = null;
  let proc: WcProcess | null = null;
  let writer: WritableStreamDefaultWriter<string> | null = null;
  let labId: string | null = null;
  let caps: Capabilities | null = null;
  let probe: NodeProbe | null = null;
  let checking = false;
  let verdicts: WcVerdicts | null = null;
  let disposed = false;
  let generation = 0;
  const echoes: string[] = [];

  const emit = (event: RuntimeEvent) => {
    for (const l of listeners) l(event);
  };
  const onContainerError = (message: string) =>
    emit({ type: 'error', message: `The in-browser runtime reported an error: ${message}. ${BLOCKED_HINT}` });

  async function container(): Promise<WcContainer> {
    if (!session) {
      const checkSupport = opts.checkSupport ?? !opts.api;
      if (checkSupport) {
        const support = webContainerSupport();
        if (!support.ok) throw new Error(support.reason);
      }
      session = bootShared(opts.api ?? (await defaultApi()), opts.bootTimeoutMs ?? 45_000);
      session.users++;
      session.errors.add(onContainerError);
    }
    let wc: WcContainer;
    try {
      wc = await session.container;
    } catch (err) {
      // A failed boot is not kept: the next start tries again.
      session.errors.delete(onContainerError);
      session.users--;
      session = null;
      throw err;
    }
    session.probe ??= probeNode(wc);
    try {
      probe = await session.probe;
    } catch (err) {
      session.probe = null;
      throw err;
    }
    return wc;
  }

  async function stopProcess(): Promise<void> {
    const p = proc;
    proc = null;
    writer = null;
    if (!p) return;
    p.kill();
    await withTimeout(p.exit, 3000, 'exit').catch(() => undefined);
  }

  function onLine(line: string, gen: number): void {
    if (gen !== generation) return;
    const event = decodeEvent(line);
    if (!event) {
      // The terminal echoes what we type into it; those lines are ours, not the lab's.
      const echoed = echoes.indexOf(line.trim());
      if (echoed !== -1) {
        echoes.splice(echoed, 1);
        return;
      }
      emit({ type: 'output', text: line + '\n' });
      return;
    }
    if (event.type === 'check') {
      // only a notice: the result itself is read from the verdict file, and believed only if sealed
      if (checking && verdicts) void verdicts.read();
      else emit({ type: 'error', message: FORGED_VERDICT_MESSAGE });
      return;
    }
    // The reader's service coming back during a Check: the Check is over (its result, if any, is in the file).
    if (checking && event.type === 'ready') {
      const v = verdicts;
      void v?.read().then(() => {
        if (v !== verdicts) return;
        checking = false;
        v.cancel();
      });
    }
    if (event.type === 'ready') {
      caps = mergeCaps(event.caps, probe);
      emit({ ...event, caps });
      return;
    }
    emit(event);
  }

  async function pump(p: WcProcess, gen: number): Promise<void> {
    const lines = new LineSplitter();
    const reader = p.output.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const line of lines.push(value)) onLine(line, gen);
      }
    } catch {
      // the stream errors when the container is torn down; the exit handler reports it
    }
    for (const line of lines.flush()) onLine(line, gen);
  }

  async function write(cmd: LabCommand): Promise<void> {
    if (!writer) throw new Error('The lab is not running; press Run first.');
    const text = JSON.stringify(cmd);
    echoes.push(text);
    if (echoes.length > 50) echoes.shift();
    await writer.write(text + '\n');
  }

  const onPageHide = () => {
    void runtime.dispose();
  };

  const runtime: LabRuntime = {
    kind: 'webcontainer',
    async start(id: string, files: LabFiles) {
      if (disposed) throw new Error('This lab runtime was closed; create a new one.');
      const gen = ++generation;
      await stopProcess();
      caps = null;
      checking = false;
      labId = id;
      const wc = await container();
      const tree = await withReaderFiles(await loadWorkspaceTree(doFetch, base, id), files).catch((err: unknown) => {
        if (err instanceof CompileError)
          throw new Error(`${err.message}. The editor underlines syntax errors in red; fix it and press Run again.`, {
            cause: err,
          });
        throw err;
      });
      // The hidden checks come with every start: the supervisor imports them before the reader's service
      // runs and removes them from the workspace, so no service ever sees or changes them.
      const checks = await loadChecksTree(doFetch, base, id);
      await wc.fs.rm(workspaceDir, { recursive: true, force: true });
      await wc.fs.mkdir(workspaceDir, { recursive: true });
      await wc.mount(tree, { mountPoint: workspaceDir });
      await wc.fs.mkdir(`${workspaceDir}/checks`, { recursive: true });
      await wc.mount(checks, { mountPoint: `${workspaceDir}/checks` });
      await wc.fs.mkdir(`${workspaceDir}/snapshots`, { recursive: true });
      const previous = verdicts;
      const v = new WcVerdicts(wc, (event) => {
        if (v !== verdicts) return;
        if (event.phase === 'end') checking = false;
        emit(event);
      });
      verdicts = v;
      void previous?.dispose();
      const verdictArgs = await v.open(workspaceDir);
      if (gen !== generation) return; // a newer start (or dispose) overtook this one
      // plain JavaScript: the bundle and the reader's files were compiled, nothing needs type stripping
      const p = await wc.spawn('node', ['kit/supervisor.js', ...verdictArgs], {
        cwd: workspaceDir,
        env: { LEAKBOOK_RUNTIME: 'webcontainer' },
        terminal: { cols: 500, rows: 40 },
      });
      proc = p;
      writer = p.input.getWriter();
      const pumped = pump(p, gen);
      // Report the end only after the last output line, so the supervisor's final words come first.
      void p.exit.then(async (code) => {
        await withTimeout(pumped, 1000, 'output').catch(() => undefined);
        // a result the supervisor sealed just before it ended still counts
        if (gen === generation && v.checking) await withTimeout(v.read(), 1000, 'verdicts').catch(() => undefined);
        if (gen !== generation || disposed) return;
        proc = null;
        writer = null;
        emit({
          type: 'stopped',
          reason: code === 0 ? 'The lab stopped.' : `The lab's supervisor ended unexpectedly (exit code ${code}).`,
        });
      });
      globalThis.addEventListener?.('pagehide', onPageHide);
    },
    async send(command: LabCommand) {
      if (!proc || !labId) throw new Error('The lab is not running; press Run first.');
      if (command.cmd === 'snapshot' && (!probe || !probeHasHeapSnapshots(probe) || caps?.heapSnapshot === false)) {
        emit({ type: 'error', message: NO_SNAPSHOTS });
        return;
      }
      if (command.cmd === 'check') {
        if (checking || !verdicts) return;
        checking = true;
        await write({ cmd: 'check', nonce: verdicts.expect() });
        return;
      }
      await write(command);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async readSnapshot(path: string) {
      if (!/^snapshots\/[\w.-]+$/.test(path)) throw new Error(`Not a snapshot of this lab: ${path}`);
      const wc = await container();
      const bytes = await wc.fs.readFile(`${workspaceDir}/${path}`);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    async readProfile(path: string) {
      if (!/^profiles\/[\w.-]+$/.test(path)) throw new Error(`Not a profile of this lab: ${path}`);
      const wc = await container();
      const bytes = await wc.fs.readFile(`${workspaceDir}/${path}`);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    capabilities: () => caps,
    async dispose() {
      if (disposed) return;
      disposed = true;
      generation++;
      globalThis.removeEventListener?.('pagehide', onPageHide);
      await stopProcess();
      await verdicts?.dispose();
      verdicts = null;
      if (session) {
        session.errors.delete(onContainerError);
        // Another lab on the page may keep the container: leave it our folder-free.
        if (session.users > 1)
          await session.container
            .then((wc) => wc.fs.rm(workspaceDir, { recursive: true, force: true }))
            .catch(() => undefined);
        releaseShared(session);
        session = null;
      }
      listeners.clear();
    },
  };
  return runtime;
}

/** The supervisor's own probe runs inside the lab; the boot probe can only take capabilities away. */
function mergeCaps(reported: Capabilities, probe: NodeProbe | null): Capabilities {
  if (!probe) return reported;
  return { ...reported, heapSnapshot: reported.heapSnapshot && probeHasHeapSnapshots(probe) };
}

export const messages = { NO_SNAPSHOTS, BLOCKED_HINT };
