// Snapshot → comparison, per Node lab: each lab's starter runs under its own supervisor (as the local
// runner does), takes a baseline heap snapshot, runs its first scenario and takes a second one; for
// excel-upload the second is the largest taken while an upload climbs. Reported: how long the service
// took to write each snapshot, and the analysis of the pair (src/analysis, the code the page's worker
// runs) as the median of 5 runs in Node, split by phase. The page adds the transfer and rendering.
// Targets (issue 14): 2 s for the small labs' pairs, 10 s for excel-upload's largest.
import fs from 'node:fs';
import path from 'node:path';
import { createWorkspace } from '../engine/workspace.ts';
import { spawnSupervisor } from '../engine/supervise.ts';
import { analyzeSnapshots, type Phase } from '../src/analysis/index.ts';
import type { LabEvent } from '../contracts/lab-protocol.ts';

const RUNS = 5;
const LABS: { id: string; scenario: string; target: number; climb?: boolean }[] = [
  { id: 'cache-warmup', scenario: 'search-storm', target: 2000 },
  { id: 'report-queue', scenario: '', target: 2000 },
  { id: 'trace-logs', scenario: '', target: 2000 },
  { id: 'gzip-preflight', scenario: '', target: 2000 },
  { id: 'excel-upload', scenario: 'eight-uploads', target: 10_000, climb: true },
];

interface Pair {
  files: string[];
  writeMs: number[];
  bytes: number[];
}

async function takePair(labId: string, scenarioId: string, climb: boolean): Promise<Pair & { dispose(): void }> {
  const ws = await createWorkspace({ labId });
  const scenario = scenarioId || ws.lab.manifest.scenarios[0]!.id;
  const waiters: { test: (ev: LabEvent) => boolean; resolve: (ev: LabEvent) => void }[] = [];
  const sup = spawnSupervisor(ws.dir, {
    onEvent: (ev) => {
      for (const w of [...waiters])
        if (w.test(ev)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(ev);
        }
    },
    onOutput: () => {},
  });
  const next = (test: (ev: LabEvent) => boolean, ms = 300_000) =>
    new Promise<LabEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${labId}: no matching event within ${ms} ms`)), ms);
      waiters.push({ test, resolve: (ev) => (clearTimeout(timer), resolve(ev)) });
    });
  const send = (cmd: object) => sup.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  const snapshot = async (label: string) => {
    const started = performance.now();
    send({ cmd: 'snapshot', label });
    const ev = (await next((e) => e.type === 'snapshot' || e.type === 'error')) as LabEvent;
    if (ev.type !== 'snapshot') throw new Error(`${labId}: snapshot failed: ${'message' in ev ? ev.message : ''}`);
    return { file: path.resolve(ws.dir, ev.path), ms: performance.now() - started, bytes: ev.bytes };
  };
  const dispose = () => {
    sup.child.stdin!.end();
    ws.dispose();
  };
  try {
    await next((e) => e.type === 'ready', 120_000);
    const base = await snapshot('baseline');
    const ended = next((e) => e.type === 'scenario' && (e.phase === 'end' || e.phase === 'error'), 600_000);
    send({ cmd: 'scenario', id: scenario });
    let after: Awaited<ReturnType<typeof snapshot>>;
    if (climb) {
      // While the uploads climb: up to six snapshots, the largest kept. The starter dies of its heap
      // limit mid-upload and is restarted, so a snapshot asked for while it is down is asked again.
      await new Promise((r) => setTimeout(r, 1000));
      const taken: Awaited<ReturnType<typeof snapshot>>[] = [];
      for (const end = performance.now() + 60_000; taken.length < 6 && performance.now() < end;) {
        try {
          taken.push(await snapshot(`climb ${taken.length + 1}`));
          await new Promise((r) => setTimeout(r, 700));
        } catch {
          await new Promise((r) => setTimeout(r, 300));
        }
      }
      if (!taken.length) throw new Error(`${labId}: no snapshot while the upload ran`);
      after = taken.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      send({ cmd: 'cancel-scenario' });
    } else {
      await ended;
      after = await snapshot('after');
    }
    // Keep the files past the supervisor (it cleans up its workspace's snapshots on exit).
    const keep = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `leakbook-bench-${labId}-`));
    const files = [base, after].map((s, i) => {
      const to = path.join(keep, `${i}.heapsnapshot`);
      fs.copyFileSync(s.file, to);
      return to;
    });
    return {
      files,
      writeMs: [base.ms, after.ms],
      bytes: [base.bytes, after.bytes],
      dispose: () => {
        dispose();
        fs.rmSync(keep, { recursive: true, force: true });
      },
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

async function analyse(
  files: string[],
): Promise<{ ms: number; cpuMs: number; phases: Partial<Record<Phase, number>> }> {
  const data = files.map((f) => fs.readFileSync(f));
  const phases: Partial<Record<Phase, number>> = {};
  let phase = null as Phase | null;
  let since = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await analyzeSnapshots(data, {
    onProgress: (p) => {
      if (p.phase === phase) return;
      const now = performance.now();
      if (phase) phases[phase] = (phases[phase] ?? 0) + now - since;
      phase = p.phase;
      since = now;
    },
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (phase) phases[phase] = (phases[phase] ?? 0) + performance.now() - since;
  return { ms, cpuMs: (used.user + used.system) / 1000, phases };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
let failed = false;
console.log(`snapshot → comparison, analysis median of ${RUNS} in Node ${process.version}`);
console.log(
  [
    'lab',
    'snapshots',
    'write (base, after)',
    'analysis (CPU)',
    'write + analysis',
    'target',
    'phases (median run)',
  ].join(' | '),
);
for (const lab of LABS.filter((l) => !filter.length || filter.some((f) => l.id.includes(f)))) {
  let pair: Awaited<ReturnType<typeof takePair>>;
  try {
    pair = await takePair(lab.id, lab.scenario, lab.climb ?? false);
  } catch (err) {
    console.log(`${lab.id} | could not take snapshots: ${(err as Error).message}`);
    failed = true;
    continue;
  }
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await analyse(pair.files));
    const mid = median(runs.map((r) => r.ms));
    const midRun = runs.find((r) => r.ms === mid)!;
    const total = mid + pair.writeMs[1]!;
    console.log(
      [
        lab.id,
        pair.bytes.map(mb).join(' → '),
        pair.writeMs.map(s).join(', '),
        `${s(mid)} (${s(midRun.cpuMs)})`,
        s(total),
        `${s(lab.target)} ${total <= lab.target ? 'met' : 'MISSED'}`,
        Object.entries(midRun.phases)
          .map(([k, v]) => `${k} ${Math.round(v!)} ms`)
          .join(', '),
      ].join(' | '),
    );
  } finally {
    pair.dispose();
  }
}
process.exit(failed ? 1 : 0);
