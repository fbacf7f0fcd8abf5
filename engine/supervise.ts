// Spawning a lab's supervisor in a workspace and reading its protocol (Node side: CLI, tests, runner).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TaskResult } from '../contracts/check-result.ts';
import { decodeEvent, type LabEvent } from '../contracts/lab-protocol.ts';
import { LineSplitter } from '../contracts/lines.ts';
import { EVENT_PREFIX } from '../contracts/lab-protocol.ts';
import { killMarked, MARK_VAR, processIdentity } from '../kit/lab-processes.ts';
import { FORGED_VERDICT_MESSAGE, VERDICT_FD, VERDICT_FD_ARG } from '../contracts/verdict.ts';
import { VerdictIn } from './verdict-in.ts';
import type { Duplex } from 'node:stream';
import { createWorkspace, type WorkspaceOptions } from './workspace.ts';
import { LabError } from './load-lab.ts';

export interface SupervisorHandle {
  child: ChildProcess;
  /** the verdict channel: check events reach onEvent only from here, for the Check it expects */
  verdicts: VerdictIn;
  /** resolves with the supervisor's exit code */
  exited: Promise<number | null>;
}

/**
 * Spawn `node kit/supervisor.ts` in ws; every stdout line is decoded (event) or passed on (output).
 * Check events come only from the verdict channel; one printed on stdout is the lab's own output
 * pretending, and is reported as an error event instead of being believed.
 */
export function spawnSupervisor(
  ws: string,
  opts: {
    args?: string[];
    env?: Record<string, string>;
    onEvent(ev: LabEvent): void;
    onOutput(line: string, stream: 'stdout' | 'stderr'): void;
    /** run one Check and exit, asked on the verdict channel (the supervisor's argv stays as for a Run) */
    checkOnce?: boolean;
  },
): SupervisorHandle {
  const mark = `${processIdentity() ?? process.pid}/cli-${++supervisors}`;
  const child = spawn(
    process.execPath,
    [path.join('kit', 'supervisor.ts'), `${VERDICT_FD_ARG}=${VERDICT_FD}`, ...(opts.args ?? [])],
    { cwd: ws, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env, [MARK_VAR]: mark } },
  );
  const verdicts = new VerdictIn(child.stdio[VERDICT_FD] as Duplex, (ev) => opts.onEvent(ev), {
    checkOnce: opts.checkOnce,
  });
  endOnExit(mark);
  const lines = (stream: 'stdout' | 'stderr') => {
    const splitter = new LineSplitter(1 << 20, EVENT_PREFIX);
    const onLine = (line: string) => {
      const ev = stream === 'stdout' ? decodeEvent(line) : null;
      if (ev?.type === 'check') opts.onEvent({ type: 'error', message: FORGED_VERDICT_MESSAGE });
      else if (ev) opts.onEvent(ev);
      else opts.onOutput(line, stream);
    };
    child[stream]!.setEncoding('utf8');
    child[stream]!.on('data', (chunk: string) => splitter.push(chunk).forEach(onLine));
    child[stream]!.on('end', () => splitter.flush().forEach(onLine));
  };
  lines('stdout');
  lines('stderr');
  child.stdin!.on('error', () => {});
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      // what the lab started in its own session does not outlive the supervisor
      killMarked((m) => m === mark || m.startsWith(mark + '/'));
      resolve(code);
    }),
  );
  return { child, verdicts, exited };
}

let supervisors = 0;
const marks = new Set<string>();
/** However this process ends (a CLI run interrupted, a test runner leaving), its labs end with it. */
function endOnExit(mark: string): void {
  if (marks.size === 0) process.once('exit', () => killMarked((m) => [...marks].some((k) => m.startsWith(k))));
  marks.add(mark);
}

export interface CheckReport {
  lab: string;
  passed: boolean;
  tasks: TaskResult[];
  /** wall time of the whole check, workspace included */
  ms: number;
}

/** Build a workspace with checks, run every task once, clean up. The CLI's `check` and the contract tests. */
export async function runLabCheck(
  opts: Omit<WorkspaceOptions, 'withChecks'> & {
    onOutput?(line: string, stream: 'stdout' | 'stderr'): void;
    onTask?(t: TaskResult): void;
  },
): Promise<CheckReport> {
  const started = performance.now();
  const ws = await createWorkspace({ ...opts, withChecks: true });
  try {
    let end: { passed: boolean; tasks: TaskResult[] } | null = null;
    const errors: string[] = [];
    const sup = spawnSupervisor(ws.dir, {
      checkOnce: true,
      onEvent: (ev) => {
        if (ev.type === 'check' && ev.phase === 'task') opts.onTask?.(ev.task);
        if (ev.type === 'check' && ev.phase === 'end') end = { passed: ev.passed, tasks: ev.tasks };
        if (ev.type === 'error') errors.push(ev.message);
      },
      onOutput: (line, stream) => opts.onOutput?.(line, stream),
    });
    sup.child.stdin!.end();
    const code = await sup.exited;
    const result = end as { passed: boolean; tasks: TaskResult[] } | null;
    if (!result) throw new LabError(errors[0] ?? `the lab supervisor exited (code ${code}) without a check result`);
    return { lab: ws.lab.id, passed: result.passed, tasks: result.tasks, ms: Math.round(performance.now() - started) };
  } finally {
    ws.dispose();
  }
}
