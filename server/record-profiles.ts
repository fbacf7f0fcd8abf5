// `lab record-profiles <go-lab> <scenario> [--solution] [--out <dir>]`: runs a Go lab's service through the
// supervisor, captures heap, allocs and goroutine profiles before the scenario and after it (the same
// 'profile' command the page sends), and writes them with an index.json into labs/<lab>/recordings/. The
// page shows these where the Go toolchain is missing, so the reader still compares real pprof output.
import fs from 'node:fs';
import path from 'node:path';
import type { LabEvent, ProfileKind } from '../contracts/lab-protocol.ts';
import type { ProfileRecording } from '../contracts/profile-recording.ts';
import { LabError, loadLab } from '../engine/load-lab.ts';
import { spawnSupervisor } from '../engine/supervise.ts';
import { createWorkspace } from '../engine/workspace.ts';

const KINDS: ProfileKind[] = ['heap', 'allocs', 'goroutine'];
/** a quiet spell after the scenario, so what is left is what stays (timers fired, connections idle) */
const SETTLE_MS = 2_000;

export async function recordProfiles(opts: {
  labId: string;
  scenarioId: string;
  solution: boolean;
  outDir?: string;
  /** also capture this many ms into the scenario (a peak that ends in an OOM kill is gone afterwards) */
  duringMs?: number;
  log(line: string): void;
}): Promise<ProfileRecording> {
  const lab = loadLab(opts.labId);
  if (lab.manifest.language !== 'go') throw new LabError(`${opts.labId} is not a Go lab; only Go labs have profiles`);
  const scenario = lab.manifest.scenarios.find((s) => s.id === opts.scenarioId);
  if (!scenario)
    throw new LabError(
      `lab ${opts.labId} has no scenario "${opts.scenarioId}" (scenarios: ${lab.manifest.scenarios.map((s) => s.id).join(', ')})`,
    );
  const outDir = opts.outDir ?? path.join(lab.dir, 'recordings');
  const ws = await createWorkspace({ labId: opts.labId, base: opts.solution ? 'solution' : 'starter' });
  const captured: Array<{ kind: ProfileKind; label: string; path: string }> = [];
  let goVersion = '';
  let failure: string | null = null;
  let waiting: { kind: ProfileKind; resolve(): void; reject(err: Error): void } | null = null;
  let scenarioDone: (() => void) | null = null;
  /** the service answers (false between an OOM kill and its restart) */
  let alive = false;

  const sup = spawnSupervisor(ws.dir, {
    onOutput: (line) => opts.log(line),
    onEvent: (ev: LabEvent) => {
      if (ev.type === 'ready') {
        alive = true;
        goVersion = ev.caps.goVersion ?? '';
        if (ev.restarts === 0) void run();
        else opts.log(`[ready] restart ${ev.restarts}`);
      } else if (ev.type === 'profile' && waiting?.kind === ev.kind) {
        captured.push({ kind: ev.kind, label: ev.label, path: ev.path });
        waiting.resolve();
      } else if (ev.type === 'scenario') {
        opts.log(`[scenario] ${ev.phase}: ${ev.message}`);
        if (ev.phase === 'error') failure = ev.message;
        if (ev.phase === 'end' || ev.phase === 'error') scenarioDone?.();
      } else if (ev.type === 'exit') {
        alive = false;
        if (ev.reason !== 'stopped') opts.log(`[exit] ${ev.reason}: ${ev.message}`);
      } else if (ev.type === 'error') {
        opts.log(`[error] ${ev.message}`);
        if (waiting && ev.message.startsWith('Profile')) waiting.reject(new LabError(ev.message));
        else failure ??= ev.message;
      }
    },
  });
  const send = (cmd: object) => sup.child.stdin!.write(JSON.stringify(cmd) + '\n');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const capture = async (label: string, kinds = KINDS) => {
    for (let waited = 0; !alive; waited += 100) {
      if (waited > 30_000) throw new LabError('the service did not come back within 30 s');
      await sleep(100);
    }
    for (const kind of kinds) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new LabError(`no ${kind} profile within 60 s`)), 60_000);
        waiting = {
          kind,
          resolve: () => {
            clearTimeout(timer);
            waiting = null;
            resolve();
          },
          reject: (err) => {
            clearTimeout(timer);
            waiting = null;
            reject(err);
          },
        };
        send({ cmd: 'profile', kind, label });
      });
    }
  };
  let finished: (err?: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finished = (err) => (err ? reject(err) : resolve());
  });
  async function run(): Promise<void> {
    try {
      await sleep(1_000);
      await capture('baseline');
      const ended = new Promise<void>((resolve) => {
        scenarioDone = resolve;
        send({ cmd: 'scenario', id: scenario!.id });
      });
      if (opts.duringMs !== undefined) {
        await sleep(opts.duringMs);
        await capture(`during ${scenario!.label.toLowerCase()}`);
      }
      await ended;
      if (failure) throw new LabError(`the scenario failed: ${failure}`);
      await sleep(SETTLE_MS);
      await capture(`after ${scenario!.label.toLowerCase()}`);
      finished();
    } catch (err) {
      finished(err);
    }
  }
  sup.exited.then((code) => finished(new LabError(`the lab's supervisor stopped (exit code ${code})`)));
  try {
    await done;
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const recording: ProfileRecording = {
      labId: opts.labId,
      recordedAt: new Date().toISOString(),
      goVersion,
      code: opts.solution ? 'solution' : 'starter',
      scenario: scenario.label,
      profiles: captured.map((p, i) => {
        const file = `${i + 1}-${path.basename(p.path).replace(/^p\d+-/, '')}`;
        fs.copyFileSync(path.join(ws.dir, p.path), path.join(outDir, file));
        return { file, kind: p.kind, label: p.label };
      }),
    };
    fs.writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(recording, null, 2) + '\n');
    return recording;
  } finally {
    sup.child.stdin!.end();
    await sup.exited;
    ws.dispose();
  }
}
