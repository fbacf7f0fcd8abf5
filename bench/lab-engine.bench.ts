// Lab engine speed, as a reader feels it:
//   1. JavaScript a chapter page ships before "Start lab" (gzip), target ≤ 30 KB;
//   2. time from "Start lab" to the lab's service answering on the local runner, target median ≤ 1 s;
//   3. a full Check of each lab's starter and reference solution, target median ≤ 5 s.
// Go labs are timed by go-labs.bench.ts (their start includes a build). Needs a built site (npm run
// build). Runs are sequential so two cores do not skew one another.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startRunner, timeCheck, timeToReady } from './lab-timing.ts';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const RUNS = Number(process.env.BENCH_RUNS) || 5;
const CHECK_RUNS = Number(process.env.BENCH_CHECK_RUNS) || 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

// ---- 1. JS before Start: the page's module scripts and everything they import statically ---------
function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*${}\s,]+from\s*)?["']([^"']+\.js)["']/g;
  for (let m; (m = re.exec(code));) out.push(m[1]);
  return out;
}

function pageJs(htmlFile: string): { files: number; gzip: number } {
  const html = readFileSync(htmlFile, 'utf8');
  const seen = new Set<string>();
  let gzip = 0;
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    gzip += gzipSync(code).length;
    for (const spec of staticImports(code))
      visit(spec.startsWith('/') ? join(dist, spec) : resolve(dirname(file), spec));
  };
  for (const m of html.matchAll(/<script\b[^>]*type="module"[^>]*src="([^"]+)"/g)) visit(join(dist, m[1]));
  for (const m of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    gzip += gzipSync(m[1]).length;
    for (const spec of staticImports(m[1])) visit(spec.startsWith('/') ? join(dist, spec) : join(dist, spec));
  }
  return { files: seen.size, gzip };
}

if (!existsSync(join(dist, 'index.html'))) {
  console.error('No built site: run `npm run build` first.');
  process.exit(1);
}
const isGoLab = (lab: string) =>
  (JSON.parse(readFileSync(join(root, 'labs', lab, 'lab.json'), 'utf8')) as { language?: string }).language === 'go';
const labs = readdirSync(join(root, 'labs'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'labs', d.name, 'lab.json')))
  .map((d) => d.name)
  .filter((lab) => !isGoLab(lab));

console.log('\nJavaScript before "Start lab" (gzip; target ≤ 30 KB)');
const chaptersDir = join(dist, 'chapters');
let worst = 0;
for (const slug of readdirSync(chaptersDir)) {
  const { files, gzip } = pageJs(join(chaptersDir, slug, 'index.html'));
  worst = Math.max(worst, gzip);
  console.log(
    `  /chapters/${slug}/`.padEnd(34) +
      `${kb(gzip).padStart(9)}  (${files} files)  ${gzip <= 30 * 1024 ? 'ok' : 'OVER TARGET'}`,
  );
}

console.log(`\nStart lab → service ready on the local runner (median of ${RUNS}; target ≤ 1 s)`);
const runner = await startRunner();
try {
  for (const lab of labs) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeToReady(runner, lab));
    const m = median(times);
    console.log(
      `  ${lab.padEnd(20)} median ${m.toFixed(0).padStart(5)} ms   min ${Math.min(...times).toFixed(0)} ms   ${m <= 1000 ? 'ok' : 'OVER TARGET'}`,
    );
  }
} finally {
  runner.stop();
}

console.log(`\nFull Check (median of ${CHECK_RUNS}, starter and solution; target ≤ 5 s)`);
for (const lab of labs) {
  const target = 5000;
  for (const base of ['starter', 'solution'] as const) {
    const runs: Array<{ ms: number; passed: boolean }> = [];
    for (let i = 0; i < CHECK_RUNS; i++) runs.push(await timeCheck(lab, base));
    const m = median(runs.map((r) => r.ms));
    // the starter must fail its Check, the solution must pass it
    const verdictOk = runs.every((r) => r.passed === (base === 'solution'));
    const verdict = verdictOk ? '' : base === 'solution' ? 'SOLUTION FAILED  ' : 'STARTER PASSED  ';
    console.log(
      `  ${lab.padEnd(20)} ${base.padEnd(8)} median ${(m / 1000).toFixed(1).padStart(5)} s   ${verdict}${m <= target ? 'ok' : 'over target'}`,
    );
  }
}
console.log(`\nworst chapter page: ${kb(worst)} gzip before Start`);
