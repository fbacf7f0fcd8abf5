// The lab CLI for authors, CI and offline readers.
//   lab list
//   lab check <lab> [--solution | --variant <name> | --dir <path>] [--json]   exit 0 iff every task passes
//   lab run <lab> [--solution] [--scenario <id>]               run the service; Ctrl-C stops
//   lab record <lab> <scenario>[,<scenario>…] [--solution|--starter] --out <file>   write a recording for chapter figures
//   lab record-profiles <go-lab> <scenario> [--solution] [--during <ms>] [--out <dir>]   pprof profiles before/after, for the page
import fs from 'node:fs';
import path from 'node:path';
import { LabError, listLabIds, loadLab, type LoadedLab } from '../engine/load-lab.ts';
import { runLabCheck, spawnSupervisor } from '../engine/supervise.ts';
import { createWorkspace } from '../engine/workspace.ts';
import { formatBytes } from '../contracts/format.ts';
import type { LabEvent } from '../contracts/lab-protocol.ts';
import { recordProfiles } from './record-profiles.ts';

const USAGE = `usage:
  npm run --silent lab -- list
  npm run --silent lab -- check <lab> [--solution | --variant <name> | --dir <path>] [--json]
  npm run lab -- run <lab> [--solution] [--scenario <id>]
  npm run lab -- record <lab> <scenario>[,<scenario>…] [--solution | --starter] --out src/data/recordings/<lab>.json
  npm run lab -- record-profiles <go-lab> <scenario> [--solution] [--during <ms>] [--out labs/<go-lab>/recordings]`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set(['--dir', '--scenario', '--out', '--variant', '--during']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.split('=', 2);
      if (valued.has(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        flags.set(name, v);
      } else flags.set(name, true);
    } else positional.push(a);
  }
  return { positional, flags };
}

/** Editable files from a folder the reader (or an author) keeps; read-only ones come from the starter. */
function filesFromDir(lab: LoadedLab, dir: string): Record<string, string> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new LabError(`--dir ${dir}: not a folder`);
  const files: Record<string, string> = {};
  for (const f of lab.manifest.files) {
    const p = path.join(dir, f.path);
    if (f.editable && fs.existsSync(p)) files[f.path] = fs.readFileSync(p, 'utf8');
  }
  if (Object.keys(files).length === 0)
    throw new LabError(
      `--dir ${dir}: none of the lab's editable files (${lab.manifest.files
        .filter((f) => f.editable)
        .map((f) => f.path)
        .join(', ')}) is there`,
    );
  return files;
}

async function cmdCheck(args: ReturnType<typeof parseArgs>): Promise<number> {
  const id = args.positional[1];
  if (!id) throw new UsageError('check needs a lab id');
  const json = args.flags.has('--json');
  const lab = loadLab(id);
  if (['--solution', '--dir', '--variant'].filter((f) => args.flags.has(f)).length > 1)
    throw new UsageError('use one of --solution, --variant or --dir');
  const dir = args.flags.get('--dir');
  const variant = args.flags.get('--variant');
  const report = await runLabCheck({
    labId: id,
    base: args.flags.has('--solution') ? 'solution' : 'starter',
    variant: typeof variant === 'string' ? variant : undefined,
    files: typeof dir === 'string' ? filesFromDir(lab, dir) : undefined,
    // service output goes to stderr so stdout stays machine-readable with --json
    onOutput: json ? undefined : (line) => process.stderr.write(`  | ${line}\n`),
    onTask: json
      ? undefined
      : (t) => process.stdout.write(`${t.passed ? '\u2714 PASS' : '\u2718 FAIL'}  ${t.title}\n        ${t.message}\n`),
  });
  if (json) {
    process.stdout.write(
      JSON.stringify({
        lab: report.lab,
        passed: report.passed,
        tasks: report.tasks.map(({ id, title, passed, message }) => ({ id, title, passed, message })),
      }) + '\n',
    );
  } else {
    const n = report.tasks.filter((t) => t.passed).length;
    process.stdout.write(
      `\n${report.lab}: ${n}/${report.tasks.length} tasks pass (${(report.ms / 1000).toFixed(1)} s)\n`,
    );
  }
  return report.passed ? 0 : 1;
}

