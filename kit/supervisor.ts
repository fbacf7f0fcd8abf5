// The lab supervisor: `node kit/supervisor.ts [--check]` with cwd = the workspace. Spawns the service host
// (kit/host.ts) under the lab's heap limit and restarts it on crash; runs scenarios and checks; speaks the
// line protocol (contracts/lab-protocol.ts) on stdout and reads LabCommand JSON lines on stdin. Only Node built-ins and
// stdin/stdout, so the local runner and WebContainer run it the same way.
// --check: run the hidden checks once (each task in a fresh service) and exit 0 iff all pass.
// --verdict-fd=3 | --verdict-file=<path> --verdict-secret=<hex>: where Check results go (kit/verdict-out.ts).
//
// The judge is loaded before the reader's service ever starts: checks/ and scenarios.ts are imported
// into this process, checks/ is then removed from the workspace (the service cannot read, rewrite or
// even see it), and every other file the kit and the lab need is kept and put back before each service
// starts (kit/workspace-guard.ts).
import fs from 'node:fs';
import path from 'node:path';
import { encodeEvent, type LabCommand, type LabEvent, type ProfileKind } from '../contracts/lab-protocol.ts';
import type { LabManifest } from '../contracts/manifest.ts';
import { onLines, describeError } from './lines.ts';
import { liveHosts, ServiceProcess } from './service-process.ts';
import { createControl, createScenarioContext, nextProfileFile, nextSnapshotFile, profileFormat } from './control.ts';
import { cleanMessage, loadModuleDefault, runChecks } from './check-runner.ts';
import { closeHttpClient } from './http-client.ts';
import { endAllLabProcesses, scanLabProcesses, watchLabProcesses } from './lab-processes.ts';
import { workspaceModule } from './modules.ts';
import type { Check, Scenario } from './types.ts';
import { openVerdictOut, type VerdictOut } from './verdict-out.ts';
import { WorkspaceGuard } from './workspace-guard.ts';
import { openFixtures, type Fixtures } from './fixtures.ts';
import { WorkspaceBudget } from './workspace-budget.ts';
import type { CheckEvent } from '../contracts/verdict.ts';

const ws = process.cwd();
// also set by the verdict channel (kit/verdict-out.ts), which leaves no trace in argv
let checkOnly = process.argv.includes('--check');
const lab = JSON.parse(fs.readFileSync(path.join(ws, 'lab.json'), 'utf8')) as LabManifest;

function emit(ev: LabEvent): void {
  process.stdout.write(encodeEvent(ev));
}
// The service's output is passed on as text: a protocol prefix inside it is shown, not obeyed, so only
// this process's own emit() writes protocol lines on stdout.
const PREFIX_MARK = new RegExp(String.fromCharCode(0x1e), 'g');
function output(line: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(line.replace(PREFIX_MARK, '\u241e') + '\n');
}

// Set up by boot() before the first service starts.
let scenariosLoaded: Record<string, Scenario> | null = null;
let scenariosError: unknown = null;
let checksLoaded: Record<string, Check> | null = null;
let checksError: unknown = null;
let guard: WorkspaceGuard | null = null;
let verdicts: VerdictOut | null = null;
let fixtures: Fixtures | null = null;
let budget: WorkspaceBudget | null = null;

async function scenarios(): Promise<Record<string, Scenario>> {
  if (!scenariosLoaded) throw scenariosError ?? new Error('scenarios.ts is not loaded');
  return scenariosLoaded;
}

async function boot(): Promise<void> {
  verdicts = await openVerdictOut(process.argv);
  if (verdicts.checkOnce) checkOnly = true;
  try {
    scenariosLoaded = await loadModuleDefault<Record<string, Scenario>>(ws, 'scenarios.ts', 'defineScenarios({ ... })');
  } catch (err) {
    scenariosError = err;
  }
  const checksDir = path.join(ws, 'checks');
  if (fs.existsSync(workspaceModule(ws, 'checks/index.ts'))) {
    try {
      checksLoaded = await loadModuleDefault<Record<string, Check>>(ws, 'checks/index.ts', 'defineChecks({ ... })');
    } catch (err) {
      checksError = err;
    }
  }
  fs.rmSync(checksDir, { recursive: true, force: true });
  fixtures = openFixtures(ws);
  guard = new WorkspaceGuard(ws);
  budget = new WorkspaceBudget(ws);
}

/** Before every service starts: the workspace as it was when the supervisor started. */
function restoreWorkspace(): void {
  const changed = guard?.restore() ?? [];
  if (changed.length)
    output(
      `[lab] put back ${changed.length} workspace file${changed.length === 1 ? '' : 's'} the service changed or added (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''})`,
      'stderr',
    );
}

function loadedChecks(): Record<string, Check> {
  if (checksLoaded) return checksLoaded;
  if (checksError) throw checksError;
  throw new Error('the checks are not in this workspace');
}

