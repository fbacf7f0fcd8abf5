// Lab engine speed, as a reader feels it:
//   1. JavaScript a chapter page ships before "Start lab" (gzip), target ≤ 30 KB;
//   2. time from "Start lab" to the lab's service answering on the local runner, target median ≤ 1 s;
//   3. a full Check of each lab's starter and reference solution, target median ≤ 5 s (Go labs ≤ 10 s).
// Needs a built site (npm run build). Runs are sequential so two cores do not skew one another.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

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

// ---- 2. Start lab -> service answering, through the runner's HTTP API ------------------------------
async function startRunner(): Promise<{ origin: string; token: string; stop(): void }> {
  const child = spawn(process.execPath, [join(root, 'server', 'start.ts'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) ok(m[1]);
    });
    child.on('exit', () => fail(new Error(`runner exited: ${out}`)));
  });
  const html = await (await fetch(`${origin}/chapters/toolkit/`)).text();
  const token = /name="leakbook-runner" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the runner did not inject its token into the page');
  return { origin, token, stop: () => child.kill('SIGTERM') };
}

async function timeToReady(runner: { origin: string; token: string }, labId: string): Promise<number> {
  const headers = {
    authorization: `Bearer ${runner.token}`,
    'content-type': 'application/json',
    origin: runner.origin,
  };
  const t0 = performance.now();
  const created = await fetch(`${runner.origin}/api/runs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ labId, files: {} }),
  });
  if (created.status !== 201) throw new Error(`start ${labId}: ${created.status} ${await created.text()}`);
  const { runId } = (await created.json()) as { runId: string };
  const events = await fetch(`${runner.origin}/api/runs/${runId}/events`, { headers });
  const reader = events.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let elapsed = -1;
  while (elapsed < 0) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${labId}: event stream ended before the service was ready`);
    buffered += decoder.decode(value, { stream: true });
    for (const line of buffered.split('\n').slice(0, -1)) {
      const ev = JSON.parse(line) as { type: string; message?: string };
      if (ev.type === 'ready') elapsed = performance.now() - t0;
      if (ev.type === 'error') throw new Error(`${labId}: ${ev.message}`);
    }
    buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
  }
  await reader.cancel();
  await fetch(`${runner.origin}/api/runs/${runId}`, { method: 'DELETE', headers });
  return elapsed;
}

// ---- 3. Full check of the starter and the solution ------------------------------------------------
function timeCheck(labId: string, base: 'starter' | 'solution'): Promise<{ ms: number; passed: boolean }> {
  const t0 = performance.now();
  const args = [
    join(root, 'server', 'lab-cli.ts'),
    'check',
    labId,
    '--json',
    ...(base === 'solution' ? ['--solution'] : []),
  ];
  return new Promise((ok) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('exit', (code) => ok({ ms: performance.now() - t0, passed: code === 0 }));
  });
}

if (!existsSync(join(dist, 'index.html'))) {
  console.error('No built site: run `npm run build` first.');
  process.exit(1);
}
const labs = readdirSync(join(root, 'labs'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'labs', d.name, 'lab.json')))
  .map((d) => d.name);

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

console.log(`\nFull Check (median of ${CHECK_RUNS}, starter and solution; target ≤ 5 s, Go labs ≤ 10 s)`);
for (const lab of labs) {
  const isGo =
    (JSON.parse(readFileSync(join(root, 'labs', lab, 'lab.json'), 'utf8')) as { language?: string }).language === 'go';
  const target = isGo ? 10_000 : 5000;
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