async function cmdRun(args: ReturnType<typeof parseArgs>): Promise<number> {
  const id = args.positional[1];
  if (!id) throw new UsageError('run needs a lab id');
  const scenario = args.flags.get('--scenario');
  const lab = loadLab(id);
  if (typeof scenario === 'string' && !lab.manifest.scenarios.some((s) => s.id === scenario))
    throw new LabError(
      `lab ${id} has no scenario "${scenario}" (scenarios: ${lab.manifest.scenarios.map((s) => s.id).join(', ')})`,
    );
  const ws = await createWorkspace({ labId: id, base: args.flags.has('--solution') ? 'solution' : 'starter' });
  let lastPrint = 0;
  const sup = spawnSupervisor(ws.dir, {
    onOutput: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(line + '\n'),
    onEvent: (ev) => {
      if (ev.type === 'metrics') {
        if (ev.t - lastPrint < 1000 && lastPrint !== 0) return;
        lastPrint = ev.t;
        const gauges = Object.entries(ev.gauges)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        process.stderr.write(
          `[metrics] rss ${formatBytes(ev.rss)}  heapUsed ${formatBytes(ev.heapUsed)}  external ${formatBytes(ev.external)}  ${gauges}\n`,
        );
      } else if (ev.type === 'ready') {
        process.stderr.write(
          `[ready] http://127.0.0.1:${ev.port}/  restarts=${ev.restarts}  caps=${JSON.stringify(ev.caps)}\n`,
        );
        if (typeof scenario === 'string' && ev.restarts === 0)
          sup.child.stdin!.write(JSON.stringify({ cmd: 'scenario', id: scenario }) + '\n');
      } else if (ev.type === 'scenario') {
        process.stderr.write(`[scenario ${ev.id}] ${ev.phase}: ${ev.message}\n`);
      } else {
        process.stderr.write(`[${ev.type}] ${JSON.stringify(ev)}\n`);
      }
    },
  });
  const stop = () => sup.child.stdin!.end(); // closing stdin stops the supervisor and its service
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await sup.exited;
  ws.dispose();
  return code ?? 0;
}

interface Recording {
  labId: string;
  recordedAt: string;
  node: string;
  heapLimitMb: number;
  samples: Array<{ t: number; rss: number; heapUsed: number; external: number; gauges: Record<string, number> }>;
  markers: Array<{ t: number; kind: 'scenario' | 'restart'; label: string }>;
}