/** Check events of one Check: sealed on the verdict channel; on stdout only where there is none (or as a notice). */
function checkEmitter(nonce: string): (ev: LabEvent) => void {
  let seq = 0;
  return (ev) => {
    if (ev.type !== 'check') return emit(ev);
    verdicts?.send(nonce, seq++, ev as CheckEvent);
    if (!verdicts?.private || verdicts.notifyOnStdout) emit(ev);
  };
}

function killAll(): void {
  scanLabProcesses(); // what the lab started just now, seen before the kills below hand it to init
  for (const s of services) s.kill();
  for (const child of liveHosts) child.kill('SIGKILL');
  // what the lab started in its own session or process group, which the kills above do not reach
  endAllLabProcesses();
}
const services = new Set<ServiceProcess>();
let exiting = false;
function exit(code: number): void {
  if (exiting) return;
  exiting = true;
  killAll();
  closeHttpClient();
  void verdicts?.close();
  // let stdout drain before leaving (pipes may be asynchronous outside Linux)
  process.stdout.write('', () => process.exit(code));
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGTERM', () => exit(143));
process.on('SIGINT', () => exit(130));
process.on('SIGHUP', () => exit(129));
process.on('uncaughtException', (err) => {
  emit({ type: 'error', message: `The lab supervisor failed: ${describeError(err, ws)}` });
  exit(2);
});
process.on('unhandledRejection', (err) => {
  emit({ type: 'error', message: `The lab supervisor failed: ${describeError(err, ws)}` });
  exit(2);
});

async function checkOnce(): Promise<void> {
  try {
    const result = await runChecks({
      ws,
      lab,
      checks: loadedChecks(),
      scenarios: await scenarios(),
      fixtures: fixtures!,
      beforeSpawn: restoreWorkspace,
      budget: budget!,
      emit: checkEmitter(''),
      output,
      signal: new AbortController().signal,
      taskTimeoutMs: taskTimeout(),
    });
    exit(result.passed ? 0 : 1);
  } catch (err) {
    emit({ type: 'error', message: `The checks could not run: ${describeError(err, ws)}` });
    exit(2);
  }
}

function taskTimeout(): number | undefined {
  return Number(process.env.LEAKBOOK_TASK_TIMEOUT_MS) || undefined;
}

// ---- interactive mode ----

function newService(): ServiceProcess {
  const s = new ServiceProcess({
    ws,
    heapLimitMb: lab.heapLimitMb,
    timeScale: lab.timeScale,
    autoRestart: true,
    onEvent: emit,
    onOutput: output,
    fullSnapshotProbe: process.env.LEAKBOOK_PROBE === 'full',
    beforeSpawn: restoreWorkspace,
    budget: budget!,
  });
  services.add(s);
  return s;
}

let service: ServiceProcess | null = null;
let scenarioRun: { id: string; abort: AbortController; done: Promise<void> } | null = null;
let checking = false;

function startService(): void {
  service = newService();
  // a failed start is already reported by its exit event (with the reason); retries follow the policy
  service.start().catch(() => {});
}

async function runScenario(id: string): Promise<void> {
  if (scenarioRun)
    return emit({
      type: 'scenario',
      id,
      phase: 'error',
      message: `"${scenarioRun.id}" is still running; cancel it first`,
    });
  if (!lab.scenarios.some((s) => s.id === id))
    return emit({ type: 'scenario', id, phase: 'error', message: `this lab has no scenario "${id}"` });
  const svc = service;
  if (!svc) return emit({ type: 'scenario', id, phase: 'error', message: 'the service is not running' });
  const abort = new AbortController();
  const run = { id, abort, done: Promise.resolve() };
  scenarioRun = run;
  const label = lab.scenarios.find((s) => s.id === id)!.label;
  emit({ type: 'scenario', id, phase: 'start', message: label });
  run.done = (async () => {
    try {
      const scenario = (await scenarios())[id];
      if (typeof scenario !== 'function') throw new Error(`scenarios.ts has no driver for "${id}"`);
      await svc.whenReady(10_000);
      const ctx = createScenarioContext({
        service: createControl(svc, abort.signal),
        fixture: fixtures!,
        timeScale: lab.timeScale,
        signal: abort.signal,
        progress: (message) => emit({ type: 'scenario', id, phase: 'progress', message: cleanMessage(message) }),
      });
      const summary = await scenario(ctx);
      if (abort.signal.aborted) emit({ type: 'scenario', id, phase: 'error', message: 'cancelled' });
      else emit({ type: 'scenario', id, phase: 'end', message: cleanMessage(summary ?? 'done') });
    } catch (err) {
      emit({
        type: 'scenario',
        id,
        phase: 'error',
        message: abort.signal.aborted ? 'cancelled' : cleanMessage(describeError(err, ws)),
      });
    } finally {
      if (scenarioRun === run) scenarioRun = null;
    }
  })();
}

async function cancelScenario(): Promise<void> {
  const run = scenarioRun;
  if (!run) return;
  run.abort.abort();
  await run.done;
}

async function snapshot(label: string): Promise<void> {
  const svc = service;
  if (!svc?.alive()) return emit({ type: 'error', message: 'Snapshot: the service is not running' });
  if (!svc.caps?.heapSnapshot)
    return emit({ type: 'error', message: 'Snapshot: this runtime cannot take heap snapshots' });
  const { id, file } = nextSnapshotFile(label);
  try {
    const r = await svc.snapshot(file);
    emit({ type: 'snapshot', id, path: r.path, bytes: r.bytes, label });
  } catch (err) {
    emit({ type: 'error', message: `Snapshot failed: ${(err as Error).message}` });
  }
}

const PROFILE_KINDS: readonly ProfileKind[] = ['heap', 'allocs', 'goroutine'];

async function profile(kind: ProfileKind, label: string): Promise<void> {
  const svc = service;
  if (!PROFILE_KINDS.includes(kind))
    return emit({ type: 'error', message: `Profile: no profile "${kind}" (heap, allocs or goroutine)` });
  if (!svc?.alive()) return emit({ type: 'error', message: 'Profile: the service is not running' });
  const format = profileFormat(svc.caps);
  if (!format) {
    const node = svc.caps?.language !== 'go';
    return emit({
      type: 'error',
      message: node
        ? 'Profile: this runtime has no allocation sampling (node:inspector), so the service cannot write heap profiles'
        : 'Profile: this service cannot write pprof profiles',
    });
  }
  if (format === 'heapprofile' && kind !== 'heap')
    return emit({ type: 'error', message: 'Profile: a Node service has allocation sampling (heap) only' });
  const { id, file } = nextProfileFile(kind, label, format);
  try {
    const r = await svc.profile(kind, file);
    emit({ type: 'profile', id, kind, path: r.path, bytes: r.bytes, label });
  } catch (err) {
    emit({ type: 'error', message: `Profile failed: ${(err as Error).message}` });
  }
}

async function check(nonce: string): Promise<void> {
  if (checking) return;
  if (!checksLoaded)
    return emit({
      type: 'error',
      message: checksError
        ? `The checks could not run: ${describeError(checksError, ws)}`
        : 'Check: the checks are not in this workspace',
    });
  checking = true;
  try {
    await cancelScenario();
    // one process at a time: the reader's service steps aside while each task gets a fresh one
    if (service) {
      await service.stop();
      services.delete(service);
      service = null;
    }
    await runChecks({
      ws,
      lab,
      checks: checksLoaded,
      scenarios: await scenarios(),
      fixtures: fixtures!,
      beforeSpawn: restoreWorkspace,
      budget: budget!,
      emit: checkEmitter(nonce),
      output,
      signal: new AbortController().signal,
      taskTimeoutMs: taskTimeout(),
    });
  } catch (err) {
    emit({ type: 'error', message: `The checks could not run: ${describeError(err, ws)}` });
  } finally {
    checking = false;
    if (!exiting) startService();
  }
}

async function handle(cmd: LabCommand): Promise<void> {
  if (cmd.cmd === 'stop') {
    await cancelScenario();
    if (service) await service.stop();
    return exit(0);
  }
  if (checking) return emit({ type: 'error', message: 'A check is running; wait for its result' });
  switch (cmd.cmd) {
    case 'scenario':
      return runScenario(String(cmd.id));
    case 'cancel-scenario':
      return cancelScenario();
    case 'snapshot':
      return snapshot(String(cmd.label ?? 'snapshot'));
    case 'profile':
      return profile(cmd.kind, String(cmd.label ?? cmd.kind));
    case 'check':
      return check(typeof cmd.nonce === 'string' ? cmd.nonce : '');
    case 'restart':
      await cancelScenario();
      if (service) {
        await service.stop();
        services.delete(service);
      }
      return startService();
    default:
      emit({ type: 'error', message: `unknown command ${JSON.stringify((cmd as { cmd?: unknown }).cmd)}` });
  }
}

onLines(
  process.stdin,
  (line) => {
    if (!line.trim()) return;
    let cmd: LabCommand;
    try {
      cmd = JSON.parse(line) as LabCommand;
    } catch {
      return emit({ type: 'error', message: 'ignored a command that is not JSON' });
    }
    handle(cmd).catch((err) => emit({ type: 'error', message: describeError(err, ws) }));
  },
  // the page (or runner) went away: take the service down with us (a --check run finishes on its own;
  // whether this is one is known once the verdict channel has been read)
  () => {
    void booted.finally(() => {
      if (!checkOnly) exit(0);
    });
  },
);

// If whoever started us dies without closing our stdin (a --check run, a killed test runner), the
// parent pid changes to the reaper's: stop rather than linger.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) exit(1);
}, 1000).unref();

watchLabProcesses();
const booted = boot();
void booted.then(
  () => (checkOnly ? checkOnce() : startService()),
  (err) => {
    emit({ type: 'error', message: `The lab supervisor could not start: ${describeError(err, ws)}` });
    exit(2);
  },
);
