// Heap snapshot analysis vs memlab: parse + summary (retained sizes) + diff + sample retainer
// paths on two snapshots of a synthetic service, at ~50 MB and ~200 MB per snapshot.
// memlab is installed into a temp folder outside the repo (never a project dependency), and each
// tool runs in its own child process: time from performance.now(), peak RSS from
// process.resourceUsage().maxRSS. Snapshots are generated once per Node version and cached.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const work = process.env.LEAKBOOK_BENCH_DIR ?? join(tmpdir(), 'leakbook-bench');
const memlabPrefix = join(work, 'memlab');
// Records per snapshot, calibrated so the "after" snapshot is ~50 MB and ~200 MB on Node 22.
const SIZES = [
  { label: '~50 MB', records: 36_000 },
  { label: '~200 MB', records: 145_000 },
];

interface Measurement {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  nodes: number;
  orderDelta: number;
  paths: number;
}

function ensureMemlab(): void {
  if (existsSync(join(memlabPrefix, 'node_modules', '@memlab', 'core', 'package.json'))) return;
  console.log(`installing @memlab/core into ${memlabPrefix} (benchmark only) …`);
  mkdirSync(memlabPrefix, { recursive: true });
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', memlabPrefix, '@memlab/core'];
  // Serialise with other npm installs on this machine when flock is available.
  const useFlock = spawnSync('flock', ['--version']).status === 0;
  const result = spawnSync(useFlock ? 'flock' : 'npm', useFlock ? ['/tmp/npm.lock', 'npm', ...npmArgs] : npmArgs, {
    stdio: 'inherit',
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1', PUPPETEER_SKIP_CHROMIUM_DOWNLOAD: '1' },
  });
  if (result.status !== 0) throw new Error('could not install @memlab/core for the comparison');
}

async function snapshotsFor(records: number): Promise<{ before: string; after: string }> {
  const generator = join(here, 'heap', 'generate.ts');
  const key = createHash('sha256').update(readFileSync(generator)).update(process.version).digest('hex').slice(0, 10);
  const dir = join(work, 'snapshots', `${records}-${key}`);
  const before = join(dir, 'before.heapsnapshot');
  const after = join(dir, 'after.heapsnapshot');
  if (existsSync(after) && existsSync(join(dir, 'complete'))) return { before, after };
  mkdirSync(dir, { recursive: true });
  console.log(`generating snapshots with ${records.toLocaleString('en')} records …`);
  await run(process.execPath, ['--expose-gc', '--max-old-space-size=8192', generator, dir, String(records)], {
    maxBuffer: 1 << 20,
  });
  writeFileSync(join(dir, 'complete'), '');
  return { before, after };
}

async function measure(args: string[]): Promise<Measurement> {
  const { stdout } = await run(process.execPath, ['--max-old-space-size=16384', ...args], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

ensureMemlab();
const rows: string[][] = [];
for (const size of SIZES) {
  const { before, after } = await snapshotsFor(size.records);
  const files = `${mb(statSync(before).size)} + ${mb(statSync(after).size)}`;
  console.log(`\n${size.label}: ${files}`);
  const ours = await measure([join(here, 'heap', 'measure-leakbook.ts'), before, after]);
  console.log(`  leakbook: ${sec(ours.ms)} (cpu ${sec(ours.cpuMs)}), peak RSS ${ours.maxRssMb.toFixed(0)} MB`);
  const theirs = await measure([join(here, 'heap', 'measure-memlab.mjs'), memlabPrefix, before, after]);
  console.log(`  memlab:   ${sec(theirs.ms)} (cpu ${sec(theirs.cpuMs)}), peak RSS ${theirs.maxRssMb.toFixed(0)} MB`);
  console.log(`  both count the change in Order objects: leakbook ${ours.orderDelta}, memlab ${theirs.orderDelta}`);
  if (ours.orderDelta !== theirs.orderDelta) {
    console.error(
      `  results differ: leakbook counts ${ours.orderDelta} new Order objects, memlab ${theirs.orderDelta}`,
    );
    process.exitCode = 1;
  }
  rows.push([
    size.label,
    files,
    `${ours.nodes.toLocaleString('en')}`,
    `${sec(ours.ms)} (CPU ${sec(ours.cpuMs)})`,
    `${sec(theirs.ms)} (CPU ${sec(theirs.cpuMs)})`,
    `${(theirs.ms / ours.ms).toFixed(1)}× / ${(theirs.cpuMs / ours.cpuMs).toFixed(1)}×`,
    `${ours.maxRssMb.toFixed(0)} MB`,
    `${theirs.maxRssMb.toFixed(0)} MB`,
    `${(ours.maxRssMb / theirs.maxRssMb).toFixed(2)}`,
  ]);
}

const header = [
  'snapshots',
  'files (before + after)',
  'nodes (after)',
  'leakbook time',
  'memlab time',
  'speed-up (wall / CPU)',
  'leakbook peak RSS',
  'memlab peak RSS',
  'memory ratio',
];
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nNode ${process.version}; targets: speed-up ≥ 2×, memory ratio ≤ 0.50.`);