async function cmdRecord(args: ReturnType<typeof parseArgs>): Promise<number> {
  const [, id, scenarioArg] = args.positional;
  const out = args.flags.get('--out');
  if (!id || !scenarioArg || typeof out !== 'string')
    throw new UsageError('record needs <lab> <scenario>[,<scenario>…] --out <file>');
  const lab = loadLab(id);
  // several scenarios (comma-separated) run one after another in the same service, e.g. staging,production
  const scenarios = scenarioArg.split(',').map((scenarioId) => {
    const found = lab.manifest.scenarios.find((s) => s.id === scenarioId);
    if (!found)
      throw new LabError(
        `lab ${id} has no scenario "${scenarioId}" (scenarios: ${lab.manifest.scenarios.map((s) => s.id).join(', ')})`,
      );
    return found;
  });
  let current = 0;
  const startScenario = () =>
    sup.child.stdin!.write(JSON.stringify({ cmd: 'scenario', id: scenarios[current].id }) + '\n');
  const ws = await createWorkspace({ labId: id, base: args.flags.has('--solution') ? 'solution' : 'starter' });
  const rec: Recording = {
    labId: id,
    recordedAt: new Date().toISOString(),
    node: process.version,
    heapLimitMb: lab.manifest.heapLimitMb,
    samples: [],
    markers: [],
  };
  // time on the recording's axis is continuous across restarts (each host counts from its own start)
  let offset = 0;
  let lastT = 0;
  let failure: string | null = null;
  // after a crash the recording waits for the restart, so the figure shows the restart marker
  let restarting = false;
  let finishing = false;
  const finish = () => {
    finishing = true;
    setTimeout(() => {
      if (!restarting) sup.child.stdin!.end();
    }, 1500);
  };
  const sup = spawnSupervisor(ws.dir, {
    onOutput: (line) => process.stderr.write(line + '\n'),
    onEvent: (ev: LabEvent) => {
      if (ev.type === 'metrics') {
        lastT = offset + ev.t;
        rec.samples.push({ t: lastT, rss: ev.rss, heapUsed: ev.heapUsed, external: ev.external, gauges: ev.gauges });
      } else if (ev.type === 'ready') {
        if (ev.restarts > 0) {
          offset = lastT;
          rec.markers.push({ t: lastT, kind: 'restart', label: `restart ${ev.restarts}` });
          restarting = false;
          if (finishing) finish();
        } else {
          // a short idle baseline before the scenario starts
          setTimeout(startScenario, 1000);
        }
      } else if (ev.type === 'scenario') {
        if (ev.phase === 'start') rec.markers.push({ t: lastT, kind: 'scenario', label: scenarios[current].label });
        if (ev.phase === 'end' || ev.phase === 'error') {
          if (ev.phase === 'error') failure = ev.message;
          // a short tail after each scenario shows whether memory comes back down
          if (ev.phase === 'end' && ++current < scenarios.length) setTimeout(startScenario, 1500);
          else finish();
        }
        process.stderr.write(`[scenario] ${ev.phase}: ${ev.message}\n`);
      } else if (ev.type === 'exit' && ev.reason !== 'stopped') {
        restarting = ev.restartInMs !== null;
        if (!restarting && finishing) finish();
        process.stderr.write(`[exit] ${ev.reason}: ${ev.message}\n`);
      } else if (ev.type === 'error') {
        process.stderr.write(`[error] ${ev.message}\n`);
      }
    },
  });
  process.on('SIGINT', () => sup.child.stdin!.end());
  await sup.exited;
  ws.dispose();
  if (rec.samples.length === 0) throw new LabError('no metrics were recorded (did the service start?)');
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(rec) + '\n');
  process.stderr.write(
    `wrote ${out}: ${rec.samples.length} samples, ${rec.markers.length} markers${failure ? ` (scenario error: ${failure})` : ''}\n`,
  );
  return 0;
}

async function cmdRecordProfiles(args: ReturnType<typeof parseArgs>): Promise<number> {
  const [, labId, scenarioId] = args.positional;
  if (!labId || !scenarioId) throw new UsageError('record-profiles needs <go-lab> <scenario>');
  const out = args.flags.get('--out');
  const rec = await recordProfiles({
    labId,
    scenarioId,
    solution: args.flags.has('--solution'),
    outDir: typeof out === 'string' ? out : undefined,
    duringMs: typeof args.flags.get('--during') === 'string' ? Number(args.flags.get('--during')) : undefined,
    log: (line) => process.stderr.write(line + '\n'),
  });
  process.stderr.write(
    `wrote ${rec.profiles.length} profiles (${rec.goVersion}): ${rec.profiles.map((p) => p.file).join(', ')}\n`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  switch (args.positional[0]) {
    case 'list':
      for (const id of listLabIds()) {
        try {
          const { manifest } = loadLab(id);
          process.stdout.write(
            `${id.padEnd(18)} ${manifest.title}  (chapter ${manifest.chapter}; tasks: ${manifest.tasks.map((t) => t.id).join(', ')})\n`,
          );
        } catch (err) {
          process.stdout.write(`${id.padEnd(18)} (invalid) ${(err as Error).message.split('\n')[0]}\n`);
        }
      }
      return 0;
    case 'check':
      return cmdCheck(args);
    case 'run':
      return cmdRun(args);
    case 'record':
      return cmdRecord(args);
    case 'record-profiles':
      return cmdRecordProfiles(args);
    default:
      throw new UsageError(args.positional[0] ? `unknown command "${args.positional[0]}"` : 'no command given');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) process.stderr.write(`lab: ${err.message}\n${USAGE}\n`);
    else if (err instanceof LabError) process.stderr.write(`lab: ${err.message}\n`);
    else process.stderr.write(`lab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
