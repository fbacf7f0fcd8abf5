// Child process: parse + summary + diff of two snapshots with Leakbook's analysis, then prints
// {ms, maxRssMb, ...} as JSON. Run alone so its peak RSS is its own.
import { createReadStream } from 'node:fs';
import { analyzeSnapshots } from '../../src/analysis/index.ts';

const [before, after] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: measure-leakbook.ts <before> <after>');
const started = performance.now();
const report = await analyzeSnapshots([
  createReadStream(before, { highWaterMark: 1 << 20 }),
  createReadStream(after, { highWaterMark: 1 << 20 }),
]);
const ms = performance.now() - started;
const diff = report.diffs[0]!;
const top = diff.rows[0]!;
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    nodes: report.snapshots[1]!.totals.nodeCount,
    classes: report.snapshots[1]!.classes.length,
    topGrowth: { name: top.name, deltaCount: top.deltaCount },
    orderDelta: diff.rows.find((r) => r.name === 'Order')?.deltaCount ?? 0,
    paths: diff.paths.reduce((n, c) => n + c.paths.length, 0),
  }),
);
