// Runs a lab's hidden checks: every task against a fresh service process, verdicts as TaskResult.
// A check's message is what it observed; a throw becomes a failure whose message is the error's first
// line (never a stack, never test code).
import { pathToFileURL } from 'node:url';
import { ServiceProcess } from './service-process.ts';
import { workspaceModule } from './modules.ts';
import { createControl, createScenarioContext } from './control.ts';
import type { Fixtures } from './fixtures.ts';
import type { WorkspaceBudget } from './workspace-budget.ts';
import type { LabEvent } from '../contracts/lab-protocol.ts';
import type { LabManifest } from '../contracts/manifest.ts';
import type { Check, CheckContext, Scenario, TaskResult } from './types.ts';

const OUTPUT_LINES_PER_TASK = 200;
/** Output of a task running in a lane, held until its turn to be reported. */
const HELD_BYTES_PER_TASK = 1024 * 1024;

export function cleanMessage(message: unknown): string {
  const text = String(message ?? '')
    .split('\n')[0]
    .trim();
  return text.length > 400 ? text.slice(0, 397) + '...' : text;
}

export async function loadModuleDefault<T>(ws: string, rel: string, what: string): Promise<T> {
  const mod = (await import(pathToFileURL(workspaceModule(ws, rel)).href)) as { default?: T };
  if (!mod.default || typeof mod.default !== 'object') throw new Error(`${rel} must export default ${what}`);
  return mod.default;
}

export async function runChecks(opts: {
  ws: string;
  lab: LabManifest;
  /** the checks, imported by the supervisor before any service ran */
  checks: Record<string, Check>;
  scenarios: Record<string, Scenario>;
  /** the lab's fixtures, read before any service ran (kit/fixtures.ts) */
  fixtures: Fixtures;
  /** before every service start (the supervisor puts the workspace back as it found it) */
  beforeSpawn?: () => void;
  /** bounds what services write into the workspace */
  budget?: WorkspaceBudget;
  emit(ev: LabEvent): void;
  output(line: string, stream: 'stdout' | 'stderr'): void;
  signal: AbortSignal;
  taskTimeoutMs?: number;
}): Promise<{ passed: boolean; tasks: TaskResult[] }> {
  const { lab, emit } = opts;
  const checks = opts.checks;
  const timeoutMs = opts.taskTimeoutMs ?? 60_000;
  emit({ type: 'check', phase: 'start' });
  // Tasks may run in lanes (lab.json checkLanes), each in its own service; what they print and their
  // verdicts are still reported in the manifest's order, one task after another, as if they ran in turn.
  const order = lab.tasks.map(() => new TaskReport(opts));
  let reported = 0;
  const report = () => {
    while (reported < order.length && order[reported]!.result) {
      emit({ type: 'check', phase: 'task', task: order[reported]!.result! });
      reported++;
      order[reported]?.goLive();
    }
  };
  order[0]?.goLive();
  let next = 0;
  const lane = async () => {
    while (next < lab.tasks.length && !opts.signal.aborted) {
      const i = next++;
      order[i]!.result = await runTask(lab.tasks[i]!, checks[lab.tasks[i]!.id], timeoutMs, opts, order[i]!);
      report();
    }
  };
  const lanes = Math.max(1, Math.min(lab.checkLanes ?? 1, lab.tasks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const tasks = order.flatMap((r) => (r.result ? [r.result] : []));
  const passed = tasks.length === lab.tasks.length && tasks.every((t) => t.passed);
  emit({ type: 'check', phase: 'end', passed, tasks });
  return { passed, tasks };
}

/** One task's output and verdict, held back until the tasks before it in the manifest are reported. */
class TaskReport {
  result: TaskResult | undefined;
  private live = false;
  private held: Array<[string, 'stdout' | 'stderr']> = [];
  private heldBytes = 0;
  private readonly out: (line: string, stream: 'stdout' | 'stderr') => void;
  constructor(opts: { output(line: string, stream: 'stdout' | 'stderr'): void }) {
    this.out = (line, stream) => opts.output(line, stream);
  }
  output(line: string, stream: 'stdout' | 'stderr'): void {
    if (this.live) return this.out(line, stream);
    // what waits for its turn is bounded: a service flooding its output cannot swell the supervisor
    if (this.heldBytes + line.length > HELD_BYTES_PER_TASK) {
      if (this.heldBytes <= HELD_BYTES_PER_TASK)
        this.held.push(['[lab] (more service output during this task not shown)', 'stderr']);
      this.heldBytes = HELD_BYTES_PER_TASK + 1;
      return;
    }
    this.heldBytes += line.length;
    this.held.push([line, stream]);
  }
  goLive(): void {
    this.live = true;
    for (const [line, stream] of this.held) this.out(line, stream);
    this.held = [];
  }
}

async function runTask(
  task: { id: string; title: string },
  check: Check | undefined,
  timeoutMs: number,
  opts: Parameters<typeof runChecks>[0],
  out: TaskReport,
): Promise<TaskResult> {
  const verdict = (passed: boolean, message: string): TaskResult => ({
    id: task.id,
    title: task.title,
    passed,
    message: cleanMessage(message),
  });
  if (typeof check !== 'function') return verdict(false, 'this task has no check in this lab (an authoring error)');
  let lines = 0;
  const service = new ServiceProcess({
    ws: opts.ws,
    heapLimitMb: opts.lab.heapLimitMb,
    timeScale: opts.lab.timeScale,
    autoRestart: true,
    beforeSpawn: opts.beforeSpawn,
    budget: opts.budget,
    onEvent: () => {}, // check services stay off the reader's chart
    onOutput: (line, stream) => {
      lines++;
      if (lines <= OUTPUT_LINES_PER_TASK) out.output(line, stream);
      else if (lines === OUTPUT_LINES_PER_TASK + 1)
        out.output(`[lab] (more service output during "${task.title}" not shown)`, 'stderr');
    },
  });
  const abort = new AbortController();
  const stopOuter = () => abort.abort();
  opts.signal.addEventListener('abort', stopOuter, { once: true });
  try {
    try {
      await service.start();
    } catch (err) {
      return verdict(false, `the service did not start: ${(err as Error).message}`);
    }
    const control = createControl(service, abort.signal);
    const base = createScenarioContext({
      service: control,
      fixture: opts.fixtures,
      timeScale: opts.lab.timeScale,
      signal: abort.signal,
      progress: () => {},
    });
    const ctx: CheckContext = {
      ...base,
      async runScenario(id: string) {
        const scenario = opts.scenarios[id];
        if (typeof scenario !== 'function') throw new Error(`unknown scenario "${id}"`);
        await scenario(base);
      },
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new Error(`the check did not finish within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
    });
    try {
      const r = await Promise.race([check(ctx), timeout]);
      if (!r || typeof r.passed !== 'boolean') return verdict(false, 'the check gave no verdict (an authoring error)');
      return verdict(r.passed, r.message);
    } catch (err) {
      return verdict(false, err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
    }
  } finally {
    opts.signal.removeEventListener('abort', stopOuter);
    abort.abort();
    await service.stop(1000);
  }
}
