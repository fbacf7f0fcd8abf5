// Go lab speed, as a reader feels it on the local runner:
//   1. "Start lab" → service ready, with a cold build cache (an empty GOCACHE: the standard library, Gin
//      and excelize compiled from source; modules come from the module cache, as after install) and with
//      a warm one (the lab's package compiled and linked); target median ≤ 3 s warm;
//   2. a full Check of each Go lab's starter and solution through the CLI, target median ≤ 10 s.
// Needs a built site (npm run build) and Go on PATH. Runs are sequential so two cores do not skew one
// another. BENCH_GO_COLD_RUNS (default 1: a cold build takes minutes), BENCH_RUNS, BENCH_CHECK_RUNS.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRunner, timeCheck, timeToReady } from './lab-timing.ts';

const root = resolve(import.meta.dirname, '..');
const COLD_RUNS = Number(process.env.BENCH_GO_COLD_RUNS) || 1;
const RUNS = Number(process.env.BENCH_RUNS) || 5;
const CHECK_RUNS = Number(process.env.BENCH_CHECK_RUNS) || 3;
const START_TARGET_MS = 3000;
const CHECK_TARGET_MS = 10_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1).padStart(5)} s`;

let go: string;
try {
  go = execFileSync('go', ['env', 'GOVERSION'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  }).trim();
} catch {
  console.log('skipped: the Go lab benchmark needs the go command on PATH');
  process.exit(0);
}
if (!existsSync(join(root, 'dist', 'index.html'))) {
  console.error('No built site: run `npm run build` first.');
  process.exit(1);
}
const labs = readdirSync(join(root, 'labs'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'labs', d.name, 'lab.json')))
  .map((d) => d.name)
  .filter(
    (lab) =>
      (JSON.parse(readFileSync(join(root, 'labs', lab, 'lab.json'), 'utf8')) as { language?: string }).language ===
      'go',
  );
console.log(`${go}, ${labs.length} Go labs`);

console.log(`\nStart lab → service ready, cold build cache (an empty GOCACHE, ${COLD_RUNS} run(s) per lab)`);
for (const lab of labs) {
  const times: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'leakbook-bench-gocache-'));
    const runner = await startRunner({ GOCACHE: cache });
    try {
      times.push(await timeToReady(runner, lab));
    } finally {
      runner.stop();
      rmSync(cache, { recursive: true, force: true });
    }
  }
  console.log(`  ${lab.padEnd(20)} median ${seconds(median(times))}   min ${seconds(Math.min(...times))}`);
}

console.log(`\nStart lab → service ready, warm build cache (median of ${RUNS}; target ≤ ${START_TARGET_MS / 1000} s)`);
const runner = await startRunner();
try {
  for (const lab of labs) {
    await timeToReady(runner, lab); // fills the cache with this lab's packages, as its first start did
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeToReady(runner, lab));
    const m = median(times);
    console.log(
      `  ${lab.padEnd(20)} median ${seconds(m)}   min ${seconds(Math.min(...times))}   ${m <= START_TARGET_MS ? 'ok' : 'OVER TARGET'}`,
    );
  }
} finally {
  runner.stop();
}

console.log(`\nFull Check (median of ${CHECK_RUNS}, starter and solution; target ≤ ${CHECK_TARGET_MS / 1000} s)`);
for (const lab of labs) {
  for (const base of ['starter', 'solution'] as const) {
    const runs: Array<{ ms: number; passed: boolean }> = [];
    for (let i = 0; i < CHECK_RUNS; i++) runs.push(await timeCheck(lab, base));
    const m = median(runs.map((r) => r.ms));
    // the starter must fail its Check, the solution must pass it
    const verdictOk = runs.every((r) => r.passed === (base === 'solution'));
    const verdict = verdictOk ? '' : base === 'solution' ? 'SOLUTION FAILED  ' : 'STARTER PASSED  ';
    console.log(
      `  ${lab.padEnd(20)} ${base.padEnd(8)} median ${seconds(m)}   ${verdict}${m <= CHECK_TARGET_MS ? 'ok' : 'OVER TARGET'}`,
    );
  }
}
